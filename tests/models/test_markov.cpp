// Cross-check of the simulator against an exact Markov chain. With the
// behaviour reduced to constant weekly hazards (no stress response, no
// on-the-job search, no agency cover, posts never scarce, every offer
// accepted), each practitioner moves between "in a post", "inactive" and
// "exited" by a fixed weekly transition matrix P, so the expected counts after
// t weeks are n0 P^t (Eigen matrix powers). Individuals move independently,
// so each count's variance is a sum of binomial variances: the simulation
// must land within four standard deviations, and the same check must see
// any one hazard 20% off.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <vector>

#include "models/market.hpp"
#include "models/market_detail.hpp"
#include "models/scenario.hpp"

namespace pm = pledgesim::models;

namespace {

pm::Scenario constant_hazards() {
  pm::Scenario s;
  s.name = "markov";
  s.years = 2;
  s.seed = 3;
  pm::AuthorityData a;
  a.name = "Solo";
  a.region = "London";
  a.subregion = "Central";
  a.inpost_fte = 3000;
  a.vacancy_fte = 1e5;  // posts are never scarce
  a.agency_fte = 0;     // no locums wanted
  a.caseload = 15;
  s.authorities = {a};
  s.population.inactive_share = 1.0;          // as many inactive as in posts at the start
  s.population.initial_pqe_mean_years = 1.0;  // nobody reaches retirement
  s.population.nqsw_intake_per_year = 0;
  s.population.asye_places_share = 1.0;
  auto& b = s.behaviour;
  b.exit_rate_per_year = 0.10;
  b.inactive_rate_per_year = 0.20;
  b.return_rate_per_year = 1.0;
  b.search_rate_per_year = 0;  // no moves between posts
  b.headhunting_rate_per_year = 0;
  b.stress_exit_sensitivity = 0;
  b.stress_search_sensitivity = 0;
  b.caseload_weight_per_case = 0;
  b.pay_weight_per_10k_gbp = 100;  // every offer beats staying inactive
  b.pay_weight_sd = 0;
  b.outside_option_gbp_per_year = 0;
  return s;
}

double weekly(double rate_per_year) {
  return 1.0 - std::exp(-rate_per_year / 52.0);
}

enum { kPost, kInactive, kExited };

// The weekly transition matrix of the chain for these hazards.
Eigen::Matrix3d chain(double pe, double pb, double pr) {
  Eigen::Matrix3d P;
  P << 1 - pe - pb, pb, pe,                    // in a post
      (1 - pe) * pr, (1 - pe) * (1 - pr), pe,  // inactive: exit first, else search and start
      0, 0, 1;                                 // exited
  return P;
}

// Counts by state every 13 weeks over two years.
struct Observed {
  Eigen::RowVector3d n0;
  std::vector<Eigen::RowVector3d> at;  // weeks 13, 26, ..., 104
};

// The largest |observed - expected| / sd over every state and checkpoint,
// under the chain whose week-w matrix is P_at(w) (w from 0): the simulation
// agrees with it when this is below 4.
template <class WeeklyMatrix>
double largest_z_varying(const Observed& o, const WeeklyMatrix& P_at) {
  Eigen::Matrix3d Pt = Eigen::Matrix3d::Identity();  // t-step transition probabilities
  double worst = 0;
  for (int t = 1; t <= 104; ++t) {
    Pt = Pt * P_at(t - 1);
    if (t % 13 != 0) continue;
    for (int state : {kPost, kInactive, kExited}) {
      const double expected = o.n0 * Pt.col(state);
      double variance = 0;
      for (int from : {kPost, kInactive})
        variance += o.n0(from) * Pt(from, state) * (1 - Pt(from, state));
      worst = std::max(worst, std::abs(o.at[t / 13 - 1](state) - expected) / std::sqrt(variance));
    }
  }
  return worst;
}

// The same under a constant chain P (t-step probabilities P^t).
double largest_z(const Observed& o, const Eigen::Matrix3d& P) {
  return largest_z_varying(o, [&](int) { return P; });
}

// Counts by state of a run of s, at the start and every 13 weeks.
Observed simulate(const pm::Scenario& s) {
  pm::LabourMarket m(s);
  auto count = [&](int state) {
    const auto& c = m.status_counts();
    auto at = [&](pm::Status st) { return static_cast<double>(c[static_cast<int>(st)]); };
    if (state == kPost) return at(pm::Status::permanent) + at(pm::Status::trainee);
    if (state == kInactive) return at(pm::Status::inactive);
    return at(pm::Status::exited);
  };
  auto counts = [&] { return Eigen::RowVector3d(count(kPost), count(kInactive), count(kExited)); };
  Observed o{counts(), {}};
  for (int t = 1; t <= 104; ++t) {
    m.step();
    EXPECT_EQ(m.status_counts()[static_cast<int>(pm::Status::agency)], 0);
    if (t % 13 == 0) o.at.push_back(counts());
  }
  return o;
}

}  // namespace

