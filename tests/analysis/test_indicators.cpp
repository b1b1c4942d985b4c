// Indicator definitions on a hand-built run file with known answers.
#include "analysis/cpp/indicators.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/cpp/annual_summary.hpp"
#include "analysis/cpp/run_file.hpp"
#include "sim/io/hdf5_util.hpp"
#include "tests/analysis/fixture.hpp"

namespace pledgesim::analysis {
namespace {

using testing::FileSpec;
using testing::TempDir;
using testing::write_run;

constexpr double kW = 365.25 / 7.0;  // weeks per year

// Per employer (Camden, Bromley, Kent); replication r adds 10 r permanent
// FTE everywhere and 5 r agency FTE at Camden.
double value(std::size_t r, const std::string& s, std::int64_t w, std::size_t e) {
  const double rr = static_cast<double>(r);
  if (s == "permanent_fte") return std::vector<double>{80, 100, 50}[e] + 10 * rr;
  if (s == "agency_fte") return std::vector<double>{20, 0, 10}[e] + (e == 0 ? 5 * rr : 0);
  if (s == "vacancies") return std::vector<double>{20, 25, 5}[e];
  if (s == "starters") return std::vector<double>{1, 2, 0}[e];
  if (s == "leavers") return std::vector<double>{1, 1, 0}[e];
  if (s == "moves_in") return e == 0 && w % 2 == 0 ? 1 : 0;
  if (s == "moves_out") return e == 1 && w % 4 == 0 ? 1 : 0;
  if (s == "perm_to_agency") return e == 2 && w < 10 ? 1 : 0;
  if (s == "agency_to_perm") return e == 0 && w == 51 ? 3 : 0;
  if (s == "caseload") return std::vector<double>{15, 18, 12}[e];
  if (s == "mean_tenure_weeks") return std::vector<double>{104, 52, 0}[e];
  if (s == "pay_cost_gbp") return std::vector<double>{1000, 2000, 500}[e];
  if (s == "agency_cost_gbp") return std::vector<double>{300, 0, 100}[e];
  if (s == "agency_margin_gbp") return std::vector<double>{60, 0, 20}[e];
  if (s == "incentive_cost_gbp") return e == 0 && w == 0 ? 5000 : 0;
  return 12345;  // series the analysis does not know (must be ignored)
}

const std::vector<std::string> kSeries = {
    "permanent_fte",   "agency_fte",        "vacancies",          "starters",
    "leavers",         "moves_in",          "moves_out",          "perm_to_agency",
    "agency_to_perm",  "caseload",          "mean_tenure_weeks",  "pay_cost_gbp",
    "agency_cost_gbp", "agency_margin_gbp", "incentive_cost_gbp", "future_metric_gbp"};

class Indicators : public TempDir {
 protected:
  RunFile make(std::size_t replications, const sim::ParameterTable& parameters = {}) {
    FileSpec spec;
    spec.series = kSeries;
    spec.replications = replications;
    spec.parameters = parameters;
    const auto path = dir_ / "run.h5";
    write_run(path, spec, value);
    return open_run_file(path);
  }
  static double get(const IndicatorTable& t, const std::string& indicator, const std::string& group,
                    std::size_t rep = 0) {
    for (std::size_t i = 0; i < t.indicators.size(); ++i)
      if (t.indicators[i].name == indicator)
        for (std::size_t g = 0; g < t.groups.size(); ++g)
          if (t.groups[g].name == group) return t.replicates(i, g, 0)[rep];
    ADD_FAILURE() << "no " << indicator << " for " << group;
    return 0;
  }
};

TEST_F(Indicators, PeriodsCloseInTheWeekOfTheirDate) {
  const RunFile run = make(1);
  EXPECT_EQ(run.replications, 1u);
  const auto years = make_periods(run.dates, PeriodKind::kYearToSeptember);
  ASSERT_EQ(years.size(), 1u);
  EXPECT_EQ(years[0].year, 2018);
  EXPECT_EQ(years[0].first_week, 0u);
  EXPECT_EQ(years[0].last_week, 51u);
  EXPECT_EQ(years[0].label(), "2018");
  EXPECT_TRUE(years[0].complete());
  const auto fys = make_periods(run.dates, PeriodKind::kFinancialYear);
  ASSERT_EQ(fys.size(), 1u);
  EXPECT_EQ(fys[0].label(), "2017-18");
  EXPECT_EQ(fys[0].last_week, 25u);
  EXPECT_EQ(fys[0].weeks(), 26);
  EXPECT_FALSE(fys[0].complete());
}

TEST_F(Indicators, GroupsByRegionSubregionAuthority) {
  const RunFile run = make(1);
  auto names = [&](Grouping by) {
    std::vector<std::string> out;
    for (const auto& g : make_groups(run, by)) out.push_back(g.name);
    return out;
  };
  EXPECT_EQ(names(Grouping::kTotal), (std::vector<std::string>{"London", "all"}));
  EXPECT_EQ(
      names(Grouping::kRegion),
      (std::vector<std::string>{"London", "South East", "Inner London", "Outer London", "all"}));
  EXPECT_EQ(names(Grouping::kSubregion),
            (std::vector<std::string>{"North", "South", "South East", "all"}));
  EXPECT_EQ(names(Grouping::kAuthority),
            (std::vector<std::string>{"Camden", "Bromley", "Kent", "all"}));
  const auto region = make_groups(run, Grouping::kRegion);
  EXPECT_EQ(region[2].members, (std::vector<std::size_t>{0}));  // Inner London: Camden
  EXPECT_EQ(region[3].members, (std::vector<std::size_t>{1}));  // Outer London: Bromley
}

TEST_F(Indicators, StocksFlowsAndRatesMatchTheDfEDefinitions) {
  const IndicatorTable t = compute_indicators(make(1), Grouping::kRegion);
  // London = Camden + Bromley at the week containing 30 Sep 2018.
  EXPECT_DOUBLE_EQ(get(t, "inpost_fte", "London"), 180);
  EXPECT_DOUBLE_EQ(get(t, "agency_fte", "London"), 20);
  EXPECT_DOUBLE_EQ(get(t, "agency_rate", "London"), 100.0 * 20 / 200);
  EXPECT_DOUBLE_EQ(get(t, "vacancies", "London"), 45);
  EXPECT_DOUBLE_EQ(get(t, "vacancy_rate", "London"), 100.0 * 45 / 225);
  EXPECT_DOUBLE_EQ(get(t, "starters", "London"), 52 * 3);
  EXPECT_DOUBLE_EQ(get(t, "leavers", "London"), 52 * 2);
  EXPECT_DOUBLE_EQ(get(t, "turnover_rate", "London"), 100.0 * 104 / 180);
  EXPECT_DOUBLE_EQ(get(t, "moves_in", "London"), 26);
  EXPECT_DOUBLE_EQ(get(t, "moves_out", "London"), 13);
  EXPECT_DOUBLE_EQ(get(t, "perm_to_agency", "London"), 0);
  EXPECT_DOUBLE_EQ(get(t, "perm_to_agency", "South East"), 10);
  EXPECT_DOUBLE_EQ(get(t, "agency_to_perm", "Inner London"), 3);
  EXPECT_DOUBLE_EQ(get(t, "agency_to_perm", "Outer London"), 0);
  EXPECT_NEAR(get(t, "mean_tenure_years", "London"), (104.0 * 80 + 52.0 * 100) / 180 / kW, 1e-12);
  EXPECT_DOUBLE_EQ(get(t, "caseload", "London"), (15.0 * 100 + 18.0 * 100) / 200);
  // Everyone together, neighbours included.
  EXPECT_DOUBLE_EQ(get(t, "agency_rate", "all"), 100.0 * 30 / 260);
  EXPECT_DOUBLE_EQ(get(t, "vacancy_rate", "all"), 100.0 * 50 / 280);
  EXPECT_DOUBLE_EQ(get(t, "turnover_rate", "all"), 100.0 * 104 / 230);
  EXPECT_DOUBLE_EQ(get(t, "caseload", "all"), (1500.0 + 1800 + 12 * 60) / 260);
  EXPECT_DOUBLE_EQ(get(t, "agency_rate", "Outer London"), 0);
  EXPECT_DOUBLE_EQ(get(t, "turnover_rate", "South East"), 0);
}

TEST_F(Indicators, FinancialYearCosts) {
  const IndicatorTable t = compute_indicators(make(1), Grouping::kRegion);
  // Financial year 2017-18 = weeks 0..25 (26 weeks).
  EXPECT_DOUBLE_EQ(get(t, "pay_cost_gbp", "London"), 26 * 3000);
  EXPECT_DOUBLE_EQ(get(t, "agency_cost_gbp", "London"), 26 * 300);
  EXPECT_DOUBLE_EQ(get(t, "agency_margin_gbp", "London"), 26 * 60);
  EXPECT_DOUBLE_EQ(get(t, "incentive_cost_gbp", "London"), 5000);
  EXPECT_DOUBLE_EQ(get(t, "total_cost_gbp", "London"), 78000 + 7800 + 5000);
  EXPECT_NEAR(get(t, "filled_fte_years", "London"), 26 * 200 / kW, 1e-9);
  EXPECT_NEAR(get(t, "cost_per_filled_fte_gbp", "London"), 90800 / (26 * 200 / kW), 1e-6);
  EXPECT_NEAR(get(t, "agency_premium_gbp", "London"),
              7800 / (26 * 20 / kW) - 78000 / (26 * 180 / kW), 1e-6);
  EXPECT_DOUBLE_EQ(get(t, "total_cost_gbp", "all"), 26 * 3500 + 26 * 400 + 5000);
  // No agency staff in Outer London: the premium is undefined, not zero.
  EXPECT_TRUE(std::isnan(get(t, "agency_premium_gbp", "Outer London")));
}

// Runs that record an in-house bank and recruitment costs: bank staff count
// in caseload and filled FTE, bank pay and recruitment in the total.
TEST_F(Indicators, BankAndRecruitmentWhenRecorded) {
  FileSpec spec;
  spec.series = kSeries;
  for (const char* s : {"bank_fte", "bank_cost_gbp", "recruitment_cost_gbp"})
    spec.series.push_back(s);
  write_run(dir_ / "bank.h5", spec,
            [](std::size_t r, const std::string& s, std::int64_t w, std::size_t e) {
              if (s == "bank_fte") return e == 0 ? 10.0 : 0.0;
              if (s == "bank_cost_gbp") return e == 0 ? 100.0 : 0.0;
              if (s == "recruitment_cost_gbp") return e == 1 ? 40.0 : 0.0;
              return value(r, s, w, e);
            });
  const IndicatorTable t = compute_indicators(open_run_file(dir_ / "bank.h5"), Grouping::kTotal);
  ASSERT_EQ(t.skipped.size(), 1u);  // the fixture has no MSP fee
  EXPECT_NE(t.skipped[0].find("msp_fee_gbp"), std::string::npos);
  EXPECT_DOUBLE_EQ(get(t, "bank_fte", "London"), 10);
  EXPECT_DOUBLE_EQ(get(t, "caseload", "London"), (15.0 * 110 + 18.0 * 100) / 210);
  EXPECT_DOUBLE_EQ(get(t, "bank_cost_gbp", "London"), 2600);
  EXPECT_DOUBLE_EQ(get(t, "recruitment_cost_gbp", "London"), 1040);
  EXPECT_DOUBLE_EQ(get(t, "total_cost_gbp", "London"), 90800 + 2600 + 1040);
  EXPECT_NEAR(get(t, "filled_fte_years", "London"), 26 * 210 / kW, 1e-9);
  EXPECT_NEAR(get(t, "cost_per_filled_fte_gbp", "London"), 94440 / (26 * 210 / kW), 1e-6);
}

TEST_F(Indicators, AbsentSeriesAreSkippedAndNamed) {
  const IndicatorTable t = compute_indicators(make(1), Grouping::kTotal);
  std::vector<std::string> names;
  for (const auto& d : t.indicators) names.push_back(d.name);
  EXPECT_EQ(std::count(names.begin(), names.end(), "msp_fee_gbp"), 0);
  EXPECT_EQ(std::count(names.begin(), names.end(), "bank_fte"), 0);
  EXPECT_EQ(std::count(names.begin(), names.end(), "agency_rate"), 1);
  ASSERT_EQ(t.skipped.size(), 4u);
  EXPECT_NE(t.skipped[0].find("bank_fte"), std::string::npos);
  EXPECT_NE(t.skipped[1].find("/series/msp_fee_gbp"), std::string::npos);
  EXPECT_NE(t.skipped[2].find("/series/bank_cost_gbp"), std::string::npos);
  EXPECT_NE(t.skipped[3].find("/series/recruitment_cost_gbp"), std::string::npos);
  // Only what was asked for; an unknown name is an error.
  const IndicatorTable one = compute_indicators(make(1), Grouping::kTotal, {"caseload"});
  ASSERT_EQ(one.indicators.size(), 1u);
  EXPECT_THROW(compute_indicators(make(1), Grouping::kTotal, {"agency_rat"}), sim::InputError);
}

TEST_F(Indicators, ReplicationsAndTheirInterval) {
  const RunFile run = make(2);
  EXPECT_EQ(run.replications, 2u);
  EXPECT_EQ(run.replication_seeds, (std::vector<std::uint64_t>{1, 2}));
  const IndicatorTable t = compute_indicators(run, Grouping::kTotal);
  EXPECT_DOUBLE_EQ(get(t, "inpost_fte", "London", 0), 180);
  EXPECT_DOUBLE_EQ(get(t, "inpost_fte", "London", 1), 200);
  EXPECT_DOUBLE_EQ(get(t, "agency_rate", "London", 1), 100.0 * 25 / 225);

  SummaryOptions o;
  const Summary s = summarize(run, o);
  std::size_t i = 0;
  while (s.table.indicators[i].name != "inpost_fte") ++i;
  const Interval& iv = s.at(i, 0, 0);  // London, 2018
  EXPECT_EQ(iv.n, 2u);
  EXPECT_DOUBLE_EQ(iv.mean, 190);
  // sd = 20 / sqrt(2); half-width = t(0.95; 1) sd / sqrt(2) = 6.3137515 * 10.
  EXPECT_NEAR(iv.hi - iv.mean, 63.137515146, 1e-6);
  EXPECT_NEAR(iv.mean - iv.lo, 63.137515146, 1e-6);

  const std::string csv = format_summary(s, Format::kCsv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "scenario,file,level,group,indicator,units,period_type,period,weeks,replications,"
            "mean,lo90,hi90");
  EXPECT_NE(csv.find(",region,London,inpost_fte,FTE,year_to_30_sep,2018,52,2,190,"),
            std::string::npos)
      << csv;
  const std::string json = format_summary(s, Format::kJson);
  EXPECT_NE(json.find("\"indicator\": \"inpost_fte\""), std::string::npos);
  EXPECT_NE(json.find("\"replications\": 2"), std::string::npos);
  const std::string table = format_summary(s, Format::kTable);
  EXPECT_NE(table.find("190 +/-63"), std::string::npos) << table;
}

TEST_F(Indicators, ARunWithParametersGetsPredictionIntervalsByDefault) {
  const RunFile run = make(2, {"ens.csv", {"behaviour.exit_rate_per_year"}, {1, 0}, {0.07, 0.05}});
  ASSERT_TRUE(run.has_parameters());
  EXPECT_EQ(run.parameter_source, "ens.csv");
  EXPECT_EQ(run.parameter_keys, std::vector<std::string>{"behaviour.exit_rate_per_year"});
  EXPECT_EQ(run.parameter(1, 0), 0.05);

  const Summary s = summarize(run);
  EXPECT_EQ(s.interval, IntervalKind::kPrediction);
  std::size_t i = 0;
  while (s.table.indicators[i].name != "inpost_fte") ++i;
  // sd = 20 / sqrt(2); half-width = t(0.95; 1) sd sqrt(1 + 1/2).
  const Interval& iv = s.at(i, 0, 0);
  EXPECT_NEAR(iv.hi - iv.mean, 6.313751515 * 20 / std::sqrt(2.0) * std::sqrt(1.5), 1e-6);

  // Every format says which kind: new bound names, the header's words.
  const std::string csv = format_summary(s, Format::kCsv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "scenario,file,level,group,indicator,units,period_type,period,weeks,replications,"
            "mean,pi90_lo,pi90_hi");
  const std::string json = format_summary(s, Format::kJson);
  EXPECT_NE(json.find("\"interval_kind\": \"prediction\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"pi90_lo\": "), std::string::npos);
  EXPECT_EQ(json.find("\"lo90\""), std::string::npos);
  EXPECT_NE(json.find("\"parameters\": \"ens.csv\""), std::string::npos);
  const std::string table = format_summary(s, Format::kTable);
  EXPECT_NE(table.find("90% prediction interval (parameters and chance"), std::string::npos)
      << table;

  // --interval mean: the interval of the mean, under its old names.
  SummaryOptions o;
  o.interval = IntervalKind::kMean;
  const Summary m = summarize(run, o);
  EXPECT_NEAR(m.at(i, 0, 0).hi - m.at(i, 0, 0).mean, 63.137515146, 1e-6);
  const std::string mean_csv = format_summary(m, Format::kCsv);
  EXPECT_EQ(mean_csv.substr(mean_csv.find("mean,"), 15), "mean,lo90,hi90\n");
  EXPECT_NE(format_summary(m, Format::kTable).find("90% confidence interval of the mean"),
            std::string::npos);
  // A run without parameters keeps the interval of the mean by default.
  EXPECT_EQ(summarize(make(2)).interval, IntervalKind::kMean);
}

TEST_F(Indicators, RejectsFilesThatAreNotRuns) {
  EXPECT_THROW(open_run_file(dir_ / "missing.h5"), FileError);
  {
    sim::h5::Handle f(
        H5Fcreate((dir_ / "other.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
        "create");
    sim::h5::write_string_attribute(f, "format", "something-else");
  }
  try {
    open_run_file(dir_ / "other.h5");
    FAIL() << "accepted a foreign file";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("not a pledgesim file"), std::string::npos);
  }
}

}  // namespace
}  // namespace pledgesim::analysis
