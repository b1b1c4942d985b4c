// Policy levers: each must change behaviour in the direction (and, where
// exact, by the amount) the rule says. Lever on vs off runs share a seed, so
// their difference comes from the lever, not from noise.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "market_test_util.hpp"

TEST(PolicyLevers, ScopeAndDatesDecideWhereAndWhenALeverApplies) {
  pm::Scenario s = london(1);
  s.authorities[0].signatory_from = ps::Date::from_ymd(2015, 4, 1);
  s.authorities[1].signatory_from = ps::Date::from_ymd(2016, 2, 1);
  pm::Policy cap = policy(pm::PolicyKind::agency_pay_cap);
  cap.scope.kind = pm::PolicyScope::Kind::signatories;
  cap.start = ps::Date::from_ymd(2016, 1, 1);
  cap.end = ps::Date::from_ymd(2022, 6, 1);
  cap.rate_gbp_per_hour = {25, 28, 32, 35, 35, 42};
  s.policies.push_back(cap);

  const auto before = s.levers_at(ps::Date::from_ymd(2015, 12, 28));
  EXPECT_EQ(before[0].agency_cap_gbp_per_hour[1], pm::kNoCap);  // not yet in force
  EXPECT_TRUE(before[0].signatory);
  EXPECT_FALSE(before[1].signatory);
  const auto during = s.levers_at(ps::Date::from_ymd(2016, 1, 4));
  EXPECT_EQ(during[0].agency_cap_gbp_per_hour[1], 28);
  EXPECT_EQ(during[1].agency_cap_gbp_per_hour[1], pm::kNoCap);  // signs only in February
  EXPECT_EQ(during[2].agency_cap_gbp_per_hour[1], pm::kNoCap);  // never signs
  EXPECT_EQ(s.levers_at(ps::Date::from_ymd(2016, 2, 1))[1].agency_cap_gbp_per_hour[5], 42);
  EXPECT_EQ(s.levers_at(ps::Date::from_ymd(2022, 6, 1))[0].agency_cap_gbp_per_hour[1], pm::kNoCap);

  // The tightest of two caps in force wins.
  pm::Policy tighter = policy(pm::PolicyKind::agency_pay_cap);
  tighter.rate_gbp_per_hour = {30, 26, 40, 40, 40, 40};
  s.policies.push_back(tighter);
  EXPECT_EQ(s.levers_at(ps::Date::from_ymd(2017, 1, 2))[0].agency_cap_gbp_per_hour[0], 25);
  EXPECT_EQ(s.levers_at(ps::Date::from_ymd(2017, 1, 2))[0].agency_cap_gbp_per_hour[1], 26);
}

TEST(PolicyLevers, CoolingOffStopsPermanentToAgencyMovesInTheRegion) {
  // One region: every agency placement is in the region a leaver left, so with
  // a 26-week cooling-off no permanent worker can become a locum directly.
  const pm::Scenario off = london(2);
  pm::Scenario on = off;
  pm::Policy cool = policy(pm::PolicyKind::cooling_off);
  cool.weeks = 26;
  on.policies.push_back(cool);
  EXPECT_GT(run_total(off, pm::kPermToAgency).all, 20);
  EXPECT_EQ(run_total(on, pm::kPermToAgency).all, 0);

  // Nobody placed as a locum left a permanent post in the region < 26 weeks earlier.
  const auto recent_leavers = [](const pm::LabourMarket& m, std::size_t i) {
    return m.weeks_since_left_permanent(i) < 26;
  };
  EXPECT_EQ(count_new_locums(on, recent_leavers), 0);
  EXPECT_GT(count_new_locums(off, recent_leavers), 0);
}

TEST(PolicyLevers, CoolingOffInOneRegionLeavesTheNeighbourOpen) {
  pm::Scenario s = london_and_neighbour(2);
  pm::Policy cool = policy(pm::PolicyKind::cooling_off, "London");
  cool.weeks = 26;
  s.policies.push_back(cool);
  const auto p2a = run_total(s, pm::kPermToAgency);
  // London leavers can still go straight to agency work in the South East.
  EXPECT_GT(p2a.all, 0);
}

