#include "analysis/cpp/sensitivity_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "analysis/cpp/design.hpp"
#include "analysis/cpp/format.hpp"
#include "analysis/cpp/h5_read.hpp"
#include "analysis/cpp/regression_sensitivity.hpp"
#include "analysis/cpp/run_file.hpp"
#include "analysis/cpp/sensitivity.hpp"
#include "sim/io/hdf5_util.hpp"
#include "sim/io/input_file.hpp"
#include "sim/io/output_file.hpp"

namespace pledgesim::analysis {

namespace h5 = sim::h5;

namespace {

// Sweep formats read: 2 (written now) adds, inside /outcomes and /weekly,
// the dimension `run` with copies of the /runs columns (and `week`, `date`),
// which are not outcomes; 1 had none.
constexpr std::int64_t kOldestSweepFormatVersion = 1;
constexpr std::int64_t kSweepFormatVersion = 2;

void write_double_attribute(hid_t object, const std::string& name, double value) {
  h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  h5::Handle attr(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT),
                  H5Aclose, "create attribute " + name);
  h5::check(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), "write attribute " + name);
}

void write_doubles(hid_t parent, const std::string& name, const std::vector<double>& v) {
  const hsize_t n = v.size();
  h5::Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create space for " + name);
  h5::Handle ds(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT),
                H5Dclose, "create dataset " + name);
  if (n > 0)
    h5::check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()),
              "write " + name);
}

