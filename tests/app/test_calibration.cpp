// Calibration: the optimiser on a known function, the targets file checks,
// and recovery of known parameters from a target the model itself produced.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "analysis/cpp/nelder_mead.hpp"
#include "app/calibration.hpp"
#include "models/scenario.hpp"
#include "tests/common/temp_dir.hpp"

namespace fs = std::filesystem;
namespace pa = pledgesim::app;

namespace {

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

// Four authorities, two inner and two outer London: small enough to run a
// few hundred times in seconds.
const char* kScenario = R"(
name = "four"
start = 2017-10-01
years = 3
seed = 4
authorities = [
  { name = "A", region = "London", subregion = "Central", inner_london = true, inpost_fte = 300, vacancy_fte = 90, agency_fte = 70, caseload = 16 },
  { name = "B", region = "London", subregion = "East", inner_london = true, inpost_fte = 260, vacancy_fte = 70, agency_fte = 60, caseload = 17 },
  { name = "C", region = "London", subregion = "West", inpost_fte = 280, vacancy_fte = 80, agency_fte = 55, caseload = 15 },
  { name = "D", region = "London", subregion = "South", inpost_fte = 240, vacancy_fte = 60, agency_fte = 50, caseload = 16 },
]
[population]
nqsw_intake_per_year = 110
)";

}  // namespace

TEST(NelderMead, FindsTheMinimumOfAShiftedQuadraticInTheBox) {
  const Eigen::Vector3d target(0.2, 0.7, 0.5);
  const auto f = [&](const Eigen::VectorXd& x) { return (x - target).squaredNorm(); };
  pledgesim::analysis::NelderMeadOptions o;
  o.max_evaluations = 400;
  o.value_tolerance = 1e-12;
  const auto r = pledgesim::analysis::minimise_in_unit_box(f, Eigen::Vector3d(0.9, 0.1, 0.9), o);
  EXPECT_TRUE(r.converged);
  EXPECT_LT((r.best - target).norm(), 1e-3);
  EXPECT_LE(r.evaluations, 400);
  // A minimum outside the box is found on its boundary.
  const auto g = [](const Eigen::VectorXd& x) { return std::pow(x(0) - 1.5, 2); };
  const auto edge =
      pledgesim::analysis::minimise_in_unit_box(g, Eigen::VectorXd::Constant(1, 0.3), o);
  EXPECT_NEAR(edge.best(0), 1.0, 1e-6);
}

TEST(Calibration, TargetsFileProblemsAreReportedWithLineAndKey) {
  const pledgesim::test_util::ScopedTempDir temp("calibration");
  const fs::path& dir = temp.path();
  write(dir / "four.toml", kScenario);
  write(dir / "bad.toml", R"(scenario = "four.toml"
replications = 1
colour = "blue"

[[parameters]]
key = "behaviour.exit_rate_per_yeer"
min = 0.01
max = 0.2

[[parameters]]
key = "behaviour.search_rate_per_year"
min = 0.5
max = 0.1

[[targets]]
indicator = "agency_rat"
group = "London"
year = 2018
observed = 25
)");
  try {
    pa::load_calibration_spec(dir / "bad.toml");
    FAIL() << "expected problems";
  } catch (const pledgesim::models::ScenarioError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("bad.toml:2: replications: expected an integer in [2, 1000]"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("bad.toml:3: colour: unknown key"), std::string::npos) << text;
    EXPECT_NE(text.find("bad.toml:6: parameters[0].key: not a numeric scenario key: "
                        "'behaviour.exit_rate_per_yeer' (did you mean "
                        "'behaviour.exit_rate_per_year'?)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("bad.toml:13: parameters[1].max: must be above min"), std::string::npos)
        << text;
    EXPECT_NE(text.find("bad.toml:16: targets[0].indicator: unknown indicator 'agency_rat' (did "
                        "you mean 'agency_rate'?)"),
              std::string::npos)
        << text;
  }
}

TEST(Calibration, RecoversKnownParametersFromASyntheticTarget) {
  const pledgesim::test_util::ScopedTempDir temp("calibration");
  const fs::path& dir = temp.path();
  write(dir / "four.toml", kScenario);
  pa::CalibrationSpec spec;
  spec.file = dir / "synthetic.toml";
  spec.scenario = dir / "four.toml";
  spec.seed = 4;
  spec.replications = 3;
  spec.max_evaluations = 70;
  spec.parameters = {{"behaviour.agency_taste_mean", -3.0, 1.0, -1.8},
                     {"behaviour.exit_rate_per_year", 0.02, 0.15, 0.035}};
  for (const char* group : {"Inner London", "Outer London"})
    for (int year : {2018, 2019, 2020})
      for (const char* indicator : {"agency_rate", "turnover_rate", "vacancy_rate"})
        spec.targets.push_back({indicator, group, year, 0, 1, "synthetic"});
  // The target: the model's own output at known values, on the same seeds.
  const std::vector<double> truth = {-0.5, 0.07};
  const pa::CalibrationPoint produced =
      pa::evaluate_point(spec, pa::calibration_base(spec), truth, 2);
  for (std::size_t k = 0; k < spec.targets.size(); ++k)
    spec.targets[k].observed = produced.fits[k].mean;
  EXPECT_EQ(pa::evaluate_point(spec, pa::calibration_base(spec), truth, 2).objective,
            0.0);  // deterministic

  const pa::CalibrationResult r = pa::calibrate(spec, 2);
  std::cout << "recovered agency_taste_mean " << r.best.values[0] << " (truth -0.5), "
            << "exit_rate_per_year " << r.best.values[1] << " (truth 0.07) after " << r.evaluations
            << " evaluations; objective " << r.start.objective << " -> " << r.best.objective
            << '\n';
  EXPECT_GT(r.start.objective, 50);
  EXPECT_LT(r.best.objective, 0.02 * r.start.objective);
  EXPECT_NEAR(r.best.values[0], truth[0], 0.3);    // taste for agency work
  EXPECT_NEAR(r.best.values[1], truth[1], 0.012);  // exit hazard per year
  // The result file holds the fitted values where a scenario keeps them.
  const std::string toml = pa::calibration_result_toml(spec, r);
  EXPECT_NE(toml.find("[fitted.behaviour]"), std::string::npos) << toml;
  EXPECT_NE(pa::format_fit_table(spec, r).find("| agency_rate | Inner London | 2018 |"),
            std::string::npos);
  fs::remove_all(dir);
}
