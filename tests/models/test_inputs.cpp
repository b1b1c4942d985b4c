// Inputs that change over time (models/inputs.hpp, models/input_paths.hpp):
// the table read from CSV and TOML with its errors located, each path exact
// on its dates and linear between them, each projection rule's exact path,
// and the market following them week by week.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "models/input_paths.hpp"
#include "models/market.hpp"
#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "tests/models/market_test_util.hpp"

namespace pledgesim::models {
namespace {

namespace fs = std::filesystem;
using sim::Date;

// Scenario files held in memory.
class MemoryFiles : public ScenarioFiles {
 public:
  std::map<std::string, std::string> files;
  fs::path identity(const fs::path& path) const override { return path.lexically_normal(); }
  std::optional<std::string> read(const fs::path& path) const override {
    const auto it = files.find(path.lexically_normal().generic_string());
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
};

const std::string kTwoAuthorities =
    "authorities = [\n"
    "  { name = \"A\", region = \"R\", subregion = \"X\", inpost_fte = 80, vacancy_fte = 20, "
    "agency_fte = 10, caseload = 15 },\n"
    "  { name = \"B\", region = \"R\", subregion = \"X\", inpost_fte = 240, vacancy_fte = 60, "
    "agency_fte = 30, caseload = 15 },\n"
    "]\n";

Scenario parse_with_table(const std::string& csv, const std::string& extra = "") {
  MemoryFiles files;
  files.files["dir/inputs.csv"] = csv;
  return parse_scenario(kTwoAuthorities + "[inputs]\ntable = \"inputs.csv\"\n" + extra,
                        "dir/s.toml", {}, files);
}

std::vector<ScenarioIssue> table_issues(const std::string& csv, const std::string& extra = "") {
  try {
    parse_with_table(csv, extra);
  } catch (const ScenarioError& e) {
    return e.issues();
  }
  ADD_FAILURE() << "no ScenarioError for:\n" << csv;
  return {};
}

const std::string kHeader = "scope,date,variable,value,source\n";

TEST(InputPath, ExactOnItsDatesLinearBetweenFirstValueBefore) {
  const Date d0 = Date::from_ymd(2018, 9, 30);
  InputPath p({{d0.days(), 100.0}, {d0.days() + 100, 200.0}, {d0.days() + 300, 150.0}}, {});
  EXPECT_EQ(p.at(d0), 100.0);
  EXPECT_EQ(p.at(d0.plus_days(100)), 200.0);
  EXPECT_EQ(p.at(d0.plus_days(300)), 150.0);
  EXPECT_DOUBLE_EQ(p.at(d0.plus_days(25)), 125.0);
  EXPECT_DOUBLE_EQ(p.at(d0.plus_days(200)), 175.0);
  EXPECT_EQ(p.at(d0.plus_days(-500)), 100.0);
  EXPECT_EQ(p.at(d0.plus_days(5000)), 150.0);  // hold
  EXPECT_TRUE(InputPath().empty());
  EXPECT_EQ(InputPath().at(d0, 7.0), 7.0);
}

TEST(InputPath, EachProjectionRuleGivesItsExactPath) {
  const Date d0 = Date::from_ymd(2017, 9, 30);
  // Points off a line: least squares through (0, 0), (365, 12), (730, 18):
  // slope = sum(dt * dv) / sum(dt^2) about the means (365, 10) = 9 / 365 a day.
  const std::vector<std::pair<std::int64_t, double>> points = {
      {d0.days(), 0.0}, {d0.days() + 365, 12.0}, {d0.days() + 730, 18.0}};
  const InputPath hold(points, {.rule = ProjectionRule::hold});
  const InputPath trend(points, {.rule = ProjectionRule::trend});
  const InputPath growth(points, {.rule = ProjectionRule::growth, .rate_per_year = 0.02});
  const Date later = d0.plus_days(730 + 365);
  EXPECT_EQ(hold.at(later), 18.0);
  EXPECT_NEAR(trend.at(later), 18.0 + 9.0, 1e-9);
  EXPECT_NEAR(growth.at(d0.plus_days(730 + 2 * 365)), 18.0 * std::pow(1.02, 730 / 365.25), 1e-9);
  // A falling trend stops at 0.
  const InputPath falling({{d0.days(), 10.0}, {d0.days() + 365, 5.0}},
                          {.rule = ProjectionRule::trend});
  EXPECT_NEAR(falling.at(d0.plus_days(730)), 0.0, 1e-12);
  EXPECT_EQ(falling.at(d0.plus_days(5000)), 0.0);
}

TEST(InputTable, ReadsCsvAndSharesARegionsRowsByEstablishment) {
  const Scenario s = parse_with_table(kHeader +
                                          "A,2017-09-30,establishment,110,test\n"
                                          "R,2017-09-30,case_demand,800,\"a, quoted source\"\n"
                                          "all,2018-04-01,pay_award,0.03,NJC\n",
                                      "projection.establishment.rule = \"growth\"\n"
                                      "projection.establishment.rate_per_year = 0.02\n");
  ASSERT_EQ(s.inputs.rows.size(), 3u);
  EXPECT_EQ(s.inputs.rows[1].source, "a, quoted source");
  EXPECT_EQ(s.inputs.projection[0].rule, ProjectionRule::growth);
  EXPECT_EQ(s.inputs.projection[0].rate_per_year, 0.02);
  const InputPaths paths(s);
  const Date d = Date::from_ymd(2017, 9, 30);
  EXPECT_EQ(paths.path(0, InputVariable::establishment).at(d), 110.0);
  EXPECT_TRUE(paths.path(1, InputVariable::establishment).empty());  // B has no row of its own
  // Region R's 800 cases shared 100 : 300 by establishment at the start.
  EXPECT_DOUBLE_EQ(paths.path(0, InputVariable::case_demand).at(d), 200.0);
  EXPECT_DOUBLE_EQ(paths.path(1, InputVariable::case_demand).at(d), 600.0);
  EXPECT_EQ(paths.national(InputVariable::pay_award).at(d), 0.03);
  // Written back, the rows are inline and read back the same.
  EXPECT_EQ(parse_scenario(to_toml(s), "<resolved>"), s);
}

TEST(InputTable, BadRowsAreReportedWithTheTablesFileAndLine) {
  const auto issues = table_issues(kHeader +
                                   "A,2017-09-30,establishment,110,ok\n"
                                   "A,2017-09-31,establishment,110,bad date\n"
                                   "A,2017-09-30,establishmnt,110,bad variable\n"
                                   "Z,2017-09-30,establishment,110,unknown scope\n"
                                   "A,2018-04-01,pay_award,0.02,national only\n"
                                   "A,2017-09-30,establishment,120,duplicate\n"
                                   "A,2017-10-30,establishment,lots,not a number\n"
                                   "A,2017-11-30,establishment,-5,negative\n");
  std::map<std::int64_t, std::string> by_line;
  for (const auto& i : issues) {
    EXPECT_EQ(i.file, "dir/inputs.csv") << i.to_string();
    EXPECT_EQ(i.key, "inputs.table") << i.to_string();
    by_line[i.line] += i.message;
  }
  EXPECT_EQ(by_line.count(2), 0u);
  EXPECT_NE(by_line[3].find("not a date"), std::string::npos);
  EXPECT_NE(by_line[4].find("did you mean 'establishment'"), std::string::npos);
  EXPECT_NE(by_line[5].find("not an authority or region"), std::string::npos);
  EXPECT_NE(by_line[6].find("must be \"all\""), std::string::npos);
  EXPECT_NE(by_line[7].find("second establishment row"), std::string::npos);
  EXPECT_NE(by_line[8].find("not a number"), std::string::npos);
  EXPECT_NE(by_line[9].find("outside"), std::string::npos);
}

TEST(InputTable, AMissingFileOrHeaderIsReportedAtTheKey) {
  const auto no_header = table_issues("scope,date,value\nA,2017-09-30,1\n");
  ASSERT_EQ(no_header.size(), 1u);
  EXPECT_NE(no_header[0].message.find("no column 'variable'"), std::string::npos);
  try {
    parse_scenario(kTwoAuthorities + "[inputs]\ntable = \"absent.csv\"\n", "dir/s.toml");
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.issues()[0].key, "inputs.table");
    EXPECT_EQ(e.issues()[0].line, 6);
    EXPECT_NE(e.issues()[0].message.find("cannot open 'dir/absent.csv'"), std::string::npos);
  }
  const auto bad_rule = table_issues(kHeader, "projection.cases.rule = \"hold\"\n");
  EXPECT_FALSE(bad_rule.empty());
  const auto bad_name = table_issues(kHeader, "projection.establishment.rule = \"linear\"\n");
  ASSERT_EQ(bad_name.size(), 1u);
  EXPECT_NE(bad_name[0].message.find("expected one of hold, trend, growth"), std::string::npos);
}

// The market's establishment and case demand follow the table: on each
// week's start, the path's value (rounded), never below those in post.
TEST(InputsInTheMarket, EstablishmentAndCasesFollowTheTableWeekByWeek) {
  Scenario s = pledgesim_test::london(1);
  const Date start = s.start;
  const std::string a = s.authorities[0].name;
  s.inputs.rows = {{a, start, InputVariable::establishment, 178.0, "t"},
                   {a, start.plus_days(70), InputVariable::establishment, 248.0, "t"},
                   {a, start, InputVariable::case_demand, 3000.0, "t"},
                   {a, start.plus_days(140), InputVariable::case_demand, 4400.0, "t"}};
  LabourMarket m(s);
  const std::size_t E = m.authority_count();
  for (std::int64_t w = 0; w < 30; ++w) {
    m.step();
    const auto series = m.week_series();
    const double days = 7.0 * static_cast<double>(w);
    const double posts = w >= 10 ? 248.0 : 178.0 + 70.0 * days / 70.0;
    const double cases = w >= 20 ? 4400.0 : 3000.0 + 1400.0 * days / 140.0;
    const double permanent = series[kPermanentFte * E];
    EXPECT_EQ(series[kEstablishment * E], std::max(std::round(posts), permanent)) << "week " << w;
    EXPECT_EQ(series[kVacancies * E], series[kEstablishment * E] - permanent);
    const double workers = permanent + series[kAgencyFte * E] + series[kBankFte * E];
    EXPECT_NEAR(series[kCaseload * E] * workers, cases, 1e-9 * cases) << "week " << w;
  }
  EXPECT_TRUE(m.stock_discrepancies().empty());
}

// The April pay award of the table (not pay.annual_uplift_rate) raises pay:
// with one salary for every role and no pay review, the weekly pay bill per
// post holder rises by exactly the award (to rounding of pence).
TEST(InputsInTheMarket, TheTablesPayAwardIsApplied) {
  Scenario s = pledgesim_test::london(1);
  s.pay.permanent_gbp_per_year.fill(40000);
  s.pay.competitive_raise_share = 0;
  s.pay.annual_uplift_rate = 0.10;  // not used: the table has the award
  s.inputs.rows = {{"all", Date::from_ymd(2018, 4, 1), InputVariable::pay_award, 0.0275, "t"}};
  LabourMarket m(s);
  const std::size_t E = m.authority_count();
  const std::size_t outer = 2;  // Bexley: outer London, one pay index
  double before = 0;
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    const auto series = m.week_series();
    const double per_post = series[kPayCostGbp * E + outer] / series[kPermanentFte * E + outer];
    const bool april = m.clock().week_start(w + 1) > Date::from_ymd(2018, 4, 1) &&
                       m.clock().week_start(w) <= Date::from_ymd(2018, 4, 1);
    if (april) {
      EXPECT_NEAR(per_post / before, 1.0275, 2e-5);  // pence rounded per post-week
    }
    before = per_post;
  }
}

// The September intake is the table's nqsw_intake of that date.
TEST(InputsInTheMarket, TheIntakeIsTheTablesOnTheIntakeDate) {
  Scenario s = pledgesim_test::london(1);
  s.inputs.rows = {{"London", Date::from_ymd(2018, 9, 1), InputVariable::nqsw_intake, 777, "t"}};
  LabourMarket m(s);
  std::int64_t intake = 0;
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    intake += m.last_intake();
  }
  EXPECT_EQ(intake, 777);
}

}  // namespace
}  // namespace pledgesim::models