std::string general(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// What a design supports: Morris effects (morris), Sobol indices (saltelli)
// or, for points in no set layout (grid, latin_hypercube, csv), regression
// measures (SRC and PRCC).
enum class Method { morris, sobol, regression };

Method method_for(DesignKind kind) {
  switch (kind) {
    case DesignKind::morris:
      return Method::morris;
    case DesignKind::saltelli:
      return Method::sobol;
    case DesignKind::grid:
    case DesignKind::latin_hypercube:
    case DesignKind::csv:
      break;
  }
  return Method::regression;
}

const char* method_name(Method m) {
  switch (m) {
    case Method::morris:
      return "morris";
    case Method::sobol:
      return "sobol";
    case Method::regression:
      break;
  }
  return "regression";
}

// Morris needs no bootstrap; the others record the resamples they used.
std::int64_t stored_bootstrap(Method m, std::size_t bootstrap) {
  return m == Method::morris ? 0 : static_cast<std::int64_t>(bootstrap);
}

// Below this R2 of the linear fit the table warns that the SRC describe
// little of the outcome (Saltelli et al. 2008 suggest 0.7).
constexpr double kLowRSquared = 0.7;

struct OutcomeResult {
  std::string name, units;
  std::string note;  // non-empty: not computed, and why
  MorrisResult morris;
  SobolResult sobol;
  RegressionResult regression;
};

struct Sweep {
  Design design;
  Method method = Method::sobol;
  std::vector<double> values;  // regression: /design/value, [points][dimensions]
  std::vector<std::string> parameters;
  std::size_t runs = 0, replications = 0;  // replications: the most runs of any point
  std::vector<std::int64_t> point;         // per run
  std::vector<std::size_t> runs_per_point;
};

Sweep read_sweep(const InputFile& f) {
  if (!f.has_attribute("", "format"))
    f.fail(
        "not a pledgesim sweep file (root attribute 'format' is missing: written by another "
        "program?)");
  const std::string format = f.string_attribute("", "format");
  if (format == "pledgesim")
    f.fail(
        "not a pledgesim sweep file: a run file (format \"pledgesim\"; `pledgesim summarize` "
        "reads it)");
  if (format != "pledgesim-sweep")
    f.fail("not a pledgesim sweep file (root attribute 'format' is \"" + format +
           "\", not \"pledgesim-sweep\")");
  const std::int64_t version = f.int_attribute("", "format_version");
  if (version < kOldestSweepFormatVersion || version > kSweepFormatVersion)
    f.fail("sweep format_version " + std::to_string(version) + " is not supported (this " +
           "software reads versions " + std::to_string(kOldestSweepFormatVersion) + " to " +
           std::to_string(kSweepFormatVersion) + "; the file is " +
           (version < kOldestSweepFormatVersion ? "older" : "newer") + ")");
  for (const char* path : {"design", "design/parameter", "design/unit", "runs/point", "outcomes"})
    if (!f.has(path)) f.fail(std::string("/") + path + " is missing");
  f.require_group("design");
  f.require_group("runs");
  f.require_group("outcomes");
  if (f.has("sensitivity") && !f.is_group("sensitivity"))
    f.fail("/sensitivity is not a group (where the indices are stored)");

  Sweep s;
  for (const char* a : {"kind", "dimensions", "samples"})
    if (!f.has_attribute("design", a))
      f.fail(std::string("attribute /design.") + a + " is missing");
  const std::string kind_name = f.string_attribute("design", "kind");
  const auto kind = parse_design_kind(kind_name);
  if (!kind)
    f.fail("/design.kind \"" + kind_name +
           "\" is not one of grid, latin_hypercube, saltelli, morris, csv");
  const std::int64_t dims = f.int_attribute("design", "dimensions");
  const std::int64_t samples = f.int_attribute("design", "samples");
  if (dims <= 0 || samples <= 0)
    f.fail("/design.dimensions (" + std::to_string(dims) + ") and /design.samples (" +
           std::to_string(samples) + ") must be positive");
  s.design.kind = *kind;
  s.method = method_for(*kind);
  s.design.dimensions = static_cast<std::size_t>(dims);
  s.design.samples = static_cast<std::size_t>(samples);
  if (*kind == DesignKind::morris) {
    if (!f.has_attribute("design", "morris_levels"))
      f.fail("attribute /design.morris_levels is missing");
    const std::int64_t levels = f.int_attribute("design", "morris_levels");
    if (levels < 2 || levels % 2 != 0)
      f.fail("/design.morris_levels is " + std::to_string(levels) +
             ", not an even number of levels >= 2");
    s.design.morris_levels = static_cast<std::size_t>(levels);
  }
  const std::size_t k = s.design.dimensions;

  // The unit matrix: its shape is checked against the attributes before any
  // buffer is sized by them.
  const auto ud = f.shape("design/unit");
  // Points per sample: a Saltelli base sample is k + 2 points, a Morris
  // trajectory k + 1; the other designs count their points as samples.
  const std::size_t rows_per_sample =
      s.method == Method::regression ? 1 : k + (*kind == DesignKind::saltelli ? 2 : 1);
  std::size_t points = 0;
  const bool overflow = (s.method != Method::regression && rows_per_sample < k) ||
                        __builtin_mul_overflow(s.design.samples, rows_per_sample, &points);
  if (overflow || ud.size() != 2 || ud[0] != points || ud[1] != k)
    f.fail("/design/unit has shape " + InputFile::shape_text(ud) + ", not [" +
           (overflow ? std::string("?") : std::to_string(points)) + ", " + std::to_string(k) +
           "] (" + kind_name + " design, samples " + std::to_string(samples) + ", " +
           std::to_string(k) + " dimensions)");
  std::vector<hsize_t> read_dims;
  if (s.method == Method::regression) {
    // Regression measures are computed on the values the runs used (a csv
    // design's unit coordinates are NaN where a parameter has no range).
    if (!f.has("design/value")) f.fail("/design/value is missing");
    const auto vd = f.shape("design/value");
    if (vd.size() != 2 || vd[0] != points || vd[1] != k)
      f.fail("/design/value has shape " + InputFile::shape_text(vd) + ", not [" +
             std::to_string(points) + ", " + std::to_string(k) + "]");
    s.values = f.numbers("design/value", read_dims);
    for (std::size_t i = 0; i < s.values.size(); ++i)
      if (!std::isfinite(s.values[i]))
        f.fail("/design/value[" + std::to_string(i / k) + ", " + std::to_string(i % k) +
               "] is not finite");
    try {
      check_regression_design(s.values, k, points);
    } catch (const std::invalid_argument& e) {
      f.fail("its " + kind_name + " design supports no regression measures: " + e.what());
    }
  } else {
    s.design.unit = f.numbers("design/unit", read_dims);
    for (std::size_t i = 0; i < s.design.unit.size(); ++i)
      if (!(s.design.unit[i] >= 0 && s.design.unit[i] <= 1))
        f.fail("/design/unit[" + std::to_string(i / k) + ", " + std::to_string(i % k) + "] is " +
               general(s.design.unit[i]) + ", outside the unit interval [0, 1]");
  }
  s.parameters = f.strings("design/parameter");
  if (s.parameters.size() != k)
    f.fail("/design/parameter has " + std::to_string(s.parameters.size()) + " names for " +
           std::to_string(k) + " dimensions");

  s.point = f.integers("runs/point");
  s.runs = s.point.size();
  if (s.runs == 0) f.fail("/runs/point is empty: the sweep holds no runs");
  s.runs_per_point.assign(points, 0);
  for (std::size_t r = 0; r < s.runs; ++r) {
    if (s.point[r] < 0 || static_cast<std::size_t>(s.point[r]) >= points)
      f.fail("/runs/point[" + std::to_string(r) + "] = " + std::to_string(s.point[r]) +
             " is not a design point (0.." + std::to_string(points - 1) + ")");
    ++s.runs_per_point[static_cast<std::size_t>(s.point[r])];
  }
  // Every point must have the same number of replications.
  s.replications = *std::max_element(s.runs_per_point.begin(), s.runs_per_point.end());
  for (std::size_t p = 0; p < points; ++p)
    if (s.runs_per_point[p] != s.replications)
      f.fail("design point " + std::to_string(p) + " of " + std::to_string(points) + " has " +
             std::to_string(s.runs_per_point[p]) + " run(s) in /runs/point but others have " +
             std::to_string(s.replications) + ": the sweep is incomplete or truncated");
  return s;
}

OutcomeResult compute(const InputFile& f, const Sweep& s, const std::string& name,
                      std::size_t bootstrap) {
  OutcomeResult out;
  out.name = name;
  const std::string path = "outcomes/" + name;
  if (!f.is_dataset(path)) f.fail("/" + path + " is not a dataset");
  std::vector<hsize_t> dims;
  const auto v = f.numbers(path, dims);
  if (dims.size() != 1 || v.size() != s.runs)
    f.fail("/" + path + " has shape " + InputFile::shape_text(dims) + ", not one value per run [" +
           std::to_string(s.runs) + "]");
  if (f.has_attribute(path, "units")) out.units = f.string_attribute(path, "units");
  std::vector<double> y(s.runs_per_point.size(), 0.0);
  for (std::size_t r = 0; r < s.runs; ++r) y[static_cast<std::size_t>(s.point[r])] += v[r];
  for (std::size_t p = 0; p < y.size(); ++p) {
    y[p] /= static_cast<double>(s.runs_per_point[p]);
    if (!std::isfinite(y[p])) {
      out.note = "not computed: the outcome is not finite at design point " + std::to_string(p);
      return out;
    }
  }
  if (s.method == Method::regression) {
    if (std::all_of(y.begin(), y.end(), [&](double v) { return v == y[0]; })) {
      out.note = "not computed: the outcome does not vary across the design";
      return out;
    }
    try {
      out.regression = regression_sensitivity(s.values, s.design.dimensions, y, bootstrap,
                                              kSensitivityLevel, kSensitivityBootstrapSeed);
    } catch (const std::invalid_argument& e) {
      f.fail("its " + std::string(design_kind_name(s.design.kind)) +
             " design supports no regression measures: " + e.what());
    }
    return out;
  }
  try {
    if (s.method == Method::morris)
      out.morris = morris_effects(s.design, y);
    else
      out.sobol =
          sobol_indices(s.design, y, bootstrap, kSensitivityLevel, kSensitivityBootstrapSeed);
  } catch (const std::invalid_argument& e) {
    f.fail("/design/unit does not hold a " + std::string(design_kind_name(s.design.kind)) +
           " design in the documented order (" + e.what() + ")");
  }
  if (s.design.kind == DesignKind::saltelli && !(out.sobol.variance > 0))
    out.note = "not computed: the outcome does not vary across the design";
  return out;
}

// A stored /sensitivity/<outcome> computed otherwise (another method or
// bootstrap count) is a result: replaced only with --force. The same
// computation gives the same values, so it is simply rewritten.
void check_stored(const InputFile& f, const Sweep& s, const OutcomeResult& r, std::size_t bootstrap,
                  bool force) {
  const std::string path = "sensitivity/" + r.name;
  if (force || !f.has(path)) return;
  const std::string method = method_name(s.method);
  const std::int64_t want_bootstrap = stored_bootstrap(s.method, bootstrap);
  std::string stored = "in another layout";
  try {
    const std::string m = f.string_attribute(path, "method");
    const std::int64_t b = f.int_attribute(path, "bootstrap");
    if (m == method && b == want_bootstrap) return;
    stored = "by " + m + (m == "morris" ? std::string() : " with --bootstrap " + std::to_string(b));
  } catch (const FileError&) {
  }
  f.fail("/" + path + " already holds indices computed " + stored + "; use --force to replace " +
         "them (" + method +
         (s.method == Method::morris ? std::string()
                                     : " with --bootstrap " + std::to_string(bootstrap)) +
         "), or --no-write to print the new ones only");
}

void store(hid_t f, const Sweep& s, const OutcomeResult& r, std::size_t bootstrap) {
  h5::Handle root =
      h5::exists(f, "sensitivity")
          ? h5::Handle(H5Gopen2(f, "sensitivity", H5P_DEFAULT), H5Gclose, "open /sensitivity")
          : h5::create_group(f, "sensitivity");
  if (h5::exists(root, r.name))
    h5::check(H5Ldelete(root, r.name.c_str(), H5P_DEFAULT), "replace /sensitivity/" + r.name);
  h5::Handle g = h5::create_group(root, r.name);
  h5::write_strings(g, "parameter", s.parameters);
  h5::write_string_attribute(g, "method", method_name(s.method));
  h5::write_int_attribute(g, "bootstrap", stored_bootstrap(s.method, bootstrap));
  write_double_attribute(g, "level", kSensitivityLevel);
  h5::write_string_attribute(g, "units", r.units);
  h5::write_int_attribute(g, "replications", static_cast<std::int64_t>(s.replications));
  if (s.method == Method::regression) {
    const RegressionResult& m = r.regression;
    h5::write_int_attribute(g, "points", static_cast<std::int64_t>(m.points));
    write_double_attribute(g, "r_squared", m.r_squared);
    write_double_attribute(g, "rank_r_squared", m.rank_r_squared);
    write_doubles(g, "src", m.src);
    write_doubles(g, "src_lo90", m.src_lo);
    write_doubles(g, "src_hi90", m.src_hi);
    write_doubles(g, "prcc", m.prcc);
    write_doubles(g, "prcc_lo90", m.prcc_lo);
    write_doubles(g, "prcc_hi90", m.prcc_hi);
  } else if (s.method == Method::morris) {
    h5::write_int_attribute(g, "trajectories", static_cast<std::int64_t>(s.design.samples));
    write_doubles(g, "mu", r.morris.mu);
    write_doubles(g, "mu_star", r.morris.mu_star);
    write_doubles(g, "sigma", r.morris.sigma);
  } else {
    h5::write_int_attribute(g, "base_samples", static_cast<std::int64_t>(s.design.samples));
    write_double_attribute(g, "variance", r.sobol.variance);
    write_doubles(g, "first", r.sobol.first);
    write_doubles(g, "first_lo90", r.sobol.first_lo);
    write_doubles(g, "first_hi90", r.sobol.first_hi);
    write_doubles(g, "total", r.sobol.total);
    write_doubles(g, "total_lo90", r.sobol.total_lo);
    write_doubles(g, "total_hi90", r.sobol.total_hi);
  }
}

// Stores the computed indices: into a copy of the file (FILE.partial),
// closed with every error checked, then renamed over the file, so a failed
// write (disk full) leaves the sweep file exactly as it was.
void write_back(const std::filesystem::path& file, const Sweep& s,
                const std::vector<OutcomeResult>& results, std::size_t bootstrap) {
  namespace fs = std::filesystem;
  const std::string note = "the file is unchanged";
  fs::path partial = file;
  partial += ".partial";
  if (const auto why = sim::copy_file_checked(file, partial))
    throw sim::WriteError(file, *why, note);
  std::error_code ec;
  // The copy is checked as the file was when it was read (it may have been
  // replaced since): a link out of it would take the writes elsewhere.
  auto refuse = [&](const std::string& problem) {
    fs::remove(partial, ec);
    throw FileError(file.string() + ": " + problem);
  };
  if (const auto problem = sim::input_file_problem(partial, 0)) refuse(*problem);
  try {
    h5::QuietErrors quiet;
    h5::Handle f(H5Fopen(partial.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose,
                 "open " + partial.string());
    if (const auto problem = h5::foreign_storage_problem(f)) {
      f.reset();
      refuse(*problem);
    }
    for (const auto& r : results)
      if (r.note.empty()) store(f, s, r, bootstrap);
    h5::check(H5Fflush(f, H5F_SCOPE_GLOBAL), "flush " + partial.string());
    f.close("close " + partial.string());
  } catch (const h5::Hdf5Error& e) {
    fs::remove(partial, ec);
    throw sim::WriteError(file, e.reason.empty() ? e.what() : e.reason, note);
  }
  fs::rename(partial, file, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(partial, ec);
    throw sim::WriteError(file, why, note);
  }
}

std::string format_table(const std::string& file, const Sweep& s,
                         const std::vector<OutcomeResult>& results, std::size_t bootstrap) {
  const bool morris = s.method == Method::morris;
  const bool regression = s.method == Method::regression;
  const std::size_t k = s.design.dimensions;
  const std::string intervals = bootstrap > 0 ? "90% percentile bootstrap intervals, " +
                                                    std::to_string(bootstrap) + " resamples"
                                              : std::string("no intervals");
  std::string out = "Sensitivity of " + file + ": ";
  if (morris)
    out += "Morris elementary effects (" + std::to_string(s.design.samples) + " trajectories, " +
           std::to_string(s.design.morris_levels) + " levels";
  else if (regression)
    out += "regression measures (" + std::string(design_kind_name(s.design.kind)) + " design, " +
           std::to_string(s.design.samples) + " points; " + intervals;
  else
    out += "Sobol indices (Saltelli design, " + std::to_string(s.design.samples) +
           " base samples; " + intervals;
  out += "; " + std::to_string(k) + " parameters, mean of " + std::to_string(s.replications) +
         " replication" + (s.replications == 1 ? "" : "s") + " per point)\n";
  // Too small a design gives indices that look precise and mean little.
  constexpr std::size_t kFewSobolSamples = 64, kFewMorrisTrajectories = 10,
                        kRegressionPointsPerParameter = 10;
  if (s.method == Method::sobol && s.design.samples < kFewSobolSamples)
    out += "Warning: " + std::to_string(s.design.samples) +
           " base samples are too few for Sobol indices to mean much (estimates can fall outside "
           "[0, 1] and their intervals are wide); use samples = " +
           std::to_string(kFewSobolSamples) + " or more, several hundred for small indices\n";
  if (regression && s.design.samples < kRegressionPointsPerParameter * k)
    out += "Warning: " + std::to_string(s.design.samples) + " points for " + std::to_string(k) +
           " parameters are few for regression measures (their intervals are wide); use " +
           std::to_string(kRegressionPointsPerParameter) + " points per parameter or more\n";
  if (morris && s.design.samples < kFewMorrisTrajectories)
    out += "Warning: " + std::to_string(s.design.samples) +
           " trajectories are too few for Morris effects to rank parameters reliably; use " +
           std::to_string(kFewMorrisTrajectories) + " or more\n";
  if (morris)
    out +=
        "mu* = mean |elementary effect|, sigma = its standard deviation, in outcome units per "
        "full parameter range\n";
  else if (regression)
    out +=
        "SRC = standardised regression coefficient (standard deviations of the outcome per "
        "standard deviation of the parameter, from a linear fit of all parameters; to be read "
        "where that fit's R2 is high), PRCC = partial rank correlation coefficient (-1..1; any "
        "monotone effect, the other parameters held out)\n";
  else
    out += "S1 = first-order index, ST = total index (share of the output variance)\n";
  for (const auto& r : results) {
    out += "\n" + r.name + (r.units.empty() ? "" : " (" + r.units + ")") + "\n";
    if (!r.note.empty()) {
      out += "  " + r.note + "\n";
      continue;
    }
    std::vector<std::vector<std::string>> rows;
    auto interval = [](double lo, double hi) {
      return std::isfinite(lo) ? "[" + fixed(lo, 3) + ", " + fixed(hi, 3) + "]" : std::string("-");
    };
    auto value = [](double v) { return std::isfinite(v) ? fixed(v, 3) : std::string("-"); };
    if (regression) {
      const RegressionResult& m = r.regression;
      rows.push_back({"parameter", "SRC", "90% interval", "PRCC", "90% interval"});
      for (std::size_t j = 0; j < k; ++j)
        rows.push_back({s.parameters[j], value(m.src[j]), interval(m.src_lo[j], m.src_hi[j]),
                        value(m.prcc[j]), interval(m.prcc_lo[j], m.prcc_hi[j])});
      out += align_columns(rows, 1);
      out += "linear fit R2: " + fixed(m.r_squared, 3) +
             ", fit on ranks R2: " + fixed(m.rank_r_squared, 3) + "\n";
      if (m.r_squared < kLowRSquared)
        out += "  the linear fit explains less than " + fixed(100 * kLowRSquared, 0) +
               "% of the outcome's variance: the SRC say little; read the PRCC (monotone "
               "effects), or run a saltelli design for variance-based indices\n";
      for (std::size_t j = 0; j < k; ++j)
        if (!std::isfinite(m.src[j]))
          out += "  " + s.parameters[j] + " takes one value throughout the design: no measure\n";
      continue;
    }
    if (morris) {
      rows.push_back({"parameter", "mu*", "mu", "sigma"});
      for (std::size_t j = 0; j < k; ++j)
        rows.push_back({s.parameters[j], general(r.morris.mu_star[j]), general(r.morris.mu[j]),
                        general(r.morris.sigma[j])});
    } else {
      rows.push_back({"parameter", "S1", "90% interval", "ST", "90% interval"});
      for (std::size_t j = 0; j < k; ++j)
        rows.push_back({s.parameters[j], fixed(r.sobol.first[j], 3),
                        interval(r.sobol.first_lo[j], r.sobol.first_hi[j]),
                        fixed(r.sobol.total[j], 3),
                        interval(r.sobol.total_lo[j], r.sobol.total_hi[j])});
    }
    out += align_columns(rows, 1);
    if (!morris) out += "output variance: " + general(r.sobol.variance) + "\n";
  }
  return out;
}

std::string format_csv(const Sweep& s, const std::vector<OutcomeResult>& results) {
  const bool morris = s.method == Method::morris;
  const bool regression = s.method == Method::regression;
  std::string out = morris       ? "outcome,units,parameter,mu,mu_star,sigma,trajectories\n"
                    : regression ? "outcome,units,parameter,src,src_lo90,src_hi90,prcc,prcc_lo90,"
                                   "prcc_hi90,r_squared,rank_r_squared,points\n"
                                 : "outcome,units,parameter,first,first_lo90,first_hi90,total,"
                                   "total_lo90,total_hi90,variance,base_samples\n";
  for (const auto& r : results) {
    if (!r.note.empty()) continue;
    for (std::size_t j = 0; j < s.design.dimensions; ++j) {
      out += csv_field(r.name) + "," + csv_field(r.units) + "," + csv_field(s.parameters[j]) + ",";
      const RegressionResult& m = r.regression;
      if (morris)
        out += csv_number(r.morris.mu[j]) + "," + csv_number(r.morris.mu_star[j]) + "," +
               csv_number(r.morris.sigma[j]) + "," + std::to_string(r.morris.trajectories);
      else if (regression)
        out += csv_number(m.src[j]) + "," + csv_number(m.src_lo[j]) + "," +
               csv_number(m.src_hi[j]) + "," + csv_number(m.prcc[j]) + "," +
               csv_number(m.prcc_lo[j]) + "," + csv_number(m.prcc_hi[j]) + "," +
               csv_number(m.r_squared) + "," + csv_number(m.rank_r_squared) + "," +
               std::to_string(m.points);
      else
        out += csv_number(r.sobol.first[j]) + "," + csv_number(r.sobol.first_lo[j]) + "," +
               csv_number(r.sobol.first_hi[j]) + "," + csv_number(r.sobol.total[j]) + "," +
               csv_number(r.sobol.total_lo[j]) + "," + csv_number(r.sobol.total_hi[j]) + "," +
               csv_number(r.sobol.variance) + "," + std::to_string(r.sobol.base_samples);
      out += "\n";
    }
  }
  return out;
}

std::string format_json(const std::string& file, const Sweep& s,
                        const std::vector<OutcomeResult>& results, std::size_t bootstrap) {
  const bool morris = s.method == Method::morris;
  std::string out = "{\"file\": " + json_string(file) +
                    ", \"method\": " + json_string(method_name(s.method)) +
                    ", \"design\": " + json_string(design_kind_name(s.design.kind)) +
                    ", \"samples\": " + std::to_string(s.design.samples) +
                    ", \"replications\": " + std::to_string(s.replications);
  if (morris)
    out += ", \"morris_levels\": " + std::to_string(s.design.morris_levels);
  else
    out += ", \"bootstrap\": " + std::to_string(bootstrap) +
           ", \"level\": " + json_number(kSensitivityLevel);
  out += ", \"parameters\": [";
  for (std::size_t j = 0; j < s.parameters.size(); ++j)
    out += (j ? ", " : "") + json_string(s.parameters[j]);
  out += "], \"outcomes\": [";
  auto array = [](const std::vector<double>& v) {
    std::string a = "[";
    for (std::size_t i = 0; i < v.size(); ++i) a += (i ? ", " : "") + json_number(v[i]);
    return a + "]";
  };
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    out += std::string(i ? ", " : "") + "{\"name\": " + json_string(r.name) +
           ", \"units\": " + json_string(r.units);
    if (!r.note.empty()) {
      out += ", \"note\": " + json_string(r.note) + "}";
      continue;
    }
    const RegressionResult& m = r.regression;
    if (morris)
      out += ", \"mu\": " + array(r.morris.mu) + ", \"mu_star\": " + array(r.morris.mu_star) +
             ", \"sigma\": " + array(r.morris.sigma);
    else if (s.method == Method::regression)
      out += ", \"r_squared\": " + json_number(m.r_squared) +
             ", \"rank_r_squared\": " + json_number(m.rank_r_squared) +
             ", \"points\": " + std::to_string(m.points) + ", \"src\": " + array(m.src) +
             ", \"src_lo\": " + array(m.src_lo) + ", \"src_hi\": " + array(m.src_hi) +
             ", \"prcc\": " + array(m.prcc) + ", \"prcc_lo\": " + array(m.prcc_lo) +
             ", \"prcc_hi\": " + array(m.prcc_hi);
    else
      out += ", \"variance\": " + json_number(r.sobol.variance) +
             ", \"first\": " + array(r.sobol.first) + ", \"first_lo\": " + array(r.sobol.first_lo) +
             ", \"first_hi\": " + array(r.sobol.first_hi) + ", \"total\": " + array(r.sobol.total) +
             ", \"total_lo\": " + array(r.sobol.total_lo) +
             ", \"total_hi\": " + array(r.sobol.total_hi);
    out += "}";
  }
  return out + "]}\n";
}

}  // namespace

