// Calibration: the targets file checks; recovery of known parameters, with
// honest intervals, from targets the model itself produced on other seeds;
// the backtest on such targets; the tables and files. (The optimiser and
// the sampler alone: tests/analysis.)
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/calibration.hpp"
#include "models/parameter_ensemble.hpp"
#include "models/scenario.hpp"
#include "sim/core/input_error.hpp"
#include "tests/common/temp_dir.hpp"

namespace fs = std::filesystem;
namespace pa = pledgesim::app;

namespace {

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

// Four authorities, two inner and two outer London: small enough to run a
// few thousand times in seconds.
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

// The truth of the synthetic targets: agency taste, exit rate, on-cost rate.
const std::vector<double> kTruth = {-0.5, 0.07, 0.3};

}  // namespace

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

// Targets that cannot inform the fit, and targets the run does not produce,
// are refused when the file is read (before any simulation), each at its
// line and key, all at once.
TEST(Calibration, TargetsThatCannotInformTheFitAreRefusedWithLineAndKey) {
  const pledgesim::test_util::ScopedTempDir temp("calibration");
  const fs::path& dir = temp.path();
  write(dir / "four.toml", kScenario);  // establishment 1380 FTE, largest caseload 17
  write(dir / "bad.toml", R"(scenario = "four.toml"
years = 2  # years to 30 September 2018-2019; financial years ending March 2018-2019

[[parameters]]
key = "behaviour.exit_rate_per_year"
min = 0.03
max = 0.1

[[targets]]  # 0: an sd no model can meet
indicator = "agency_rate"
group = "London"
year = 2018
observed = 25
sd = 1e-9

[[targets]]  # 1: a rate over 100%
indicator = "vacancy_rate"
group = "London"
year = 2018
observed = 250

[[targets]]  # 2: a negative level
indicator = "leavers"
group = "Inner London"
year = 2019
observed = -5

[[targets]]  # 3: a level far beyond the scenario's size
indicator = "inpost_fte"
group = "London"
year = 2019
observed = 1e12
sd = 1e9

[[targets]]  # 4: a caseload far beyond the scenario's
indicator = "caseload"
group = "all"
year = 2018
observed = 5000

[[targets]]  # 5: a year before the first simulated
indicator = "turnover_rate"
group = "Outer London"
year = 2017
observed = 15

[[targets]]  # 6: a financial year after the last
indicator = "total_cost_gbp"
group = "London"
year = 2020
observed = 9e7
sd = 9e6

[[targets]]  # 7: a group the scenario does not have
indicator = "agency_rate"
group = "Londn"
year = 2018
observed = 20

[[targets]]  # 8: the default sd (1) below 0.01% of a large level
indicator = "agency_fte"
group = "London"
year = 2018
observed = 50000
)");
  try {
    pa::load_calibration_spec(dir / "bad.toml");
    FAIL() << "expected problems";
  } catch (const pledgesim::models::ScenarioError& e) {
    const std::string text = e.what();
    for (const char* expected : {
             "bad.toml:14: targets[0].sd: 1e-09 is below 0.01, the smallest sd a target may have "
             "(0.01 in the indicator's units or 0.01% of the observed value, the larger)",
             "bad.toml:20: targets[1].observed: 250 is outside [0, 100]: vacancy_rate is a rate "
             "in per cent",
             "bad.toml:26: targets[2].observed: -5 is negative: leavers (FTE) is at least 0",
             "bad.toml:32: targets[3].observed: 1e+12 is above 138000, 100 times the "
             "establishment of the scenario (four.toml) (1380 FTE in post or vacant at the "
             "start, all authorities)",
             "bad.toml:39: targets[4].observed: 5000 is above 1700, 100 times the largest "
             "caseload of the scenario (four.toml) at the start (17 cases per FTE)",
             "bad.toml:44: targets[5].year: 2017 is not simulated: the scenario (four.toml) runs "
             "2 years from 2017-10-01 and reports the years to 30 September 2018 to 2019",
             "bad.toml:50: targets[6].year: 2020 is not simulated: the scenario (four.toml) runs "
             "2 years from 2017-10-01 and reports the financial years ending in March 2018 to "
             "2019 (total_cost_gbp is a financial-year indicator)",
             "bad.toml:56: targets[7].group: 'Londn' is not a group of the scenario (four.toml): "
             "expected one of London, Inner London, Outer London, all (did you mean 'London'?)",
             "bad.toml:60: targets[8].sd: 1 (the default) is below 5, the smallest sd",
         })
      EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n---\n" << text;
    // Nothing else: the good parts of each target pass.
    std::size_t lines = 0;
    for (std::size_t at = 0; (at = text.find("bad.toml:", at)) != std::string::npos; ++at) ++lines;
    EXPECT_EQ(lines, 9u) << text;
    // In the file's order, whichever check found them.
    EXPECT_LT(text.find("bad.toml:56:"), text.find("bad.toml:60:")) << text;
  }
}

