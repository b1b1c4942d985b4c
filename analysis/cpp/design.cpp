#include "analysis/cpp/design.hpp"

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "sim/core/random.hpp"

namespace pledgesim::analysis {

namespace {

// Stream purposes: one per design kind, so that designs of different kinds
// from the same seed are unrelated.
constexpr std::uint64_t kPurposeLhs = 0x646573'6c6873ULL;       // "des" "lhs"
constexpr std::uint64_t kPurposeSaltelli = 0x646573'73616cULL;  // "des" "sal"
constexpr std::uint64_t kPurposeMorris = 0x646573'6d6f72ULL;    // "des" "mor"

// At most this many stored coordinates (2 GiB of doubles).
constexpr std::size_t kMaxValues = std::size_t{1} << 28;

std::size_t checked_mul(std::size_t a, std::size_t b, const char* what) {
  if (a != 0 && b > kMaxValues / a)
    throw std::invalid_argument(std::string("design: ") + what + " is too large (more than " +
                                std::to_string(kMaxValues) + " values)");
  return a * b;
}

// n points of a Latin hypercube in `dims` dimensions, row-major. Dimension d
// uses counter step d: agent 0 draws the stratum permutation, agent i + 1 the
// position of point i inside its stratum.
std::vector<double> latin_hypercube(std::size_t n, std::size_t dims,
                                    const sim::RandomStreams& streams) {
  std::vector<double> out(n * dims);
  std::vector<std::size_t> perm(n);
  for (std::size_t d = 0; d < dims; ++d) {
    std::iota(perm.begin(), perm.end(), std::size_t{0});
    sim::AgentDraws shuffle(streams, d, 0);
    for (std::size_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[shuffle.below(i)]);
    for (std::size_t i = 0; i < n; ++i) {
      sim::AgentDraws jitter(streams, d, i + 1);
      const double u = 1.0 - jitter.uniform();  // [0, 1)
      double x = (static_cast<double>(perm[i]) + u) / static_cast<double>(n);
      // Rounding may not push a point into the next stratum.
      const double top = static_cast<double>(perm[i] + 1) / static_cast<double>(n);
      if (x >= top) x = std::nextafter(top, 0.0);
      out[i * dims + d] = x;
    }
  }
  return out;
}

void check_common(const DesignSpec& s) {
  if (s.dimensions == 0) throw std::invalid_argument("design: dimensions must be at least 1");
  if (s.samples == 0)
    throw std::invalid_argument(std::string("design: ") + design_kind_name(s.kind) +
                                " needs samples >= 1");
}

}  // namespace

const char* design_kind_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::grid:
      return "grid";
    case DesignKind::latin_hypercube:
      return "latin_hypercube";
    case DesignKind::saltelli:
      return "saltelli";
    case DesignKind::morris:
      return "morris";
    case DesignKind::csv:
      return "csv";
  }
  return "unknown";
}

std::optional<DesignKind> parse_design_kind(const std::string& name) {
  for (DesignKind k : {DesignKind::grid, DesignKind::latin_hypercube, DesignKind::saltelli,
                       DesignKind::morris, DesignKind::csv})
    if (name == design_kind_name(k)) return k;
  return std::nullopt;
}

double Design::morris_step() const {
  if (kind != DesignKind::morris || morris_levels < 2)
    return std::numeric_limits<double>::quiet_NaN();
  const double p = static_cast<double>(morris_levels);
  return p / (2.0 * (p - 1.0));
}

std::size_t design_points(const DesignSpec& s) {
  switch (s.kind) {
    case DesignKind::grid: {
      const std::size_t k = s.dimensions == 0 ? s.grid_levels.size() : s.dimensions;
      if (k == 0) throw std::invalid_argument("design: grid needs at least one dimension");
      if (s.grid_levels.size() != k)
        throw std::invalid_argument("design: grid has " + std::to_string(k) + " dimensions but " +
                                    std::to_string(s.grid_levels.size()) + " grid_levels");
      std::size_t points = 1;
      for (std::size_t d = 0; d < k; ++d) {
        if (s.grid_levels[d] == 0)
          throw std::invalid_argument("design: grid_levels[" + std::to_string(d) +
                                      "] must be at least 1");
        points = checked_mul(points, s.grid_levels[d], "grid");
      }
      checked_mul(points, k, "grid");
      return points;
    }
    case DesignKind::latin_hypercube:
      check_common(s);
      checked_mul(s.samples, s.dimensions, "latin_hypercube");
      return s.samples;
    case DesignKind::saltelli: {
      check_common(s);
      const std::size_t points = checked_mul(s.samples, s.dimensions + 2, "saltelli");
      checked_mul(points, s.dimensions, "saltelli");
      return points;
    }
    case DesignKind::morris: {
      check_common(s);
      if (s.morris_levels < 2 || s.morris_levels % 2 != 0)
        throw std::invalid_argument("design: morris_levels must be even and at least 2 (got " +
                                    std::to_string(s.morris_levels) +
                                    "), so that the step p / (2 (p - 1)) lies on the grid");
      const std::size_t points = checked_mul(s.samples, s.dimensions + 1, "morris");
      checked_mul(points, s.dimensions, "morris");
      return points;
    }
    case DesignKind::csv:
      check_common(s);
      if (checked_mul(s.samples, s.dimensions, "csv") != s.given.size())
        throw std::invalid_argument("design: csv has " + std::to_string(s.given.size()) +
                                    " coordinates for " + std::to_string(s.samples) +
                                    " points of " + std::to_string(s.dimensions) + " dimensions");
      return s.samples;
  }
  throw std::invalid_argument("design: unknown kind");
}

