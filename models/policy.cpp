#include "models/policy.hpp"

#include <algorithm>

#include "models/scenario.hpp"

namespace pledgesim::models {

std::string PolicyScope::to_string() const {
  switch (kind) {
    case Kind::all:
      return "all";
    case Kind::signatories:
      return "signatories";
    case Kind::region:
      return "region:" + region;
    case Kind::authorities:
      break;
  }
  return "authorities";
}

bool in_scope(const PolicyScope& scope, const AuthorityData& a, sim::Date d) {
  switch (scope.kind) {
    case PolicyScope::Kind::all:
      return true;
    case PolicyScope::Kind::signatories:
      return a.is_signatory(d);
    case PolicyScope::Kind::region:
      return a.region == scope.region;
    case PolicyScope::Kind::authorities:
      return std::find(scope.authorities.begin(), scope.authorities.end(), a.name) !=
             scope.authorities.end();
  }
  return false;
}

std::vector<AuthorityLevers> Scenario::levers_at(sim::Date week_start) const {
  std::vector<AuthorityLevers> out;
  levers_at(week_start, out);
  return out;
}

void Scenario::levers_at(sim::Date week_start, std::vector<AuthorityLevers>& out) const {
  out.resize(authorities.size());
  for (std::size_t e = 0; e < authorities.size(); ++e) {
    auto& l = out[e];
    l = AuthorityLevers{};
    l.agency_cap_gbp_per_hour.fill(kNoCap);
    l.signatory = authorities[e].is_signatory(week_start);
    for (const Policy& p : policies) {
      if (!p.in_force(week_start) || !in_scope(p.scope, authorities[e], week_start)) continue;
      switch (p.kind) {
        case PolicyKind::agency_pay_cap:  // the tightest cap in force wins
          for (int r = 0; r < kRoleCount; ++r)
            l.agency_cap_gbp_per_hour[r] =
                std::min(l.agency_cap_gbp_per_hour[r], p.rate_gbp_per_hour[r]);
          break;
        case PolicyKind::agency_price_cap:
          for (int r = 0; r < kRoleCount; ++r)
            l.agency_cap_gbp_per_hour[r] = std::min(
                l.agency_cap_gbp_per_hour[r], p.rate_gbp_per_hour[r] / (1 + agency.on_cost_rate));
          break;
        case PolicyKind::cooling_off:
          l.cooling_off_weeks = std::max(l.cooling_off_weeks, p.weeks);
          break;
        case PolicyKind::harmonised_pay:  // the narrowest band in force wins
          l.harmonised_band_share = l.harmonised_band_share < 0
                                        ? p.band_share
                                        : std::min(l.harmonised_band_share, p.band_share);
          break;
        case PolicyKind::no_poach:
          l.no_poach = true;
          break;
        case PolicyKind::shared_references:
          l.reference_screen_share = std::max(l.reference_screen_share, p.screen_share);
          break;
        case PolicyKind::staged_golden_hello:  // the last one listed in force wins
          l.hello_stages = static_cast<int>(p.stage_weeks.size());
          for (int k = 0; k < l.hello_stages; ++k) {
            l.hello_weeks[k] = static_cast<std::uint16_t>(p.stage_weeks[k]);
            l.hello_gbp[k] = p.stage_gbp[k];
          }
          break;
        case PolicyKind::notice_period:
          l.notice_weeks =
              static_cast<std::uint8_t>(std::max<std::int64_t>(l.notice_weeks, p.weeks));
          break;
        case PolicyKind::retention_payment:  // the last one listed in force wins
          l.retention_gbp_per_year = p.gbp_per_year;
          l.retention_min_tenure_weeks = static_cast<std::uint16_t>(p.min_tenure_weeks);
          break;
        case PolicyKind::inhouse_bank:  // the last one listed in force wins
          l.bank_cover_share = p.cover_share;
          l.bank_rate_gbp_per_hour = p.rate_gbp_per_hour;
          break;
        case PolicyKind::asye_pipeline:
          l.asye_min_share = std::max(l.asye_min_share, p.min_share);
          break;
        case PolicyKind::trainee_pay:  // the last one listed in force wins
          l.trainee_pay_gbp_per_year = p.pay_gbp_per_year;
          break;
        case PolicyKind::progression_pathway:
          l.progression_weeks_earlier =
              std::max(l.progression_weeks_earlier,
                       static_cast<std::uint16_t>(p.years_earlier * kWeeksPerYear + 0.5));
          break;
        case PolicyKind::relocation_allowance:  // the last one listed in force wins
          l.relocation_gbp = p.gbp;
          break;
        case PolicyKind::agency_min_experience:
          l.agency_min_pqe_weeks =
              std::max(l.agency_min_pqe_weeks,
                       static_cast<std::uint16_t>(p.pqe_years * kWeeksPerYear + 0.5));
          break;
      }
    }
  }
}

}  // namespace pledgesim::models
