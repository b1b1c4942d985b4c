// Construction, the initial population, annual events and prices.
#include "models/market.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/market_detail.hpp"
#include "models/market_week.hpp"
#include "models/scenario_schema.hpp"

namespace pledgesim::models {

using namespace detail;

LabourMarket::LabourMarket(const Scenario& scenario)
    : scenario_(scenario),
      spin_weeks_(scenario.spin_up_weeks()),
      clock_(scenario.start.plus_days(-7 * spin_weeks_)),
      run_clock_(scenario.start),
      init_rng_(scenario.seed, kPurposeInit),
      offer_rng_(scenario.seed, kPurposeOffer),
      choice_rng_(scenario.seed, kPurposeChoice),
      leave_draws_(scenario.seed, kPurposeLeave, kPurposeLeaveExcess, kLeaveBound),
      search_draws_(scenario.seed, kPurposeSearch, kPurposeSearchExcess, kSearchBound),
      approach_draws_(scenario.seed, kPurposeApproach, kPurposeApproachExcess, kApproachBound),
      release_draws_(scenario.seed, kPurposeRelease, kPurposeReleaseExcess, kReleaseBound),
      return_draws_(scenario.seed, kPurposeReturn, kPurposeReturnExcess, kReturnBound),
      inputs_(scenario) {
  const std::size_t E = scenario_.authorities.size();
  double total_agency = 0, total_vacancy = 0;
  for (const auto& a : scenario_.authorities)
    total_agency += a.agency_fte, total_vacancy += a.vacancy_fte;
  const double mean_cover = total_vacancy > 0 ? total_agency / total_vacancy : 0.0;
  for (const auto& a : scenario_.authorities) {
    // The authority table's figures, or the inputs' on the start date.
    const std::size_t e = authorities_.size();
    Authority auth;
    auth.establishment = std::llround(inputs_.path(e, InputVariable::establishment)
                                          .at(scenario_.start, a.inpost_fte + a.vacancy_fte));
    auth.cases = inputs_.path(e, InputVariable::case_demand)
                     .at(scenario_.start, a.caseload * (a.inpost_fte + a.agency_fte));
    auth.cover_ratio = a.locum_cover_ratio >= 0 ? a.locum_cover_ratio
                       : a.vacancy_fte > 0      ? a.agency_fte / a.vacancy_fte
                                                : mean_cover;
    auth.inner = a.inner_london;
    authorities_.push_back(auth);
    start_establishment_.push_back(auth.establishment);
    councils_.push_back(a.councils);
    hello_pence_.push_back(std::llround(a.golden_hello_gbp * 100));
    relocation_pence_.push_back(0);
    pay_index_.push_back(a.pay_index);
    const auto known = std::find(region_names_.begin(), region_names_.end(), a.region);
    region_of_.push_back(static_cast<std::uint8_t>(known - region_names_.begin()));
    if (known == region_names_.end()) region_names_.push_back(a.region);
    const std::string zone = a.region + "/" + a.subregion;
    const auto z = std::find(zone_names_.begin(), zone_names_.end(), zone);
    zone_of_.push_back(static_cast<std::uint8_t>(z - zone_names_.begin()));
    if (z == zone_names_.end()) zone_names_.push_back(zone);
  }
  // Commuting: free within a zone, a cost to another sub-region, more to
  // another region. Offers from a zone are seen with weight exp(-cost).
  const std::size_t Z = zone_names_.size();
  std::vector<std::uint8_t>& zone_region = region_of_zone_;
  zone_region.assign(Z, 0);
  for (std::size_t e = 0; e < E; ++e) zone_region[zone_of_[e]] = region_of_[e];
  commute_.assign(Z * Z, 0);
  for (std::size_t h = 0; h < Z; ++h)
    for (std::size_t w = 0; w < Z; ++w)
      commute_[h * Z + w] = h == w ? 0.0
                            : zone_region[h] == zone_region[w]
                                ? scenario_.behaviour.commute_cost_other_subregion
                                : scenario_.behaviour.commute_cost_other_region;
  reach_.resize(commute_.size());
  for (std::size_t k = 0; k < commute_.size(); ++k) reach_[k] = std::exp(-commute_[k]);
  // September intake by authority: as given, else the scenario total shared
  // by establishment (cumulative rounding, so the shares sum to the total).
  double shared_establishment = 0;
  for (std::size_t e = 0; e < E; ++e)
    if (scenario_.authorities[e].nqsw_intake_per_year < 0)
      shared_establishment += static_cast<double>(authorities_[e].establishment);
  double cumulative = 0;
  std::int64_t given = 0;
  for (std::size_t e = 0; e < E; ++e) {
    const double own = scenario_.authorities[e].nqsw_intake_per_year;
    if (own >= 0) {
      intake_.push_back(std::llround(own));
      continue;
    }
    cumulative += static_cast<double>(scenario_.population.nqsw_intake_per_year) *
                  static_cast<double>(authorities_[e].establishment) / shared_establishment;
    intake_.push_back(std::llround(cumulative) - given);
    given += intake_.back();
  }
  // Agencies: one with agency.margin_share unless the scenario lists them.
  double offer_total = 0;
  if (scenario_.agencies.empty()) {
    agency_margin_share_.push_back(scenario_.agency.margin_share);
    agency_offer_cdf_.push_back(1.0);
  }
  for (const auto& a : scenario_.agencies) {
    agency_margin_share_.push_back(a.margin_share);
    agency_offer_cdf_.push_back(offer_total += a.offer_share);
  }
  thresholds_ = role_thresholds_weeks(scenario_.pay.role_min_pqe_years);
  caseload_.assign(E, 0);
  permanent_.assign(E, 0);
  agency_.assign(E, 0);
  bank_.assign(E, 0);
  perm_capacity_.assign(E, 0);
  agency_capacity_.assign(E, 0);
  bank_capacity_.assign(E, 0);
  asye_capacity_.assign(E, 0);
  asye_priority_.assign(E, 0);
  release_prob_.assign(E, 0);
  series_.assign(static_cast<std::size_t>(kMetricCount) * E, 0);
  stress_filter_.assign(E + 1, 0.0);  // the last: not in work, target 0

  for (const std::string& region : region_names_)
    region_behaviour_.push_back(behaviour_in_region(scenario_, region));
  update_rate_rules();
  add_columns(population_);
  create_initial_population();
  for (std::size_t i = 0; i < population_.size(); ++i) start_candidates(i);
  update_prices();

  // Census of the initial state: the stocks and stress sums of everyone,
  // who are all visited in the first week (next_due 0).
  for (std::size_t e = 0; e < E; ++e) {
    const std::int64_t perm = std::llround(scenario_.authorities[e].inpost_fte);
    ledgers_.emplace_back(scenario_.agency.cover_after_weeks,
                          std::max<std::int64_t>(0, authorities_[e].establishment - perm));
  }
  stress_offset_sum_.assign(E + 1, 0.0);
  for (std::size_t i = 0; i < population_.size(); ++i)
    stress_offset_sum_[stress_slot(static_cast<Status>(col_.status[i]), col_.employer[i])] +=
        col_.stress_offset[i];
  derive_week_state();
  partials_.reset(sums_width());
  update_authorities();
  transitions_ = {};
  // The spin-up: weeks before the start under the start's levers, inputs
  // and shocks (policy_date()), recorded nowhere.
  for (std::int64_t k = 0; k < spin_weeks_; ++k) step();
  if (spin_weeks_ > 0) transitions_ = {}, last_intake_ = 0, step_stats_ = {};
}

std::uint64_t LabourMarket::memory_bound_bytes(const Scenario& scenario) {
  sim::Population empty;
  add_columns(empty);
  std::uint64_t row_bytes = 0;
  for (const auto& column : empty.columns()) row_bytes += column->element_bytes();
  double employed = 0, intake = 0, shared_intake = 0;
  for (const auto& a : scenario.authorities) {
    employed += std::round(a.inpost_fte) + std::round(a.agency_fte);
    if (a.nqsw_intake_per_year >= 0)
      intake += std::round(a.nqsw_intake_per_year);
    else
      shared_intake = static_cast<double>(scenario.population.nqsw_intake_per_year);
  }
  const double years = static_cast<double>(scenario.years + scenario.spin_up_years + 1);
  const double rows =
      employed * (1 + scenario.population.inactive_share) +
      (intake + shared_intake + static_cast<double>(scenario.authorities.size())) * years;
  // Per authority: weekly series of every metric, ledgers and tables (a few
  // kilobytes each, generously).
  const double tables = static_cast<double>(scenario.authorities.size()) * 64.0 * 1024.0;
  return static_cast<std::uint64_t>(rows * static_cast<double>(row_bytes) + tables);
}

void LabourMarket::add_columns(sim::Population& population_) {
  population_.add_column<std::uint8_t>("status", static_cast<std::uint8_t>(Status::inactive));
  population_.add_column<std::uint8_t>("role", 0);
  population_.add_column<std::int16_t>("employer", kNoEmployer);
  population_.add_column<std::uint16_t>("pqe_weeks", 0);
  population_.add_column<std::uint16_t>("tenure_weeks", 0);
  // Stress = the filter of the employer's stress targets + stress_offset
  // decayed since stress_since (docs/design.md, "Stress").
  population_.add_column<float>("stress_offset", 0.f);
  population_.add_column<std::uint16_t>("stress_since", 0);
  // Candidate weeks of the thinned hazards (random-number contract 2).
  population_.add_column<std::uint16_t>("next_leave", kNoWeek);
  population_.add_column<std::uint16_t>("next_search", kNoWeek);
  population_.add_column<std::uint16_t>("next_approach", kNoWeek);
  population_.add_column<std::uint16_t>("next_release", kNoWeek);
  population_.add_column<std::uint16_t>("next_return", kNoWeek);
  population_.add_column<std::uint16_t>("aged_to", 0);
  population_.add_column<std::uint16_t>("next_due", 0);
  population_.add_column<float>("agency_taste", 0.f);
  population_.add_column<float>("quality", 0.f);
  population_.add_column<float>("pay_taste", 1.f);
  population_.add_column<float>("commute_taste", 1.f);
  population_.add_column<std::uint8_t>("home_zone", 0);
  population_.add_column<std::uint8_t>("agency_firm", 0);
  population_.add_column<std::uint8_t>("offer_agency", 0);
  population_.add_column<std::uint16_t>("left_perm_weeks", kNeverLeftPermanent);
  population_.add_column<std::uint8_t>("left_region", 0);
  population_.add_column<std::uint8_t>("leaving", kStay);
  population_.add_column<std::uint8_t>("accepted", 0);
  population_.add_column<std::uint8_t>("headhunted", 0);
  population_.add_column<std::int16_t>("pending_target", kNoApplication);
  population_.add_column<std::uint8_t>("pending_weeks", 0);
  population_.add_column<std::int16_t>("application", kNoApplication);
}

void LabourMarket::bind_columns() {
  auto& p = population_;
  col_.status = p.column<std::uint8_t>("status").span();
  col_.role = p.column<std::uint8_t>("role").span();
  col_.employer = p.column<std::int16_t>("employer").span();
  col_.pqe_weeks = p.column<std::uint16_t>("pqe_weeks").span();
  col_.tenure_weeks = p.column<std::uint16_t>("tenure_weeks").span();
  col_.stress_offset = p.column<float>("stress_offset").span();
  col_.stress_since = p.column<std::uint16_t>("stress_since").span();
  col_.next_leave = p.column<std::uint16_t>("next_leave").span();
  col_.next_search = p.column<std::uint16_t>("next_search").span();
  col_.next_approach = p.column<std::uint16_t>("next_approach").span();
  col_.next_release = p.column<std::uint16_t>("next_release").span();
  col_.next_return = p.column<std::uint16_t>("next_return").span();
  col_.aged_to = p.column<std::uint16_t>("aged_to").span();
  col_.next_due = p.column<std::uint16_t>("next_due").span();
  col_.agency_taste = p.column<float>("agency_taste").span();
  col_.quality = p.column<float>("quality").span();
  col_.pay_taste = p.column<float>("pay_taste").span();
  col_.commute_taste = p.column<float>("commute_taste").span();
  col_.home_zone = p.column<std::uint8_t>("home_zone").span();
  col_.agency_firm = p.column<std::uint8_t>("agency_firm").span();
  col_.offer_agency = p.column<std::uint8_t>("offer_agency").span();
  col_.left_perm_weeks = p.column<std::uint16_t>("left_perm_weeks").span();
  col_.left_region = p.column<std::uint8_t>("left_region").span();
  col_.leaving = p.column<std::uint8_t>("leaving").span();
  col_.accepted = p.column<std::uint8_t>("accepted").span();
  col_.headhunted = p.column<std::uint8_t>("headhunted").span();
  col_.pending_target = p.column<std::int16_t>("pending_target").span();
  col_.pending_weeks = p.column<std::uint8_t>("pending_weeks").span();
  col_.application = p.column<std::int16_t>("application").span();
}

void LabourMarket::create_initial_population() {
  const auto& pop = scenario_.population;
  const auto& beh = scenario_.behaviour;
  std::int64_t employed = 0;
  for (const auto& a : scenario_.authorities)
    employed += std::llround(a.inpost_fte) + std::llround(a.agency_fte);
  const std::int64_t inactive = std::llround(pop.inactive_share * static_cast<double>(employed));
  std::int64_t intake = 0;
  for (std::int64_t n : intake_) intake += n;
  population_.reserve(static_cast<std::size_t>(
      employed + inactive + intake * (scenario_.years + scenario_.spin_up_years + 1)));
  population_.append(static_cast<std::size_t>(employed + inactive));
  bind_columns();

  std::vector<double> employed_cdf;  // by authority, for the homes of the inactive
  double running = 0;
  for (const auto& a : scenario_.authorities)
    employed_cdf.push_back(running += std::llround(a.inpost_fte) + std::llround(a.agency_fte));
  std::size_t id = 0;
  auto init_one = [&](Status status, std::int16_t employer) {
    sim::AgentDraws d(init_rng_, 0, id);
    const double pqe_years =
        std::min(kMaxCareerYears - 1.0, d.exponential(pop.initial_pqe_mean_years));
    auto pqe = static_cast<std::uint16_t>(pqe_years * kWeeksPerYear);
    if (status == Status::agency) pqe = std::max(pqe, kAsyeWeeks);  // locums are past ASYE
    if (status == Status::permanent && pqe < kAsyeWeeks) status = Status::trainee;
    col_.status[id] = static_cast<std::uint8_t>(status);
    col_.employer[id] = employer;
    col_.pqe_weeks[id] = std::max<std::uint16_t>(pqe, status == Status::inactive ? 1 : 0);
    col_.role[id] = role_of(col_.pqe_weeks[id], thresholds_);
    double tenure = 0;
    if (holds_post(status))
      tenure = std::min(static_cast<double>(pqe), d.exponential(4.0 * kWeeksPerYear));
    else if (status == Status::agency)
      tenure = d.uniform() * beh.agency_assignment_mean_weeks;
    col_.tenure_weeks[id] = static_cast<std::uint16_t>(tenure);
    const double taste_z = d.normal();  // the taste's mean is that of the region (below)
    col_.quality[id] = static_cast<float>(d.normal());
    if (employer >= 0) {
      const auto e = static_cast<std::size_t>(employer);
      const double cl = scenario_.authorities[e].caseload;
      col_.stress_offset[id] = static_cast<float>(
          stress_target(cl, region_behaviour_[region_of_[e]].caseload_stress_threshold));
    }
    // Home: where they work; the inactive live where the posts are.
    const double where = d.uniform();
    std::size_t home_employer = static_cast<std::size_t>(std::max<std::int16_t>(employer, 0));
    if (employer < 0)
      home_employer = static_cast<std::size_t>(
          std::upper_bound(employed_cdf.begin(), employed_cdf.end(), where * employed_cdf.back()) -
          employed_cdf.begin());
    col_.home_zone[id] = zone_of_[std::min(home_employer, zone_of_.size() - 1)];
    const auto& regional = region_behaviour_[region_of_zone_[col_.home_zone[id]]];
    double taste = regional.agency_taste_mean + beh.agency_taste_sd * taste_z;
    if (status == Status::agency) taste += pop.initial_agency_taste_shift * beh.agency_taste_sd;
    col_.agency_taste[id] = static_cast<float>(taste);
    const double firm = d.uniform() * agency_offer_cdf_.back();
    col_.agency_firm[id] = static_cast<std::uint8_t>(
        std::upper_bound(agency_offer_cdf_.begin(), agency_offer_cdf_.end(), firm) -
        agency_offer_cdf_.begin());
    col_.agency_firm[id] = std::min<std::uint8_t>(
        col_.agency_firm[id], static_cast<std::uint8_t>(agency_offer_cdf_.size() - 1));
    draw_weights(d, id);
    ++id;
  };
  for (std::size_t e = 0; e < scenario_.authorities.size(); ++e) {
    const auto& a = scenario_.authorities[e];
    for (std::int64_t k = 0; k < std::llround(a.inpost_fte); ++k)
      init_one(Status::permanent, static_cast<std::int16_t>(e));
    for (std::int64_t k = 0; k < std::llround(a.agency_fte); ++k)
      init_one(Status::agency, static_cast<std::int16_t>(e));
  }
  for (std::int64_t k = 0; k < inactive; ++k) init_one(Status::inactive, kNoEmployer);
}

// Personal weights on pay and commuting: lognormal multipliers with mean 1.
void LabourMarket::draw_weights(sim::AgentDraws& d, std::size_t id) {
  const auto& beh = scenario_.behaviour;
  const double p = beh.pay_weight_sd, c = beh.commute_weight_sd;
  col_.pay_taste[id] = static_cast<float>(std::exp(p * d.normal() - p * p / 2));
  col_.commute_taste[id] = static_cast<float>(std::exp(c * d.normal() - c * c / 2));
}

// The September intake: each authority's newly qualified practitioners join
// as job seekers living in its zone.
void LabourMarket::add_newly_qualified() {
  const std::size_t first = population_.append(static_cast<std::size_t>(last_intake_));
  bind_columns();
  const auto& beh = scenario_.behaviour;
  std::size_t id = first;
  for (std::size_t e = 0; e < intake_now_.size(); ++e) {
    for (std::int64_t k = 0; k < intake_now_[e]; ++k, ++id) {
      sim::AgentDraws d(init_rng_, 0, id);  // keyed by the stable id: one stream per person
      col_.agency_taste[id] = static_cast<float>(
          region_behaviour_[region_of_[e]].agency_taste_mean + beh.agency_taste_sd * d.normal());
      col_.quality[id] = static_cast<float>(d.normal());
      col_.home_zone[id] = zone_of_[e];
      draw_weights(d, id);
      col_.stress_since[id] = static_cast<std::uint16_t>(week_);
      col_.aged_to[id] = static_cast<std::uint16_t>(week_);
      col_.next_due[id] = static_cast<std::uint16_t>(week_);  // visited this week
      start_candidates(id);
      // status inactive, pqe 0 (a new entrant), no employer: the column defaults
    }
  }
}

sim::Date LabourMarket::annual_date(unsigned month, unsigned day) const {
  const int year = clock_.week_start(week_).plus_days(6).year();  // the week contains the date
  return std::max(sim::Date::from_ymd(year, month, day), scenario_.start);
}

// 1 April: the pay award (inputs: pay_award, else pay.annual_uplift_rate)
// and the change of agency market rates (inputs: agency_rate_change, else
// the pay award), then the pay review. 1 September: the intake of newly
// qualified (inputs: nqsw_intake of that date, else the scenario's figures).
void LabourMarket::run_annual_events() {
  last_intake_ = 0;
  // No pay award or review in the spin-up: prices stay as at the start.
  if (week_ >= spin_weeks_ && clock_.contains_annual(week_, kPayReviewMonth, kPayReviewDay)) {
    const sim::Date date = annual_date(kPayReviewMonth, kPayReviewDay);
    const double award =
        inputs_.national(InputVariable::pay_award).at(date, scenario_.pay.annual_uplift_rate);
    uplift_ *= 1.0 + award;
    cap_uplift_ *= 1.0 + scenario_.agency.cap_uprating_share * award;
    agency_uplift_ *= 1.0 + inputs_.national(InputVariable::agency_rate_change).at(date, award);
    review_pay(scenario_.levers_at(policy_date()));
  }
  if (clock_.contains_annual(week_, kIntakeMonth, kIntakeDay)) {
    const sim::Date date = annual_date(kIntakeMonth, kIntakeDay);
    double cumulative = 0;  // rounded cumulatively, so the shares keep their total
    std::int64_t given = 0;
    for (std::size_t e = 0; e < intake_.size(); ++e) {
      const InputPath& path = inputs_.path(e, InputVariable::nqsw_intake);
      if (path.empty()) continue;
      cumulative += path.at(date);
      intake_[e] = std::llround(cumulative) - given;
      given += intake_[e];
    }
    // Shocks of the intake scale each authority's (rounded cumulatively too).
    intake_now_ = intake_;
    if (std::any_of(scenario_.shocks.begin(), scenario_.shocks.end(),
                    [](const Shock& s) { return s.rate == ShockRate::intake; })) {
      cumulative = 0, given = 0;
      for (std::size_t e = 0; e < intake_.size(); ++e) {
        cumulative +=
            static_cast<double>(intake_[e]) *
            shock_factor(ShockRate::intake, static_cast<std::int16_t>(e), region_of_[e], date);
        intake_now_[e] = std::llround(cumulative) - given;
        given += intake_now_[e];
      }
    }
    for (std::int64_t n : intake_now_) last_intake_ += n;
    if (last_intake_ > 0) add_newly_qualified();
  }
}

// Establishment and case demand of the week (inputs, else as at the start).
void LabourMarket::apply_inputs() {
  const sim::Date today = policy_date();
  for (std::size_t e = 0; e < authorities_.size(); ++e) {
    Authority& auth = authorities_[e];
    const InputPath& posts = inputs_.path(e, InputVariable::establishment);
    if (!posts.empty()) {
      // Posts are cut only as they fall vacant: no one in post is dismissed,
      // and posts held for arrivals serving notice stay.
      const std::int64_t pending = stocks_[e * stock_layout().per_employer() + sPendingPerm];
      const std::int64_t held = permanent_[e] + pending;
      auth.establishment = std::max<std::int64_t>(std::llround(posts.at(today)), held);
      ledgers_[e].set_total(auth.establishment - permanent_[e]);
      perm_capacity_[e] = std::min(perm_capacity_[e], auth.establishment - held);
    }
    auth.cases = inputs_.path(e, InputVariable::case_demand).at(today, auth.cases);
  }
}

// April pay review, on last week's vacancies. Competitive authorities add a
// rise when their vacancy rate is above target or their pay is below their
// region's mean; harmonised ones make no such rise and are brought within
// their band of the mean pay index of the harmonised authorities in their
// region (the regional reference rate). References use pre-review indexes.
void LabourMarket::review_pay(const std::vector<AuthorityLevers>& levers) {
  const std::size_t E = authorities_.size();
  const std::size_t R = region_names_.size();
  std::vector<double> all_sum(R, 0), harmonised_sum(R, 0);
  std::vector<int> all_n(R, 0), harmonised_n(R, 0);
  for (std::size_t e = 0; e < E; ++e) {
    all_sum[region_of_[e]] += pay_index_[e], ++all_n[region_of_[e]];
    if (levers[e].harmonised_band_share >= 0)
      harmonised_sum[region_of_[e]] += pay_index_[e], ++harmonised_n[region_of_[e]];
  }
  const auto& pay = scenario_.pay;
  std::vector<double> next = pay_index_;
  for (std::size_t e = 0; e < E; ++e) {
    const std::size_t g = region_of_[e];
    const double band = levers[e].harmonised_band_share;
    if (band >= 0) {
      const double reference = harmonised_sum[g] / harmonised_n[g];
      next[e] = std::clamp(pay_index_[e], reference * (1 - band), reference * (1 + band));
    } else {
      const auto establishment = static_cast<double>(authorities_[e].establishment);
      const double vacancy_rate =
          static_cast<double>(authorities_[e].establishment - permanent_[e]) /
          std::max(1.0, establishment);
      const double others = all_n[g] > 1 ? (all_sum[g] - pay_index_[e]) / (all_n[g] - 1) : 0.0;
      if (vacancy_rate > pay.vacancy_target_rate || pay_index_[e] < others)
        next[e] = pay_index_[e] * (1 + pay.competitive_raise_share);
    }
  }
  pay_index_ = std::move(next);
}

void LabourMarket::update_prices() {
  const std::size_t E = authorities_.size();
  const auto& pay = scenario_.pay;
  const auto& ag = scenario_.agency;
  perm_pay_gbp_.assign(E * kRoleCount, 0);
  perm_cost_pence_.assign(E * kRoleCount, 0);
  for (std::size_t e = 0; e < E; ++e) {
    const double index = authorities_[e].inner ? pay.inner_london_index : 1.0;
    for (int r = 0; r < kRoleCount; ++r) {
      const double annual = pay.permanent_gbp_per_year[r] * index * pay_index_[e] * uplift_;
      perm_pay_gbp_[e * kRoleCount + r] = annual;
      perm_cost_pence_[e * kRoleCount + r] =
          std::llround(annual * (1 + pay.on_cost_rate) / kWeeksPerYear * 100);
    }
  }
  headhunt_premium_pence_ = std::llround(scenario_.pay.headhunting_premium_gbp * uplift_ * 100);
  recruitment_pence_ = std::llround(scenario_.pay.recruitment_cost_gbp_per_hire * uplift_ * 100);
  // Levers in force this week, and the incentive amounts they set.
  scenario_.levers_at(policy_date(), levers_);
  // ASYE trainees: a trainee-pay lever sets a common (nominal) rate, else the
  // authority's nqsw scale. Bank workers: the bank lever's hourly pay, as set.
  trainee_pay_gbp_.assign(E, 0);
  trainee_cost_pence_.assign(E, 0);
  bank_pay_gbp_.assign(E * kRoleCount, 0);
  bank_cost_pence_.assign(E * kRoleCount, 0);
  for (std::size_t e = 0; e < E; ++e) {
    const double trainee = levers_[e].trainee_pay_gbp_per_year >= 0
                               ? levers_[e].trainee_pay_gbp_per_year
                               : perm_pay_gbp_[e * kRoleCount];
    trainee_pay_gbp_[e] = trainee;
    trainee_cost_pence_[e] = std::llround(trainee * (1 + pay.on_cost_rate) / kWeeksPerYear * 100);
    for (int r = 0; r < kRoleCount; ++r) {
      const double hourly = levers_[e].bank_rate_gbp_per_hour[r];
      bank_pay_gbp_[e * kRoleCount + r] = hourly * ag.hours_per_week * ag.paid_weeks_per_year;
      bank_cost_pence_[e * kRoleCount + r] =
          std::llround(hourly * ag.hours_per_week * (1 + ag.on_cost_rate) * 100);
    }
  }
  hello_stage_pence_.assign(E, {});
  retention_pence_.assign(E, 0);
  hello_total_gbp_.assign(E, 0);
  for (std::size_t e = 0; e < E; ++e) {
    const AuthorityLevers& l = levers_[e];
    for (int k = 0; k < l.hello_stages; ++k) {
      hello_stage_pence_[e][k] = std::llround(l.hello_gbp[k] * 100);
      hello_total_gbp_[e] += l.hello_gbp[k];
    }
    retention_pence_[e] = std::llround(l.retention_gbp_per_year / kWeeksPerYear * 100);
  }
  // Cap breaches: an authority under vacancy pressure may pay over its caps
  // this week (the 2020 survey: struggling councils were the main breachers).
  const sim::RandomStreams breach_rng(scenario_.seed, kPurposeCapBreach);
  breaching_.assign(E, 0);
  for (std::size_t e = 0; e < E; ++e) {
    const double vacancy_rate =
        static_cast<double>(authorities_[e].establishment - permanent_[e]) /
        std::max<double>(1.0, static_cast<double>(authorities_[e].establishment));
    const double u = sim::u01(breach_rng.words(static_cast<std::uint64_t>(week_), e, 0)[0]);
    breaching_[e] = vacancy_rate > ag.cap_breach_vacancy_rate && u <= ag.cap_breach_probability;
  }
  // Locums are paid the market rate, or the cap in force where it is lower
  // (caps are nominal: the market rate is uprated, a cap is not). Agencies
  // price against permanent pay: the market rate follows the mean pay index
  // of the authority's region.
  std::vector<double>&region_sum = region_pay_sum_, &region_n = region_count_;
  region_sum.assign(region_names_.size(), 0.0);
  region_n.assign(region_names_.size(), 0.0);
  for (std::size_t e = 0; e < E; ++e)
    region_sum[region_of_[e]] += pay_index_[e], region_n[region_of_[e]] += 1;
  const std::size_t A = agency_margin_share_.size();
  agency_pay_gbp_.assign(E * kRoleCount, 0);
  agency_charge_pence_.assign(E * kRoleCount * A, 0);
  agency_margin_pence_.assign(E * kRoleCount * A, 0);
  agency_msp_pence_.assign(E * kRoleCount * A, 0);
  for (std::size_t e = 0; e < E; ++e) {
    relocation_pence_[e] = std::llround(levers_[e].relocation_gbp * 100);
    for (int r = 0; r < kRoleCount; ++r) {
      const double regional_index = region_sum[region_of_[e]] / region_n[region_of_[e]];
      const double market = ag.rate_gbp_per_hour[r] * agency_uplift_ * regional_index;
      const double hourly =
          breaching_[e] ? market
                        : std::min(market, levers_[e].agency_cap_gbp_per_hour[r] * cap_uplift_);
      const std::size_t k = e * kRoleCount + static_cast<std::size_t>(r);
      agency_pay_gbp_[k] = hourly * ag.hours_per_week * ag.paid_weeks_per_year;
      // Charge = (pay + on-costs) grossed up so the agency keeps its margin
      // share of it and the managed service provider msp_fee_share. Each part
      // is rounded to pence and the charge is their sum, so the parts add up.
      const double worker_gbp = hourly * ag.hours_per_week * (1 + ag.on_cost_rate);
      const std::int64_t worker = std::llround(worker_gbp * 100);
      for (std::size_t a = 0; a < A; ++a) {
        const double gross = worker_gbp / (1 - agency_margin_share_[a] - ag.msp_fee_share);
        const std::size_t ka = k * A + a;
        agency_margin_pence_[ka] = std::llround(gross * agency_margin_share_[a] * 100);
        agency_msp_pence_[ka] = std::llround(gross * ag.msp_fee_share * 100);
        agency_charge_pence_[ka] = worker + agency_margin_pence_[ka] + agency_msp_pence_[ka];
      }
    }
  }
}

sim::EntityTable LabourMarket::employer_table() const {
  sim::EntityTable t;
  t.group = "employers";
  std::vector<std::string> name, region, subregion;
  std::vector<std::string> signatory_from;
  std::vector<std::int32_t> inner, signatory;
  const sim::Date end = run_clock_.week_start(scenario_.weeks());
  for (const auto& a : scenario_.authorities) {
    name.push_back(a.name);
    region.push_back(a.region);
    subregion.push_back(a.subregion);
    signatory_from.push_back(a.signatory_from ? a.signatory_from->iso() : "");
    inner.push_back(a.inner_london ? 1 : 0);
    signatory.push_back(a.is_signatory(end) ? 1 : 0);  // by the end of the run
  }
  t.strings = {{"name", name},
               {"region", region},
               {"subregion", subregion},
               {"signatory_from", signatory_from}};
  t.integers = {{"inner_london", inner}, {"signatory", signatory}};
  return t;
}

}  // namespace pledgesim::models