std::string sensitivity_report(const std::filesystem::path& sweep_file,
                               const SensitivityOptions& options) {
  const auto format = parse_format(options.format);
  if (!format)
    throw sim::InputError("unknown format \"" + options.format +
                          "\" (expected table, csv or json)");
  const std::string file = sweep_file.string();
  Sweep s;
  std::vector<OutcomeResult> results;
  {
    const InputFile f(sweep_file, true);
    if (options.write_back) {
      // The indices are stored through a copy renamed over the file.
      if (::access(file.c_str(), W_OK) != 0)
        f.fail(std::string("cannot be written (") + std::strerror(errno) +
               "), which storing the indices under /sensitivity needs; use --no-write to print "
               "them only");
      if (const auto problem = sim::output_file_problem(sweep_file, true))
        throw FileError(*problem + "; storing the indices under /sensitivity needs it (use " +
                        "--no-write to print them only)");
    }
    s = read_sweep(f);
    std::vector<std::string> available = f.members("outcomes");
    if (f.int_attribute("", "format_version") >= 2) {  // its coordinates are not outcomes
      std::vector<std::string> coordinates = f.members("runs");
      coordinates.push_back("run");
      std::erase_if(available, [&](const std::string& n) {
        return std::find(coordinates.begin(), coordinates.end(), n) != coordinates.end();
      });
    }
    std::vector<std::string> names = options.outcomes.empty() ? available : options.outcomes;
    if (names.empty()) f.fail("/outcomes holds no datasets");
    for (const auto& n : names)
      if (std::find(available.begin(), available.end(), n) == available.end()) {
        std::string list;
        for (std::size_t i = 0; i < available.size() && i < 10; ++i)
          list += (i ? ", " : "") + available[i];
        if (available.size() > 10) list += ", ...";
        f.fail("no outcome /outcomes/" + n + " (the file has " + std::to_string(available.size()) +
               ": " + list + ")");
      }
    for (const auto& n : names) results.push_back(compute(f, s, n, options.bootstrap));
    if (options.write_back)
      for (const auto& r : results)
        if (r.note.empty()) check_stored(f, s, r, options.bootstrap, options.force);
  }
  if (options.write_back &&
      std::any_of(results.begin(), results.end(), [](const auto& r) { return r.note.empty(); }))
    write_back(sweep_file, s, results, options.bootstrap);
  switch (*format) {
    case Format::kCsv:
      return format_csv(s, results);
    case Format::kJson:
      return format_json(file, s, results, options.bootstrap);
    case Format::kTable:
      break;
  }
  return format_table(file, s, results, options.bootstrap);
}

}  // namespace pledgesim::analysis
