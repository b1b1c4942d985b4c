// The weekly step: the phases in order (choose, clear, apply:
// market_choose.cpp and market_apply.cpp), who is visited, and phase 4:
// each authority's state for next week and the week's series.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "models/market.hpp"
#include "models/market_detail.hpp"
#include "models/market_week.hpp"

namespace pledgesim::models {

using namespace detail;

void LabourMarket::step() {
  using Clock = std::chrono::steady_clock;
  auto lap = [last = Clock::now()](double& into) mutable {
    const auto now = Clock::now();
    into += std::chrono::duration<double>(now - last).count();
    last = now;
  };
  partials_.reset(sums_width());
  const std::size_t before = population_.size();
  run_annual_events();
  previous_levers_.swap(levers_);
  update_prices();
  const bool rates_changed = update_rate_rules();
  full_week_ = full_week_ || levers_ != previous_levers_ || rates_changed;
  // The newly qualified join: their stocks added (unless the week counts
  // everyone afresh), their first visit now.
  if (!full_week_) {
    const Tally t = tally();
    for (std::size_t i = before; i < population_.size(); ++i) contribute(t, i, +1);
  }
  update_stress_filters();
  update_visit_all();
  for (auto& l : ledgers_) l.begin_week(week_);
  apply_inputs();
  lap(step_stats_.events_and_prices);

  // Blocks of the population (ids in order): the partition, and so every
  // sum, event order and applicant order, never depends on the threads.
  // A full week counts the stocks afresh.
  const std::size_t n = population_.size();
  const std::size_t blocks = sim::block_count(n, kBlockSize);
  block_due_.resize(blocks);
  block_applicants_.resize(blocks);
  block_movers_.resize(blocks);
  block_stress_moves_.resize(blocks);
  block_bound_rises_.resize(blocks);
  if (full_week_) {  // but those who have left, who are never visited again
    const std::size_t exited = stock_layout().status_counts(authorities_.size()) +
                               static_cast<std::size_t>(Status::exited);
    const std::int64_t gone = stocks_[exited];
    std::fill(stocks_.begin(), stocks_.end(), 0);
    stocks_[exited] = gone;
  }
  sim::for_each_block(n, kBlockSize, [&](std::size_t b, std::size_t begin, std::size_t end) {
    block_applicants_[b].clear();
    block_movers_[b].clear();
    block_stress_moves_[b].clear();
    block_bound_rises_[b].clear();
    collect_due(begin, end, block_due_[b]);
    choose(block_due_[b], block_applicants_[b], block_movers_[b]);
  });
  lap(step_stats_.choose);
  for (const auto& due : block_due_) step_stats_.visits += static_cast<std::int64_t>(due.size());
  for (const std::uint8_t v : std::span(visit_all_).subspan(1)) {
    step_stats_.all_posts_weeks += (v & kVisitPosts) != 0;
    step_stats_.all_locums_weeks += (v & kVisitLocums) != 0;
  }
  clear_market();
  lap(step_stats_.clear);
  if (record_events_) {
    block_events_.resize(blocks);
    for (auto& e : block_events_) e.clear();
  }
  sim::for_each_index(blocks, [&](std::size_t b) { apply(b, block_movers_[b]); });
  if (record_events_) gather_events();
  lap(step_stats_.apply);
  update_authorities();
  full_week_ = false;
  lap(step_stats_.authorities);
  ++week_;
}

// Who is visited in ids [begin, end): everyone not exited in a full week;
// else those with a candidate or dated event due, and everyone in work (or
// every locum) at an authority whose stress (or release probability) could
// exceed a bound. Reads one column for most.
void LabourMarket::collect_due(std::size_t begin, std::size_t end,
                               std::vector<std::uint32_t>& due) const {
  due.clear();
  const auto week = static_cast<std::uint16_t>(week_);
  if (full_week_ || visit_everyone_) {
    for (std::size_t i = begin; i < end; ++i)
      if (col_.status[i] != static_cast<std::uint8_t>(Status::exited))
        due.push_back(static_cast<std::uint32_t>(i));
    return;
  }
  due.resize(end - begin);
  std::size_t n = 0;
  if (!any_visit_all_) {
    for (std::size_t i = begin; i < end; ++i) {
      due[n] = static_cast<std::uint32_t>(i);
      n += col_.next_due[i] == week;
    }
    due.resize(n);
    return;
  }
  // Without branches (which half the practitioners would mispredict): the
  // visit_all_ flags of one's employer (index 0: none) that one's status
  // answers to.
  static constexpr std::uint8_t kAnswersTo[kStatusCount] = {kVisitPosts,  kVisitPosts, kVisitLocums,
                                                            kVisitLocums, 0,           0};
  for (std::size_t i = begin; i < end; ++i) {
    const std::uint8_t all = visit_all_[static_cast<std::size_t>(col_.employer[i] + 1)];
    const bool visit = (col_.next_due[i] == week) | ((kAnswersTo[col_.status[i]] & all) != 0);
    due[n] = static_cast<std::uint32_t>(i);
    n += visit;
  }
  due.resize(n);
}

// The tally of the calling worker's row.
LabourMarket::Tally LabourMarket::tally() {
  return tally_over(partials_.row());
}

LabourMarket::Tally LabourMarket::tally_over(std::span<std::int64_t> row) const {
  return {.row = row,
          .global = authorities_.size() * kAccPerEmployer,
          .stocks = accumulator_width(authorities_.size()),
          .per_employer = stock_layout().per_employer()};
}

std::size_t LabourMarket::sums_width() const {
  return accumulator_width(authorities_.size()) + stock_layout().width(authorities_.size());
}

// State derived from the saved state: each authority's stress target (from
// last week's caseload), the stress decay table, the stocks and the bound
// on stress offsets.
void LabourMarket::derive_week_state() {
  const std::size_t E = authorities_.size();
  stress_target_.resize(E);
  for (std::size_t e = 0; e < E; ++e)
    stress_target_[e] =
        stress_target(caseload_[e], region_behaviour_[region_of_[e]].caseload_stress_threshold);
  stress_updates_ = static_cast<std::size_t>(week_);
  // Decay of a stress offset over n weeks, n up to the run's length + 1.
  const double keep = 1.0 - scenario_.behaviour.stress_adjust_rate_per_week;
  stress_decay_.resize(static_cast<std::size_t>(scenario_.weeks() + spin_weeks_) + 2);
  double decay = 1.0;
  for (double& d : stress_decay_) d = decay, decay *= keep;
  recount_stocks(stocks_);
  stress_offset_bound_.assign(2 * E, 0.0);
  for (std::size_t i = 0; i < population_.size(); ++i) {
    const auto status = static_cast<Status>(col_.status[i]);
    if (!in_work(status)) continue;
    const auto e = static_cast<std::size_t>(col_.employer[i]);
    const double offset = decayed_offset(i);
    double& bound = stress_offset_bound_[e * 2 + bound_group(status)];
    bound = std::max(bound, offset);
  }
  previous_levers_ = levers_;
  full_week_ = false;
}

// The stocks as the sum of everyone's contribution (exact: integers).
void LabourMarket::recount_stocks(std::vector<std::int64_t>& stocks, bool up_to_date) const {
  std::vector<std::int64_t> row(sums_width(), 0);
  const Tally t = tally_over(row);
  for (std::size_t i = 0; i < population_.size(); ++i) {
    if (up_to_date)
      contribute(t, i, +1,
                 {.pqe = pqe_weeks(i),
                  .tenure = tenure_weeks(i),
                  .aged_to = static_cast<std::uint16_t>(week_),
                  .role = role(i),
                  .pending = col_.pending_weeks[i] > 0});
    else
      contribute(t, i, +1);
  }
  stocks.assign(row.begin() + static_cast<std::ptrdiff_t>(t.stocks), row.end());
}

std::vector<std::string> LabourMarket::stock_discrepancies() const {
  std::vector<std::string> out;
  std::vector<std::int64_t> fresh;
  recount_stocks(fresh, true);
  const std::size_t per = stock_layout().per_employer();
  for (std::size_t k = 0; k < fresh.size() && out.size() < 10; ++k)
    if (fresh[k] != stocks_[k])
      out.push_back("stock " + std::to_string(k % per) + " of employer " + std::to_string(k / per) +
                    " is " + std::to_string(stocks_[k]) + ", a recount gives " +
                    std::to_string(fresh[k]));
  std::vector<double> sums(authorities_.size(), 0.0), scale(authorities_.size(), 1.0);
  for (std::size_t i = 0; i < population_.size(); ++i) {
    if (!in_work(static_cast<Status>(col_.status[i]))) continue;
    const auto e = static_cast<std::size_t>(col_.employer[i]);
    const double offset = decayed_offset(i);
    sums[e] += offset;
    scale[e] += std::abs(offset);
  }
  for (std::size_t e = 0; e < sums.size() && out.size() < 10; ++e)
    if (!(std::abs(sums[e] - stress_offset_sum_[e]) <= 1e-9 * scale[e]))
      out.push_back("stress offset sum of employer " + std::to_string(e) + " is " +
                    std::to_string(stress_offset_sum_[e]) + ", a fresh sum gives " +
                    std::to_string(sums[e]));
  return out;
}

// Phase 4: per-authority state for next week and this week's series.
void LabourMarket::update_authorities() {
  const std::size_t E = authorities_.size();
  std::vector<std::int64_t>& total = week_totals_;
  total.resize(partials_.width());
  partials_.sum_into(total);
  const std::size_t first_stock = accumulator_width(E);
  for (std::size_t k = 0; k < stocks_.size(); ++k) stocks_[k] += total[first_stock + k];
  // Stress: the moves' offsets, in block order (doubles: the order is fixed).
  for (const auto& moves : block_stress_moves_)
    for (const StressMove& m : moves) {
      stress_offset_sum_[m.from] -= m.old_offset;
      stress_offset_sum_[m.to] += m.new_offset;
    }
  // Bounds on offsets: a group visited whole has the largest offset seen
  // (before this week's moves); then the moves in raise them.
  if (any_visit_all_) {
    const std::size_t width = 2 * E;
    for (std::size_t k = 0; k < width; ++k) {
      const std::uint8_t all = visit_all_[k / 2 + 1];
      if ((all & (k % 2 == 0 ? kVisitPosts : kVisitLocums)) == 0) continue;
      double seen = 0.0;
      for (std::size_t r = 0; r * width < offset_seen_.size(); ++r)
        seen = std::max(seen, offset_seen_[r * width + k]);
      stress_offset_bound_[k] = seen;
    }
  }
  for (const auto& rises : block_bound_rises_)
    for (const BoundRise& b : rises)
      stress_offset_bound_[b.index] = std::max(stress_offset_bound_[b.index], b.offset);
  // Status counts, and transitions: off the diagonal as counted; staying
  // put is what the stocks hold beyond those who arrived.
  const std::size_t counts = stock_layout().status_counts(E);
  for (int s = 0; s < kStatusCount; ++s) status_counts_[s] = stocks_[counts + s];
  for (int a = 0; a < kStatusCount; ++a)
    for (int b = 0; b < kStatusCount; ++b)
      transitions_[a][b] = a == b ? 0 : total[E * kAccPerEmployer + a * kStatusCount + b];
  for (int b = 0; b < kStatusCount; ++b) {
    std::int64_t arrived = 0;
    for (int a = 0; a < kStatusCount; ++a) arrived += transitions_[a][b];
    transitions_[b][b] = status_counts_[b] - arrived;
  }

  const std::size_t per = stock_layout().per_employer();
  for (std::size_t e = 0; e < E; ++e) {
    const std::int64_t* flows = &total[e * kAccPerEmployer];
    const std::int64_t* s = &stocks_[e * per];
    ledgers_[e].end_week(flows[aStarters], flows[aLeavers]);
    plan_next_week(e, s);
    // (No change unless the establishment has fallen below those in post.)
    ledgers_[e].set_total(std::max<std::int64_t>(0, authorities_[e].establishment - permanent_[e]));
    record_series(e, flows, s);
  }
  build_offer_cdfs();
}

// Weekly costs from the stocks: pay and on-costs by role for post holders
// (pay.*, trainee_pay, harmonised_pay levers; pay.on_cost_rate), with a
// progression pathway's uplift and retention payments as incentives
// (progression_pathway, retention_payment); the agencies' charges with
// their margins and MSP fees (agency.*, agency_pay_cap / agency_price_cap
// levers); bank pay and on-costs (inhouse_bank). Integers: the same sums
// as adding practitioner by practitioner.
LabourMarket::StockCosts LabourMarket::stock_costs(std::size_t e, const std::int64_t* s) const {
  StockCosts c;
  const std::size_t R = kRoleCount, A = stock_layout().agencies;
  c.pay = s[sTrainees] * trainee_cost_pence_[e];
  c.incentive = s[sRetained] * retention_pence_[e];
  for (std::size_t scale = 0; scale < R; ++scale)
    for (std::size_t paid = 0; paid < R; ++paid) {
      const std::int64_t n =
          s[StockLayout::post_by_role(static_cast<int>(scale), static_cast<int>(paid))];
      if (n == 0) continue;
      c.pay += n * perm_cost_pence_[e * R + scale];
      c.incentive += n * (perm_cost_pence_[e * R + paid] - perm_cost_pence_[e * R + scale]);
    }
  for (std::size_t r = 0; r < R; ++r) {
    c.bank += s[StockLayout::bank_by_role(static_cast<int>(r))] * bank_cost_pence_[e * R + r];
    for (std::size_t a = 0; a < A; ++a) {
      const std::int64_t n = s[stock_layout().agency_by_role(static_cast<int>(r), a)];
      const std::size_t k = (e * R + r) * A + a;
      c.agency += n * agency_charge_pence_[k];
      c.margin += n * agency_margin_pence_[k];
      c.msp += n * agency_msp_pence_[k];
    }
  }
  return c;
}

// What authority e offers next week, from this week's sums t (Acc): its
// staff counts and caseload; posts, bank shifts and agency placements open
// (the locums it wants, locum_cover_ratio per vacancy open
// agency.cover_after_weeks or more, a bank's share of them under an
// inhouse_bank lever, less arrivals expected after a notice period); the
// chance a surplus locum is released (agency.excess_release_rate_per_week);
// and ASYE places (population.asye_places_share, asye_pipeline lever).
void LabourMarket::plan_next_week(std::size_t e, const std::int64_t* s) {
  const auto& ag = scenario_.agency;
  const Authority& auth = authorities_[e];
  permanent_[e] = s[sPosts];
  agency_[e] = s[sAgency];
  bank_[e] = s[sBank];
  const std::int64_t cover = agency_[e] + bank_[e];
  const std::int64_t workers = permanent_[e] + cover;
  caseload_[e] = auth.cases / static_cast<double>(std::max<std::int64_t>(1, workers));
  stress_target_[e] =
      stress_target(caseload_[e], region_behaviour_[region_of_[e]].caseload_stress_threshold);
  const std::int64_t vacancies = auth.establishment - permanent_[e];
  // Locums wanted for long vacancies; a bank's share of them is offered to
  // the bank first and not to agencies.
  // (More under caseload pressure: agency.locum_demand_caseload_sensitivity.)
  const double threshold = region_behaviour_[region_of_[e]].caseload_stress_threshold;
  const double pressure = 1.0 + scenario_.agency.locum_demand_caseload_sensitivity *
                                    std::max(0.0, (caseload_[e] - threshold) / threshold);
  const std::int64_t wanted =
      std::llround(auth.cover_ratio * pressure * static_cast<double>(ledgers_[e].long_open()));
  const std::int64_t bank_wanted =
      std::llround(levers_[e].bank_cover_share * static_cast<double>(wanted));
  // Posts held for people serving notice elsewhere are not offered again.
  perm_capacity_[e] = std::max<std::int64_t>(0, vacancies - s[sPendingPerm]);
  bank_capacity_[e] = std::max<std::int64_t>(0, bank_wanted - bank_[e] - s[sPendingBank]);
  agency_capacity_[e] =
      std::max<std::int64_t>(0, wanted - agency_[e] - s[sPendingAgency] -
                                    std::max(bank_[e] + s[sPendingBank], bank_wanted));
  release_prob_[e] = cover > wanted
                         ? ag.excess_release_rate_per_week * static_cast<double>(cover - wanted) /
                               static_cast<double>(cover)
                         : 0.0;
  // ASYE places: the authority's supervision capacity, raised to its
  // pipeline commitment, which also puts newly qualified applicants first.
  const auto establishment = static_cast<double>(auth.establishment);
  const double asye_share =
      std::max(scenario_.population.asye_places_share, levers_[e].asye_min_share);
  asye_capacity_[e] = std::max<std::int64_t>(
      0, static_cast<std::int64_t>(std::floor(asye_share * establishment)) - s[sTrainees]);
  asye_priority_[e] = static_cast<double>(s[sTrainees]) < levers_[e].asye_min_share * establishment;
}

// This week's series of authority e (kMetricTable), from its flows t, its
// stocks s and the state plan_next_week() has just set.
void LabourMarket::record_series(std::size_t e, const std::int64_t* t, const std::int64_t* s) {
  const std::size_t E = authorities_.size();
  const StockCosts costs = stock_costs(e, s);
  const Authority& auth = authorities_[e];
  const std::int64_t workers = permanent_[e] + agency_[e] + bank_[e];
  const std::int64_t vacancies = auth.establishment - permanent_[e];
  auto put = [&](Metric m, double v) { series_[static_cast<std::size_t>(m) * E + e] = v; };
  put(kPermanentFte, static_cast<double>(permanent_[e]));
  put(kAgencyFte, static_cast<double>(agency_[e]));
  put(kTraineeFte, static_cast<double>(s[sTrainees]));
  put(kBankFte, static_cast<double>(bank_[e]));
  put(kVacancies, static_cast<double>(vacancies));
  put(kEstablishment, static_cast<double>(auth.establishment));
  put(kStarters, static_cast<double>(t[aStarters]));
  put(kLeavers, static_cast<double>(t[aLeavers]));
  put(kMovesIn, static_cast<double>(t[aMovesIn]));
  put(kMovesOut, static_cast<double>(t[aMovesOut]));
  put(kPermToAgency, static_cast<double>(t[aPermToAgency]));
  put(kAgencyToPerm, static_cast<double>(t[aAgencyToPerm]));
  put(kAgencyStarts, static_cast<double>(t[aAgencyStarts]));
  put(kAgencyEnds, static_cast<double>(t[aAgencyEnds]));
  put(kCaseload, caseload_[e]);
  // Stress: everyone there has the filter plus their decayed offset.
  const auto n_workers = static_cast<double>(workers);
  // (Never below 0, as no one's stress is: the sum's rounding can be.)
  put(kMeanStress,
      workers > 0
          ? std::max(0.0, (n_workers * stress_filter_[e] + stress_offset_sum_[e]) / n_workers)
          : 0.0);
  // Tenure: each post holder's tenure_weeks - aged_to, plus the weeks aged.
  const std::int64_t tenure_sum =
      s[sTenureKey] + permanent_[e] * static_cast<std::int64_t>(stress_updates_);
  put(kMeanTenureWeeks, permanent_[e] > 0
                            ? static_cast<double>(tenure_sum) / static_cast<double>(permanent_[e])
                            : 0.0);
  put(kPayCostGbp, static_cast<double>(costs.pay) / 100.0);
  put(kAgencyCostGbp, static_cast<double>(costs.agency) / 100.0);
  put(kAgencyMarginGbp, static_cast<double>(costs.margin) / 100.0);
  put(kMspFeeGbp, static_cast<double>(costs.msp) / 100.0);
  put(kBankCostGbp, static_cast<double>(costs.bank) / 100.0);
  put(kIncentiveCostGbp, static_cast<double>(t[aIncentivePence] + costs.incentive) / 100.0);
  put(kRecruitmentCostGbp, static_cast<double>(t[aRecruitPence]) / 100.0);
  put(kPayIndex, pay_index_[e]);
  put(kHeadhuntedIn, static_cast<double>(t[aHeadhuntedIn]));
  put(kHeadhuntedOut, static_cast<double>(t[aHeadhuntedOut]));
  bool capped = false;
  for (double cap : levers_[e].agency_cap_gbp_per_hour) capped = capped || cap != kNoCap;
  put(kCapBreach, capped && breaching_[e] ? 1.0 : 0.0);
  put(kAgencyScreenedOut, screened_.empty() ? 0.0 : static_cast<double>(screened_[e]));
}

// Openings as seen from each home zone: capacity x exp(-commute cost), so
// practitioners mostly hear of work near home. O(zones x employers).
void LabourMarket::build_offer_cdfs() {
  const std::size_t E = authorities_.size(), Z = zone_names_.size();
  perm_cdf_.assign(Z * E, 0.0);
  agency_cdf_.assign(Z * E, 0.0);
  bank_cdf_.assign(Z * E, 0.0);
  for (std::size_t z = 0; z < Z; ++z) {
    double perm = 0, agency = 0, bank = 0;
    for (std::size_t e = 0; e < E; ++e) {
      const double reach = reach_[z * Z + zone_of_[e]];
      perm_cdf_[z * E + e] = perm += reach * static_cast<double>(perm_capacity_[e]);
      agency_cdf_[z * E + e] = agency += reach * static_cast<double>(agency_capacity_[e]);
      bank_cdf_[z * E + e] = bank += reach * static_cast<double>(bank_capacity_[e]);
    }
  }
  build_offer_samplers();
}

void LabourMarket::build_offer_samplers() {
  const std::size_t E = authorities_.size(), Z = zone_names_.size();
  for (auto [tables, cdf] :
       {std::pair{&perm_offers_, &perm_cdf_}, std::pair{&agency_offers_, &agency_cdf_},
        std::pair{&bank_offers_, &bank_cdf_}}) {
    tables->reset(Z, E);
    tables->build_all(*cdf);
  }
}

LabourMarket::ZoneOffers LabourMarket::zone_offers(int kind, std::uint8_t zone) const {
  return {.tables = kind == kPermanentPost     ? &perm_offers_
                    : kind == kAgencyPlacement ? &agency_offers_
                                               : &bank_offers_,
          .zone = zone};
}

}  // namespace pledgesim::models