TEST(PolicyLevers, ExperienceRuleKeepsJuniorPractitionersOutOfAgencyWork) {
  const pm::Scenario off = london(2);
  pm::Scenario on = off;
  pm::Policy rule = policy(pm::PolicyKind::agency_min_experience);
  rule.pqe_years = 3;
  on.policies.push_back(rule);
  const auto junior = [](const pm::LabourMarket& m, std::size_t i) {
    return m.pqe_weeks(i) < 3 * 52;
  };
  auto junior_new_locums = [&](const pm::Scenario& s) { return count_new_locums(s, junior); };
  EXPECT_GT(junior_new_locums(off), 10);
  EXPECT_EQ(junior_new_locums(on), 0);
}

TEST(PolicyLevers, BindingCapLimitsChargesAndCutsLocumsInTheCappedRegion) {
  pm::Scenario off = london_and_neighbour(2);
  off.agency.cap_breach_probability = 0;  // perfect compliance
  pm::Scenario on = off;
  pm::Policy cap = policy(pm::PolicyKind::agency_pay_cap, "London");
  cap.rate_gbp_per_hour = {22, 24, 26, 28, 28, 32};  // well below the market rates
  on.policies.push_back(cap);

  // Charges at capped authorities never exceed the cap-derived charge of the
  // best-paid role; the uncapped neighbour pays market rates.
  pm::LabourMarket m(on);
  const std::size_t E = m.authority_count();
  const auto& ag = on.agency;
  const double max_charge =
      32 * ag.hours_per_week * (1 + ag.on_cost_rate) / (1 - ag.margin_share - ag.msp_fee_share);
  for (std::int64_t w = 0; w < on.weeks(); ++w) {
    m.step();
    for (std::size_t e = 0; e + 1 < E; ++e) {
      const double fte = m.week_series()[pm::kAgencyFte * E + e];
      ASSERT_LE(m.week_series()[pm::kAgencyCostGbp * E + e], fte * (max_charge + 0.005));  // pence
    }
  }
  // Capped pay makes agency work less attractive in London: fewer locum-weeks.
  // (Leakage to uncapped neighbours needs agencies that choose where to place
  // locums; authorities' cover demand alone does not produce it yet.)
  const auto weeks_off = run_total(off, pm::kAgencyFte);
  const auto weeks_on = run_total(on, pm::kAgencyFte);
  const double london_off = weeks_off.all - weeks_off.by_employer.back();
  const double london_on = weeks_on.all - weeks_on.by_employer.back();
  EXPECT_LT(london_on, 0.9 * london_off) << "capped London should lose locums";
  EXPECT_LT(run_total(on, pm::kAgencyCostGbp).all, run_total(off, pm::kAgencyCostGbp).all);
}

namespace {
const char* kTwoAuthorities = R"(
authorities = [
  { name = "Camden", region = "London", subregion = "Central", inpost_fte = 100, vacancy_fte = 20, agency_fte = 10, caseload = 15, signatory_from = 2015-04-01 },
  { name = "Slough", region = "South East", subregion = "Berkshire", inpost_fte = 50, vacancy_fte = 5, agency_fte = 5, caseload = 15 },
]
)";

std::vector<pm::ScenarioIssue> issues_of(const std::string& text) {
  try {
    pm::parse_scenario(text, "p.toml");
  } catch (const pm::ScenarioError& e) {
    return e.issues();
  }
  return {};
}

bool has_issue(const std::vector<pm::ScenarioIssue>& issues, const std::string& key,
               const std::string& fragment, std::int64_t line) {
  for (const auto& i : issues)
    if (i.key == key && i.message.find(fragment) != std::string::npos && i.line == line)
      return true;
  return false;
}
}  // namespace