// The same rules leave a sensible file alone: an sd at the floor, a level of
// zero with the default sd, a negative agency premium (a difference of pay),
// a rate of 100%, the last financial year, the scenario's own years.
TEST(Calibration, TargetsAtTheEdgeOfTheRulesAreAccepted) {
  const pledgesim::test_util::ScopedTempDir temp("calibration");
  const fs::path& dir = temp.path();
  write(dir / "four.toml", kScenario);  // 3 years
  write(dir / "good.toml", R"(scenario = "four.toml"
[[parameters]]
key = "behaviour.exit_rate_per_year"
min = 0.03
max = 0.1
[[targets]]
indicator = "agency_rate"
group = "Inner London"
year = 2020
observed = 100
sd = 0.01
[[targets]]
indicator = "bank_fte"
group = "all"
year = 2018
observed = 0
[[targets]]
indicator = "agency_premium_gbp"
group = "London"
year = 2020
observed = -2000
sd = 500
[[targets]]
indicator = "inpost_fte"
group = "Outer London"
year = 2019
observed = 50000
sd = 5
)");
  const pa::CalibrationSpec spec = pa::load_calibration_spec(dir / "good.toml");
  ASSERT_EQ(spec.targets.size(), 4u);
  EXPECT_EQ(spec.targets[2].observed, -2000);
}

// A target the model cannot approach (a cost a million times the
// scenario's) makes chi^2 a constant to within the optimiser's tolerance:
// the fit must say so, not report convergence at its start.
TEST(Calibration, AFlatObjectiveIsReportedAsSuchNotConverged) {
  const pledgesim::test_util::ScopedTempDir temp("calibration");
  write(temp.path() / "four.toml", kScenario);
  pa::CalibrationSpec spec;
  spec.file = temp.path() / "flat.toml";
  spec.scenario = temp.path() / "four.toml";
  spec.years = 2;
  spec.replications = 2;
  spec.noise_replications = 3;
  spec.max_evaluations = 30;
  spec.posterior.particles = 0;
  pa::CalibrationParameter p;
  p.key = "behaviour.exit_rate_per_year", p.min = 0.03, p.max = 0.1;
  spec.parameters = {p};
  spec.targets = {{"total_cost_gbp", "London", 2019, 1e15, 1e11, 0, "", true}};
  const pa::CalibrationResult r = pa::calibrate(spec, 2);
  EXPECT_TRUE(r.flat);
  EXPECT_FALSE(r.converged);
  const std::string table = pa::format_fit_table(spec, r);
  EXPECT_EQ(table.find("Warning: objective flat: every evaluation gave the same chi-square ("), 0u)
      << table;
  EXPECT_NE(table.find("the targets cannot move the parameters"), std::string::npos) << table;
  EXPECT_NE(table.find("NOT converged: the objective is flat"), std::string::npos) << table;
  EXPECT_EQ(table.find("(converged)"), std::string::npos) << table;
  const std::string toml = pa::calibration_result_toml(spec, r);
  EXPECT_NE(toml.find("converged = false"), std::string::npos) << toml;
  EXPECT_NE(toml.find("flat = true"), std::string::npos) << toml;
  EXPECT_NE(toml.find("warning = \"objective flat: "), std::string::npos) << toml;
}

