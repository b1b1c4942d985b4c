// Checkpoints of the market: save_state() writes every member that changes
// during a run (the population's columns, authority, agency and price state,
// levers, ledgers, counters, the week); load_state() puts it back into a
// market freshly built from the same scenario. The random streams are
// counter-based, so their position is the week. Members fixed by the
// scenario at construction are saved too and compared on loading, which
// catches a checkpoint loaded against another scenario or build.
#include <string>

#include "models/market.hpp"
#include "models/market_detail.hpp"

namespace pledgesim::models {

using namespace detail;

// Tripwire: a field added to AuthorityLevers must be saved and loaded below
// (and this size updated). State added to LabourMarket must be too; the
// tests in tests/models/test_market_state.cpp catch what is forgotten.
static_assert(sizeof(AuthorityLevers) == 256,
              "AuthorityLevers changed: save and load its new fields in market_state.cpp");

namespace {

// The levers of every authority, one array per field.
void save_levers(sim::StateWriter& out, const std::vector<AuthorityLevers>& levers) {
  const std::size_t E = levers.size();
  std::vector<double> cap, bank_rate, hello_gbp;
  std::vector<std::uint16_t> hello_weeks;
  std::vector<std::int64_t> cooling;
  std::vector<std::uint16_t> min_pqe, retention_tenure, progression;
  std::vector<double> band, screen, retention, bank_share, asye, trainee, relocation;
  std::vector<std::uint8_t> no_poach, notice, signatory;
  std::vector<std::int32_t> stages;
  for (const auto& l : levers) {
    cap.insert(cap.end(), l.agency_cap_gbp_per_hour.begin(), l.agency_cap_gbp_per_hour.end());
    bank_rate.insert(bank_rate.end(), l.bank_rate_gbp_per_hour.begin(),
                     l.bank_rate_gbp_per_hour.end());
    hello_gbp.insert(hello_gbp.end(), l.hello_gbp.begin(), l.hello_gbp.end());
    hello_weeks.insert(hello_weeks.end(), l.hello_weeks.begin(), l.hello_weeks.end());
    cooling.push_back(l.cooling_off_weeks);
    min_pqe.push_back(l.agency_min_pqe_weeks);
    band.push_back(l.harmonised_band_share);
    no_poach.push_back(l.no_poach ? 1 : 0);
    screen.push_back(l.reference_screen_share);
    stages.push_back(l.hello_stages);
    notice.push_back(l.notice_weeks);
    retention.push_back(l.retention_gbp_per_year);
    retention_tenure.push_back(l.retention_min_tenure_weeks);
    bank_share.push_back(l.bank_cover_share);
    asye.push_back(l.asye_min_share);
    trainee.push_back(l.trainee_pay_gbp_per_year);
    progression.push_back(l.progression_weeks_earlier);
    relocation.push_back(l.relocation_gbp);
    signatory.push_back(l.signatory ? 1 : 0);
  }
  out.put_value<std::int64_t>("levers/count", static_cast<std::int64_t>(E));
  out.put("levers/agency_cap_gbp_per_hour", cap);
  out.put("levers/cooling_off_weeks", cooling);
  out.put("levers/agency_min_pqe_weeks", min_pqe);
  out.put("levers/harmonised_band_share", band);
  out.put("levers/no_poach", no_poach);
  out.put("levers/reference_screen_share", screen);
  out.put("levers/hello_stages", stages);
  out.put("levers/hello_weeks", hello_weeks);
  out.put("levers/hello_gbp", hello_gbp);
  out.put("levers/notice_weeks", notice);
  out.put("levers/retention_gbp_per_year", retention);
  out.put("levers/retention_min_tenure_weeks", retention_tenure);
  out.put("levers/bank_cover_share", bank_share);
  out.put("levers/bank_rate_gbp_per_hour", bank_rate);
  out.put("levers/asye_min_share", asye);
  out.put("levers/trainee_pay_gbp_per_year", trainee);
  out.put("levers/progression_weeks_earlier", progression);
  out.put("levers/relocation_gbp", relocation);
  out.put("levers/signatory", signatory);
}

std::vector<AuthorityLevers> load_levers(const sim::StateReader& in, std::size_t E) {
  if (in.get_value<std::int64_t>("levers/count") != static_cast<std::int64_t>(E))
    throw sim::StateError(in.where() + ": levers/count is not this scenario's " +
                          std::to_string(E) + " authorities");
  auto exact = [&](const std::string& name, auto tag, std::size_t per) {
    using T = decltype(tag);
    std::vector<T> v(E * per);
    in.get_exact(name, std::span<T>(v));
    return v;
  };
  constexpr std::size_t R = kRoleCount, S = AuthorityLevers::kMaxStages;
  const auto cap = exact("levers/agency_cap_gbp_per_hour", double{}, R);
  const auto cooling = exact("levers/cooling_off_weeks", std::int64_t{}, 1);
  const auto min_pqe = exact("levers/agency_min_pqe_weeks", std::uint16_t{}, 1);
  const auto band = exact("levers/harmonised_band_share", double{}, 1);
  const auto no_poach = exact("levers/no_poach", std::uint8_t{}, 1);
  const auto screen = exact("levers/reference_screen_share", double{}, 1);
  const auto stages = exact("levers/hello_stages", std::int32_t{}, 1);
  const auto hello_weeks = exact("levers/hello_weeks", std::uint16_t{}, S);
  const auto hello_gbp = exact("levers/hello_gbp", double{}, S);
  const auto notice = exact("levers/notice_weeks", std::uint8_t{}, 1);
  const auto retention = exact("levers/retention_gbp_per_year", double{}, 1);
  const auto retention_tenure = exact("levers/retention_min_tenure_weeks", std::uint16_t{}, 1);
  const auto bank_share = exact("levers/bank_cover_share", double{}, 1);
  const auto bank_rate = exact("levers/bank_rate_gbp_per_hour", double{}, R);
  const auto asye = exact("levers/asye_min_share", double{}, 1);
  const auto trainee = exact("levers/trainee_pay_gbp_per_year", double{}, 1);
  const auto progression = exact("levers/progression_weeks_earlier", std::uint16_t{}, 1);
  const auto relocation = exact("levers/relocation_gbp", double{}, 1);
  const auto signatory = exact("levers/signatory", std::uint8_t{}, 1);
  std::vector<AuthorityLevers> levers(E);
  for (std::size_t e = 0; e < E; ++e) {
    AuthorityLevers& l = levers[e];
    for (std::size_t r = 0; r < R; ++r) {
      l.agency_cap_gbp_per_hour[r] = cap[e * R + r];
      l.bank_rate_gbp_per_hour[r] = bank_rate[e * R + r];
    }
    for (std::size_t k = 0; k < S; ++k) {
      l.hello_weeks[k] = hello_weeks[e * S + k];
      l.hello_gbp[k] = hello_gbp[e * S + k];
    }
    if (stages[e] < 0 || stages[e] > AuthorityLevers::kMaxStages)
      throw sim::StateError(in.where() + ": levers/hello_stages out of range");
    l.cooling_off_weeks = cooling[e];
    l.agency_min_pqe_weeks = min_pqe[e];
    l.harmonised_band_share = band[e];
    l.no_poach = no_poach[e] != 0;
    l.reference_screen_share = screen[e];
    l.hello_stages = stages[e];
    l.notice_weeks = notice[e];
    l.retention_gbp_per_year = retention[e];
    l.retention_min_tenure_weeks = retention_tenure[e];
    l.bank_cover_share = bank_share[e];
    l.asye_min_share = asye[e];
    l.trainee_pay_gbp_per_year = trainee[e];
    l.progression_weeks_earlier = progression[e];
    l.relocation_gbp = relocation[e];
    l.signatory = signatory[e] != 0;
  }
  return levers;
}

// A constant fixed by the scenario: must equal what this market computed.
template <class T>
void expect_same(const sim::StateReader& in, const std::string& name, const std::vector<T>& own) {
  if (in.get<T>(name) != own)
    throw sim::StateError(in.where() + ": " + name +
                          " differs from this scenario's: the checkpoint was written for "
                          "another scenario or another build");
}

// `v` replaced by the saved array of the same length.
template <class T>
void load_exact(const sim::StateReader& in, const std::string& name, std::vector<T>& v) {
  in.get_exact(name, std::span<T>(v));
}

}  // namespace

void LabourMarket::save_state(sim::StateWriter& out) const {
  const std::size_t E = authorities_.size();
  // Constants of the scenario (checked on loading).
  std::vector<std::int64_t> establishment;
  std::vector<double> cases, cover_ratio;
  std::vector<std::uint8_t> inner;
  for (const auto& a : authorities_) {
    establishment.push_back(a.establishment);
    cases.push_back(a.cases);
    cover_ratio.push_back(a.cover_ratio);
    inner.push_back(a.inner ? 1 : 0);
  }
  out.put_value<std::int64_t>("constants/seed", static_cast<std::int64_t>(scenario_.seed));
  out.put_value<std::int64_t>("constants/start_days", clock_.start().days());
  out.put("constants/establishment", start_establishment_);
  // This week's inputs (they change over time: models/inputs.hpp).
  out.put("inputs/establishment", establishment);
  out.put("inputs/cases", cases);
  out.put("inputs/intake", intake_);
  out.put("constants/cover_ratio", cover_ratio);
  out.put("constants/inner", inner);
  out.put("constants/region_of", region_of_);
  out.put("constants/zone_of", zone_of_);
  out.put("constants/region_of_zone", region_of_zone_);
  out.put("constants/commute", commute_);
  out.put("constants/reach", reach_);
  out.put("constants/agency_margin_share", agency_margin_share_);
  out.put("constants/agency_offer_cdf", agency_offer_cdf_);
  out.put("constants/thresholds",
          std::vector<std::uint16_t>(thresholds_.begin(), thresholds_.end()));
  out.put("constants/hello_pence", hello_pence_);

  out.put_value<std::int64_t>("constants/rng_contract", kRngContract);

  // Counters and the clock's position.
  out.put_value<std::int64_t>("week", weeks_done());
  out.put_value<double>("uplift", uplift_);
  out.put_value<double>("agency_uplift", agency_uplift_);
  out.put_value<double>("cap_uplift", cap_uplift_);
  out.put_value<std::int64_t>("last_intake", last_intake_);
  out.put_value<std::int64_t>("recruitment_pence", recruitment_pence_);
  out.put_value<std::int64_t>("headhunt_premium_pence", headhunt_premium_pence_);

  // Practitioners: every column.
  sim::save_population(out, population_, "population");

  // Authorities: ledgers, stocks, capacities, caseloads, offer weights.
  std::vector<std::int64_t> recent, cursor, total;
  for (const auto& l : ledgers_) {
    recent.insert(recent.end(), l.recent().begin(), l.recent().end());
    cursor.push_back(static_cast<std::int64_t>(l.cursor()));
    total.push_back(l.total());
  }
  out.put("ledger/recent", recent);
  out.put("ledger/cursor", cursor);
  out.put("ledger/total", total);
  out.put("authority/caseload", caseload_);
  out.put("authority/stress_filter", stress_filter_);
  out.put("authority/stress_offset_sum", stress_offset_sum_);
  out.put("authority/permanent", permanent_);
  out.put("authority/agency", agency_);
  out.put("authority/bank", bank_);
  out.put("authority/perm_capacity", perm_capacity_);
  out.put("authority/agency_capacity", agency_capacity_);
  out.put("authority/bank_capacity", bank_capacity_);
  out.put("authority/asye_capacity", asye_capacity_);
  out.put("authority/asye_priority", asye_priority_);
  out.put("authority/release_prob", release_prob_);
  out.put("authority/perm_cdf", perm_cdf_);
  out.put("authority/agency_cdf", agency_cdf_);
  out.put("authority/bank_cdf", bank_cdf_);
  out.put("authority/breaching", breaching_);
  out.put("authority/screened", screened_);

  // Prices and incentives of the week.
  out.put("prices/pay_index", pay_index_);
  out.put("prices/perm_pay_gbp", perm_pay_gbp_);
  out.put("prices/perm_cost_pence", perm_cost_pence_);
  out.put("prices/trainee_pay_gbp", trainee_pay_gbp_);
  out.put("prices/trainee_cost_pence", trainee_cost_pence_);
  out.put("prices/bank_pay_gbp", bank_pay_gbp_);
  out.put("prices/bank_cost_pence", bank_cost_pence_);
  out.put("prices/agency_pay_gbp", agency_pay_gbp_);
  out.put("prices/agency_charge_pence", agency_charge_pence_);
  out.put("prices/agency_margin_pence", agency_margin_pence_);
  out.put("prices/agency_msp_pence", agency_msp_pence_);
  out.put("prices/relocation_pence", relocation_pence_);
  std::vector<std::int64_t> stages;
  for (const auto& a : hello_stage_pence_) stages.insert(stages.end(), a.begin(), a.end());
  out.put("prices/hello_stage_pence", stages);
  out.put("prices/retention_pence", retention_pence_);
  out.put("prices/hello_total_gbp", hello_total_gbp_);
  save_levers(out, levers_);

  // What the last week produced.
  out.put("last/series", series_);
  out.put("last/status_counts",
          std::vector<std::int64_t>(status_counts_.begin(), status_counts_.end()));
  std::vector<std::int64_t> transitions;
  for (const auto& row : transitions_)
    transitions.insert(transitions.end(), row.begin(), row.end());
  out.put("last/transitions", transitions);
  (void)E;
}

void LabourMarket::load_state(const sim::StateReader& in) {
  const std::size_t E = authorities_.size();
  // Constants first: a checkpoint of another scenario, or of a step with
  // other random-number rules, stops here.
  const bool same_rules = in.shape("constants/rng_contract") &&
                          in.get_value<std::int64_t>("constants/rng_contract") == kRngContract;
  if (!same_rules)
    throw sim::StateError(in.where() + ": written by a pledgesim whose random-number contract " +
                          "is not " + std::to_string(kRngContract) +
                          " (its run cannot be continued by this one; start it again)");
  if (in.get_value<std::int64_t>("constants/seed") != static_cast<std::int64_t>(scenario_.seed))
    throw sim::StateError(in.where() + ": constants/seed is not this scenario's seed " +
                          std::to_string(scenario_.seed));
  if (in.get_value<std::int64_t>("constants/start_days") != clock_.start().days())
    throw sim::StateError(in.where() + ": constants/start_days is not this scenario's start " +
                          clock_.start().iso());
  std::vector<double> cover_ratio;
  std::vector<std::uint8_t> inner;
  for (const auto& a : authorities_) {
    cover_ratio.push_back(a.cover_ratio);
    inner.push_back(a.inner ? 1 : 0);
  }
  expect_same(in, "constants/establishment", start_establishment_);
  expect_same(in, "constants/cover_ratio", cover_ratio);
  expect_same(in, "constants/inner", inner);
  expect_same(in, "constants/region_of", region_of_);
  expect_same(in, "constants/zone_of", zone_of_);
  expect_same(in, "constants/region_of_zone", region_of_zone_);
  expect_same(in, "constants/commute", commute_);
  expect_same(in, "constants/reach", reach_);
  expect_same(in, "constants/agency_margin_share", agency_margin_share_);
  expect_same(in, "constants/agency_offer_cdf", agency_offer_cdf_);
  expect_same(in, "constants/thresholds",
              std::vector<std::uint16_t>(thresholds_.begin(), thresholds_.end()));
  expect_same(in, "constants/hello_pence", hello_pence_);

  const std::int64_t week = in.get_value<std::int64_t>("week");
  if (week < 0 || week > scenario_.weeks())
    throw sim::StateError(in.where() + ": week " + std::to_string(week) + " is outside the run's " +
                          std::to_string(scenario_.weeks()) + " weeks");
  // The rates of the last week run, as an uninterrupted run has them.
  week_ = std::max<std::int64_t>(0, spin_weeks_ + week - 1);
  update_rate_rules();
  week_ = spin_weeks_ + week;
  uplift_ = in.get_value<double>("uplift");
  agency_uplift_ = in.get_value<double>("agency_uplift");
  cap_uplift_ = in.get_value<double>("cap_uplift");
  {
    std::vector<std::int64_t> establishment(authorities_.size());
    std::vector<double> cases(authorities_.size());
    load_exact(in, "inputs/establishment", establishment);
    load_exact(in, "inputs/cases", cases);
    load_exact(in, "inputs/intake", intake_);
    for (std::size_t e = 0; e < authorities_.size(); ++e)
      authorities_[e].establishment = establishment[e], authorities_[e].cases = cases[e];
  }
  last_intake_ = in.get_value<std::int64_t>("last_intake");
  recruitment_pence_ = in.get_value<std::int64_t>("recruitment_pence");
  headhunt_premium_pence_ = in.get_value<std::int64_t>("headhunt_premium_pence");

  sim::load_population(in, population_, "population");
  bind_columns();

  std::vector<std::int64_t> recent;
  std::size_t per = ledgers_.empty() ? 0 : ledgers_.front().recent().size();
  recent.resize(E * per);
  load_exact(in, "ledger/recent", recent);
  std::vector<std::int64_t> cursor(E), total(E);
  load_exact(in, "ledger/cursor", cursor);
  load_exact(in, "ledger/total", total);
  for (std::size_t e = 0; e < E; ++e) {
    const std::vector<std::int64_t> r(recent.begin() + static_cast<std::ptrdiff_t>(e * per),
                                      recent.begin() + static_cast<std::ptrdiff_t>((e + 1) * per));
    if (cursor[e] < 0 || !ledgers_[e].restore(r, static_cast<std::size_t>(cursor[e]), total[e]))
      throw sim::StateError(in.where() + ": ledger/cursor out of range");
  }
  load_exact(in, "authority/caseload", caseload_);
  load_exact(in, "authority/stress_filter", stress_filter_);
  load_exact(in, "authority/stress_offset_sum", stress_offset_sum_);
  load_exact(in, "authority/permanent", permanent_);
  load_exact(in, "authority/agency", agency_);
  load_exact(in, "authority/bank", bank_);
  load_exact(in, "authority/perm_capacity", perm_capacity_);
  load_exact(in, "authority/agency_capacity", agency_capacity_);
  load_exact(in, "authority/bank_capacity", bank_capacity_);
  load_exact(in, "authority/asye_capacity", asye_capacity_);
  load_exact(in, "authority/asye_priority", asye_priority_);
  load_exact(in, "authority/release_prob", release_prob_);
  load_exact(in, "authority/perm_cdf", perm_cdf_);
  load_exact(in, "authority/agency_cdf", agency_cdf_);
  load_exact(in, "authority/bank_cdf", bank_cdf_);
  build_offer_samplers();
  load_exact(in, "authority/breaching", breaching_);
  screened_ = in.get<std::int64_t>("authority/screened");  // empty before the first week
  if (!screened_.empty() && screened_.size() != E)
    throw sim::StateError(in.where() + ": authority/screened has the wrong length");

  load_exact(in, "prices/pay_index", pay_index_);
  load_exact(in, "prices/perm_pay_gbp", perm_pay_gbp_);
  load_exact(in, "prices/perm_cost_pence", perm_cost_pence_);
  load_exact(in, "prices/trainee_pay_gbp", trainee_pay_gbp_);
  load_exact(in, "prices/trainee_cost_pence", trainee_cost_pence_);
  load_exact(in, "prices/bank_pay_gbp", bank_pay_gbp_);
  load_exact(in, "prices/bank_cost_pence", bank_cost_pence_);
  load_exact(in, "prices/agency_pay_gbp", agency_pay_gbp_);
  load_exact(in, "prices/agency_charge_pence", agency_charge_pence_);
  load_exact(in, "prices/agency_margin_pence", agency_margin_pence_);
  load_exact(in, "prices/agency_msp_pence", agency_msp_pence_);
  load_exact(in, "prices/relocation_pence", relocation_pence_);
  std::vector<std::int64_t> stages(E * AuthorityLevers::kMaxStages);
  load_exact(in, "prices/hello_stage_pence", stages);
  for (std::size_t e = 0; e < E; ++e)
    for (int k = 0; k < AuthorityLevers::kMaxStages; ++k)
      hello_stage_pence_[e][k] = stages[e * AuthorityLevers::kMaxStages + k];
  load_exact(in, "prices/retention_pence", retention_pence_);
  load_exact(in, "prices/hello_total_gbp", hello_total_gbp_);
  levers_ = load_levers(in, E);

  load_exact(in, "last/series", series_);
  in.get_exact("last/status_counts", std::span<std::int64_t>(status_counts_));
  std::vector<std::int64_t> transitions(kStatusCount * kStatusCount);
  load_exact(in, "last/transitions", transitions);
  for (int a = 0; a < kStatusCount; ++a)
    for (int b = 0; b < kStatusCount; ++b) transitions_[a][b] = transitions[a * kStatusCount + b];
  events_.clear();  // the last week's events were recorded before the checkpoint
  derive_week_state();
}

}  // namespace pledgesim::models