TEST(PolicyParsing, PoliciesRoundTripThroughResolvedToml) {
  const std::string text = std::string(kTwoAuthorities) + R"(
[[policies]]
kind = "agency_pay_cap"
start = 2016-01-01
end = 2022-06-01
scope = "signatories"
rate_gbp_per_hour = { nqsw = 25, social_worker = 28, experienced = 32, senior = 35, advanced = 35, team_manager = 42 }

[[policies]]
kind = "cooling_off"
start = 2022-06-01
scope = "region:London"
weeks = 26

[[policies]]
kind = "agency_min_experience"
start = 2024-10-31
scope = ["Slough"]
pqe_years = 3

[[policies]]
kind = "staged_golden_hello"
start = 2016-01-01
stage_weeks = [0, 26, 78]
stage_gbp = [1000, 2000, 3000]

[[policies]]
kind = "retention_payment"
start = 2016-01-01
gbp_per_year = 3000
min_tenure_weeks = 52
)";
  const pm::Scenario s = pm::parse_scenario(text, "p.toml");
  ASSERT_EQ(s.policies.size(), 5u);
  EXPECT_EQ(s.policies[3].stage_weeks, (std::vector<std::int64_t>{0, 26, 78}));
  EXPECT_EQ(s.policies[4].min_tenure_weeks, 52);
  EXPECT_EQ(s.policies[0].rate_gbp_per_hour[5], 42);
  EXPECT_EQ(s.policies[0].end->iso(), "2022-06-01");
  EXPECT_EQ(s.policies[1].scope.region, "London");
  EXPECT_EQ(s.policies[2].scope.authorities, std::vector<std::string>{"Slough"});
  ASSERT_TRUE(s.authorities[0].signatory_from);
  const std::string resolved = pm::to_toml(s);
  EXPECT_EQ(pm::to_toml(pm::parse_scenario(resolved, "resolved.toml")), resolved);
}

TEST(PolicyParsing, WorkforceLeversAndAgenciesRoundTrip) {
  const std::string text = std::string(kTwoAuthorities) + R"(
agencies = [
  { name = "Lean", offer_share = 2, margin_share = 0.12 },
  { name = "Dear", margin_share = 0.25 },
]

[[policies]]
kind = "inhouse_bank"
start = 2016-01-01
cover_share = 0.3
rate_gbp_per_hour = { nqsw = 24, social_worker = 27, experienced = 30, senior = 33, advanced = 34, team_manager = 40 }

[[policies]]
kind = "asye_pipeline"
start = 2016-01-01
min_share = 0.1

[[policies]]
kind = "trainee_pay"
start = 2016-01-01
pay_gbp_per_year = 34000

[[policies]]
kind = "progression_pathway"
start = 2016-01-01
years_earlier = 2

[[policies]]
kind = "relocation_allowance"
start = 2016-01-01
gbp = 6000
)";
  const pm::Scenario s = pm::parse_scenario(text, "w.toml");
  ASSERT_EQ(s.policies.size(), 5u);
  ASSERT_EQ(s.agencies.size(), 2u);
  EXPECT_EQ(s.agencies[0].offer_share, 2);
  EXPECT_EQ(s.agencies[1].offer_share, 1);  // default
  EXPECT_EQ(s.agencies[1].margin_share, 0.25);
  EXPECT_EQ(s.policies[0].cover_share, 0.3);
  EXPECT_EQ(s.policies[0].rate_gbp_per_hour[5], 40);
  EXPECT_EQ(s.policies[1].min_share, 0.1);
  EXPECT_EQ(s.policies[2].pay_gbp_per_year, 34000);
  EXPECT_EQ(s.policies[3].years_earlier, 2);
  EXPECT_EQ(s.policies[4].gbp, 6000);
  const auto levers = s.levers_at(ps::Date::from_ymd(2017, 1, 2));
  EXPECT_EQ(levers[0].bank_cover_share, 0.3);
  EXPECT_EQ(levers[0].progression_weeks_earlier, 104);
  EXPECT_EQ(levers[1].relocation_gbp, 6000);
  const std::string resolved = pm::to_toml(s);
  EXPECT_EQ(pm::to_toml(pm::parse_scenario(resolved, "resolved.toml")), resolved);
}