namespace {

// Synthetic data: the model's own output at known values on another seed (so
// the data carry simulation noise the fit has not seen), for Inner and Outer
// London's rates in 2018-2020. pay.on_cost_rate changes costs only, so the
// targets do not depend on it at all.
pa::CalibrationSpec synthetic_spec(const fs::path& dir, std::uint64_t data_seed) {
  write(dir / "four.toml", kScenario);
  pa::CalibrationSpec spec;
  spec.file = dir / "synthetic.toml";
  spec.scenario = dir / "four.toml";
  spec.seed = 4;
  spec.replications = 3;
  spec.max_evaluations = 60;
  spec.posterior.particles = 60;
  spec.posterior.max_evaluations = 3000;
  spec.posterior.max_moves = 4;
  const auto parameter = [](const char* key, double min, double max, double start) {
    pa::CalibrationParameter p;
    p.key = key, p.min = min, p.max = max, p.start = start;
    return p;
  };
  spec.parameters = {parameter("behaviour.agency_taste_mean", -3.0, 1.0, -1.8),
                     parameter("behaviour.exit_rate_per_year", 0.02, 0.15, 0.035),
                     parameter("pay.on_cost_rate", 0.1, 0.4, 0.2)};
  for (const char* group : {"Inner London", "Outer London"})
    for (int year : {2018, 2019, 2020})
      for (const char* indicator : {"agency_rate", "turnover_rate", "vacancy_rate"})
        spec.targets.push_back({indicator, group, year, 0, 1.0, 0.05, "synthetic", true});
  // The data: one replication, as the world is one realisation.
  pa::CalibrationSpec data = spec;
  data.seed = data_seed;
  data.replications = 1;
  const pa::CalibrationPoint produced =
      pa::evaluate_point(data, pa::calibration_base(data), kTruth, 2);
  for (std::size_t k = 0; k < spec.targets.size(); ++k)
    spec.targets[k].observed = produced.fits[k].mean;
  return spec;
}

}  // namespace

TEST(Calibration, RecoversKnownParametersWithHonestIntervals) {
  const pledgesim::test_util::ScopedTempDir temp("calibration");
  int covered = 0, total = 0;
  for (std::uint64_t data_seed : {101, 202, 303}) {
    const pa::CalibrationSpec spec = synthetic_spec(temp.path(), data_seed);
    const pa::CalibrationResult r = pa::calibrate(spec, 2);
    ASSERT_TRUE(r.posterior);
    const auto& post = *r.posterior;
    std::cout << "data seed " << data_seed << ": best fit " << r.best.values[0] << ", "
              << r.best.values[1] << "; posterior 90% intervals";
    for (std::size_t k = 0; k < 3; ++k) {
      const auto& q = post.parameters[k];
      std::cout << " [" << q.lo90 << ", " << q.hi90 << "]";
      covered += q.lo90 <= kTruth[k] && kTruth[k] <= q.hi90;
      ++total;
    }
    std::cout << "; " << post.evaluations << " evaluations, misfit scale " << r.misfit_scale
              << '\n';
    EXPECT_LT(r.best.objective, 0.5 * r.start.objective);
    // The identified parameters: the best fit is close and the interval narrow.
    EXPECT_NEAR(r.best.values[0], kTruth[0], 0.5);
    EXPECT_NEAR(r.best.values[1], kTruth[1], 0.02);
    EXPECT_FALSE(post.parameters[0].poorly_identified());
    EXPECT_FALSE(post.parameters[1].poorly_identified());
    // The parameter the targets ignore keeps about its prior's width.
    EXPECT_GT(post.parameters[2].width_ratio, 0.7);
    EXPECT_TRUE(post.parameters[2].poorly_identified());
    // The ensemble is what the CSV holds, one set per particle.
    EXPECT_EQ(post.ensemble.sets.size(), 60u);
    EXPECT_EQ(post.ensemble.keys[2], "pay.on_cost_rate");
  }
  EXPECT_GE(covered, static_cast<int>(std::ceil(0.8 * total))) << covered << " of " << total;
}

