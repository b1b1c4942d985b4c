// Behaviour by region ([behaviour_by_region.REGION]) and the numeric keys
// that name a part of a scenario (shocks.NAME.multiplier,
// behaviour_by_region.REGION.KEY): read, written back, reached by sweeps and
// calibration, and a region's setting changing that region only.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "models/market.hpp"
#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "models/scenario_schema.hpp"

namespace pledgesim::models {
namespace {

const std::string kTwoRegions =
    "authorities = [\n"
    "  { name = \"A\", region = \"North\", subregion = \"X\", inpost_fte = 2000, vacancy_fte = 0, "
    "agency_fte = 0, caseload = 10 },\n"
    "  { name = \"B\", region = \"South East\", subregion = \"Y\", inpost_fte = 2000, "
    "vacancy_fte = 0, agency_fte = 0, caseload = 10 },\n"
    "]\n";

TEST(BehaviourByRegion, ReadCheckedAndWrittenBack) {
  const Scenario s = parse_scenario(kTwoRegions +
                                        "[behaviour]\nsearch_rate_per_year = 0.1\n"
                                        "[behaviour_by_region.\"South East\"]\n"
                                        "search_rate_per_year = 0.3\n"
                                        "caseload_stress_threshold = 18\n",
                                    "s.toml");
  ASSERT_EQ(s.behaviour_by_region.size(), 2u);
  EXPECT_EQ(behaviour_in_region(s, "South East").search_rate_per_year, 0.3);
  EXPECT_EQ(behaviour_in_region(s, "South East").caseload_stress_threshold, 18);
  EXPECT_EQ(behaviour_in_region(s, "North").search_rate_per_year, 0.1);
  EXPECT_EQ(parse_scenario(to_toml(s), "<resolved>"), s);
  try {
    parse_scenario(kTwoRegions +
                       "[behaviour_by_region.Nowhere]\nexit_rate_per_year = 0.1\n"
                       "[behaviour_by_region.North]\nswitching_cost = 1\nexit_rate_per_year = 7\n",
                   "s.toml");
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    std::map<std::string, ScenarioIssue> by_key;
    for (const auto& i : e.issues()) by_key[i.key] = i;
    EXPECT_NE(by_key["behaviour_by_region.Nowhere"].message.find("no authority is in region"),
              std::string::npos);
    EXPECT_NE(
        by_key["behaviour_by_region.North.switching_cost"].message.find("cannot be set by region"),
        std::string::npos);
    EXPECT_EQ(by_key["behaviour_by_region.North.switching_cost"].line, 8);
    EXPECT_NE(by_key["behaviour_by_region.North.exit_rate_per_year"].message.find("outside [0, 1]"),
              std::string::npos);
  }
}

TEST(DynamicKeys, ShocksAndRegionsAreReachedByName) {
  Scenario s =
      parse_scenario(kTwoRegions + "[shocks.covid]\nrate = \"exit\"\nmultiplier = 2\n", "s.toml");
  const ParamDef* shock = find_param("shocks.covid.multiplier", s);
  ASSERT_NE(shock, nullptr);
  *std::get<double*>(shock->target(s)) = 1.5;
  EXPECT_EQ(s.shocks[0].multiplier, 1.5);
  EXPECT_EQ(find_param("shocks.other.multiplier", s), nullptr);
  // A region's key not yet set is added at the region's value, then set.
  const ParamDef* regional = find_param("behaviour_by_region.South East.exit_rate_per_year", s);
  ASSERT_NE(regional, nullptr);
  EXPECT_EQ(*std::get<double*>(regional->target(s)), s.behaviour.exit_rate_per_year);
  *std::get<double*>(regional->target(s)) = 0.2;
  EXPECT_EQ(behaviour_in_region(s, "South East").exit_rate_per_year, 0.2);
  EXPECT_EQ(behaviour_in_region(s, "North").exit_rate_per_year, s.behaviour.exit_rate_per_year);
  EXPECT_EQ(s.behaviour_by_region.size(), 1u);
  EXPECT_EQ(find_param("behaviour_by_region.Wales.exit_rate_per_year", s), nullptr);
  EXPECT_EQ(find_param("behaviour_by_region.North.switching_cost", s), nullptr);
  EXPECT_NE(param_form("behaviour_by_region.Anywhere.exit_rate_per_year"), nullptr);
  EXPECT_EQ(param_form("behaviour_by_region.Anywhere.switching_cost"), nullptr);
}

// A lever's strength (a number its kind requires) by the policy's index.
TEST(DynamicKeys, LeverStrengthsAreReachedByIndex) {
  Scenario s = parse_scenario(kTwoRegions +
                                  "[[policies]]\nkind = \"cooling_off\"\nstart = 2017-10-01\n"
                                  "weeks = 13\n"
                                  "[[policies]]\nkind = \"shared_references\"\n"
                                  "start = 2017-10-01\nscreen_share = 0.5\n",
                              "s.toml");
  const ParamDef* screen = find_param("policies.1.screen_share", s);
  ASSERT_NE(screen, nullptr);
  EXPECT_EQ(screen->min, 0);
  EXPECT_EQ(screen->max, 1);
  *std::get<double*>(screen->target(s)) = 0.8;
  EXPECT_EQ(s.policies[1].screen_share, 0.8);
  EXPECT_EQ(find_param("policies.0.screen_share", s), nullptr);  // not a cooling-off field
  EXPECT_EQ(find_param("policies.0.weeks", s), nullptr);         // whole weeks: sweeps only
  EXPECT_EQ(find_param("policies.2.screen_share", s), nullptr);  // no third policy
  EXPECT_NE(param_form("policies.7.screen_share"), nullptr);
  EXPECT_EQ(param_form("policies.x.screen_share"), nullptr);
}

// Post holders who can only leave the profession: each region's stock
// survives at that region's exit rate (binomial, checked at 4 SDs), and
// raising the South East's changes nothing in the North, bit for bit.
TEST(BehaviourByRegion, ARegionsRateChangesThatRegionOnly) {
  Scenario s = parse_scenario(kTwoRegions, "s.toml");
  s.years = 2;
  s.population.inactive_share = 0;
  s.population.nqsw_intake_per_year = 0;
  s.population.initial_pqe_mean_years = 1.0;
  auto& b = s.behaviour;
  b.exit_rate_per_year = 0.1;
  b.inactive_rate_per_year = 0;
  b.search_rate_per_year = 0;
  b.agency_search_rate_per_year = 0;
  b.headhunting_rate_per_year = 0;
  b.stress_exit_sensitivity = 0;
  b.stress_search_sensitivity = 0;
  Scenario faster = s;
  faster.behaviour_by_region = {{"South East", "exit_rate_per_year", 0.3}};
  auto run = [](const Scenario& sc) {
    LabourMarket m(sc);
    std::vector<std::array<double, 2>> posts;
    for (std::int64_t w = 0; w < sc.weeks(); ++w) {
      m.step();
      const auto v = m.week_series();
      posts.push_back({v[kPermanentFte * 2], v[kPermanentFte * 2 + 1]});
    }
    return posts;
  };
  const auto base = run(s), shocked = run(faster);
  for (std::size_t w = 0; w < base.size(); ++w) EXPECT_EQ(base[w][0], shocked[w][0]) << w;
  const double t = static_cast<double>(base.size());
  for (auto [rate, n] : {std::pair{0.1, base.back()[1]}, std::pair{0.3, shocked.back()[1]}}) {
    const double p = std::exp(-rate * t / 52.0);
    const double expected = 2000 * p, sd = std::sqrt(2000 * p * (1 - p));
    EXPECT_LT(std::abs(n - expected), 4 * sd) << "rate " << rate;
  }
  EXPECT_LT(shocked.back()[1], base.back()[1] - 200);
}

}  // namespace
}  // namespace pledgesim::models