TEST(PolicyParsing, BadWorkforceLeversAndAgenciesAreReported) {
  const std::string text = std::string(kTwoAuthorities) + R"(
agencies = [
  { name = "A", margin_share = 0.99 },
  { name = "A", offer_shar = 1 },
]

[[policies]]
kind = "inhouse_bank"
start = 2016-01-01
cover_share = 0.3

[[policies]]
kind = "asye_pipeline"
start = 2016-01-01
min_share = 1.5
)";
  const auto issues = issues_of(text);
  EXPECT_TRUE(has_issue(issues, "agencies[0].margin_share", "value 0.99 is outside [0, 0.9]", 8));
  EXPECT_TRUE(has_issue(issues, "agencies[1].name", "duplicate agency name 'A'", 9));
  EXPECT_TRUE(has_issue(issues, "agencies[1].offer_shar", "did you mean 'offer_share'", 9));
  EXPECT_TRUE(has_issue(issues, "policies[0].rate_gbp_per_hour", "missing", 12));
  EXPECT_TRUE(has_issue(issues, "policies[1].min_share", "value 1.5 is outside [0, 1]", 20));
}

TEST(PolicyParsing, BadPoliciesAreReportedWithLineAndKey) {
  const std::string text = std::string(kTwoAuthorities) + R"(
[[policies]]
kind = "agency_pay_capp"
start = 2016-01-01

[[policies]]
kind = "cooling_off"
weeks = 26
scope = ["Camdn"]

[[policies]]
kind = "agency_min_experience"
start = 2024-10-31
end = 2024-01-01
pqe_years = 3
weeks = 4

[[policies]]
kind = "staged_golden_hello"
start = 2016-01-01
stage_weeks = [0, 26]
stage_gbp = [1000]
)";
  const auto issues = issues_of(text);
  EXPECT_TRUE(has_issue(issues, "policies[0].kind", "did you mean 'agency_pay_cap'", 8));
  EXPECT_TRUE(has_issue(issues, "policies[1].start", "missing", 11));
  EXPECT_TRUE(has_issue(issues, "policies[1].scope", "did you mean 'Camden'", 14));
  EXPECT_TRUE(has_issue(issues, "policies[2].end", "after start", 19));
  EXPECT_TRUE(has_issue(issues, "policies[2].weeks",
                        "not a key of policy kind 'agency_min_experience'", 21));
  EXPECT_TRUE(has_issue(issues, "policies[3].stage_weeks", "same length", 26) ||
              has_issue(issues, "policies[3].stage_gbp", "same length", 27));
  EXPECT_FALSE(has_issue(issues, "policies[3].stage_gbp", "missing", 23));
  for (const auto& i : issues) EXPECT_EQ(i.file, "p.toml");
}

namespace {
// Runs to the first April pay review; returns (pay index before, vacancy rate
// the week before, pay index after) per authority.
struct Review {
  std::vector<double> before, vacancy_rate, after;
};
Review first_pay_review(const pm::Scenario& s) {
  pm::LabourMarket m(s);
  const std::size_t E = m.authority_count();
  Review r;
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    const auto row = m.week_series();
    std::vector<double> index(E), rate(E);
    for (std::size_t e = 0; e < E; ++e) {
      index[e] = w == 0 ? s.authorities[e].pay_index : row[pm::kPayIndex * E + e];
      rate[e] = row[pm::kVacancies * E + e] / row[pm::kEstablishment * E + e];
    }
    m.step();
    if (m.clock().contains_annual(w, 4, 1)) {
      r.before = index;
      r.vacancy_rate = rate;
      for (std::size_t e = 0; e < E; ++e) r.after.push_back(m.week_series()[pm::kPayIndex * E + e]);
      return r;
    }
  }
  ADD_FAILURE() << "no 1 April in the run";
  return r;
}
}  // namespace

