// Behaviour tests of the weekly market: determinism, conservation, and the
// direction of the model's main rules.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numeric>

#include "models/invariants.hpp"
#include "models/lever_examples.hpp"
#include "models/market.hpp"
#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "sim/core/parallel.hpp"
#include "tests/common/scenarios.hpp"

namespace pm = pledgesim::models;
namespace ps = pledgesim::sim;

namespace {

// The built-in scenario's London authorities (no neighbouring regions).
pm::Scenario small_scenario(std::int64_t years = 2, std::uint64_t seed = 7) {
  return pledgesim::test_util::london_scenario(years, seed);
}

// All weekly series of a run, week-major.
std::vector<double> run_series(const pm::Scenario& s, std::size_t threads) {
  ps::ThreadLimit limit(threads);
  pm::LabourMarket market(s);
  std::vector<double> all;
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    market.step();
    const auto row = market.week_series();
    all.insert(all.end(), row.begin(), row.end());
  }
  return all;
}

double series_total(const pm::LabourMarket& m, pm::Metric metric) {
  const std::size_t E = m.authority_count();
  const auto row = m.week_series().subspan(static_cast<std::size_t>(metric) * E, E);
  return std::accumulate(row.begin(), row.end(), 0.0);
}

// The built-in scenario (London and its neighbours) with every lever on, in
// scopes that overlap, and three agencies: the invariants must hold here too.
pm::Scenario all_levers(std::int64_t years) {
  pm::Scenario s = pm::builtin_default_scenario();
  s.years = years;
  s.seed = 5;
  s.agencies = {{"A", 2.0, 0.15}, {"B", 1.0, 0.2}, {"C", 1.0, 0.25}};
  s.pay.recruitment_cost_gbp_per_hire = 2000;
  for (std::size_t e = 0; e < s.authorities.size(); e += 3)
    s.authorities[e].signatory_from = ps::Date::from_ymd(2018, 4, 1);
  s.policies = pm::one_of_every_lever(ps::Date::from_ymd(2018, 1, 1));
  return s;
}

pm::Scenario scenario_named(const std::string& name, std::int64_t years) {
  return name == "all_levers" ? all_levers(years) : small_scenario(years);
}

}  // namespace

class MarketInvariants : public ::testing::TestWithParam<const char*> {};
INSTANTIATE_TEST_SUITE_P(Scenarios, MarketInvariants, ::testing::Values("london", "all_levers"));

TEST_P(MarketInvariants, SameSeedSameBitsForAnyThreadCount) {
  const auto s = scenario_named(GetParam(), 2);
  const auto one = run_series(s, 1);
  const auto two = run_series(s, 2);
  const auto four = run_series(s, 4);
  const auto eight = run_series(s, 8);  // more threads than this machine's cores
  ASSERT_EQ(one.size(), two.size());
  ASSERT_EQ(one.size(), four.size());
  ASSERT_EQ(one.size(), eight.size());
  EXPECT_EQ(0, std::memcmp(one.data(), two.data(), one.size() * sizeof(double)));
  EXPECT_EQ(0, std::memcmp(one.data(), four.data(), one.size() * sizeof(double)));
  EXPECT_EQ(0, std::memcmp(one.data(), eight.data(), one.size() * sizeof(double)));
}

TEST(MarketDeterminism, ManyBlocksSameBitsForAnyThreadCount) {
  // Eight times London (~75,000 practitioners, several blocks per thread).
  auto s = small_scenario(1);
  for (auto& a : s.authorities) a.inpost_fte *= 8, a.vacancy_fte *= 8, a.agency_fte *= 8;
  const auto one = run_series(s, 1);
  const auto two = run_series(s, 2);
  const auto three = run_series(s, 3);
  const auto eight = run_series(s, 8);
  EXPECT_EQ(0, std::memcmp(one.data(), two.data(), one.size() * sizeof(double)));
  EXPECT_EQ(0, std::memcmp(one.data(), three.data(), one.size() * sizeof(double)));
  EXPECT_EQ(0, std::memcmp(one.data(), eight.data(), one.size() * sizeof(double)));
}

TEST(MarketDeterminism, DifferentSeedsDiffer) {
  EXPECT_NE(run_series(small_scenario(1, 1), 2), run_series(small_scenario(1, 2), 2));
}

