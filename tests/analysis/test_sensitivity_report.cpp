// The sensitivity report on hand-built sweep files with the layout of
// `pledgesim sweep` (docs/sensitivity.md): Sobol and Morris indices of known
// functions, the three formats, the /sensitivity write-back, and clear
// refusals of foreign, truncated and grid/LHS files.
#include "analysis/cpp/sensitivity_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "analysis/cpp/design.hpp"
#include "analysis/cpp/run_file.hpp"
#include "analysis/cpp/sensitivity.hpp"
#include "sim/io/hdf5_util.hpp"
#include "tests/analysis/fixture.hpp"

namespace pledgesim::analysis {
namespace {

namespace h5 = sim::h5;
using testing::TempDir;

// Outcome of replication `rep` at design point `point`.
using OutcomeFn = std::function<double(const Design&, std::size_t point, std::size_t rep)>;

struct SweepSpec {
  Design design;
  std::vector<std::string> parameters;
  std::size_t replications = 2;
  std::map<std::string, OutcomeFn> outcomes;
  std::string format = "pledgesim-sweep";
  std::size_t drop_runs = 0;  // leave off the last runs (a truncated sweep)
  bool write_unit = true;
};

void write_matrix(hid_t parent, const std::string& name, const std::vector<double>& v,
                  std::size_t rows, std::size_t cols) {
  const hsize_t dims[2] = {rows, cols};
  h5::Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose, "space");
  h5::Handle ds(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT),
                H5Dclose, "create " + name);
  h5::check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), name);
}

void write_vector(hid_t parent, const std::string& name, const std::vector<double>& v) {
  const hsize_t n = v.size();
  h5::Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "space");
  h5::Handle ds(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT),
                H5Dclose, "create " + name);
  if (n > 0)
    h5::check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), name);
}