TEST(PaySetting, CompetitiveAuthoritiesRaisePayWhenVacanciesAreHigh) {
  pm::Scenario s = london(1);
  s.pay.vacancy_target_rate = 0.25;
  s.pay.competitive_raise_share = 0.03;
  const Review r = first_pay_review(s);
  int raised = 0, held = 0;
  for (std::size_t e = 0; e < r.after.size(); ++e) {
    // All start at index 1, so nobody is below the regional mean: the
    // vacancy rate alone decides.
    const bool high = r.vacancy_rate[e] > 0.25;
    EXPECT_DOUBLE_EQ(r.after[e], high ? 1.03 : 1.0) << s.authorities[e].name;
    (high ? raised : held)++;
  }
  EXPECT_GT(raised, 0);
  EXPECT_GT(held, 0);
}

TEST(PaySetting, HarmonisedAuthoritiesStayWithinTheirBand) {
  pm::Scenario s = london(3);
  for (std::size_t e = 0; e < s.authorities.size(); ++e)
    s.authorities[e].pay_index = 0.9 + 0.2 * static_cast<double>(e % 5) / 4;  // 0.9 .. 1.1
  pm::Policy harmonise = policy(pm::PolicyKind::harmonised_pay);
  harmonise.band_share = 0.02;
  s.policies.push_back(harmonise);
  const Review r = first_pay_review(s);
  double mean = 0;
  for (double x : r.before) mean += x / static_cast<double>(r.before.size());
  for (std::size_t e = 0; e < r.after.size(); ++e) {
    EXPECT_GE(r.after[e], mean * 0.98 - 1e-12);
    EXPECT_LE(r.after[e], mean * 1.02 + 1e-12);
    // Inside the band nothing moves; outside, it moves to the band's edge.
    if (r.before[e] >= mean * 0.98 && r.before[e] <= mean * 1.02) {
      EXPECT_EQ(r.after[e], r.before[e]);
    }
  }
  // And over three years of reviews nobody leaves the band or drifts upward.
  pm::LabourMarket m(s);
  const std::size_t E = m.authority_count();
  for (std::int64_t w = 0; w < s.weeks(); ++w) m.step();
  double lo = 1e9, hi = 0;
  for (std::size_t e = 0; e < E; ++e) {
    lo = std::min(lo, m.week_series()[pm::kPayIndex * E + e]);
    hi = std::max(hi, m.week_series()[pm::kPayIndex * E + e]);
  }
  EXPECT_LE(hi / lo, 1.02 / 0.98 + 1e-9);
  EXPECT_LE(hi, mean * 1.02 + 1e-12);
}

TEST(Headhunting, NoPoachBetweenSignatoriesStopsHeadhuntedMovesBetweenThem) {
  pm::Scenario off = london(2);
  for (auto& a : off.authorities) a.signatory_from = ps::Date::from_ymd(2015, 4, 1);
  pm::Scenario on = off;
  pm::Policy no_poach = policy(pm::PolicyKind::no_poach);
  no_poach.scope.kind = pm::PolicyScope::Kind::signatories;
  on.policies.push_back(no_poach);
  EXPECT_GT(run_total(off, pm::kHeadhuntedIn).all, 20);
  EXPECT_EQ(run_total(on, pm::kHeadhuntedIn).all, 0);
  EXPECT_EQ(run_total(on, pm::kHeadhuntedOut).all, 0);
}

TEST(Headhunting, NonSignatoriesStillHeadhuntAndFlowsBalance) {
  pm::Scenario s = london(2);
  for (std::size_t e = 0; e < s.authorities.size(); e += 2)
    s.authorities[e].signatory_from = ps::Date::from_ymd(2015, 4, 1);
  pm::Policy no_poach = policy(pm::PolicyKind::no_poach);
  no_poach.scope.kind = pm::PolicyScope::Kind::signatories;
  s.policies.push_back(no_poach);
  const auto in = run_total(s, pm::kHeadhuntedIn);
  const auto out = run_total(s, pm::kHeadhuntedOut);
  EXPECT_GT(in.all, 0);
  EXPECT_EQ(in.all, out.all);  // every headhunted move leaves one authority for another
  EXPECT_LE(in.all, run_total(s, pm::kMovesIn).all);
}

