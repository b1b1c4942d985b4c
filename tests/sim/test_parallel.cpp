// Tests of sim/core/parallel.hpp: fixed-block parallel loops and per-worker
// integer reductions that give the same totals for any thread count.
#include "sim/core/parallel.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <set>
#include <span>
#include <thread>
#include <vector>

namespace pledgesim::sim {
namespace {

TEST(Parallel, BlockCount) {
  EXPECT_EQ(block_count(0, 10), 0u);
  EXPECT_EQ(block_count(1, 10), 1u);
  EXPECT_EQ(block_count(10, 10), 1u);
  EXPECT_EQ(block_count(11, 10), 2u);
  EXPECT_EQ(block_count(100003, 1000), 101u);
}

// Runs for_each_block and checks each index is visited exactly once and
// each block has the boundaries fixed by (n, block_size) alone.
void check_blocks(std::size_t n, std::size_t block_size) {
  const std::size_t blocks = block_count(n, block_size);
  std::vector<std::atomic<int>> visits(n);
  std::vector<std::atomic<int>> block_calls(blocks);
  std::vector<std::size_t> begins(blocks), ends(blocks);
  std::atomic<int> bad_block{0};
  for_each_block(n, block_size, [&](std::size_t b, std::size_t begin, std::size_t end) {
    if (b >= blocks) {
      ++bad_block;
      return;
    }
    ++block_calls[b];
    begins[b] = begin;
    ends[b] = end;
    for (std::size_t i = begin; i < end; ++i) ++visits[i];
  });
  EXPECT_EQ(bad_block.load(), 0);
  for (std::size_t b = 0; b < blocks; ++b) {
    ASSERT_EQ(block_calls[b].load(), 1) << "block " << b;
    EXPECT_EQ(begins[b], b * block_size) << "block " << b;
    EXPECT_EQ(ends[b], std::min(n, (b + 1) * block_size)) << "block " << b;
  }
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(visits[i].load(), 1) << "index " << i;
}

TEST(Parallel, ForEachBlockCoversEveryIndexOnceWithFixedBoundaries) {
  for (std::size_t threads : {1u, 2u, 4u}) {
    ThreadLimit limit(threads);
    check_blocks(100003, 1000);  // a partial last block
    check_blocks(64000, 1000);   // whole blocks only
    check_blocks(5, 1000);       // fewer items than one block
    check_blocks(1, 1);
    check_blocks(30000, kDefaultBlockSize);
  }
}

TEST(Parallel, ForEachBlockWithNothingToDoCallsNothing) {
  int calls = 0;
  for_each_block(0, 100, [&](std::size_t, std::size_t, std::size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(Parallel, ForEachIndexCoversEveryIndexOnce) {
  constexpr std::size_t kN = 50001;
  std::vector<std::atomic<int>> visits(kN);
  for_each_index(kN, [&](std::size_t i) { ++visits[i]; });
  for (std::size_t i = 0; i < kN; ++i) ASSERT_EQ(visits[i].load(), 1) << i;
}

TEST(Parallel, ThreadLimitOfOneUsesOneThread) {
  ThreadLimit limit(1);
  EXPECT_EQ(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism), 1u);
  std::mutex m;
  std::set<std::thread::id> ids;
  for_each_block(1000000, 1000, [&](std::size_t, std::size_t, std::size_t) {
    std::lock_guard lock(m);
    ids.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(ids.size(), 1u);
}

// WorkerSums: integer sums from many blocks, one row per worker. Whichever
// worker runs a block, the totals equal the serial sums exactly, for any
// thread count, and reset() clears them.
TEST(Parallel, WorkerSumsEqualSerialSumsForAnyThreadCount) {
  constexpr std::size_t kN = 300007, kBlock = 512, kWidth = 7;
  std::vector<std::int64_t> value(kN);
  std::uint64_t state = 12345;
  for (auto& x : value) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    x = static_cast<std::int64_t>(state >> 20) - (std::int64_t{1} << 43);
  }
  std::vector<std::int64_t> reference(kWidth, 0);
  for (std::size_t i = 0; i < kN; ++i) reference[i % kWidth] += value[i] * (i % 3 == 0 ? -1 : 1);

  WorkerSums<std::int64_t> sums;
  for (std::size_t threads : {1u, 2u, 4u, 8u}) {
    ThreadLimit limit(threads);
    for (int repeat = 0; repeat < 2; ++repeat) {
      sums.reset(kWidth);
      ASSERT_EQ(sums.width(), kWidth);
      for_each_block(kN, kBlock, [&](std::size_t, std::size_t begin, std::size_t end) {
        const auto row = sums.row();
        for (std::size_t i = begin; i < end; ++i)
          row[i % kWidth] += value[i] * (i % 3 == 0 ? -1 : 1);
      });
      std::vector<std::int64_t> out(kWidth, 99);  // sum_into overwrites
      sums.sum_into(out);
      EXPECT_EQ(out, reference) << threads << " threads, repeat " << repeat;
    }
  }
  sums.reset(3);
  std::vector<std::int64_t> cleared(3, 5);
  sums.sum_into(cleared);
  EXPECT_EQ(cleared, (std::vector<std::int64_t>{0, 0, 0}));
}

}  // namespace
}  // namespace pledgesim::sim
