// Deterministic parallel loops on oneTBB.
//
// Work is cut into fixed blocks whose boundaries depend only on the problem
// size, never on the thread count. Per-block partial results are combined in
// block order, so even floating-point reductions give the same bits with 1,
// 2 or 16 threads.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace pledgesim::sim {

inline constexpr std::size_t kDefaultBlockSize = 8192;

inline std::size_t block_count(std::size_t n, std::size_t block_size) {
  return (n + block_size - 1) / block_size;
}

// Calls f(block, begin, end) for each fixed block of [0, n), in parallel.
template <class F>
void for_each_block(std::size_t n, std::size_t block_size, F&& f) {
  const std::size_t blocks = block_count(n, block_size);
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, blocks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t b = r.begin(); b != r.end(); ++b)
          f(b, b * block_size, std::min(n, (b + 1) * block_size));
      },
      tbb::simple_partitioner{});
}

// Calls f(i) for each i in [0, n), in parallel; f must write only slot i.
template <class F>
void for_each_index(std::size_t n, F&& f) {
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) { f(i); });
}

// One row of `width` accumulators per block; rows are summed in block order.
template <class T>
class BlockPartials {
 public:
  BlockPartials() = default;
  BlockPartials(std::size_t blocks, std::size_t width) { reset(blocks, width); }

  void reset(std::size_t blocks, std::size_t width) {
    blocks_ = blocks;
    width_ = width;
    data_.assign(blocks * width, T{});
  }
  std::span<T> row(std::size_t block) { return {data_.data() + block * width_, width_}; }
  std::size_t width() const { return width_; }

  // out[j] = sum over blocks, in block order, of row(b)[j].
  void sum_into(std::span<T> out) const {
    std::fill(out.begin(), out.end(), T{});
    for (std::size_t b = 0; b < blocks_; ++b) {
      const T* r = data_.data() + b * width_;
      for (std::size_t j = 0; j < width_; ++j) out[j] += r[j];
    }
  }

 private:
  std::size_t blocks_ = 0;
  std::size_t width_ = 0;
  std::vector<T> data_;
};

// Limits oneTBB to `threads` workers for the lifetime of the object
// (0 = oneTBB's default, all cores).
class ThreadLimit {
 public:
  explicit ThreadLimit(std::size_t threads)
      : control_(tbb::global_control::max_allowed_parallelism,
                 threads == 0 ? tbb::this_task_arena::max_concurrency() : threads) {}

 private:
  tbb::global_control control_;
};

}  // namespace pledgesim::sim
