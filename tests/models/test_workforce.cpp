// Workforce levers and the wider market: in-house bank, the ASYE pipeline,
// trainee pay, progression pathways, relocation, recruitment cost, several
// agencies and leakage to neighbouring regions. Lever on vs off runs share a
// seed (common random numbers), so differences come from the lever.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "market_test_util.hpp"

namespace {

double value(const pm::LabourMarket& m, pm::Metric k, std::size_t e) {
  return m.week_series()[static_cast<std::size_t>(k) * m.authority_count() + e];
}

// Pence a week of a salary with on-costs, as the market rounds it.
std::int64_t weekly_pence(double salary, double on_cost_rate) {
  return std::llround(salary * (1 + on_cost_rate) / pm::kWeeksPerYear * 100);
}

// No uplift and no pay review moves: prices stay at their first-week values.
pm::Scenario frozen_prices(pm::Scenario s) {
  s.pay.annual_uplift_rate = 0;
  s.pay.competitive_raise_share = 0;
  s.pay.inner_london_index = 1.0;
  s.behaviour.headhunting_rate_per_year = 0;
  for (auto& a : s.authorities) a.pay_index = 1.0, a.golden_hello_gbp = 0;
  return s;
}

pm::Status status_of(const ps::Population& pop, std::size_t i) {
  return static_cast<pm::Status>(pop.column<std::uint8_t>("status").span()[i]);
}

}  // namespace

TEST(InhouseBank, BankCoversPartOfTheLocumNeedAndCutsAgencyUse) {
  const pm::Scenario off = london(2);
  pm::Scenario on = off;
  pm::Policy bank = policy(pm::PolicyKind::inhouse_bank);
  bank.cover_share = 0.5;
  bank.rate_gbp_per_hour = {27, 30, 33, 36, 37, 42};
  on.policies.push_back(bank);
  EXPECT_EQ(run_total(off, pm::kBankFte).all, 0);
  EXPECT_GT(run_total(on, pm::kBankFte).all, 1000);  // bank-weeks
  EXPECT_LT(run_total(on, pm::kAgencyFte).all, 0.85 * run_total(off, pm::kAgencyFte).all);
  EXPECT_LT(run_total(on, pm::kAgencyCostGbp).all, run_total(off, pm::kAgencyCostGbp).all);
}

TEST(InhouseBank, BankCostIsItsWorkersPayAndNobodyInTheAsyeYearWorksBank) {
  pm::Scenario s = frozen_prices(london(1));
  pm::Policy bank = policy(pm::PolicyKind::inhouse_bank);
  bank.cover_share = 1.0;
  bank.rate_gbp_per_hour = {25, 28, 31, 34, 35, 40};
  s.policies.push_back(bank);
  pm::LabourMarket m(s);
  const ps::Population& pop = m.population();
  const auto& ag = s.agency;
  double bank_weeks = 0;
  for (int w = 0; w < 40; ++w) {
    m.step();
    const auto employer = pop.column<std::int16_t>("employer").span();
    std::vector<std::int64_t> expected(m.authority_count(), 0);
    for (std::size_t i = 0; i < pop.size(); ++i) {
      if (status_of(pop, i) != pm::Status::bank) continue;
      ASSERT_GE(m.pqe_weeks(i), pm::kAsyeWeeks);
      expected[static_cast<std::size_t>(employer[i])] += std::llround(
          bank.rate_gbp_per_hour[m.role(i)] * ag.hours_per_week * (1 + ag.on_cost_rate) * 100);
    }
    for (std::size_t e = 0; e < m.authority_count(); ++e) {
      ASSERT_DOUBLE_EQ(value(m, pm::kBankCostGbp, e), static_cast<double>(expected[e]) / 100.0);
      bank_weeks += value(m, pm::kBankFte, e);
    }
  }
  EXPECT_GT(bank_weeks, 0);
}