namespace pledgesim::models {
namespace {

// An aggregate of councils (councils > 1) has moves between its own
// councils: each is a leaver and a starter of the aggregate and a move out
// and in, as DfE counts them; no one enters or leaves the profession by it,
// and the stocks stay exact. With councils = 1 there are none.
TEST(Aggregates, MovesBetweenOwnCouncilsCountAsDfECountsThem) {
  auto moves = [](std::int64_t councils) {
    Scenario s = parse_scenario(
        "authorities = [ { name = \"Agg\", region = \"South East\", subregion = \"SE\", "
        "inpost_fte = 2000, vacancy_fte = 300, agency_fte = 0, caseload = 15, councils = " +
            std::to_string(councils) + " } ]\n",
        "s.toml");
    s.years = 1;
    s.population.nqsw_intake_per_year = 0;
    s.behaviour.search_rate_per_year = 0.5;
    LabourMarket m(s);
    std::map<Metric, double> total;
    for (std::int64_t w = 0; w < s.weeks(); ++w) {
      m.step();
      for (Metric k : {kStarters, kLeavers, kMovesIn, kMovesOut})
        total[k] += m.week_series()[static_cast<std::size_t>(k)];
      EXPECT_TRUE(m.stock_discrepancies().empty()) << "week " << w;
      std::int64_t counted = 0;
      for (auto c : m.status_counts()) counted += c;
      EXPECT_EQ(counted, static_cast<std::int64_t>(m.population().size()));
      // Moves between councils change no status: the diagonal holds them.
      const auto& t = m.last_transitions();
      EXPECT_EQ(t[static_cast<int>(Status::permanent)][static_cast<int>(Status::permanent)] +
                    t[static_cast<int>(Status::trainee)][static_cast<int>(Status::permanent)] +
                    t[static_cast<int>(Status::inactive)][static_cast<int>(Status::permanent)] +
                    t[static_cast<int>(Status::agency)][static_cast<int>(Status::permanent)] +
                    t[static_cast<int>(Status::bank)][static_cast<int>(Status::permanent)],
                m.status_counts()[static_cast<int>(Status::permanent)]);
    }
    return total;
  };
  const auto one = moves(1), many = moves(20);
  EXPECT_EQ(one.at(kMovesIn), 0);
  EXPECT_EQ(one.at(kMovesOut), 0);
  EXPECT_GT(many.at(kMovesIn), 50);
  EXPECT_EQ(many.at(kMovesIn), many.at(kMovesOut));
  EXPECT_GE(many.at(kStarters), many.at(kMovesIn));
  EXPECT_GE(many.at(kLeavers), many.at(kMovesOut));
  EXPECT_GT(many.at(kLeavers), one.at(kLeavers) + 40);
}

}  // namespace
}  // namespace pledgesim::models