TEST(MarkovCrossCheck, ConstantHazardsMatchTheExactChain) {
  const pm::Scenario s = constant_hazards();
  const double pe = weekly(s.behaviour.exit_rate_per_year);
  const double pb = weekly(s.behaviour.inactive_rate_per_year);
  const double pr = weekly(s.behaviour.return_rate_per_year);
  const Observed o = simulate(s);
  ASSERT_EQ(o.n0(0), 3000);
  ASSERT_EQ(o.n0(1), 3000);
  ASSERT_EQ(o.at.size(), 8u);
  EXPECT_LT(largest_z(o, chain(pe, pb, pr)), 4.0);
  // The chain moves a lot over two years, so the check is not vacuous...
  EXPECT_LT(o.at.back()(kInactive), 0.6 * o.n0(1));
  EXPECT_GT(o.at.back()(kExited), 0.1 * (o.n0(0) + o.n0(1)));
  // ...and it has the power to see any one hazard 20% off.
  for (double f : {0.8, 1.2}) {
    EXPECT_GT(largest_z(o, chain(weekly(f * s.behaviour.exit_rate_per_year), pb, pr)), 4.0)
        << "exit x " << f;
    EXPECT_GT(largest_z(o, chain(pe, weekly(f * s.behaviour.inactive_rate_per_year), pr)), 4.0)
        << "break x " << f;
    EXPECT_GT(largest_z(o, chain(pe, pb, weekly(f * s.behaviour.return_rate_per_year))), 4.0)
        << "return x " << f;
  }
}

// Hazards above the thinning bounds (kLeaveBound, and kReturnBound for
// looking for work out of it): every week's excess is drawn on top of the
// candidate weeks, and the chain must still be matched exactly.
TEST(MarkovCrossCheck, HazardsAboveTheThinningBoundsMatchTheExactChain) {
  pm::Scenario s = constant_hazards();
  s.behaviour.exit_rate_per_year = 0.6;      // 0.0115 a week: above the leave bound alone
  s.behaviour.inactive_rate_per_year = 0.3;  // with exit, 0.017 a week from a post
  s.behaviour.return_rate_per_year = 3.0;    // 0.056 a week: above the search bound
  const double pe = weekly(s.behaviour.exit_rate_per_year);
  const double pb = weekly(s.behaviour.inactive_rate_per_year);
  const double pr = weekly(s.behaviour.return_rate_per_year);
  ASSERT_GT(pe, pm::detail::kLeaveBound);
  ASSERT_GT(pr, pm::detail::kReturnBound);
  const Observed o = simulate(s);
  EXPECT_LT(largest_z(o, chain(pe, pb, pr)), 4.0);
  for (double f : {0.8, 1.2})
    EXPECT_GT(largest_z(o, chain(weekly(f * s.behaviour.exit_rate_per_year), pb, pr)), 4.0)
        << "exit x " << f;
  // Without the excess (hazards capped at the bounds) the chain is rejected.
  const double leave_cap = pm::detail::kLeaveBound / pe;
  EXPECT_GT(largest_z(o, chain(pe * leave_cap, pb * leave_cap, pm::detail::kReturnBound)), 4.0);
}

// Releases of surplus locums (thinned at kReleaseBound with the end of an
// assignment): an authority that wants no locums releases each of its
// locums at agency.excess_release_rate_per_week; with nowhere to go they
// become inactive, and nothing else moves them. So the locums left after t
// weeks are Binomial(n0, (1 - r)^t): checked every 13 weeks below and above
// the bound, and with the power to see r 20% off.
double release_z(double r, double assumed_r) {
  pm::Scenario s = constant_hazards();
  s.authorities[0].inpost_fte = 0;
  s.authorities[0].vacancy_fte = 0;  // no posts to take
  s.authorities[0].agency_fte = 4000;
  s.authorities[0].locum_cover_ratio = 0;  // wants no locums: every one is surplus
  s.authorities[0].nqsw_intake_per_year = 0;
  s.population.inactive_share = 0;
  auto& b = s.behaviour;
  b.exit_rate_per_year = b.inactive_rate_per_year = b.return_rate_per_year = 0;
  b.agency_search_rate_per_year = 0;
  s.agency.excess_release_rate_per_week = r;
  pm::LabourMarket m(s);
  const auto locums = [&] {
    return static_cast<double>(m.status_counts()[static_cast<int>(pm::Status::agency)]);
  };
  const double n0 = locums();
  EXPECT_EQ(n0, 4000);
  double worst = 0;
  for (int t = 1; t <= 52; ++t) {
    m.step();
    if (t % 13 != 0) continue;
    const double q = std::pow(1 - assumed_r, t);
    worst = std::max(worst, std::abs(locums() - n0 * q) / std::sqrt(n0 * q * (1 - q)));
  }
  return worst;
}