TEST(Headhunting, PremiumAndGoldenHellosAreBookedExactly) {
  pm::Scenario s = london(1);
  s.pay.annual_uplift_rate = 0;  // premiums in nominal pounds all year
  s.pay.headhunting_premium_gbp = 5000;
  for (auto& a : s.authorities) a.golden_hello_gbp = 1000;
  pm::LabourMarket m(s);
  const std::size_t E = m.authority_count();
  double headhunted = 0;
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    for (std::size_t e = 0; e < E; ++e) {
      const auto v = [&](pm::Metric k) {
        return m.week_series()[static_cast<std::size_t>(k) * E + e];
      };
      ASSERT_DOUBLE_EQ(v(pm::kIncentiveCostGbp),
                       1000 * v(pm::kStarters) + 5000 * v(pm::kHeadhuntedIn));
      headhunted += v(pm::kHeadhuntedIn);
    }
  }
  EXPECT_GT(headhunted, 0);
}

TEST(ScenarioLibrary, PledgeScenarioCutsAgencyUseAgainstCompetitiveWithTheSameSeed) {
  const std::string dir = std::string(PLEDGESIM_SOURCE_DIR) + "/scenarios/";
  pm::Scenario competitive = pm::load_scenario_file(dir + "london_competitive.toml");
  pm::Scenario pledge = pm::load_scenario_file(dir + "london_pledge_2022.toml");
  competitive.years = pledge.years = 2;
  ASSERT_EQ(competitive.seed, pledge.seed);  // common random numbers
  ASSERT_EQ(pledge.policies.size(), 5u);
  const double agency_c = run_total(competitive, pm::kAgencyFte).all;
  const double agency_p = run_total(pledge, pm::kAgencyFte).all;
  EXPECT_LT(agency_p, agency_c);
  // No headhunting between London authorities: what is left of London's
  // headhunted moves is to and from the neighbours, outside the Pledge (the
  // exact zero between signatories is tested in Headhunting.*).
  auto london_headhunted = [&](const pm::Scenario& s) {
    const auto in = run_total(s, pm::kHeadhuntedIn).by_employer;
    double london = 0;
    for (std::size_t e = 0; e < in.size(); ++e)
      if (s.authorities[e].region == "London") london += in[e];
    return london;
  };
  EXPECT_LT(london_headhunted(pledge), 0.2 * london_headhunted(competitive));
  // Cooling-off: no locum placed in London left a London post < 26 weeks before
  // (London leavers may still go straight to agency work in the neighbours).
  const auto london_recent_leaver_in_london = [&](const pm::LabourMarket& m, std::size_t i) {
    const ps::Population& pop = m.population();
    const auto e = static_cast<std::size_t>(pop.column<std::int16_t>("employer").span()[i]);
    return pledge.authorities[e].region == "London" && m.weeks_since_left_permanent(i) < 26 &&
           pop.column<std::uint8_t>("left_region").span()[i] == 0;  // region 0: London
  };
  EXPECT_EQ(count_new_locums(pledge, london_recent_leaver_in_london), 0);
  EXPECT_GT(count_new_locums(competitive, london_recent_leaver_in_london), 0);
  EXPECT_LT(run_total(pledge, pm::kAgencyCostGbp).all,
            run_total(competitive, pm::kAgencyCostGbp).all);
}

