// Cross-check of the simulator against an exact Markov chain. With the
// behaviour reduced to constant weekly hazards (no stress response, no
// on-the-job search, no agency cover, posts never scarce, every offer
// accepted), each practitioner moves between "in a post", "inactive" and
// "exited" by a fixed weekly transition matrix P, so the expected counts after
// t weeks are n0 P^t (Eigen matrix powers). Individuals move independently,
// so each count's variance is a sum of binomial variances: the simulation
// must land within four standard deviations.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "models/market.hpp"
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

}  // namespace

TEST(MarkovCrossCheck, ConstantHazardsMatchTheExactChain) {
  const pm::Scenario s = constant_hazards();
  const double pe = weekly(s.behaviour.exit_rate_per_year);
  const double pb = weekly(s.behaviour.inactive_rate_per_year);
  const double pr = weekly(s.behaviour.return_rate_per_year);
  enum { kPost, kInactive, kExited };
  Eigen::Matrix3d P;
  P << 1 - pe - pb, pb, pe,                    // in a post
      (1 - pe) * pr, (1 - pe) * (1 - pr), pe,  // inactive: exit first, else search and start
      0, 0, 1;                                 // exited
  pm::LabourMarket m(s);
  auto count = [&](int state) {
    const auto& c = m.status_counts();
    auto at = [&](pm::Status st) { return static_cast<double>(c[static_cast<int>(st)]); };
    if (state == kPost) return at(pm::Status::permanent) + at(pm::Status::trainee);
    if (state == kInactive) return at(pm::Status::inactive);
    return at(pm::Status::exited);
  };
  const Eigen::RowVector3d n0(count(kPost), count(kInactive), count(kExited));
  ASSERT_EQ(n0(0), 3000);
  ASSERT_EQ(n0(1), 3000);
  int checked = 0;
  Eigen::Matrix3d Pt = Eigen::Matrix3d::Identity();  // t-step transition probabilities, P^t
  for (int t = 1; t <= 104; ++t) {
    m.step();
    Pt = Pt * P;
    ASSERT_EQ(m.status_counts()[static_cast<int>(pm::Status::agency)], 0);
    if (t % 13 != 0) continue;
    for (int state : {kPost, kInactive, kExited}) {
      const double expected = n0 * Pt.col(state);
      double variance = 0;
      for (int from : {kPost, kInactive})
        variance += n0(from) * Pt(from, state) * (1 - Pt(from, state));
      EXPECT_NEAR(count(state), expected, 4 * std::sqrt(variance))
          << "week " << t << " state " << state;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 24);
  // The chain moves a lot over two years, so the check is not vacuous.
  EXPECT_LT(count(kInactive), 0.6 * n0(1));
  EXPECT_GT(count(kExited), 0.1 * (n0(0) + n0(1)));
}