void write_sweep(const std::filesystem::path& out, const SweepSpec& s) {
  const Design& d = s.design;
  h5::Handle f(H5Fcreate(out.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
               "create file");
  h5::write_string_attribute(f, "format", s.format);
  h5::write_int_attribute(f, "format_version", 1);
  h5::write_string_attribute(f, "software_version", "test");
  h5::write_int_attribute(f, "seed", 7);
  {
    h5::Handle g = h5::create_group(f, "design");
    h5::write_string_attribute(g, "kind", design_kind_name(d.kind));
    h5::write_int_attribute(g, "dimensions", static_cast<std::int64_t>(d.dimensions));
    h5::write_int_attribute(g, "samples", static_cast<std::int64_t>(d.samples));
    h5::write_int_attribute(g, "morris_levels", static_cast<std::int64_t>(d.morris_levels));
    h5::write_strings(g, "parameter", s.parameters);
    if (s.write_unit) write_matrix(g, "unit", d.unit, d.points(), d.dimensions);
    std::vector<double> value(d.unit);
    for (double& v : value) v = 10 + 5 * v;
    write_matrix(g, "value", value, d.points(), d.dimensions);
  }
  const std::size_t runs = d.points() * s.replications - s.drop_runs;
  std::vector<std::int64_t> run(runs), point(runs), rep(runs), seed(runs);
  for (std::size_t r = 0; r < runs; ++r) {
    run[r] = static_cast<std::int64_t>(r);
    point[r] = static_cast<std::int64_t>(r / s.replications);
    rep[r] = static_cast<std::int64_t>(r % s.replications);
    seed[r] = static_cast<std::int64_t>(1000 + r);
  }
  {
    h5::Handle g = h5::create_group(f, "runs");
    h5::write_int64s(g, "run", run);
    h5::write_int64s(g, "point", point);
    h5::write_int64s(g, "replication", rep);
    h5::write_int64s(g, "seed", seed);
  }
  h5::Handle g = h5::create_group(f, "outcomes");
  for (const auto& [name, fn] : s.outcomes) {
    std::vector<double> v(runs);
    for (std::size_t r = 0; r < runs; ++r) v[r] = fn(d, r / s.replications, r % s.replications);
    write_vector(g, name, v);
    h5::Handle ds(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose, "open");
    h5::write_string_attribute(ds, "units", "%");
    h5::write_string_attribute(ds, "description", "test outcome " + name);
  }
}

std::vector<double> read_vector(const std::filesystem::path& file, const std::string& name) {
  h5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  std::vector<hsize_t> dims;
  return h5::read_doubles(f, name, dims);
}

const std::string kAgency = "agency_rate.London.2022";
const std::string kCost = "cost_per_fte.London.2022";

// Additive in x0 and x1, nothing from x2; the replications differ by
// +/- 0.05, which the point means cancel exactly.
double additive(const Design& d, std::size_t p, std::size_t rep) {
  return 4 * d.at(p, 0) + d.at(p, 1) + (rep == 0 ? -0.05 : 0.05);
}
double linear(const Design& d, std::size_t p, std::size_t) {
  return 2 * d.at(p, 0) - 3 * d.at(p, 1) + 0.5 * d.at(p, 2);
}

class SensitivityReport : public TempDir {
 protected:
  static Design design(DesignKind kind, std::size_t samples) {
    DesignSpec s;
    s.kind = kind;
    s.dimensions = 3;
    s.samples = samples;
    return make_design(s);
  }
  SweepSpec spec(DesignKind kind, std::size_t samples) {
    SweepSpec s;
    s.design = design(kind, samples);
    s.parameters = {"pay.cap_gbp", "policy.cooling_off_weeks", "market.search_rate"};
    s.outcomes = {{kAgency, additive}, {kCost, linear}};
    return s;
  }
  std::filesystem::path write(const SweepSpec& s, const std::string& name = "sweep.h5") {
    write_sweep(dir_ / name, s);
    return dir_ / name;
  }
  static std::string error_of(const std::filesystem::path& p, const SensitivityOptions& o = {}) {
    try {
      sensitivity_report(p, o);
    } catch (const FileError& e) {
      return e.what();
    }
    return "no error";
  }
};

// Indices from a handful of samples look as precise as any: the report says
// they mean little; a design of a sensible size gets no warning.
TEST_F(SensitivityReport, WarnsWhenTheDesignIsTooSmallForItsIndices) {
  SensitivityOptions o;
  o.write_back = false;
  const std::string few = sensitivity_report(write(spec(DesignKind::saltelli, 4), "few.h5"), o);
  EXPECT_NE(few.find("Warning: 4 base samples are too few for Sobol indices"), std::string::npos)
      << few;
  const std::string enough =
      sensitivity_report(write(spec(DesignKind::saltelli, 64), "enough.h5"), o);
  EXPECT_EQ(enough.find("Warning"), std::string::npos) << enough;
  const std::string morris = sensitivity_report(write(spec(DesignKind::morris, 3), "m.h5"), o);
  EXPECT_NE(morris.find("Warning: 3 trajectories are too few"), std::string::npos) << morris;
}

TEST_F(SensitivityReport, SobolOnASaltelliSweepIsWrittenBack) {
  const auto file = write(spec(DesignKind::saltelli, 512));
  SensitivityOptions o;
  o.bootstrap = 200;
  const std::string table = sensitivity_report(file, o);
  EXPECT_NE(table.find("Sobol indices"), std::string::npos) << table;
  EXPECT_NE(table.find(kAgency + " (%)"), std::string::npos) << table;
  EXPECT_NE(table.find("policy.cooling_off_weeks"), std::string::npos) << table;
  EXPECT_NE(table.find("output variance"), std::string::npos) << table;
  EXPECT_NE(table.find("mean of 2 replications"), std::string::npos) << table;

  // The stored indices are those of the point means.
  const std::string base = "sensitivity/" + kAgency + "/";
  const auto first = read_vector(file, base + "first");
  const auto total = read_vector(file, base + "total");
  const auto lo = read_vector(file, base + "first_lo90");
  const auto hi = read_vector(file, base + "total_hi90");
  ASSERT_EQ(first.size(), 3u);
  const SweepSpec s = spec(DesignKind::saltelli, 512);
  std::vector<double> y(s.design.points());
  for (std::size_t p = 0; p < y.size(); ++p)
    y[p] = (additive(s.design, p, 0) + additive(s.design, p, 1)) / 2;
  const SobolResult want = sobol_indices(s.design, y, 200, 0.90, kSensitivityBootstrapSeed);
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_DOUBLE_EQ(first[j], want.first[j]);
    EXPECT_DOUBLE_EQ(total[j], want.total[j]);
    EXPECT_DOUBLE_EQ(lo[j], want.first_lo[j]);
    EXPECT_DOUBLE_EQ(hi[j], want.total_hi[j]);
  }
  // Additive: S = ST = 16/17, 1/17, 0.
  EXPECT_NEAR(first[0], 16.0 / 17, 0.05);
  EXPECT_NEAR(first[1], 1.0 / 17, 0.03);
  EXPECT_NEAR(total[2], 0.0, 1e-12);

  h5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  h5::Handle g(H5Gopen2(f, ("sensitivity/" + kAgency).c_str(), H5P_DEFAULT), H5Gclose, "open");
  EXPECT_EQ(h5::read_string_attribute(g, "method"), "sobol");
  EXPECT_EQ(h5::read_int_attribute(g, "bootstrap"), 200);
  EXPECT_EQ(h5::read_strings(g, "parameter"), s.parameters);
  EXPECT_TRUE(h5::exists(f, "sensitivity/" + kCost + "/total_lo90"));
}