TEST_P(MarketInvariants, CheckInvariantsFindsNothingWrongEveryWeek) {
  const auto s = scenario_named(GetParam(), 2);
  pm::LabourMarket m(s);
  std::vector<double> previous(m.week_series().begin(), m.week_series().end());
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    const auto bad = pm::check_invariants(m, previous);
    ASSERT_TRUE(bad.empty()) << bad.front();
    previous.assign(m.week_series().begin(), m.week_series().end());
  }
  // And the check can fail: a series that does not follow its flows is caught.
  previous[static_cast<std::size_t>(pm::kPermanentFte) * m.authority_count()] += 1;
  EXPECT_FALSE(pm::check_invariants(m, previous).empty());
}

// A week whose levers change counts the stocks afresh; one that is also the
// September intake must not count the newly qualified twice.
TEST(MarketInvariantsAtLeverChanges, AChangeInTheIntakeWeekRecountsOnce) {
  pm::Scenario s = pm::builtin_default_scenario();
  s.years = 2;
  // In force from the week starting 2018-08-26, which holds 1 September: the intake.
  s.policies = pm::one_of_every_lever(ps::Date::from_ymd(2018, 8, 26));
  pm::LabourMarket m(s);
  std::vector<double> previous(m.week_series().begin(), m.week_series().end());
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    const auto bad = pm::check_invariants(m, previous);
    ASSERT_TRUE(bad.empty()) << bad.front();
    previous.assign(m.week_series().begin(), m.week_series().end());
  }
}

TEST_P(MarketInvariants, StatusCountsFollowTransitionsEveryWeek) {
  const auto s = scenario_named(GetParam(), 3);
  pm::LabourMarket m(s);
  auto prev = m.status_counts();
  std::int64_t prev_size = static_cast<std::int64_t>(m.population().size());
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    const auto& now = m.status_counts();
    const auto& tr = m.last_transitions();
    const std::int64_t intake = m.last_intake();
    std::int64_t total = 0;
    for (int to = 0; to < pm::kStatusCount; ++to) {
      std::int64_t in = 0, out = 0;
      for (int from = 0; from < pm::kStatusCount; ++from) {
        if (from == to) continue;
        in += tr[from][to];
        out += tr[to][from];
      }
      // Newly qualified practitioners enter as inactive job seekers.
      const std::int64_t added = to == static_cast<int>(pm::Status::inactive) ? intake : 0;
      EXPECT_EQ(now[to], prev[to] + added + in - out) << "week " << w << " status " << to;
      total += now[to];
    }
    EXPECT_EQ(total, prev_size + intake) << "practitioners appear or vanish in week " << w;
    EXPECT_EQ(total, static_cast<std::int64_t>(m.population().size()));
    // Nobody comes back from exit.
    for (int to = 0; to < pm::kStatusCount; ++to) {
      if (to != static_cast<int>(pm::Status::exited)) {
        EXPECT_EQ(tr[static_cast<int>(pm::Status::exited)][to], 0);
      }
    }
    prev = now;
    prev_size = total;
  }
}

TEST_P(MarketInvariants, EmployerStocksFollowFlowsAndSumToEmployed) {
  const auto s = scenario_named(GetParam(), 3);
  pm::LabourMarket m(s);
  const std::size_t E = m.authority_count();
  auto value = [&](pm::Metric metric, std::size_t e) {
    return m.week_series()[static_cast<std::size_t>(metric) * E + e];
  };
  std::vector<double> perm(E), agency(E);
  for (std::size_t e = 0; e < E; ++e) {
    perm[e] = value(pm::kPermanentFte, e);
    agency[e] = value(pm::kAgencyFte, e);
  }
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    double employed = 0;
    for (std::size_t e = 0; e < E; ++e) {
      const double p = value(pm::kPermanentFte, e), a = value(pm::kAgencyFte, e);
      ASSERT_EQ(p, perm[e] + value(pm::kStarters, e) - value(pm::kLeavers, e)) << w << ' ' << e;
      ASSERT_EQ(a, agency[e] + value(pm::kAgencyStarts, e) - value(pm::kAgencyEnds, e)) << w;
      ASSERT_EQ(value(pm::kVacancies, e), value(pm::kEstablishment, e) - p);
      ASSERT_GE(value(pm::kVacancies, e), 0);
      ASSERT_EQ(static_cast<std::int64_t>(value(pm::kVacancies, e)), m.ledger(e).total());
      ASSERT_LE(value(pm::kTraineeFte, e), p);
      ASSERT_LE(value(pm::kMovesIn, e), value(pm::kStarters, e));
      ASSERT_LE(value(pm::kHeadhuntedIn, e), value(pm::kMovesIn, e));
      ASSERT_LE(value(pm::kHeadhuntedOut, e), value(pm::kMovesOut, e));
      ASSERT_LE(value(pm::kMovesOut, e) + value(pm::kPermToAgency, e), value(pm::kLeavers, e));
      ASSERT_LE(value(pm::kAgencyMarginGbp, e), value(pm::kAgencyCostGbp, e));
      perm[e] = p;
      agency[e] = a;
      employed += p + a + value(pm::kBankFte, e);
    }
    const auto& counts = m.status_counts();
    auto count = [&](pm::Status st) { return counts[static_cast<int>(st)]; };
    ASSERT_EQ(employed, count(pm::Status::permanent) + count(pm::Status::trainee) +
                            count(pm::Status::agency) + count(pm::Status::bank));
    // A move between authorities is a leaver at one and a starter at another.
    EXPECT_EQ(series_total(m, pm::kMovesIn), series_total(m, pm::kMovesOut));
    EXPECT_EQ(series_total(m, pm::kHeadhuntedIn), series_total(m, pm::kHeadhuntedOut));
  }
}

