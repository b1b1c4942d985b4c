#include "models/scenario_schema.hpp"

#include <algorithm>
#include <sstream>

#include "models/policy_kinds.hpp"

namespace pledgesim::models {

namespace {

template <class Member>
ParamDef param(std::string key, double min, double max, std::string doc, Member access) {
  return ParamDef{std::move(key), min, max, std::move(doc),
                  [access](Scenario& s) -> ParamDef::Target { return access(s); }};
}

std::vector<ParamDef> build() {
  std::vector<ParamDef> p;
  p.push_back(param("years", kMinYears, kMaxYears, "simulated years (overridden by --years)",
                    [](Scenario& s) { return &s.years; }));
  p.push_back(param("spin_up_years", 0, 20,
                    "years run before start with the levers, inputs and shocks of the start date, "
                    "not recorded (52 weeks each)",
                    [](Scenario& s) { return &s.spin_up_years; }));
  p.push_back(param("seed", 0, static_cast<double>(kMaxSeed), "random seed (overridden by --seed)",
                    [](Scenario& s) { return &s.seed; }));

  auto& P = p;
  P.push_back(param("population.inactive_share", 0, 5,
                    "inactive practitioners (able to return) per employed one at the start",
                    [](Scenario& s) { return &s.population.inactive_share; }));
  P.push_back(
      param("population.initial_pqe_mean_years", 0.5, 30,
            "mean post-qualifying experience at the start, years (exponential, capped at 40)",
            [](Scenario& s) { return &s.population.initial_pqe_mean_years; }));
  P.push_back(param("population.nqsw_intake_per_year", 0, 1e7,
                    "newly qualified social workers entering the market each September",
                    [](Scenario& s) { return &s.population.nqsw_intake_per_year; }));
  P.push_back(param("population.initial_agency_taste_shift", 0, 5,
                    "initial locums' taste for agency work sits this many SDs above the mean",
                    [](Scenario& s) { return &s.population.initial_agency_taste_shift; }));

  P.push_back(param("population.asye_places_share", 0, 1,
                    "newly qualified (ASYE) trainees an authority can supervise at once, as a "
                    "share of its establishment; an asye_pipeline lever raises it",
                    [](Scenario& s) { return &s.population.asye_places_share; }));

  struct B {
    const char* key;
    double min, max;
    const char* doc;
    double Scenario::Behaviour::*member;
  };
  const B behaviour[] = {
      {"exit_rate_per_year", 0, 1, "hazard of leaving the profession, per year at zero stress",
       &Scenario::Behaviour::exit_rate_per_year},
      {"inactive_rate_per_year", 0, 1, "hazard of a career break, per year at zero stress",
       &Scenario::Behaviour::inactive_rate_per_year},
      {"return_rate_per_year", 0, 52, "rate at which inactive practitioners look for work",
       &Scenario::Behaviour::return_rate_per_year},
      {"new_entrant_search_rate_per_week", 0, 1,
       "weekly probability that a newly qualified job seeker searches",
       &Scenario::Behaviour::new_entrant_search_rate_per_week},
      {"search_rate_per_year", 0, 52, "on-the-job search rate of permanent staff at zero stress",
       &Scenario::Behaviour::search_rate_per_year},
      {"search_tenure_halving_weeks", 1, 1e5,
       "search rate halves with each this many weeks of tenure",
       &Scenario::Behaviour::search_tenure_halving_weeks},
      {"agency_search_rate_per_year", 0, 52, "rate at which placed locums look for a change",
       &Scenario::Behaviour::agency_search_rate_per_year},
      {"agency_assignment_mean_weeks", 1, 1e4, "mean length of an agency assignment, weeks",
       &Scenario::Behaviour::agency_assignment_mean_weeks},
      {"caseload_stress_threshold", 1, 100, "cases per case holder above which stress builds",
       &Scenario::Behaviour::caseload_stress_threshold},
      {"stress_adjust_rate_per_week", 0, 1,
       "share of the gap to the caseload-driven stress level closed each week",
       &Scenario::Behaviour::stress_adjust_rate_per_week},
      {"stress_search_sensitivity", 0, 100, "search hazard multiplier per unit stress",
       &Scenario::Behaviour::stress_search_sensitivity},
      {"stress_exit_sensitivity", 0, 100, "exit and break hazard multiplier per unit stress",
       &Scenario::Behaviour::stress_exit_sensitivity},
      {"pay_weight_per_10k_gbp", 0, 100, "utility of GBP 10,000 a year of pay",
       &Scenario::Behaviour::pay_weight_per_10k_gbp},
      {"pay_weight_sd", 0, 3,
       "spread of personal pay weights: SD of the log of each practitioner's multiple of "
       "pay_weight_per_10k_gbp (mean multiple 1)",
       &Scenario::Behaviour::pay_weight_sd},
      {"commute_weight_sd", 0, 3,
       "spread of personal commute weights: SD of the log of each practitioner's multiple of "
       "the commute costs (mean multiple 1)",
       &Scenario::Behaviour::commute_weight_sd},
      {"caseload_weight_per_case", 0, 100,
       "disutility of each case per case holder above the stress threshold",
       &Scenario::Behaviour::caseload_weight_per_case},
      {"switching_cost", 0, 100, "disutility of changing employer",
       &Scenario::Behaviour::switching_cost},
      {"agency_taste_mean", -100, 100, "mean taste for agency work (flexibility minus insecurity)",
       &Scenario::Behaviour::agency_taste_mean},
      {"agency_taste_sd", 0, 100, "standard deviation of the taste for agency work",
       &Scenario::Behaviour::agency_taste_sd},
      {"headhunting_rate_per_year", 0, 52,
       "headhunting approaches a permanent practitioner receives a year (from authorities with "
       "vacancies)",
       &Scenario::Behaviour::headhunting_rate_per_year},
      {"outside_option_gbp_per_year", 0, 1e6,
       "pay-equivalent value of staying out of authority work (uprated with pay)",
       &Scenario::Behaviour::outside_option_gbp_per_year},
      {"commute_cost_other_subregion", 0, 100,
       "disutility of a job outside one's home sub-region (also thins the offers seen from there)",
       &Scenario::Behaviour::commute_cost_other_subregion},
      {"commute_cost_other_region", 0, 100,
       "disutility of a job in another region (a long commute or moving home)",
       &Scenario::Behaviour::commute_cost_other_region},
      {"bank_flexibility_share", 0, 1,
       "share of a practitioner's taste for agency work that in-house bank work also offers",
       &Scenario::Behaviour::bank_flexibility_share},
  };
  for (const B& b : behaviour) {
    auto m = b.member;
    P.push_back(param(std::string("behaviour.") + b.key, b.min, b.max, b.doc,
                      [m](Scenario& s) { return &(s.behaviour.*m); }));
  }
  P.push_back(param("behaviour.offers_per_search", 1, 50,
                    "permanent vacancies a searching practitioner is offered",
                    [](Scenario& s) { return &s.behaviour.offers_per_search; }));
  P.push_back(param("behaviour.agency_offers_per_search", 0, 50,
                    "agency placements a searching practitioner is offered",
                    [](Scenario& s) { return &s.behaviour.agency_offers_per_search; }));

  for (int r = 0; r < kRoleCount; ++r) {
    const std::string role(kRoleNames[r]);
    P.push_back(param("pay.permanent_gbp_per_year." + role, 0, 1e6,
                      "permanent salary of a " + role + " (outer London), GBP a year",
                      [r](Scenario& s) { return &s.pay.permanent_gbp_per_year[r]; }));
  }
  for (int r = 0; r < kRoleCount; ++r) {
    const std::string role(kRoleNames[r]);
    P.push_back(param("pay.role_min_pqe_years." + role, 0, 50,
                      "post-qualifying experience at which a practitioner becomes " + role,
                      [r](Scenario& s) { return &s.pay.role_min_pqe_years[r]; }));
  }
  P.push_back(param("pay.inner_london_index", 0.5, 2, "inner London pay relative to outer",
                    [](Scenario& s) { return &s.pay.inner_london_index; }));
  P.push_back(param("pay.on_cost_rate", 0, 2, "employer on-costs (pension, NI) as a share of pay",
                    [](Scenario& s) { return &s.pay.on_cost_rate; }));
  P.push_back(param("pay.annual_uplift_rate", -0.5, 1, "pay and agency rate rise each 1 April",
                    [](Scenario& s) { return &s.pay.annual_uplift_rate; }));

  P.push_back(param("pay.competitive_raise_share", 0, 1,
                    "extra April pay rise of a competitive authority whose vacancy rate is above "
                    "target or whose pay is below its region's mean",
                    [](Scenario& s) { return &s.pay.competitive_raise_share; }));
  P.push_back(param("pay.headhunting_premium_gbp", 0, 1e6,
                    "one-off premium paid to a headhunted recruit (booked as incentive cost)",
                    [](Scenario& s) { return &s.pay.headhunting_premium_gbp; }));
  P.push_back(param("pay.recruitment_cost_gbp_per_hire", 0, 1e6,
                    "advertising and selection cost of each permanent starter, GBP (booked in "
                    "recruitment_cost_gbp)",
                    [](Scenario& s) { return &s.pay.recruitment_cost_gbp_per_hire; }));
  P.push_back(param("pay.vacancy_target_rate", 0, 1,
                    "vacancy rate above which a competitive authority raises pay",
                    [](Scenario& s) { return &s.pay.vacancy_target_rate; }));
  for (int v = 0; v < kInputVariableCount; ++v) {
    const std::string name(kInputVariableNames[v]);
    P.push_back(param("inputs.projection." + name + ".rate_per_year", -0.5, 1,
                      "yearly growth of " + name + " after its last row, under the growth rule",
                      [v](Scenario& s) { return &s.inputs.projection[v].rate_per_year; }));
  }
  for (int r = 0; r < kRoleCount; ++r) {
    const std::string role(kRoleNames[r]);
    P.push_back(param("agency.rate_gbp_per_hour." + role, 0, 1000,
                      "hourly pay of an agency " + role,
                      [r](Scenario& s) { return &s.agency.rate_gbp_per_hour[r]; }));
  }
  P.push_back(param("agency.hours_per_week", 1, 80, "hours charged per agency week",
                    [](Scenario& s) { return &s.agency.hours_per_week; }));
  P.push_back(param("agency.paid_weeks_per_year", 1, 52,
                    "weeks a locum expects to be paid in a year",
                    [](Scenario& s) { return &s.agency.paid_weeks_per_year; }));
  P.push_back(param("agency.on_cost_rate", 0, 2, "agency's on-costs (NI, holiday, levy) on pay",
                    [](Scenario& s) { return &s.agency.on_cost_rate; }));
  P.push_back(param("agency.margin_share", 0, 0.95, "share of the charge kept as agency margin",
                    [](Scenario& s) { return &s.agency.margin_share; }));
  P.push_back(param("agency.placement_candidates", 1, 20,
                    "openings an agency weighs before offering a practitioner the one with the "
                    "highest margin",
                    [](Scenario& s) { return &s.agency.placement_candidates; }));
  P.push_back(param("agency.msp_fee_share", 0, 0.5,
                    "share of the charge paid to a managed service provider (on top of the margin; "
                    "margin + fee must stay below 1)",
                    [](Scenario& s) { return &s.agency.msp_fee_share; }));
  P.push_back(param("agency.cover_after_weeks", 0, 520,
                    "weeks a vacancy stays open before an authority asks for a locum",
                    [](Scenario& s) { return &s.agency.cover_after_weeks; }));
  P.push_back(param("agency.reference_quality_threshold", -10, 10,
                    "practice quality (in SDs) below which a reference flags a locum",
                    [](Scenario& s) { return &s.agency.reference_quality_threshold; }));
  P.push_back(param("agency.base_screen_share", 0, 1,
                    "probability that an authority turns away a flagged locum without shared "
                    "references",
                    [](Scenario& s) { return &s.agency.base_screen_share; }));
  P.push_back(param("agency.cap_breach_vacancy_rate", 0, 1,
                    "vacancy rate above which an authority may pay over an agency cap",
                    [](Scenario& s) { return &s.agency.cap_breach_vacancy_rate; }));
  P.push_back(param("agency.cap_breach_probability", 0, 1,
                    "weekly probability that an authority above that vacancy rate breaches its "
                    "caps (pays market rates)",
                    [](Scenario& s) { return &s.agency.cap_breach_probability; }));
  P.push_back(param("agency.cap_uprating_share", 0, 2,
                    "share of each April pay award by which agency caps in force rise (0: caps "
                    "stay nominal; 1: they follow pay)",
                    [](Scenario& s) { return &s.agency.cap_uprating_share; }));
  P.push_back(param("agency.locum_demand_caseload_sensitivity", 0, 50,
                    "locums wanted per long vacancy rise by this times the authority's relative "
                    "caseload excess, (caseload - stress threshold) / threshold, when positive",
                    [](Scenario& s) { return &s.agency.locum_demand_caseload_sensitivity; }));
  P.push_back(param("agency.excess_release_rate_per_week", 0, 1,
                    "share of locums above an authority's cover need released each week",
                    [](Scenario& s) { return &s.agency.excess_release_rate_per_week; }));
  return p;
}

// The edit distance of a and b when it is at most `cap`; otherwise some
// number above `cap` (it stops at the first row whose every entry is above
// it: no alignment comes back below, so a hint search costs little per key).
std::size_t edit_distance(const std::string& a, const std::string& b, std::size_t cap) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > cap) return cap + 1;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

const std::vector<ParamDef>& scenario_params() {
  static const std::vector<ParamDef> params = build();
  return params;
}

const std::vector<FieldDoc>& authority_fields() {
  static const std::vector<FieldDoc> fields = {
      {"name", "authority name, unique"},
      {"region", "region, e.g. \"London\""},
      {"subregion", "sub-region, e.g. \"East\""},
      {"inner_london", "true for Inner London authorities (pay index applies)"},
      {"inpost_fte", "permanent FTE in post at the start"},
      {"vacancy_fte", "vacant FTE at the start; establishment = in post + vacancies"},
      {"agency_fte", "agency FTE at the start; sets how much the authority covers with locums"},
      {"caseload", "cases per case-holding FTE at the start; sets the authority's case demand"},
      {"golden_hello_gbp", "one-off payment to each new permanent starter (default 0)"},
      {"pay_index",
       "permanent pay relative to the pay scale at the start (default 1); reset each "
       "April by the pay-setting rule"},
      {"nqsw_intake_per_year",
       "newly qualified practitioners starting to look for work in its area each September "
       "(default: population.nqsw_intake_per_year shared by establishment among authorities "
       "without this key)"},
      {"councils",
       "councils this authority stands for (default 1): an aggregate of several has moves "
       "between its own councils, counted as its leavers, starters, moves out and moves in"},
      {"locum_cover_ratio",
       "locums wanted per vacancy open longer than agency.cover_after_weeks (default: agency_fte "
       "/ vacancy_fte at the start)"},
      {"signatory_from",
       "date the authority joined the regional agreement (levers scoped to \"signatories\" "
       "apply from then); absent = never"},
  };
  return fields;
}

namespace {

// The value keys of a policy kind, for the key reference: key, range, unit.
std::string policy_values_doc(const PolicyKindDef& kind) {
  if (kind.fields.empty()) return "(none)";
  std::ostringstream out;
  for (const auto& field : kind.fields) {
    if (&field != &kind.fields.front()) out << "; ";
    if (field.optional) out << "optional ";
    out << '`' << field.key << '`';
    std::ostringstream range_out;
    range_out << '[' << field.min << ", " << field.max << ']';
    const std::string range = range_out.str();
    std::visit(
        [&](auto member) {
          using T = std::remove_cvref_t<decltype(Policy{}.*member)>;
          if constexpr (std::is_arithmetic_v<T>) {
            out << " in " << range << " (" << field.what << ")";
          } else if constexpr (std::is_same_v<T, std::array<double, kRoleCount>>) {
            out << " = {";
            for (int r = 0; r < kRoleCount; ++r)
              out << (r ? ", " : " ") << kRoleNames[r] << " = ..";
            out << " }, each in " << range << " (" << field.what << ")";
          } else {
            out << " = 1 to " << AuthorityLevers::kMaxStages << " " << field.what << " in " << range
                << ", e.g. " << field.example;
          }
        },
        field.member);
  }
  return out.str();
}

}  // namespace

std::string scenario_keys_markdown() {
  std::ostringstream out;
  out << "| key | default | range | meaning |\n|---|---|---|---|\n";
  out << "| `name` | \"unnamed\" | text | scenario name; names the default output file |\n";
  out << "| `description` | \"\" | text | free text |\n";
  out << "| `start` | 2017-10-01 | date | first day of the first week |\n";
  out << "| `include` | (none) | file name | a base scenario (path relative to this file); "
         "this file's keys override it, tables merge key by key, lists are replaced |\n";
  Scenario defaults;
  for (const auto& p : scenario_params()) {
    out << "| `" << p.key << "` | ";
    std::visit([&](auto* v) { out << *v; }, p.target(defaults));
    out << " | " << p.min << " to " << p.max << " | " << p.doc << " |\n";
  }
  out << "\nEach entry of `authorities = [ {...}, ... ]` (required, before any `[table]`):\n\n"
      << "| key | meaning |\n|---|---|\n";
  for (const auto& f : authority_fields()) out << "| `" << f.key << "` | " << f.doc << " |\n";
  out << "\nEach `[[policies]]` table is one lever: `kind`, `start` (date), optional `end` (date, "
         "exclusive), optional `scope` (\"all\" (default), \"signatories\", \"region:NAME\" or a "
         "list of authority names), optional `note`, and the kind's value:\n\n"
      << "| kind | value | effect |\n|---|---|---|\n";
  for (const auto& kind : policy_kinds())
    out << "| `" << kind.name() << "` | " << policy_values_doc(kind) << " | " << kind.effect
        << " |\n";
  out << "\nOptional `[inputs]`: values that change over time, by authority and date "
         "(models/inputs.hpp; without them an authority keeps its start figures, and pay and "
         "agency rates rise by `pay.annual_uplift_rate`):\n\n"
      << "| key | meaning |\n|---|---|\n"
      << "| `inputs.table` | a CSV file (path relative to the scenario file) with the header "
         "`scope,date,variable,value,source`, one dated value per line |\n"
      << "| `inputs.rows` | the same rows inline: `[{ scope = \"...\", date = 2018-09-30, "
         "variable = \"...\", value = 1.0, source = \"...\" }, ...]` (added to the table's) |\n"
      << "| `inputs.projection.VARIABLE.rule` | after a series' last row: \"hold\" (default; "
         "its last value), \"trend\" (the least-squares line through its rows, never below 0) "
         "or \"growth\" (`inputs.projection.VARIABLE.rate_per_year`, compounded) |\n"
      << "\nA row's `scope` is an authority's name, a region's name or \"all\"; `variable` is "
         "one of:\n\n| variable | meaning |\n|---|---|\n"
      << "| `establishment` | funded posts (FTE: in post + vacancies), at each week's start; "
         "posts are cut only as they fall vacant |\n"
      << "| `case_demand` | cases, such that caseload = case_demand / (post holders + locums); "
         "from DfE figures: caseload x (in post + agency FTE) |\n"
      << "| `nqsw_intake` | newly qualified joining in the September intake (its value on 1 "
         "September) |\n"
      << "| `pay_award` | the 1 April pay award (a rate; scope \"all\") |\n"
      << "| `agency_rate_change` | the 1 April change of agency market rates (a rate; scope "
         "\"all\"; default: the pay award) |\n"
      << "\nEach series is linear between its rows and holds its first value before them. A "
         "region's (or all's) row of `establishment`, `case_demand` or `nqsw_intake` is the total "
         "of its authorities without rows of their own, shared in proportion to their "
         "establishment at the start.\n";
  out << "\nOptional `[shocks.NAME]` tables: dated multipliers of behavioural rates "
         "(models/shocks.hpp), e.g. a period or a region with rates of its own; shocks of one "
         "rate in force together multiply. `--set shocks.NAME.multiplier=X` changes one:\n\n"
      << "| key | meaning |\n|---|---|\n"
      << "| `rate` | \"exit\" (leaving the profession), \"break\" (a career break), "
         "\"search\" (on-the-job search, post holders and locums), \"return\" (looking for "
         "work after a break) or \"intake\" (the September intake) |\n"
      << "| `multiplier` | the factor, 0 to 100 |\n"
      << "| `start`, `end` | optional dates: in force from `start`, before `end` (default: "
         "always) |\n"
      << "| `scope` | as a policy's (default \"all\"); those out of work answer to the region "
         "they live in, so only \"all\" and \"region:NAME\" shocks reach them |\n"
      << "| `note` | free text |\n";
  out << "\nOptional `[behaviour_by_region.REGION]` tables: behaviour keys for one region of the "
         "authorities, for those working there and, out of work, living there (in the ranges "
         "above). These keys can be set by region: ";
  for (const auto& k : regional_behaviour_keys())
    out << "`" << k << "`" << (&k == &regional_behaviour_keys().back() ? ".\n" : ", ");
  out << "\nBesides the keys above, sweeps, calibration and `--set` reach "
         "`shocks.NAME.multiplier` and `behaviour_by_region.REGION.KEY` by name (a region's key "
         "not set in the file starts from the scenario-wide value), and sweeps and calibration "
         "reach a lever's strength as `policies.N.FIELD` (N from 0 in file order; FIELD a "
         "number its kind requires, e.g. `screen_share`).\n";
  out << "\nOptional `agencies = [ {...}, ... ]` (default: one agency with `agency.margin_share`); "
         "each agency places locums where it earns the largest margin:\n\n"
      << "| key | meaning |\n|---|---|\n"
      << "| `name` | agency name, unique |\n"
      << "| `offer_share` | relative share of the agency offers practitioners receive (default 1) "
         "|\n"
      << "| `margin_share` | share of its charges the agency keeps (default 0.18; with "
         "`agency.msp_fee_share` below 0.95) |\n";
  return out.str();
}

std::string closest_key(const std::string& key, const std::vector<std::string>& known) {
  const auto last = [](const std::string& k) { return k.substr(k.rfind('.') + 1); };
  const std::size_t allowed = std::max<std::size_t>(2, last(key).size() / 3);
  // The hint is the first known key at the smallest distance, if that is at
  // most `allowed`: only distances below the best so far matter (`cap`), and
  // a key whose length differs by more than that (whole and last part)
  // cannot have one.
  std::string best;
  std::size_t best_d = allowed + 1;
  for (const auto& k : known) {
    if (best_d == 0) break;
    const std::size_t cap = best_d - 1;
    const auto far = [&](const std::string& a, const std::string& b) {
      return (a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > cap;
    };
    if (far(key, k) && far(last(key), last(k))) continue;
    const std::size_t d =
        std::min(edit_distance(key, k, cap), edit_distance(last(key), last(k), cap));
    if (d <= cap) best_d = d, best = k;
  }
  if (!best.empty()) return best;
  // A key cut short at a word ("margin" for "margin_share"): the one known key
  // that it starts, if only one.
  const std::string stem = last(key) + "_";
  if (stem.size() < 5) return "";
  std::string only;
  for (const auto& k : known) {
    if (last(k).rfind(stem, 0) != 0) continue;
    if (!only.empty()) return "";
    only = k;
  }
  return only;
}

}  // namespace pledgesim::models