TEST(Calibration, TheBacktestCoversHeldOutSyntheticTargets) {
  const pledgesim::test_util::ScopedTempDir temp("calibration");
  int covered = 0, held = 0;
  for (std::uint64_t data_seed : {11, 22}) {
    const pa::CalibrationSpec spec =
        pa::backtest_spec(synthetic_spec(temp.path(), data_seed), 2019);
    const pa::CalibrationResult r = pa::calibrate(spec, 2);
    ASSERT_TRUE(r.posterior);
    double fitted_contributions = 0;
    for (std::size_t k = 0; k < spec.targets.size(); ++k) {
      if (spec.targets[k].fitted) {
        EXPECT_LE(spec.targets[k].year, 2019);
        fitted_contributions += r.best.fits[k].contribution;
        continue;
      }
      EXPECT_EQ(spec.targets[k].year, 2020);
      EXPECT_EQ(r.best.fits[k].contribution, 0);  // held out: not in the objective
      covered += r.posterior->targets[k].covers();
      ++held;
    }
    EXPECT_GT(fitted_contributions, 0);
    const std::string table = pa::format_backtest_table(spec, r);
    EXPECT_NE(table.find("| agency_rate | Inner London | 2020 |"), std::string::npos) << table;
    EXPECT_EQ(table.find("| 2019 |"), std::string::npos) << table;
  }
  std::cout << "held-out coverage " << covered << " of " << held << '\n';
  EXPECT_EQ(held, 12);
  EXPECT_GE(covered, 9);  // 90% nominal: at least 75% of 12
  // Nothing to predict, or nothing to fit, is refused.
  const pa::CalibrationSpec spec = synthetic_spec(temp.path(), 11);
  EXPECT_THROW(pa::backtest_spec(spec, 2020), pledgesim::sim::InputError);
  EXPECT_THROW(pa::backtest_spec(spec, 2017), pledgesim::sim::InputError);
}

TEST(Calibration, WritesTheFitTablesResultAndEnsemble) {
  const pledgesim::test_util::ScopedTempDir temp("calibration");
  pa::CalibrationSpec spec = synthetic_spec(temp.path(), 7);
  spec.max_evaluations = 20;
  spec.posterior.particles = 20;
  spec.posterior.max_evaluations = 200;
  const pa::CalibrationResult r = pa::calibrate(spec, 2);
  ASSERT_TRUE(r.posterior);
  EXPECT_EQ(r.trace.size(), static_cast<std::size_t>(r.evaluations));
  const std::string toml = pa::calibration_result_toml(spec, r);
  EXPECT_NE(toml.find("[fitted.behaviour]"), std::string::npos) << toml;
  EXPECT_NE(toml.find("poorly_identified"), std::string::npos) << toml;
  const std::string table = pa::format_fit_table(spec, r);
  EXPECT_NE(table.find("| agency_rate | Inner London | 2018 |"), std::string::npos) << table;
  EXPECT_NE(table.find("| `pay.on_cost_rate` |"), std::string::npos) << table;
  EXPECT_NE(table.find("stopped: evaluation budget spent"), std::string::npos) << table;
  // The ensemble reads back, bit for bit, against the scenario.
  const std::string csv = pa::calibration_ensemble_csv(spec, r);
  const auto back = pledgesim::models::parse_parameter_ensemble(csv, temp.path() / "e.csv",
                                                                pa::calibration_base(spec));
  EXPECT_EQ(back.keys, r.posterior->ensemble.keys);
  EXPECT_EQ(back.sets, r.posterior->ensemble.sets);
}