TEST(InhouseBank, CoolingOffDoesNotStopLeaversJoiningTheBank) {
  // The memorandum's bank is direct employment, not agency work: recent
  // leavers barred from agencies by cooling-off may still join it.
  pm::Scenario s = london(2);
  pm::Policy cool = policy(pm::PolicyKind::cooling_off);
  cool.weeks = 26;
  pm::Policy bank = policy(pm::PolicyKind::inhouse_bank);
  bank.cover_share = 0.5;
  bank.rate_gbp_per_hour = {27, 30, 33, 36, 37, 42};
  s.policies = {cool, bank};
  pm::LabourMarket m(s);
  const ps::Population& pop = m.population();
  std::int64_t recent_leavers_in_bank = 0;
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    for (std::size_t i = 0; i < pop.size(); ++i) {
      if (m.tenure_weeks(i) != 0 || m.weeks_since_left_permanent(i) >= 26) continue;
      const pm::Status st = status_of(pop, i);
      ASSERT_NE(st, pm::Status::agency) << "cooling-off broken";
      if (st == pm::Status::bank) ++recent_leavers_in_bank;
    }
  }
  EXPECT_GT(recent_leavers_in_bank, 0);
}

TEST(AsyePipeline, TraineesStayWithinSupervisionPlacesUnlessTheLeverRaisesThem) {
  pm::Scenario off = london(2);
  off.population.asye_places_share = 0.02;  // tight supervision capacity
  pm::Scenario on = off;
  pm::Policy pipeline = policy(pm::PolicyKind::asye_pipeline);
  pipeline.min_share = 0.10;
  on.policies.push_back(pipeline);
  auto check = [](const pm::Scenario& s, double share) {
    pm::LabourMarket m(s);
    double trainee_weeks = 0;
    for (std::int64_t w = 0; w < s.weeks(); ++w) {
      m.step();
      for (std::size_t e = 0; e < m.authority_count(); ++e) {
        const double est = value(m, pm::kEstablishment, e);
        // After a year every trainee was hired under the cap (the initial
        // ones have finished their ASYE year by then).
        if (w >= pm::kWeeksPerYear) {
          EXPECT_LE(value(m, pm::kTraineeFte, e), std::floor(share * est)) << w << ' ' << e;
        }
        trainee_weeks += value(m, pm::kTraineeFte, e);
      }
    }
    return trainee_weeks;
  };
  const double without = check(off, 0.02);
  const double with = check(on, 0.10);
  EXPECT_GT(with, 1.5 * without);
}

TEST(AsyePipeline, TraineesBecomePermanentAfterTheirFirstYearInPost) {
  pm::LabourMarket m(london(2));
  const ps::Population& pop = m.population();
  std::int64_t completed = 0;
  for (int w = 0; w < 80; ++w) {
    m.step();
    for (std::size_t i = 0; i < pop.size(); ++i) {
      const pm::Status st = status_of(pop, i);
      if (st == pm::Status::trainee) {
        ASSERT_LT(m.pqe_weeks(i), pm::kAsyeWeeks);
      }
      if (st == pm::Status::permanent) {
        ASSERT_GE(m.pqe_weeks(i), pm::kAsyeWeeks);
      }
    }
    completed += m.last_transitions()[static_cast<int>(pm::Status::trainee)]
                                     [static_cast<int>(pm::Status::permanent)];
  }
  EXPECT_GT(completed, 100);
}

TEST(TraineePay, TraineesArePaidTheCommonRateAndOthersTheScale) {
  pm::Scenario s = frozen_prices(london(1));
  for (auto& p : s.pay.permanent_gbp_per_year) p = 41600;
  pm::Policy trainee = policy(pm::PolicyKind::trainee_pay);
  trainee.pay_gbp_per_year = 36400;
  s.policies.push_back(trainee);
  pm::LabourMarket m(s);
  const auto scale = static_cast<double>(weekly_pence(41600, s.pay.on_cost_rate)) / 100;
  const auto asye = static_cast<double>(weekly_pence(36400, s.pay.on_cost_rate)) / 100;
  double trainees = 0;
  for (int w = 0; w < 20; ++w) {
    m.step();
    for (std::size_t e = 0; e < m.authority_count(); ++e) {
      const double t = value(m, pm::kTraineeFte, e);
      trainees += t;
      ASSERT_NEAR(value(m, pm::kPayCostGbp, e),
                  (value(m, pm::kPermanentFte, e) - t) * scale + t * asye, 1e-6);
    }
  }
  EXPECT_GT(trainees, 0);
}