namespace pledgesim::models {
namespace {

TEST(Shocks, ReadFromNamedTablesAndWrittenBack) {
  const Scenario s = parse_scenario(kTwoAuthorities +
                                        "[shocks.covid_exits]\n"
                                        "rate = \"exit\"\n"
                                        "multiplier = 1.4\n"
                                        "start = 2020-04-01\n"
                                        "end = 2021-04-01\n"
                                        "scope = \"region:R\"\n"
                                        "[shocks.b_search]\n"
                                        "rate = \"search\"\n"
                                        "multiplier = 0.5\n"
                                        "scope = [\"B\"]\n",
                                    "s.toml");
  ASSERT_EQ(s.shocks.size(), 2u);
  EXPECT_EQ(s.shocks[0].name, "b_search");  // in name order
  EXPECT_EQ(s.shocks[1].rate, ShockRate::exit);
  EXPECT_EQ(s.shocks[1].multiplier, 1.4);
  EXPECT_TRUE(s.shocks[1].in_force(Date::from_ymd(2020, 4, 1)));
  EXPECT_FALSE(s.shocks[1].in_force(Date::from_ymd(2021, 4, 1)));
  EXPECT_FALSE(s.shocks[1].in_force(Date::from_ymd(2020, 3, 31)));
  EXPECT_EQ(parse_scenario(to_toml(s), "<resolved>"), s);
  // An override reaches a shock by its name (what a sweep or --set does).
  const Scenario set =
      parse_scenario(kTwoAuthorities + "[shocks.x]\nrate = \"exit\"\nmultiplier = 2\n", "s.toml",
                     {{"shocks.x.multiplier", "3.5"}});
  EXPECT_EQ(set.shocks[0].multiplier, 3.5);
}

TEST(Shocks, BadShocksAreReportedWithLineAndKey) {
  try {
    parse_scenario(kTwoAuthorities +
                       "[shocks.a]\n"
                       "rate = \"exits\"\n"
                       "multiplier = -1\n"
                       "start = 2021-01-01\n"
                       "end = 2020-01-01\n"
                       "scope = \"region:Nowhere\"\n"
                       "colour = 1\n"
                       "[shocks.b]\n"
                       "rate = \"intake\"\n",
                   "s.toml");
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    std::map<std::string, ScenarioIssue> by_key;
    for (const auto& i : e.issues()) by_key[i.key] = i;
    EXPECT_NE(by_key["shocks.a.rate"].message.find("did you mean 'exit'"), std::string::npos);
    EXPECT_EQ(by_key["shocks.a.rate"].line, 6);
    EXPECT_NE(by_key["shocks.a.multiplier"].message.find("outside [0, 100]"), std::string::npos);
    EXPECT_NE(by_key["shocks.a.end"].message.find("must be after start"), std::string::npos);
    EXPECT_NE(by_key["shocks.a.scope"].message.find("no authority is in region"),
              std::string::npos);
    EXPECT_NE(by_key["shocks.a.colour"].message.find("unknown key"), std::string::npos);
    EXPECT_EQ(by_key["shocks.b.multiplier"].message, "missing");
  }
}

// An intake shock scales the September intake of the authorities it covers.
TEST(Shocks, AnIntakeShockScalesTheIntake) {
  Scenario s = pledgesim_test::london(1);
  s.inputs.rows = {{"London", Date::from_ymd(2018, 9, 1), InputVariable::nqsw_intake, 800, "t"}};
  Shock half;
  half.name = "fewer";
  half.rate = ShockRate::intake;
  half.multiplier = 0.5;
  half.start = Date::from_ymd(2018, 1, 1);
  s.shocks = {half};
  LabourMarket m(s);
  std::int64_t intake = 0;
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    intake += m.last_intake();
  }
  EXPECT_EQ(intake, 400);
}

}  // namespace
}  // namespace pledgesim::models