TEST_F(SensitivityReport, MorrisOnAMorrisSweepIsExactForALinearOutcome) {
  const auto file = write(spec(DesignKind::morris, 10));
  SensitivityOptions o;
  o.outcomes = {kCost};
  const std::string table = sensitivity_report(file, o);
  EXPECT_NE(table.find("Morris elementary effects (10 trajectories, 4 levels"), std::string::npos)
      << table;
  EXPECT_EQ(table.find(kAgency), std::string::npos) << table;
  const auto mu_star = read_vector(file, "sensitivity/" + kCost + "/mu_star");
  const auto mu = read_vector(file, "sensitivity/" + kCost + "/mu");
  const auto sigma = read_vector(file, "sensitivity/" + kCost + "/sigma");
  const double c[] = {2, -3, 0.5};
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(mu_star[j], std::abs(c[j]), 1e-12);
    EXPECT_NEAR(mu[j], c[j], 1e-12);
    EXPECT_NEAR(sigma[j], 0, 1e-12);
  }
  h5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  EXPECT_FALSE(h5::exists(f, "sensitivity/" + kAgency));  // not selected
  h5::Handle g(H5Gopen2(f, ("sensitivity/" + kCost).c_str(), H5P_DEFAULT), H5Gclose, "open");
  EXPECT_EQ(h5::read_string_attribute(g, "method"), "morris");
}

TEST_F(SensitivityReport, RunningTwiceReplacesAndWriteBackCanBeOff) {
  const auto file = write(spec(DesignKind::morris, 5));
  SensitivityOptions o;
  o.write_back = false;
  const std::string once = sensitivity_report(file, o);
  {
    h5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    EXPECT_FALSE(h5::exists(f, "sensitivity"));
  }
  o.write_back = true;
  EXPECT_EQ(sensitivity_report(file, o), once);
  EXPECT_EQ(sensitivity_report(file, o), once);
  EXPECT_EQ(read_vector(file, "sensitivity/" + kCost + "/mu_star").size(), 3u);
}

TEST_F(SensitivityReport, CsvAndJson) {
  const auto file = write(spec(DesignKind::saltelli, 32));
  SensitivityOptions o;
  o.format = "csv";
  o.bootstrap = 50;
  const std::string csv = sensitivity_report(file, o);
  EXPECT_EQ(csv.rfind("outcome,units,parameter,first,first_lo90,", 0), 0u) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 3) << csv;
  EXPECT_NE(csv.find(kAgency + ",%,pay.cap_gbp,"), std::string::npos) << csv;
  o.format = "json";
  const std::string json = sensitivity_report(file, o);
  EXPECT_EQ(json.rfind("{\"file\": ", 0), 0u) << json;
  EXPECT_NE(json.find("\"method\": \"sobol\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\": \"" + kCost + "\""), std::string::npos) << json;
  o.format = "xml";
  EXPECT_THROW(sensitivity_report(file, o), sim::InputError);
}

TEST_F(SensitivityReport, NonFiniteOutcomeIsReportedNotComputed) {
  SweepSpec s = spec(DesignKind::saltelli, 16);
  s.outcomes[kAgency] = [](const Design&, std::size_t p, std::size_t) {
    return p == 5 ? std::nan("") : 1.0 * static_cast<double>(p % 3);
  };
  const auto file = write(s);
  const std::string table = sensitivity_report(file, {});
  EXPECT_NE(table.find("not computed: the outcome is not finite at design point 5"),
            std::string::npos)
      << table;
  h5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  EXPECT_FALSE(h5::exists(f, "sensitivity/" + kAgency));
  EXPECT_TRUE(h5::exists(f, "sensitivity/" + kCost));
}