TEST(MarketCosts, PayCostMatchesHeadcountTimesScale) {
  // With every practitioner the same role and no uplift, weekly pay cost is
  // exactly permanent FTE x salary x (1 + on-costs) / 52.
  auto s = small_scenario(1);
  s.pay.annual_uplift_rate = 0;
  for (auto& p : s.pay.permanent_gbp_per_year) p = 52000;
  s.pay.inner_london_index = 1.0;
  s.pay.on_cost_rate = 0.25;
  pm::LabourMarket m(s);
  for (int w = 0; w < 10; ++w) m.step();
  const std::size_t E = m.authority_count();
  for (std::size_t e = 0; e < E; ++e) {
    const double perm = m.week_series()[pm::kPermanentFte * E + e];
    EXPECT_DOUBLE_EQ(m.week_series()[pm::kPayCostGbp * E + e], perm * 1250.0);
  }
}

TEST(MarketRules, HigherCaseloadStressRaisesLeavers) {
  // The vicious circle: a lower stress threshold (more stress at the same
  // caseload) must raise leavers, with common random numbers.
  auto calm = small_scenario(2);
  auto stressed = calm;
  stressed.behaviour.caseload_stress_threshold = 8.0;
  auto leavers = [](const pm::Scenario& s) {
    pm::LabourMarket m(s);
    double total = 0;
    for (std::int64_t w = 0; w < s.weeks(); ++w) {
      m.step();
      total += series_total(m, pm::kLeavers);
    }
    return total;
  };
  EXPECT_GT(leavers(stressed), 1.2 * leavers(calm));
}

TEST(MarketRules, NoAgencyCoverWithoutVacancyCover) {
  // An authority that never asks for locums (cover ratio 0 through zero agency
  // at the start) ends up with none, and agency costs are zero there.
  auto s = small_scenario(1);
  for (auto& a : s.authorities) a.agency_fte = 0;
  pm::LabourMarket m(s);
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    EXPECT_EQ(series_total(m, pm::kAgencyFte), 0.0);
    EXPECT_EQ(series_total(m, pm::kAgencyCostGbp), 0.0);
  }
}

TEST(MarketRules, AgencyCoverWaitsForLongVacancies) {
  // Locums are requested only for vacancies open longer than
  // agency.cover_after_weeks: with an endless wait, no placement ever starts.
  // Initial vacancies count as long; new ones never become long within 30
  // weeks when the wait is 520 weeks, so fewer placements start than when
  // every vacancy may be covered at once.
  auto s = small_scenario(1);
  s.agency.cover_after_weeks = 520;
  double starts = 0;
  pm::LabourMarket fresh(s);
  for (int w = 0; w < 30; ++w) {
    fresh.step();
    starts += series_total(fresh, pm::kAgencyStarts);
  }
  auto quick = s;
  quick.agency.cover_after_weeks = 0;
  pm::LabourMarket q(quick);
  double quick_starts = 0;
  for (int w = 0; w < 30; ++w) {
    q.step();
    quick_starts += series_total(q, pm::kAgencyStarts);
  }
  EXPECT_LT(starts, quick_starts);
}

