// Counter-based random numbers (Random123 Philox4x64-10).
//
// There is no generator state to share: every number is a pure function of
// (seed, purpose, step, agent id, draw index). Any thread can draw any
// agent's numbers in any order and get the same values, which is what makes
// runs bitwise identical for every thread count and after a resume.
#pragma once

#include <Random123/philox.h>

#include <bit>
#include <cmath>
#include <cstdint>

namespace pledgesim::sim {

__extension__ using uint128 = unsigned __int128;  // GCC/Clang builtin, fine under -Wpedantic

// Uniform in (0, 1]: bit for bit r123::u01<double>(w), that is
// double(w) * 2^-64 + 2^-65, but without a branch. Without -march (no
// AVX-512 vcvtusi2sd) compilers convert an unsigned 64-bit integer with a
// test of its sign bit, which mispredicts half the time on random words.
// Instead each 32-bit half h, l of w goes into the mantissa of a double:
//   hi = 2^20 + h * 2^-32,  lo = 2^-12 + l * 2^-64   (exact by construction).
// hi - (2^20 + 2^-12) = h * 2^-32 - 2^-12 is a multiple of 2^-32 below 1 in
// magnitude, so representable and computed exactly; adding lo gives the real
// w * 2^-64 with the only rounding. r123::u01 rounds w once and scales by
// 2^-64, exactly (no underflow: the smallest nonzero value is 2^-64), and a
// power-of-two scaling commutes with rounding: the same double. The final
// + 2^-65 is the same operation on the same operands. This holds in every
// rounding mode, and FMA contraction cannot change either version (here there
// is no product; in r123::u01 the product is exact).
constexpr double u01(std::uint64_t w) {
  const double hi = std::bit_cast<double>((w >> 32) | 0x4130000000000000ULL);            // 2^20
  const double lo = std::bit_cast<double>((w & 0xffffffffULL) | 0x3f30000000000000ULL);  // 2^-12
  return ((hi - 0x1.00000001p20) + lo) + 0x1p-65;
}

class RandomStreams {
 public:
  using Philox = r123::Philox4x64;

  // `purpose` separates the streams of different decisions (exit, search,
  // offers, ...) so that adding a draw for one never shifts another.
  RandomStreams(std::uint64_t seed, std::uint64_t purpose) : key_{{seed, purpose}} {}

  // Four independent 64-bit words for counter (step, agent, block).
  Philox::ctr_type words(std::uint64_t step, std::uint64_t agent, std::uint64_t block) const {
    return Philox{}(Philox::ctr_type{{step, agent, block, 0}}, key_);
  }

 private:
  Philox::key_type key_;
};

// The draws of one agent in one step for one purpose: draw k is lane k % 4
// of counter block k / 4. Cheap to construct on the stack in a hot loop.
class AgentDraws {
 public:
  AgentDraws(const RandomStreams& streams, std::uint64_t step, std::uint64_t agent)
      : streams_(&streams), step_(step), agent_(agent) {}

  // Uniform in (0, 1]: never 0, so log(u) is always finite.
  double uniform() { return u01(next_word()); }
  // Uniform in (0, 1) shifted away from 1 as well, for -log(-log(u)).
  double open_uniform() {
    const double u = uniform();
    return u < 1.0 ? u : 0x1.fffffffffffffp-1;
  }
  bool bernoulli(double p) { return uniform() <= p; }
  // Standard Gumbel variate, the noise term of a multinomial logit choice.
  double gumbel() { return -std::log(-std::log(open_uniform())); }
  double exponential(double mean) { return -mean * std::log(uniform()); }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift, bias < 2^-64 * n).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<uint128>(next_word()) * n) >> 64);
  }
  // Standard normal by Box-Muller; uses two draws.
  double normal() {
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    return r * std::cos(6.283185307179586 * uniform());
  }

  std::uint64_t draws_used() const { return index_; }

 private:
  std::uint64_t next_word() {
    if ((index_ & 3u) == 0) block_ = streams_->words(step_, agent_, index_ >> 2);
    return block_[static_cast<int>(index_++ & 3u)];
  }

  const RandomStreams* streams_;
  std::uint64_t step_;
  std::uint64_t agent_;
  std::uint64_t index_ = 0;
  RandomStreams::Philox::ctr_type block_{};
};

}  // namespace pledgesim::sim
