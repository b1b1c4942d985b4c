// Deterministic parallel loops on oneTBB.
//
// Work is cut into fixed blocks whose boundaries depend only on the problem
// size, never on the thread count, so what is kept per block (lists, events)
// comes out in the same order with 1, 2 or 16 threads; integer sums are kept
// per worker (WorkerSums), as their order does not matter.
//
// With PLEDGESIM_STD_THREADS defined (the `tsan` preset) the same loops run on
// plain std::threads joined at the end of each loop instead of oneTBB:
// Debian's oneTBB is not built with ThreadSanitizer, which then cannot see
// that the end of a parallel_for orders its work before what follows, while
// thread creation and join are visible to it. Results are the same either
// way; only the scheduling differs.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <span>
#include <thread>
#include <type_traits>
#include <vector>

namespace pledgesim::sim {

inline constexpr std::size_t kDefaultBlockSize = 8192;

inline std::size_t block_count(std::size_t n, std::size_t block_size) {
  return (n + block_size - 1) / block_size;
}

#ifdef PLEDGESIM_STD_THREADS
namespace detail {
inline std::atomic<std::size_t>& std_thread_limit() {
  static std::atomic<std::size_t> limit{0};  // 0: hardware concurrency
  return limit;
}
// The calling thread's worker slot inside std_thread_loop (0 outside).
inline thread_local std::size_t std_thread_slot = 0;
// Calls f(i) for i in [0, n) on up to the thread limit of std::threads, each
// taking the next index from a shared counter; all joined before returning.
template <class F>
void std_thread_loop(std::size_t n, F&& f) {
  std::size_t threads = std_thread_limit().load();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, n);
  std::atomic<std::size_t> next{0};
  auto work = [&](std::size_t slot) {
    std_thread_slot = slot;
    for (std::size_t i = next++; i < n; i = next++) f(i);
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
}
}  // namespace detail
#endif

// Worker threads a parallel loop may use now (ThreadLimit sets it).
inline std::size_t max_concurrency() {
#ifdef PLEDGESIM_STD_THREADS
  if (const std::size_t limit = detail::std_thread_limit().load(); limit > 0) return limit;
  return std::max(1u, std::thread::hardware_concurrency());
#else
  return static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
#endif
}

// Slots for per-worker data: every thread that runs a parallel loop's body
// has an index below this (worker_slot()), and runs one body at a time.
inline std::size_t worker_slots() {
#ifdef PLEDGESIM_STD_THREADS
  return std::max<std::size_t>(max_concurrency(), std::thread::hardware_concurrency());
#else
  return static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
#endif
}
inline std::size_t worker_slot() {
#ifdef PLEDGESIM_STD_THREADS
  return detail::std_thread_slot;
#else
  const int slot = tbb::this_task_arena::current_thread_index();
  return slot < 0 ? 0 : static_cast<std::size_t>(slot);
#endif
}

// Calls f(i) for each i in [0, n), in parallel; f must write only slot i.
template <class F>
void for_each_index(std::size_t n, F&& f) {
#ifdef PLEDGESIM_STD_THREADS
  detail::std_thread_loop(n, f);
#else
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) { f(i); });
#endif
}

// Calls f(block, begin, end) for each fixed block of [0, n), in parallel.
template <class F>
void for_each_block(std::size_t n, std::size_t block_size, F&& f) {
  const std::size_t blocks = block_count(n, block_size);
#ifdef PLEDGESIM_STD_THREADS
  detail::std_thread_loop(
      blocks, [&](std::size_t b) { f(b, b * block_size, std::min(n, (b + 1) * block_size)); });
#else
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, blocks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t b = r.begin(); b != r.end(); ++b)
          f(b, b * block_size, std::min(n, (b + 1) * block_size));
      },
      tbb::simple_partitioner{});
#endif
}

// One row of `width` integer accumulators per worker thread, for sums whose
// value must not depend on the threads: integer addition is associative, so
// however blocks fall to workers the totals are the same, and a row per
// worker (not per block) keeps the memory to clear and sum small when there
// are thousands of blocks.
template <class T>
class WorkerSums {
  static_assert(std::is_integral_v<T>, "only integer sums are independent of the order");

 public:
  void reset(std::size_t width) {
    rows_ = worker_slots();
    width_ = width;
    data_.assign(rows_ * width, T{});
  }
  // The calling worker's row (inside a parallel loop, or the caller's outside).
  std::span<T> row() { return {data_.data() + worker_slot() * width_, width_}; }
  std::size_t width() const { return width_; }
  void sum_into(std::span<T> out) const {
    std::fill(out.begin(), out.end(), T{});
    for (std::size_t r = 0; r < rows_; ++r) {
      const T* row = data_.data() + r * width_;
      for (std::size_t j = 0; j < width_; ++j) out[j] += row[j];
    }
  }

 private:
  std::size_t rows_ = 0, width_ = 0;
  std::vector<T> data_;
};

// Limits oneTBB to `threads` workers for the lifetime of the object
// (0 = oneTBB's default, all cores).
class ThreadLimit {
 public:
  explicit ThreadLimit(std::size_t threads)
      : control_(tbb::global_control::max_allowed_parallelism,
                 threads == 0 ? tbb::this_task_arena::max_concurrency() : threads) {
#ifdef PLEDGESIM_STD_THREADS
    previous_ = detail::std_thread_limit().exchange(threads);
#endif
  }
#ifdef PLEDGESIM_STD_THREADS
  ~ThreadLimit() {
    detail::std_thread_limit().store(previous_);
  }
  ThreadLimit(const ThreadLimit&) = delete;
  ThreadLimit& operator=(const ThreadLimit&) = delete;
#endif

 private:
  tbb::global_control control_;
#ifdef PLEDGESIM_STD_THREADS
  std::size_t previous_ = 0;
#endif
};

}  // namespace pledgesim::sim