TEST(ProgressionPathway, UpliftIsBookedAsIncentiveAndKeepsStaff) {
  const pm::Scenario off = frozen_prices(london(2));
  pm::Scenario on = off;
  pm::Policy pathway = policy(pm::PolicyKind::progression_pathway);
  pathway.years_earlier = 3;
  on.policies.push_back(pathway);
  // Exact: each permanent worker costs the scale of their role in pay_cost
  // and the difference to the role three years on in incentive_cost.
  pm::LabourMarket m(on);
  const ps::Population& pop = m.population();
  const auto& pay = on.pay;
  std::array<std::uint16_t, pm::kRoleCount> thresholds{};
  for (int r = 0; r < pm::kRoleCount; ++r)
    thresholds[r] = static_cast<std::uint16_t>(std::lround(pay.role_min_pqe_years[r] * 52));
  auto role_at = [&](int pqe) {
    int role = 0;
    for (int r = 1; r < pm::kRoleCount; ++r)
      if (pqe >= thresholds[r]) role = r;
    return role;
  };
  for (int w = 0; w < 30; ++w) {
    m.step();
    const auto employer = pop.column<std::int16_t>("employer").span();
    std::vector<std::int64_t> uplift(m.authority_count(), 0);
    for (std::size_t i = 0; i < pop.size(); ++i) {
      if (status_of(pop, i) != pm::Status::permanent) continue;
      const int now = role_at(m.pqe_weeks(i)), paid = role_at(m.pqe_weeks(i) + 3 * 52);
      uplift[static_cast<std::size_t>(employer[i])] +=
          weekly_pence(pay.permanent_gbp_per_year[paid], pay.on_cost_rate) -
          weekly_pence(pay.permanent_gbp_per_year[now], pay.on_cost_rate);
    }
    for (std::size_t e = 0; e < m.authority_count(); ++e)
      ASSERT_NEAR(value(m, pm::kIncentiveCostGbp, e), static_cast<double>(uplift[e]) / 100, 1e-6);
  }

  // Offered by half the authorities only (a strong one: ten years earlier),
  // it keeps their staff: fewer leave them for other posts. (More on-the-job
  // search than the fitted rate, so that there are enough moves to see it.)
  pm::Scenario searching = off;
  searching.behaviour.search_rate_per_year = 0.2;
  pm::Scenario half = searching;
  pathway.years_earlier = 10;
  pathway.scope.kind = pm::PolicyScope::Kind::authorities;
  for (std::size_t e = 0; e < off.authorities.size(); e += 2)
    pathway.scope.authorities.push_back(off.authorities[e].name);
  half.policies.push_back(pathway);
  // Their staff's rate of leaving for other posts (per permanent FTE-week)
  // falls, pooled over four seeds (the effect, 4-10% on single seeds, is
  // near the noise of one two-year London run).
  auto quit_rate = [&](pm::Scenario sc) {
    double quits = 0, weeks = 0;
    for (int k = 0; k < 4; ++k, ++sc.seed) {
      const auto out = run_total(sc, pm::kMovesOut).by_employer;
      const auto to_agency = run_total(sc, pm::kPermToAgency).by_employer;
      const auto staff = run_total(sc, pm::kPermanentFte).by_employer;
      for (std::size_t e = 0; e < sc.authorities.size(); e += 2)
        quits += out[e] + to_agency[e], weeks += staff[e];
    }
    return quits / weeks;
  };
  EXPECT_LT(quit_rate(half), 0.95 * quit_rate(searching));
}