TEST(MarketRules, GoldenHelloIsBookedPerStarter) {
  auto s = small_scenario(1);
  for (auto& a : s.authorities) a.golden_hello_gbp = 2000;
  s.behaviour.headhunting_rate_per_year = 0;  // no headhunting premiums in the total
  pm::LabourMarket m(s);
  for (std::int64_t w = 0; w < 20; ++w) {
    m.step();
    const std::size_t E = m.authority_count();
    for (std::size_t e = 0; e < E; ++e)
      EXPECT_DOUBLE_EQ(m.week_series()[pm::kIncentiveCostGbp * E + e],
                       2000.0 * m.week_series()[pm::kStarters * E + e]);
  }
}

TEST(MarketRules, SeptemberIntakeAddsNewlyQualified) {
  auto s = small_scenario(1);  // starts 1 October: one September a year later
  s.population.nqsw_intake_per_year = 123;
  s.shocks.clear();  // (the library's fitted intake multiplier)
  pm::LabourMarket m(s);
  std::int64_t added = 0;
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    added += m.last_intake();
    if (m.last_intake() > 0) {
      const auto date = m.clock().week_start(w);
      EXPECT_TRUE(date.month() == 8 || date.month() == 9) << date.iso();
    }
  }
  EXPECT_EQ(added, 123);
}

TEST(MarketCosts, AgencyChargeSplitsExactlyIntoWorkerMarginAndMspFee) {
  auto s = small_scenario(1);
  s.pay.annual_uplift_rate = 0;
  s.pay.competitive_raise_share = 0;  // the market rate stays put
  s.agency.rate_gbp_per_hour.fill(30);
  s.agency.margin_share = 0.2;
  s.agency.msp_fee_share = 0.05;
  const double worker_week =
      std::round(30 * s.agency.hours_per_week * (1 + s.agency.on_cost_rate) * 100) / 100;
  const double gross = 30 * s.agency.hours_per_week * (1 + s.agency.on_cost_rate) / 0.75;
  pm::LabourMarket m(s);
  const std::size_t E = m.authority_count();
  for (int w = 0; w < 20; ++w) {
    m.step();
    for (std::size_t e = 0; e < E; ++e) {
      const auto v = [&](pm::Metric k) {
        return m.week_series()[static_cast<std::size_t>(k) * E + e];
      };
      const double fte = v(pm::kAgencyFte);
      EXPECT_NEAR(v(pm::kAgencyCostGbp) - v(pm::kAgencyMarginGbp) - v(pm::kMspFeeGbp),
                  fte * worker_week, 1e-6);
      EXPECT_NEAR(v(pm::kAgencyMarginGbp), fte * std::round(gross * 0.2 * 100) / 100, 1e-6);
      EXPECT_NEAR(v(pm::kMspFeeGbp), fte * std::round(gross * 0.05 * 100) / 100, 1e-6);
    }
  }
}

// The event-driven step visits only practitioners with something due; a
// visit with nothing due must change and draw nothing. So a market that
// visits everyone every week through the full rules gives the same series
// bit for bit, also where stress is high enough that whole authorities are
// visited (a low stress threshold) and surplus locums are released often.
TEST_P(MarketInvariants, VisitingEveryoneEveryWeekChangesNothing) {
  for (const bool stressed : {false, true}) {
    pm::Scenario s = scenario_named(GetParam(), 2);
    if (stressed) {
      s.behaviour.caseload_stress_threshold = 11.0;
      s.behaviour.stress_exit_sensitivity = 4.0;
      s.agency.excess_release_rate_per_week = 0.5;
    }
    pm::LabourMarket lazy(s), everyone(s);
    everyone.set_visit_everyone(true);
    for (std::int64_t w = 0; w < s.weeks(); ++w) {
      lazy.step();
      everyone.step();
      ASSERT_TRUE(std::equal(lazy.week_series().begin(), lazy.week_series().end(),
                             everyone.week_series().begin()))
          << "week " << w << (stressed ? " (stressed)" : "");
      ASSERT_EQ(lazy.status_counts(), everyone.status_counts()) << "week " << w;
    }
    // The lazy market did visit fewer (far fewer where stress is ordinary).
    EXPECT_LT(lazy.step_stats().visits, everyone.step_stats().visits / (stressed ? 1 : 5));
    if (stressed) {
      EXPECT_GT(lazy.step_stats().all_posts_weeks, 0);  // whole authorities visited
    }
  }
}