TEST(MarkovCrossCheck, SurplusLocumsAreReleasedAtTheExactRate) {
  // 0.01 + the end of assignments stays below the bound; 0.1 passes it.
  for (double r : {0.01, 0.1}) {
    EXPECT_LT(release_z(r, r), 4.0) << "release " << r;
    EXPECT_GT(release_z(r, 0.8 * r), 4.0) << "release " << r << " against 0.8 x";
    EXPECT_GT(release_z(r, 1.2 * r), 4.0) << "release " << r << " against 1.2 x";
  }
  const double end = 1.0 / pm::Scenario{}.behaviour.agency_assignment_mean_weeks;
  EXPECT_LT(0.01 + end, pm::detail::kReleaseBound);
  EXPECT_GT(0.1, pm::detail::kReleaseBound);
}

// Shocks make the hazards time-varying: exit x3 for a year from week 26,
// career breaks x0.5 throughout (London), returns x2 from week 52 (London;
// above the thinning bound from then on, so those out of work must start
// being visited every week). The chain is then a product of weekly
// matrices, P(1) ... P(t), and the simulation must match it and not the
// chain without the shocks.
TEST(MarkovCrossCheck, ShocksMultiplyTheirHazardsExactlyWhileInForce) {
  pm::Scenario s = constant_hazards();
  s.behaviour.return_rate_per_year = 1.2;
  const auto date = [](int y, unsigned m, unsigned d) {
    return pledgesim::sim::Date::from_ymd(y, m, d);
  };
  auto shock = [](const char* name, pm::ShockRate rate, double multiplier) {
    pm::Shock sh;
    sh.name = name, sh.rate = rate, sh.multiplier = multiplier;
    return sh;
  };
  pm::Shock exits = shock("a_exits", pm::ShockRate::exit, 3.0);
  exits.start = date(2018, 4, 1);  // week 26 (the run starts 2017-10-01)
  exits.end = date(2019, 3, 31);   // week 78
  pm::Shock breaks = shock("b_breaks", pm::ShockRate::brk, 0.5);
  breaks.scope.kind = pm::PolicyScope::Kind::region;
  breaks.scope.region = "London";
  pm::Shock returns = shock("c_returns", pm::ShockRate::ret, 2.0);
  returns.start = date(2018, 9, 30);  // week 52
  returns.scope = breaks.scope;
  s.shocks = {exits, breaks, returns};
  ASSERT_GT(weekly(2.0 * 1.2), pm::detail::kReturnBound);
  ASSERT_LT(weekly(1.2), pm::detail::kReturnBound);

  const Observed o = simulate(s);
  auto chain_at = [&](int week, double exit_f, double break_f, double return_f) {
    const bool shocked_exit = week >= 26 && week < 78;
    return chain(weekly(s.behaviour.exit_rate_per_year * (shocked_exit ? exit_f : 1.0)),
                 weekly(s.behaviour.inactive_rate_per_year * break_f),
                 weekly(s.behaviour.return_rate_per_year * (week >= 52 ? return_f : 1.0)));
  };
  // The largest z over states and checkpoints under the weekly chains.
  auto worst = [&](double exit_f, double break_f, double return_f) {
    return largest_z_varying(o,
                             [&](int week) { return chain_at(week, exit_f, break_f, return_f); });
  };
  EXPECT_LT(worst(3.0, 0.5, 2.0), 4.0);
  EXPECT_GT(worst(1.0, 0.5, 2.0), 4.0) << "the exit shock has no effect";
  EXPECT_GT(worst(3.0, 1.0, 2.0), 4.0) << "the break shock has no effect";
  EXPECT_GT(worst(3.0, 0.5, 1.0), 4.0) << "the return shock has no effect";
  EXPECT_GT(worst(2.4, 0.5, 2.0), 4.0) << "exit x 0.8 of the shock is not seen";
}