TEST(Relocation, StartersFromAnotherRegionMoveAndAreOfferedTheAllowance) {
  pm::Scenario off = frozen_prices(london_and_neighbour(2));
  pm::Scenario on = off;
  pm::Policy relocation = policy(pm::PolicyKind::relocation_allowance, "London");
  relocation.gbp = 8000;
  on.policies.push_back(relocation);
  pm::LabourMarket m(on);
  const ps::Population& pop = m.population();
  const std::size_t E = m.authority_count(), neighbour = E - 1;
  double paid = 0;
  for (std::int64_t w = 0; w < on.weeks(); ++w) {
    m.step();
    // Only London pays it, in whole allowances (no other incentive is on).
    for (std::size_t e = 0; e < E; ++e) {
      const double c = value(m, pm::kIncentiveCostGbp, e);
      ASSERT_EQ(std::fmod(c, 8000.0), 0.0) << e;
      if (e == neighbour) {
        ASSERT_EQ(c, 0.0);
      }
      paid += c;
    }
    // Everyone in a post lives in its region: taking a post elsewhere means moving.
    const auto employer = pop.column<std::int16_t>("employer").span();
    const auto zone = pop.column<std::uint8_t>("home_zone").span();
    for (std::size_t i = 0; i < pop.size(); ++i) {
      if (!pm::holds_post(status_of(pop, i))) continue;
      const std::string& region = on.authorities[static_cast<std::size_t>(employer[i])].region;
      ASSERT_TRUE(m.zone_name(zone[i]).starts_with(region + "/")) << i << ' ' << region;
    }
  }
  EXPECT_GT(paid, 0);
  // The allowance draws more starters into London from the neighbour.
  const auto london_starters = [](const pm::Scenario& s) {
    const auto t = run_total(s, pm::kStarters);
    return t.all - t.by_employer.back();
  };
  EXPECT_GT(london_starters(on), london_starters(off));
}

TEST(RecruitmentCost, EachPermanentStarterCostsTheSetAmount) {
  pm::Scenario s = frozen_prices(london(1));
  s.pay.recruitment_cost_gbp_per_hire = 2500;
  pm::LabourMarket m(s);
  double starters = 0;
  for (int w = 0; w < 30; ++w) {
    m.step();
    for (std::size_t e = 0; e < m.authority_count(); ++e) {
      ASSERT_EQ(value(m, pm::kRecruitmentCostGbp, e), 2500 * value(m, pm::kStarters, e));
      starters += value(m, pm::kStarters, e);
    }
  }
  EXPECT_GT(starters, 100);
}

TEST(Agencies, EachLocumIsChargedWithTheMarginOfTheAgencyPlacingThem) {
  pm::Scenario s = frozen_prices(london(1));
  s.agency.rate_gbp_per_hour.fill(30);
  s.agency.msp_fee_share = 0.02;
  s.agencies = {{"Lean", 1.0, 0.10}, {"Dear", 1.0, 0.30}};
  pm::LabourMarket m(s);
  const ps::Population& pop = m.population();
  const auto& ag = s.agency;
  const double worker_gbp = 30 * ag.hours_per_week * (1 + ag.on_cost_rate);
  std::map<int, std::int64_t> by_firm;
  for (int w = 0; w < 20; ++w) {
    m.step();
    const auto employer = pop.column<std::int16_t>("employer").span();
    const auto firm = pop.column<std::uint8_t>("agency_firm").span();
    std::vector<std::int64_t> margin(m.authority_count(), 0), charge(m.authority_count(), 0);
    for (std::size_t i = 0; i < pop.size(); ++i) {
      if (status_of(pop, i) != pm::Status::agency) continue;
      const double share = s.agencies[firm[i]].margin_share;
      const double gross = worker_gbp / (1 - share - ag.msp_fee_share);
      const std::int64_t mp = std::llround(gross * share * 100);
      const std::int64_t fee = std::llround(gross * ag.msp_fee_share * 100);
      const auto e = static_cast<std::size_t>(employer[i]);
      margin[e] += mp;
      charge[e] += std::llround(worker_gbp * 100) + mp + fee;
      ++by_firm[firm[i]];
    }
    for (std::size_t e = 0; e < m.authority_count(); ++e) {
      ASSERT_NEAR(value(m, pm::kAgencyMarginGbp, e), static_cast<double>(margin[e]) / 100, 1e-6);
      ASSERT_NEAR(value(m, pm::kAgencyCostGbp, e), static_cast<double>(charge[e]) / 100, 1e-6);
    }
  }
  EXPECT_GT(by_firm[0], 0);
  EXPECT_GT(by_firm[1], 0);
}

