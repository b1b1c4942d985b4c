#include "models/lever_examples.hpp"

#include <string>

namespace pledgesim::models {

std::vector<Policy> one_of_every_lever(sim::Date start) {
  auto lever = [&](PolicyKind kind, const std::string& scope) {
    Policy p;
    p.kind = kind;
    p.start = start;
    if (scope == "signatories") {
      p.scope.kind = PolicyScope::Kind::signatories;
    } else if (scope != "all") {
      p.scope.kind = PolicyScope::Kind::region;
      p.scope.region = scope;
    }
    return p;
  };
  auto cap = lever(PolicyKind::agency_pay_cap, "London");
  cap.rate_gbp_per_hour = {25, 28, 32, 35, 35, 42};
  auto price = lever(PolicyKind::agency_price_cap, "all");
  price.rate_gbp_per_hour = {32, 36, 40, 44, 45, 50};
  auto cool = lever(PolicyKind::cooling_off, "London");
  cool.weeks = 26;
  auto pqe = lever(PolicyKind::agency_min_experience, "all");
  pqe.pqe_years = 3;
  auto harmonised = lever(PolicyKind::harmonised_pay, "signatories");
  harmonised.band_share = 0.02;
  auto refs = lever(PolicyKind::shared_references, "London");
  refs.screen_share = 0.8;
  auto hello = lever(PolicyKind::staged_golden_hello, "South East");
  hello.stage_weeks = {0, 26, 78};
  hello.stage_gbp = {1000, 2000, 3000};
  auto retention = lever(PolicyKind::retention_payment, "East of England");
  retention.gbp_per_year = 3000;
  retention.min_tenure_weeks = 104;
  auto notice = lever(PolicyKind::notice_period, "all");
  notice.weeks = 4;
  auto bank = lever(PolicyKind::inhouse_bank, "signatories");
  bank.cover_share = 0.4;
  bank.rate_gbp_per_hour = {27, 30, 33, 36, 37, 42};
  auto pipeline = lever(PolicyKind::asye_pipeline, "London");
  pipeline.min_share = 0.1;
  auto trainee = lever(PolicyKind::trainee_pay, "London");
  trainee.pay_gbp_per_year = 36000;
  auto pathway = lever(PolicyKind::progression_pathway, "South East");
  pathway.years_earlier = 2;
  auto relocation = lever(PolicyKind::relocation_allowance, "London");
  relocation.gbp = 6000;
  return {cap,      price,   cool,      pqe,        harmonised,
          refs,     hello,   retention, notice,     bank,
          pipeline, trainee, pathway,   relocation, lever(PolicyKind::no_poach, "signatories")};
}

}  // namespace pledgesim::models
