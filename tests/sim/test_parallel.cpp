// Tests of sim/core/parallel.hpp: fixed-block parallel loops and
// block-ordered reductions that give the same bits for any thread count.
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

// Values spanning 30 orders of magnitude with both signs: summing them in a
// different order (or grouping) changes the rounded result.
std::vector<double> awkward_values(std::size_t n) {
  std::vector<double> v(n);
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (std::size_t i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;     // LCG, fixed
    const double mantissa = static_cast<double>(state >> 11) * 0x1p-53;  // [0, 1)
    const int exponent = static_cast<int>((state >> 3) % 31) - 15;       // 1e-15 .. 1e15
    v[i] = (i % 2 ? -1.0 : 1.0) * (0.5 + mantissa) * std::pow(10.0, exponent);
  }
  return v;
}

// Sum of v in fixed blocks, three accumulators per block (sum, sum of
// squares, sum of cubes), combined in block order by BlockPartials.
std::vector<double> block_sums(const std::vector<double>& v, std::size_t block_size) {
  const std::size_t blocks = block_count(v.size(), block_size);
  BlockPartials<double> partials(blocks, 3);
  for_each_block(v.size(), block_size, [&](std::size_t b, std::size_t begin, std::size_t end) {
    auto row = partials.row(b);
    for (std::size_t i = begin; i < end; ++i) {
      row[0] += v[i];
      row[1] += v[i] * v[i];
      row[2] += v[i] * v[i] * v[i];
    }
  });
  std::vector<double> out(3, -1.0);  // sum_into must overwrite, not add
  partials.sum_into(out);
  return out;
}

std::vector<std::uint64_t> bits(const std::vector<double>& v) {
  std::vector<std::uint64_t> b;
  for (double x : v) b.push_back(std::bit_cast<std::uint64_t>(x));
  return b;
}

TEST(Parallel, BlockPartialsGiveIdenticalBitsForAnyThreadCount) {
  const std::vector<double> v = awkward_values(200003);
  constexpr std::size_t kBlock = 1024;

  // The data are order-sensitive: a plain left-to-right sum, a reversed sum
  // and the block-ordered sum all differ, so agreement below is not luck.
  double forward = 0, backward = 0;
  for (double x : v) forward += x;
  for (auto it = v.rbegin(); it != v.rend(); ++it) backward += *it;
  ASSERT_NE(std::bit_cast<std::uint64_t>(forward), std::bit_cast<std::uint64_t>(backward));

  // Serial reference with the same grouping.
  std::vector<double> reference(3, 0.0);
  for (std::size_t begin = 0; begin < v.size(); begin += kBlock) {
    double row[3] = {0, 0, 0};
    for (std::size_t i = begin; i < std::min(v.size(), begin + kBlock); ++i) {
      row[0] += v[i];
      row[1] += v[i] * v[i];
      row[2] += v[i] * v[i] * v[i];
    }
    for (int j = 0; j < 3; ++j) reference[j] += row[j];
  }
  const bool grouping_matters =
      bits({forward}) != bits({reference[0]}) || bits({backward}) != bits({reference[0]});
  ASSERT_TRUE(grouping_matters);

  for (std::size_t threads : {1u, 2u, 4u}) {
    ThreadLimit limit(threads);
    for (int repeat = 0; repeat < 3; ++repeat) {
      EXPECT_EQ(bits(block_sums(v, kBlock)), bits(reference))
          << threads << " threads, repeat " << repeat;
    }
  }
}

TEST(Parallel, BlockPartialsSumInBlockOrder) {
  // Three blocks whose order of addition decides the result:
  // (1e16 + 1) + (-1e16) = 0 in doubles, but (1e16 + -1e16) + 1 = 1.
  BlockPartials<double> p(3, 1);
  p.row(0)[0] = 1e16;
  p.row(1)[0] = 1.0;
  p.row(2)[0] = -1e16;
  double out = 42;
  p.sum_into(std::span<double>(&out, 1));
  EXPECT_EQ(out, 0.0);  // ((1e16 + 1) - 1e16), 1e16 + 1 rounds to 1e16
  BlockPartials<double> q(3, 1);
  q.row(0)[0] = 1e16;
  q.row(1)[0] = -1e16;
  q.row(2)[0] = 1.0;
  q.sum_into(std::span<double>(&out, 1));
  EXPECT_EQ(out, 1.0);
}

TEST(Parallel, BlockPartialsResetClearsAndResizes) {
  BlockPartials<std::int64_t> p(2, 2);
  EXPECT_EQ(p.width(), 2u);
  p.row(0)[0] = 5;
  p.row(1)[1] = 7;
  std::vector<std::int64_t> out(2);
  p.sum_into(out);
  EXPECT_EQ(out, (std::vector<std::int64_t>{5, 7}));
  p.reset(4, 3);
  EXPECT_EQ(p.width(), 3u);
  std::vector<std::int64_t> out3(3, 99);
  p.sum_into(out3);
  EXPECT_EQ(out3, (std::vector<std::int64_t>{0, 0, 0}));
  for (std::size_t b = 0; b < 4; ++b) {
    ASSERT_EQ(p.row(b).size(), 3u);
    for (std::size_t j = 0; j < 3; ++j) p.row(b)[j] = static_cast<std::int64_t>(10 * b + j);
  }
  p.sum_into(out3);
  EXPECT_EQ(out3, (std::vector<std::int64_t>{60, 64, 68}));
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
