// The random-number contract (models/market_detail.hpp, models/market.hpp):
// stress as an employer filter plus a personal offset must follow the weekly
// rule it replaces, and the thinned hazards' candidate weeks must be shared
// by scenarios run with the same seed (common random numbers).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "market_test_util.hpp"
#include "models/market_detail.hpp"

using namespace pledgesim_test;

namespace {

// Stress moves towards the employer's target at stress_adjust_rate_per_week:
// s <- s + a (target - s), the target set by last week's caseload (0 out of
// work). Followed here week by week in double for every practitioner, against
// the market's closed form.
TEST(RngContract, StressFollowsTheWeeklyRule) {
  pm::Scenario s = london(1);
  s.behaviour.stress_adjust_rate_per_week = 0.2;
  pm::LabourMarket m(s);
  const auto& beh = s.behaviour;
  const std::size_t E = m.authority_count();
  std::vector<double> stress(m.population().size());
  for (std::size_t i = 0; i < stress.size(); ++i) stress[i] = m.stress(i);
  double largest = 0;
  std::size_t moved = 0;
  for (int week = 0; week < 30; ++week) {
    const auto caseload = m.week_series().subspan(static_cast<std::size_t>(pm::kCaseload) * E, E);
    const auto& pop = m.population();
    const auto status = pop.column<std::uint8_t>("status").span();
    const auto employer = pop.column<std::int16_t>("employer").span();
    std::vector<double> target(stress.size(), 0.0);
    std::vector<std::int16_t> before(employer.begin(), employer.end());
    for (std::size_t i = 0; i < stress.size(); ++i)
      if (pm::in_work(static_cast<pm::Status>(status[i])))
        target[i] = pm::detail::stress_target(caseload[static_cast<std::size_t>(employer[i])],
                                              beh.caseload_stress_threshold);
    m.step();
    stress.resize(m.population().size(), 0.0);  // the newly qualified start at 0
    const auto now_status = m.population().column<std::uint8_t>("status").span();
    const auto now_employer = m.population().column<std::int16_t>("employer").span();
    for (std::size_t i = 0; i < before.size(); ++i) {
      stress[i] += beh.stress_adjust_rate_per_week * (target[i] - stress[i]);
      if (now_status[i] == static_cast<std::uint8_t>(pm::Status::exited)) continue;
      moved += now_employer[i] != before[i];
      const double error = std::abs(m.stress(i) - stress[i]);
      largest = std::max(largest, error);
      ASSERT_LT(error, 1e-5 * (1 + stress[i])) << "practitioner " << i << " week " << week;
    }
  }
  EXPECT_GT(moved, 100u);  // moves (a new filter) are covered
  double mean = 0;
  for (double x : stress) mean += x;
  EXPECT_GT(mean / static_cast<double>(stress.size()), 0.01);  // stress is not trivially 0
}

// Two scenarios with the same seed share every practitioner's candidate weeks
// (they depend on the seed, the practitioner and the week they joined only),
// although their practitioners' histories differ.
TEST(RngContract, CandidateWeeksAreSharedAcrossScenarios) {
  pm::Scenario a = london(2);
  pm::Scenario b = a;
  b.behaviour.switching_cost += 2.0;  // fewer moves between employers
  b.behaviour.exit_rate_per_year *= 1.5;
  pm::LabourMarket ma(a), mb(b);
  for (int week = 0; week < 60; ++week) ma.step(), mb.step();
  ASSERT_EQ(ma.population().size(), mb.population().size());  // the same intake
  std::size_t differ = 0;
  using H = pm::LabourMarket::Hazard;
  for (H h : {H::leave, H::search, H::approach, H::release, H::return_to_work}) {
    const auto sa = ma.population().column<std::uint8_t>("status").span();
    const auto sb = mb.population().column<std::uint8_t>("status").span();
    for (std::size_t i = 0; i < sa.size(); ++i) {
      if (sa[i] == static_cast<std::uint8_t>(pm::Status::exited) ||
          sb[i] == static_cast<std::uint8_t>(pm::Status::exited))
        continue;  // an exited practitioner's columns stop where they left
      ASSERT_EQ(ma.next_candidate(h, i), mb.next_candidate(h, i))
          << static_cast<int>(h) << " of practitioner " << i;
      ASSERT_GE(ma.next_candidate(h, i), ma.weeks_done());
    }
  }
  const auto sa = ma.population().column<std::uint8_t>("status").span();
  const auto sb = mb.population().column<std::uint8_t>("status").span();
  const auto ea = ma.population().column<std::int16_t>("employer").span();
  const auto eb = mb.population().column<std::int16_t>("employer").span();
  for (std::size_t i = 0; i < sa.size(); ++i) differ += sa[i] != sb[i] || ea[i] != eb[i];
  EXPECT_GT(differ, 200u);  // the histories did diverge
}

}  // namespace