TEST(PolicyLevers, AuthoritiesUnderPressureBreachCaps) {
  pm::Scenario s = london(1);
  pm::Policy cap = policy(pm::PolicyKind::agency_pay_cap);
  cap.rate_gbp_per_hour = {22, 24, 26, 28, 28, 32};
  s.policies.push_back(cap);
  s.agency.cap_breach_vacancy_rate = 0.25;
  s.agency.cap_breach_probability = 0.5;
  pm::LabourMarket m(s);
  const std::size_t E = m.authority_count();
  const double max_capped_charge = 32 * s.agency.hours_per_week * (1 + s.agency.on_cost_rate) /
                                   (1 - s.agency.margin_share - s.agency.msp_fee_share);
  double breaches = 0, weeks_under_pressure = 0, over_cap_without_breach = 0;
  std::vector<double> vacancy_rate(E);
  for (std::size_t e = 0; e < E; ++e)
    vacancy_rate[e] =
        s.authorities[e].vacancy_fte / (s.authorities[e].vacancy_fte + s.authorities[e].inpost_fte);
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    const auto row = m.week_series();
    for (std::size_t e = 0; e < E; ++e) {
      const bool breach = row[pm::kCapBreach * E + e] > 0;
      // Only authorities above the pressure threshold (last week) may breach.
      if (breach) {
        EXPECT_GT(vacancy_rate[e], 0.25) << "week " << w;
      }
      weeks_under_pressure += vacancy_rate[e] > 0.25;
      breaches += breach;
      const double fte = row[pm::kAgencyFte * E + e];
      if (!breach && row[pm::kAgencyCostGbp * E + e] > fte * (max_capped_charge + 0.005))
        ++over_cap_without_breach;
      vacancy_rate[e] = row[pm::kVacancies * E + e] / row[pm::kEstablishment * E + e];
    }
  }
  EXPECT_EQ(over_cap_without_breach, 0);
  ASSERT_GT(weeks_under_pressure, 100);
  // About half the pressured authority-weeks breach (binomial, 5 standard errors).
  const double se = std::sqrt(weeks_under_pressure * 0.25);
  EXPECT_NEAR(breaches, 0.5 * weeks_under_pressure, 5 * se);
}

TEST(PolicyLevers, SharedReferencesScreenOutWeakLocums) {
  pm::Scenario off = london(2);
  off.agency.base_screen_share = 0;
  pm::Scenario on = off;
  pm::Policy refs = policy(pm::PolicyKind::shared_references);
  refs.screen_share = 1.0;
  on.policies.push_back(refs);
  const double threshold = on.agency.reference_quality_threshold;
  const auto weak = [threshold](const pm::LabourMarket& m, std::size_t i) {
    return m.population().column<float>("quality").span()[i] < threshold;
  };
  auto weak_new_locums = [&](const pm::Scenario& s) { return count_new_locums(s, weak); };
  EXPECT_GT(weak_new_locums(off), 5);
  EXPECT_EQ(weak_new_locums(on), 0);
  EXPECT_EQ(run_total(off, pm::kAgencyScreenedOut).all, 0);
  EXPECT_GT(run_total(on, pm::kAgencyScreenedOut).all, 0);
}

TEST(PolicyLevers, PriceCapEqualsThePayCapItImplies) {
  // DfE caps the price = pay x (1 + on-costs); the same run with the implied
  // pay cap must give identical series.
  pm::Scenario price = london(1);
  price.agency.cap_breach_probability = 0;
  pm::Scenario pay = price;
  pm::Policy p = policy(pm::PolicyKind::agency_price_cap);
  p.rate_gbp_per_hour = {28, 32, 36, 40, 40, 48};
  price.policies.push_back(p);
  pm::Policy q = policy(pm::PolicyKind::agency_pay_cap);
  for (int r = 0; r < pm::kRoleCount; ++r)
    q.rate_gbp_per_hour[r] = p.rate_gbp_per_hour[r] / (1 + pay.agency.on_cost_rate);
  pay.policies.push_back(q);
  pm::LabourMarket a(price), b(pay);
  for (std::int64_t w = 0; w < price.weeks(); ++w) {
    a.step();
    b.step();
    ASSERT_TRUE(std::equal(a.week_series().begin(), a.week_series().end(), b.week_series().begin()))
        << "week " << w;
  }
  // And the price cap binds: charges are below the uncapped run's.
  EXPECT_LT(run_total(price, pm::kAgencyCostGbp).all, run_total(london(1), pm::kAgencyCostGbp).all);
}

