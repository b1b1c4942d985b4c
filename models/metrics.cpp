#include "models/metrics.hpp"

namespace pledgesim::models {

const std::vector<sim::SeriesSpec>& metric_specs() {
  static const std::vector<sim::SeriesSpec> specs = {
      {"permanent_fte", "FTE",
       "practitioners in a post (permanent, including ASYE trainees) at the end of the week", true},
      {"agency_fte", "FTE", "agency practitioners placed at the end of the week", true},
      {"trainee_fte", "FTE",
       "practitioners in a post in their first (ASYE) year; included in permanent_fte", true},
      {"bank_fte", "FTE", "in-house bank practitioners covering vacancies here", true},
      {"vacancies", "FTE", "establishment minus permanent FTE (agency cover does not fill a post)",
       true},
      {"establishment", "FTE", "funded permanent posts", true},
      {"starters", "FTE", "practitioners who took a post here this week", true},
      {"leavers", "FTE", "practitioners who left a post here this week (for anything else)", true},
      {"moves_in", "FTE", "starters who were permanent at another authority", true},
      {"moves_out", "FTE", "leavers who became permanent at another authority", true},
      {"perm_to_agency", "FTE", "leavers who became agency workers (anywhere)", true},
      {"agency_to_perm", "FTE", "starters who were agency workers (anywhere)", true},
      {"agency_starts", "FTE", "agency placements begun here this week", true},
      {"agency_ends", "FTE", "agency placements here that ended this week", true},
      {"caseload", "cases per FTE", "cases divided by permanent, bank and agency FTE", false},
      {"mean_stress", "1", "mean stress of practitioners working here (0 = none)", false},
      {"mean_tenure_weeks", "weeks", "mean tenure of permanent staff in their current post", false},
      {"pay_cost_gbp", "GBP", "permanent pay plus employer on-costs this week", false},
      {"agency_cost_gbp", "GBP", "agency charges this week (worker pay, on-costs, margin)", false},
      {"agency_margin_gbp", "GBP", "agency margin within agency_cost_gbp", false},
      {"msp_fee_gbp", "GBP", "managed service provider fee within agency_cost_gbp", false},
      {"bank_cost_gbp", "GBP", "in-house bank pay plus on-costs this week", false},
      {"incentive_cost_gbp", "GBP",
       "golden hellos, headhunting premiums, retention and relocation payments and progression "
       "pathway uplifts paid this week",
       false},
      {"recruitment_cost_gbp", "GBP", "recruitment cost of this week's permanent starters", false},
      {"pay_index", "1", "permanent pay relative to the pay scale (set each April)", false},
      {"headhunted_in", "FTE", "moves_in that followed a headhunting approach by this authority",
       true},
      {"headhunted_out", "FTE", "moves_out that followed another authority's headhunting approach",
       true},
      {"cap_breach", "1", "1 when the authority paid locums over a cap in force this week", true},
      {"agency_screened_out", "FTE", "agency applicants turned away on references this week", true},
  };
  return specs;
}

}  // namespace pledgesim::models
