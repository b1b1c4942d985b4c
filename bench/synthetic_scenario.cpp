#include "bench/synthetic_scenario.hpp"

#include <string>

namespace pledgesim::bench {

namespace pm = pledgesim::models;

models::Scenario synthetic_scenario(std::size_t practitioners, std::size_t authorities,
                                    std::int64_t years) {
  pm::Scenario s = pm::builtin_default_scenario();  // behaviour, pay and agency as fitted
  s.name = "synthetic_" + std::to_string(practitioners);
  s.years = years;
  s.seed = 7;
  // Employed = practitioners / (1 + inactive share); 80% in posts, 20% agency;
  // a quarter of posts vacant; 5% of the total join each September.
  const double employed = static_cast<double>(practitioners) / (1 + s.population.inactive_share);
  const double per_authority = employed / static_cast<double>(authorities);
  static const char* kSubregions[] = {"Central", "East", "North", "South", "West"};
  s.authorities.clear();
  for (std::size_t e = 0; e < authorities; ++e) {
    pm::AuthorityData a;
    a.name = "Authority " + std::to_string(e);
    if (e % 10 == 8) {
      a.region = a.subregion = "South East";
      a.pay_index = 0.92;
    } else if (e % 10 == 9) {
      a.region = a.subregion = "East of England";
      a.pay_index = 0.90;
    } else {
      a.region = "London";
      a.subregion = kSubregions[e % 5];
      a.inner_london = e % 3 == 0;
      if (e % 2 == 0) a.signatory_from = sim::Date::from_ymd(2015, 4, 1);
    }
    a.inpost_fte = 0.8 * per_authority;
    a.agency_fte = 0.2 * per_authority;
    a.vacancy_fte = a.inpost_fte / 3;
    a.caseload = 15 + static_cast<double>(e % 5);
    s.authorities.push_back(a);
  }
  s.population.nqsw_intake_per_year =
      static_cast<std::int64_t>(0.05 * static_cast<double>(practitioners));
  s.agencies = {{"A", 2.0, 0.15}, {"B", 1.0, 0.2}, {"C", 1.0, 0.25}};
  s.pay.recruitment_cost_gbp_per_hire = 2000;

  auto lever = [&](pm::PolicyKind kind, const std::string& scope) {
    pm::Policy p;
    p.kind = kind;
    p.start = s.start;
    if (scope == "signatories") {
      p.scope.kind = pm::PolicyScope::Kind::signatories;
    } else if (scope != "all") {
      p.scope.kind = pm::PolicyScope::Kind::region;
      p.scope.region = scope;
    }
    return p;
  };
  auto cap = lever(pm::PolicyKind::agency_pay_cap, "London");
  cap.rate_gbp_per_hour = {25, 28, 32, 35, 35, 42};
  auto price = lever(pm::PolicyKind::agency_price_cap, "all");
  price.rate_gbp_per_hour = {32, 36, 40, 44, 45, 50};
  auto cool = lever(pm::PolicyKind::cooling_off, "London");
  cool.weeks = 26;
  auto pqe = lever(pm::PolicyKind::agency_min_experience, "all");
  pqe.pqe_years = 3;
  auto harmonised = lever(pm::PolicyKind::harmonised_pay, "signatories");
  harmonised.band_share = 0.02;
  auto refs = lever(pm::PolicyKind::shared_references, "London");
  refs.screen_share = 0.8;
  auto hello = lever(pm::PolicyKind::staged_golden_hello, "South East");
  hello.stage_weeks = {0, 26, 78};
  hello.stage_gbp = {1000, 2000, 3000};
  auto retention = lever(pm::PolicyKind::retention_payment, "East of England");
  retention.gbp_per_year = 3000;
  retention.min_tenure_weeks = 104;
  auto notice = lever(pm::PolicyKind::notice_period, "all");
  notice.weeks = 4;
  auto bank = lever(pm::PolicyKind::inhouse_bank, "signatories");
  bank.cover_share = 0.4;
  bank.rate_gbp_per_hour = {27, 30, 33, 36, 37, 42};
  auto pipeline = lever(pm::PolicyKind::asye_pipeline, "London");
  pipeline.min_share = 0.1;
  auto trainee = lever(pm::PolicyKind::trainee_pay, "London");
  trainee.pay_gbp_per_year = 36000;
  auto pathway = lever(pm::PolicyKind::progression_pathway, "South East");
  pathway.years_earlier = 2;
  auto relocation = lever(pm::PolicyKind::relocation_allowance, "London");
  relocation.gbp = 6000;
  s.policies = {
      cap,      price,   cool,      pqe,        harmonised,
      refs,     hello,   retention, notice,     bank,
      pipeline, trainee, pathway,   relocation, lever(pm::PolicyKind::no_poach, "signatories")};
  return s;
}

}  // namespace pledgesim::bench