namespace pledgesim::models {
namespace {

// Caps uprated by agency.cap_uprating_share of the pay award: a binding cap
// pays locums exactly (1 + share x award) more after April; nominal (0),
// exactly the same.
TEST(CapRule, CapsRiseByTheirShareOfThePayAward) {
  for (double share : {0.0, 1.0}) {
    Scenario s = pledgesim_test::london(1);
    s.pay.annual_uplift_rate = 0.04;
    s.agency.cap_uprating_share = share;
    s.agency.cap_breach_probability = 0;
    Policy cap = pledgesim_test::policy(PolicyKind::agency_pay_cap);
    cap.rate_gbp_per_hour.fill(15);  // far below the market: binding all year
    s.policies = {cap};
    LabourMarket m(s);
    const std::size_t E = m.authority_count();
    double before = 0;
    for (std::int64_t w = 0; w < s.weeks(); ++w) {
      m.step();
      const auto v = m.week_series();
      const double per_locum = v[kAgencyCostGbp * E] / v[kAgencyFte * E];
      const bool april = m.clock().week_start(w + 1) > Date::from_ymd(2018, 4, 1) &&
                         m.clock().week_start(w) <= Date::from_ymd(2018, 4, 1);
      if (april) {
        EXPECT_NEAR(per_locum / before, 1 + share * 0.04, 1e-4) << "share " << share;
      }
      before = per_locum;
    }
  }
}

// Locum demand under caseload pressure: with a positive sensitivity the
// authorities above the stress threshold want, and get, more locums.
TEST(LocumDemand, CaseloadPressureRaisesTheLocumsWanted) {
  Scenario s = pledgesim_test::london(1);
  s.agency.locum_demand_caseload_sensitivity = 0;
  const auto base = pledgesim_test::run_total(s, kAgencyFte);
  s.agency.locum_demand_caseload_sensitivity = 10;
  const auto pressed = pledgesim_test::run_total(s, kAgencyFte);
  EXPECT_GT(pressed.all, 1.01 * base.all) << base.all << " -> " << pressed.all;  // 2.2% (seed 11)
  // Barking and Dagenham (caseload 19.7 against a threshold of 17) gains.
  EXPECT_GT(pressed.by_employer[0], base.by_employer[0]);
}

}  // namespace
}  // namespace pledgesim::models