TEST(Incentives, StagedHelloAndRetentionAreBookedWhenDueAndOnlyThen) {
  pm::Scenario s = london(2);
  s.behaviour.headhunting_rate_per_year = 0;  // no premiums in the total
  pm::Policy hello = policy(pm::PolicyKind::staged_golden_hello);
  hello.stage_weeks = {0, 26, 78};
  hello.stage_gbp = {1000, 2000, 3000};
  pm::Policy retention = policy(pm::PolicyKind::retention_payment);
  retention.gbp_per_year = 2600;  // GBP 50 a week
  retention.min_tenure_weeks = 104;
  s.policies = {hello, retention};
  pm::LabourMarket m(s);
  const ps::Population& pop = m.population();
  const std::size_t E = m.authority_count();
  double stage2 = 0;
  for (std::int64_t w = 0; w < 60; ++w) {
    m.step();
    const auto status = pop.column<std::uint8_t>("status").span();
    const auto employer = pop.column<std::int16_t>("employer").span();
    std::vector<double> due(E, 0);
    for (std::size_t i = 0; i < pop.size(); ++i) {
      if (!pm::holds_post(static_cast<pm::Status>(status[i]))) continue;
      const auto e = static_cast<std::size_t>(employer[i]);
      const std::uint16_t tenure = m.tenure_weeks(i);
      if (tenure == 0) due[e] += 1000;
      if (tenure == 26) due[e] += 2000, stage2 += 1;
      if (tenure == 78) due[e] += 3000;
      if (tenure >= 104) due[e] += 50;
    }
    for (std::size_t e = 0; e < E; ++e)
      ASSERT_NEAR(m.week_series()[pm::kIncentiveCostGbp * E + e], due[e], 1e-6) << w << ' ' << e;
  }
  EXPECT_GT(stage2, 0);  // some starters stayed to the second stage
}

TEST(Incentives, RetentionPaymentsReduceLeavers) {
  const pm::Scenario off = london(2);
  pm::Scenario on = off;
  pm::Policy retention = policy(pm::PolicyKind::retention_payment);
  retention.gbp_per_year = 5000;
  on.policies.push_back(retention);
  EXPECT_LT(run_total(on, pm::kLeavers).all, run_total(off, pm::kLeavers).all);
  EXPECT_LT(run_total(on, pm::kMovesOut).all, run_total(off, pm::kMovesOut).all);
}

TEST(PolicyLevers, NoticePeriodDelaysMovesAndHoldsThePost) {
  pm::Scenario s = london(1);
  pm::Policy notice = policy(pm::PolicyKind::notice_period);
  notice.weeks = 4;
  s.policies.push_back(notice);
  pm::LabourMarket m(s);
  const std::size_t E = m.authority_count();
  double early = 0, later = 0;
  std::vector<double> perm(E);
  for (std::size_t e = 0; e < E; ++e) perm[e] = m.week_series()[pm::kPermanentFte * E + e];
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    for (std::size_t e = 0; e < E; ++e) {
      const auto v = [&](pm::Metric k) {
        return m.week_series()[static_cast<std::size_t>(k) * E + e];
      };
      // Moves out of a post need 4 weeks' notice: none can complete in weeks 0-3.
      // (Locums released by an authority go at once, so agency_to_perm is not counted.)
      const double from_a_post = v(pm::kMovesIn) + v(pm::kPermToAgency);
      (w < 4 ? early : later) += from_a_post;
      ASSERT_GE(v(pm::kVacancies), 0) << "held posts must not be filled twice";
      ASSERT_EQ(v(pm::kPermanentFte), perm[e] + v(pm::kStarters) - v(pm::kLeavers));
      perm[e] = v(pm::kPermanentFte);
    }
  }
  EXPECT_EQ(early, 0);
  EXPECT_GT(later, 50);
}
