// The spin-up (scenario key spin_up_years): weeks run before the start with
// the levers, inputs and shocks of the start date, on construction, and
// counted nowhere.
#include <gtest/gtest.h>

#include <cmath>

#include "models/market.hpp"
#include "models/metrics.hpp"
#include "tests/models/market_test_util.hpp"

namespace pledgesim::models {
namespace {

using sim::Date;

TEST(SpinUp, RunsBeforeTheStartUnderTheStartsLeversAndCountsNothing) {
  Scenario s = pledgesim_test::london(1);
  // A cap from the start, and a lever from a year later that the spin-up
  // must not see.
  Policy cap = pledgesim_test::policy(PolicyKind::agency_pay_cap);
  cap.rate_gbp_per_hour.fill(20);
  Policy later = pledgesim_test::policy(PolicyKind::cooling_off);
  later.start = Date::from_ymd(2018, 6, 1);
  later.weeks = 13;
  s.policies = {cap, later};
  s.spin_up_years = 2;
  LabourMarket m(s);
  EXPECT_EQ(m.weeks_done(), 0);
  EXPECT_EQ(m.clock().start(), s.start);
  for (const AuthorityLevers& l : m.levers()) {
    EXPECT_EQ(l.agency_cap_gbp_per_hour[0], 20);
    EXPECT_EQ(l.cooling_off_weeks, 0);
  }
  EXPECT_EQ(m.last_intake(), 0);
  EXPECT_EQ(m.step_stats().visits, 0);
  EXPECT_TRUE(m.stock_discrepancies().empty());
  // Two Septembers of intake have joined, and the state has moved on.
  Scenario none = s;
  none.spin_up_years = 0;
  LabourMarket fresh(none);
  EXPECT_GT(m.population().size(), fresh.population().size());
  EXPECT_NE(m.status_counts(), fresh.status_counts());
  // The run then goes on from the start's calendar, and the later lever arrives.
  for (std::int64_t w = 0; w < s.weeks(); ++w) m.step();
  EXPECT_EQ(m.weeks_done(), s.weeks());
  EXPECT_EQ(m.levers()[0].cooling_off_weeks, 13);
}

// A market with no change over time and no levers settles: in the last
// spin-up year of a long spin-up its stocks move by a few percent at most.
// Stated tolerance: 3 points of agency and vacancy rate between the ends of
// the 9th and 10th spin-up years (London and its neighbours, library
// behaviour, no inputs that change over time).
TEST(SpinUp, ALongSpinUpSettles) {
  Scenario s = pm::builtin_default_scenario();
  s.inputs = {};
  s.years = 1;
  auto rates_after = [&](std::int64_t years) {
    Scenario t = s;
    t.spin_up_years = years;
    LabourMarket m(t);
    m.step();
    const auto v = m.week_series();
    const std::size_t E = m.authority_count();
    double perm = 0, agency = 0, vacancies = 0;
    for (std::size_t e = 0; e < E; ++e)
      perm += v[kPermanentFte * E + e], agency += v[kAgencyFte * E + e],
          vacancies += v[kVacancies * E + e];
    return std::pair{100 * agency / (agency + perm), 100 * vacancies / (vacancies + perm)};
  };
  const auto [agency9, vacancy9] = rates_after(9);
  const auto [agency10, vacancy10] = rates_after(10);
  EXPECT_LT(std::abs(agency10 - agency9), 3.0) << agency9 << " -> " << agency10;
  EXPECT_LT(std::abs(vacancy10 - vacancy9), 3.0) << vacancy9 << " -> " << vacancy10;
}

}  // namespace
}  // namespace pledgesim::models