TEST(Agencies, CapInLondonPushesPlacementsToTheUncappedNeighbour) {
  // The neighbour wants more locums than it has (cover ratio above its
  // starting agency / vacancies), so when London caps pay, agencies steer
  // placements there and London locums follow the better rate.
  pm::Scenario off = london_and_neighbour(2);
  off.authorities.back().locum_cover_ratio = 1.5;
  off.agency.cap_breach_probability = 0;
  pm::Scenario on = off;
  pm::Policy cap = policy(pm::PolicyKind::agency_pay_cap, "London");
  cap.rate_gbp_per_hour = {22, 24, 26, 28, 28, 32};
  on.policies.push_back(cap);
  const auto before = run_total(off, pm::kAgencyFte);
  const auto after = run_total(on, pm::kAgencyFte);
  EXPECT_GT(after.by_employer.back(), 1.05 * before.by_employer.back());
  EXPECT_LT(after.all - after.by_employer.back(), before.all - before.by_employer.back());
}

TEST(Intake, EachAuthorityTakesItsOwnIntakeOrAShareByEstablishment) {
  pm::Scenario s = london_and_neighbour(1);
  s.population.nqsw_intake_per_year = 300;  // shared among the London authorities
  s.authorities.back().nqsw_intake_per_year = 77;
  s.behaviour.commute_cost_other_region = 100;  // nobody moves region (and home) in this test
  pm::LabourMarket m(s);
  const std::size_t before = m.population().size();
  for (std::int64_t w = 0; w < s.weeks(); ++w) m.step();
  const ps::Population& pop = m.population();
  EXPECT_EQ(pop.size() - before, 377u);
  // The newly qualified live where their intake authority is.
  const auto zone = pop.column<std::uint8_t>("home_zone").span();
  std::size_t in_neighbour = 0;
  for (std::size_t i = before; i < pop.size(); ++i)
    in_neighbour += m.zone_name(zone[i]).starts_with("South East/");
  EXPECT_EQ(in_neighbour, 77u);
}

TEST(PersonalWeights, PayAndCommuteWeightsAreLognormalWithMeanOne) {
  pm::Scenario s = london(1);
  s.behaviour.pay_weight_sd = 0.3;
  s.behaviour.commute_weight_sd = 0.5;
  pm::LabourMarket m(s);
  const ps::Population& pop = m.population();
  for (const char* column : {"pay_taste", "commute_taste"}) {
    const double sd = std::string(column) == "pay_taste" ? 0.3 : 0.5;
    const auto w = pop.column<float>(column).span();
    double mean = 0, log_mean = 0, log_sq = 0;
    for (float x : w) mean += x, log_mean += std::log(x), log_sq += std::log(x) * std::log(x);
    const auto n = static_cast<double>(w.size());
    mean /= n, log_mean /= n;
    const double log_sd = std::sqrt(log_sq / n - log_mean * log_mean);
    EXPECT_NEAR(mean, 1.0, 0.02) << column;
    EXPECT_NEAR(log_sd, sd, 0.02) << column;
  }
  // Zero spread: everyone has the mean weight.
  s.behaviour.pay_weight_sd = 0;
  pm::LabourMarket flat(s);
  for (float x : flat.population().column<float>("pay_taste").span()) ASSERT_EQ(x, 1.0f);
}