Design make_design(const DesignSpec& s) {
  const std::size_t points = design_points(s);
  Design d;
  d.kind = s.kind;
  switch (s.kind) {
    case DesignKind::grid: {
      const std::size_t k = s.grid_levels.size();
      d.dimensions = k;
      d.samples = points;
      d.unit.resize(points * k);
      for (std::size_t p = 0; p < points; ++p) {
        std::size_t rest = p;
        for (std::size_t j = k; j-- > 0;) {  // last dimension fastest
          const std::size_t n = s.grid_levels[j];
          const std::size_t level = rest % n;
          rest /= n;
          d.unit[p * k + j] =
              n == 1 ? 0.5 : static_cast<double>(level) / static_cast<double>(n - 1);
        }
      }
      break;
    }
    case DesignKind::latin_hypercube: {
      d.dimensions = s.dimensions;
      d.samples = s.samples;
      d.unit = latin_hypercube(s.samples, s.dimensions, sim::RandomStreams(s.seed, kPurposeLhs));
      break;
    }
    case DesignKind::saltelli: {
      const std::size_t k = s.dimensions, n = s.samples;
      d.dimensions = k;
      d.samples = n;
      const auto ab = latin_hypercube(n, 2 * k, sim::RandomStreams(s.seed, kPurposeSaltelli));
      d.unit.resize(points * k);
      for (std::size_t i = 0; i < n; ++i) {
        const double* a = &ab[i * 2 * k];
        const double* b = a + k;
        double* row = &d.unit[i * (k + 2) * k];
        for (std::size_t c = 0; c < k; ++c) {
          row[c] = a[c];      // A_i
          row[k + c] = b[c];  // B_i
        }
        for (std::size_t j = 0; j < k; ++j) {
          double* abj = row + (2 + j) * k;  // AB_i^(j)
          for (std::size_t c = 0; c < k; ++c) abj[c] = c == j ? b[c] : a[c];
        }
      }
      break;
    }
    case DesignKind::morris: {
      const std::size_t k = s.dimensions, r = s.samples, p = s.morris_levels, half = p / 2;
      d.dimensions = k;
      d.samples = r;
      d.morris_levels = p;
      d.unit.resize(points * k);
      const sim::RandomStreams streams(s.seed, kPurposeMorris);
      std::vector<std::size_t> order(k), index(k);
      std::vector<int> direction(k);
      const double scale = 1.0 / static_cast<double>(p - 1);
      for (std::size_t t = 0; t < r; ++t) {
        sim::AgentDraws draws(streams, t, 0);
        std::iota(order.begin(), order.end(), std::size_t{0});
        for (std::size_t i = k; i > 1; --i) std::swap(order[i - 1], order[draws.below(i)]);
        for (std::size_t j = 0; j < k; ++j) {
          direction[j] = draws.bernoulli(0.5) ? 1 : -1;
          const std::size_t lo = draws.below(half);  // lower level of the step: 0 .. p/2 - 1
          index[j] = direction[j] > 0 ? lo : lo + half;
        }
        double* rows = &d.unit[t * (k + 1) * k];
        for (std::size_t j = 0; j < k; ++j) rows[j] = static_cast<double>(index[j]) * scale;
        for (std::size_t m = 0; m < k; ++m) {
          const std::size_t j = order[m];
          index[j] = direction[j] > 0 ? index[j] + half : index[j] - half;
          double* row = rows + (m + 1) * k;
          for (std::size_t c = 0; c < k; ++c) row[c] = rows[m * k + c];
          row[j] = static_cast<double>(index[j]) * scale;
        }
      }
      break;
    }
    case DesignKind::csv:
      d.dimensions = s.dimensions;
      d.samples = s.samples;
      d.unit = s.given;
      break;
  }
  return d;
}

}  // namespace pledgesim::analysis