// Points in no set layout get regression measures, from the values the runs
// used: exact for a linear outcome (R2 1, SRC b_j sd(x_j) / sd(y)), stored
// as method "regression", refused where the design cannot identify them.
TEST_F(SensitivityReport, GridAndLatinHypercubeDesignsGetRegressionMeasures) {
  const SweepSpec s = spec(DesignKind::latin_hypercube, 40);
  const auto file = write(s, "lhs.h5");
  const std::string table = sensitivity_report(file, {});
  EXPECT_NE(table.find("regression measures (latin_hypercube design, 40 points; 90% percentile "
                       "bootstrap intervals, 500 resamples; 3 parameters"),
            std::string::npos)
      << table;
  EXPECT_EQ(table.find("Warning"), std::string::npos) << table;  // 40 points for 3: enough
  EXPECT_NE(table.find("linear fit R2: 1.000"), std::string::npos) << table;
  // kCost is linear in the unit coordinates, so in the values (10 + 5 u).
  const Design& d = s.design;
  std::vector<double> y(d.points());
  for (std::size_t p = 0; p < y.size(); ++p) y[p] = linear(d, p, 0);
  auto sd = [](const std::vector<double>& v) {
    double m = 0, ss = 0;
    for (double x : v) m += x / static_cast<double>(v.size());
    for (double x : v) ss += (x - m) * (x - m);
    return std::sqrt(ss);
  };
  const double b[3] = {2.0 / 5, -3.0 / 5, 0.5 / 5};  // per unit of value
  const auto src = read_vector(file, "sensitivity/" + kCost + "/src");
  ASSERT_EQ(src.size(), 3u);
  for (std::size_t j = 0; j < 3; ++j) {
    std::vector<double> x(d.points());
    for (std::size_t p = 0; p < x.size(); ++p) x[p] = 10 + 5 * d.at(p, j);
    EXPECT_NEAR(src[j], b[j] * sd(x) / sd(y), 1e-9) << j;
  }
  {
    h5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    h5::Handle stored(H5Gopen2(f, ("sensitivity/" + kCost).c_str(), H5P_DEFAULT), H5Gclose,
                      "open group");
    EXPECT_EQ(h5::read_string_attribute(stored, "method"), "regression");
  }
  EXPECT_EQ(read_vector(file, "sensitivity/" + kAgency + "/prcc_lo90").size(), 3u);
  // Stored with 500 resamples: another count is refused without --force.
  SensitivityOptions other;
  other.bootstrap = 100;
  EXPECT_NE(error_of(file, other)
                .find("already holds indices computed by regression with "
                      "--bootstrap 500"),
            std::string::npos)
      << error_of(file, other);

  // A 2 x 2 x 2 grid: orthogonal and small (a warning), but fitted.
  SweepSpec g = spec(DesignKind::latin_hypercube, 8);
  DesignSpec gs;
  gs.kind = DesignKind::grid;
  gs.grid_levels = {2, 2, 2};
  g.design = make_design(gs);
  SensitivityOptions o;
  o.write_back = false;
  const std::string grid = sensitivity_report(write(g, "grid.h5"), o);
  EXPECT_NE(grid.find("regression measures (grid design, 8 points"), std::string::npos) << grid;
  EXPECT_NE(grid.find("Warning: 8 points for 3 parameters are few for regression measures"),
            std::string::npos)
      << grid;
  // Four points cannot fit three parameters.
  const std::string e = error_of(write(spec(DesignKind::latin_hypercube, 4), "four.h5"));
  EXPECT_NE(e.find("four.h5"), std::string::npos) << e;
  EXPECT_NE(e.find("its latin_hypercube design supports no regression measures: 4 points are "
                   "too few for 3 varying parameters (at least 5 are needed)"),
            std::string::npos)
      << e;
}

TEST_F(SensitivityReport, RefusesForeignTruncatedAndIncompleteFiles) {
  EXPECT_NE(error_of(dir_ / "missing.h5").find("no such file"), std::string::npos);

  SweepSpec foreign = spec(DesignKind::saltelli, 8);
  foreign.format = "pledgesim";
  EXPECT_NE(error_of(write(foreign, "run.h5")).find("not a pledgesim sweep file"),
            std::string::npos);

  SweepSpec truncated = spec(DesignKind::saltelli, 8);
  truncated.drop_runs = 3;
  const std::string t = error_of(write(truncated, "truncated.h5"));
  EXPECT_NE(t.find("truncated.h5: design point 38 of 40 has 1 run(s)"), std::string::npos) << t;

  SweepSpec no_unit = spec(DesignKind::morris, 4);
  no_unit.write_unit = false;
  EXPECT_NE(error_of(write(no_unit, "nounit.h5")).find("/design/unit is missing"),
            std::string::npos);

  SensitivityOptions o;
  o.outcomes = {"vacancy_rate.London.2022"};
  const std::string u = error_of(write(spec(DesignKind::morris, 4), "ok.h5"), o);
  EXPECT_NE(u.find("no outcome /outcomes/vacancy_rate.London.2022"), std::string::npos) << u;

  const auto text = dir_ / "text.h5";
  std::FILE* fp = std::fopen(text.c_str(), "w");
  std::fputs("not hdf5\n", fp);
  std::fclose(fp);
  EXPECT_NE(error_of(text).find("not an HDF5 file"), std::string::npos);
}

}  // namespace
}  // namespace pledgesim::analysis
