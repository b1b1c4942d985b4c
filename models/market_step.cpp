// The weekly step: the phases in order (choose, clear, apply:
// market_choose.cpp and market_apply.cpp), the active list, and phase 4:
// each authority's state for next week and the week's series.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/market.hpp"
#include "models/market_detail.hpp"

namespace pledgesim::models {

using namespace detail;

void LabourMarket::step() {
  using Clock = std::chrono::steady_clock;
  auto lap = [last = Clock::now()](double& into) mutable {
    const auto now = Clock::now();
    into += std::chrono::duration<double>(now - last).count();
    last = now;
  };
  run_annual_events();
  update_prices();
  update_stress_filters();
  for (auto& l : ledgers_) l.begin_week(week_);
  lap(phase_seconds_.events_and_prices);

  // Blocks of the active list (ids in order): the partition, and so every
  // sum, event order and applicant order, never depends on the threads.
  const std::size_t n = active_.size();
  const std::size_t blocks = sim::block_count(n, kBlockSize);
  block_applicants_.resize(blocks);
  block_movers_.resize(blocks);
  partials_.reset(accumulator_width(authorities_.size()));
  sim::for_each_block(n, kBlockSize, [&](std::size_t b, std::size_t begin, std::size_t end) {
    block_applicants_[b].clear();
    block_movers_[b].clear();
    choose(begin, end, block_applicants_[b], block_movers_[b]);
  });
  lap(phase_seconds_.choose);
  clear_market();
  lap(phase_seconds_.clear);
  if (record_events_) {
    block_events_.resize(blocks);
    for (auto& e : block_events_) e.clear();
  }
  sim::for_each_index(blocks, [&](std::size_t b) { apply(b, block_movers_[b]); });
  if (record_events_) gather_events();
  lap(phase_seconds_.apply);
  update_authorities();
  drop_exited();
  lap(phase_seconds_.authorities);
  ++week_;
}

// Those who left the profession this week leave the active list.
void LabourMarket::drop_exited() {
  std::erase_if(active_, [&](std::uint32_t i) {
    if (col_.status[i] != static_cast<std::uint8_t>(Status::exited)) return false;
    ++exited_;
    return true;
  });
}

// State derived from the saved state: the active list, and each authority's
// stress target (from last week's caseload).
void LabourMarket::derive_week_state() {
  active_.clear();
  exited_ = 0;
  for (std::size_t i = 0; i < population_.size(); ++i) {
    if (col_.status[i] == static_cast<std::uint8_t>(Status::exited))
      ++exited_;
    else
      active_.push_back(static_cast<std::uint32_t>(i));
  }
  stress_target_.resize(authorities_.size());
  for (std::size_t e = 0; e < authorities_.size(); ++e)
    stress_target_[e] = stress_target(caseload_[e], scenario_.behaviour.caseload_stress_threshold);
  stress_updates_ = static_cast<std::size_t>(week_);
  // Decay of a stress offset over n weeks, n up to the run's length + 1.
  const double keep = 1.0 - scenario_.behaviour.stress_adjust_rate_per_week;
  stress_decay_.resize(static_cast<std::size_t>(scenario_.weeks()) + 2);
  double decay = 1.0;
  for (double& d : stress_decay_) d = decay, decay *= keep;
}

// Phase 4: per-authority state for next week and this week's series.
void LabourMarket::update_authorities() {
  const std::size_t E = authorities_.size();
  std::vector<std::int64_t>& total = week_totals_;
  total.resize(partials_.width());
  partials_.sum_into(total);
  const std::size_t global = E * kAccPerEmployer;
  for (int s = 0; s < kStatusCount; ++s) status_counts_[s] = total[global + s];
  for (int a = 0; a < kStatusCount; ++a)
    for (int b = 0; b < kStatusCount; ++b)
      transitions_[a][b] = total[global + kStatusCount + a * kStatusCount + b];
  // Those who left in earlier weeks are not in the active list.
  constexpr auto kExited = static_cast<std::size_t>(Status::exited);
  status_counts_[kExited] += exited_;
  transitions_[kExited][kExited] += exited_;

  for (std::size_t e = 0; e < E; ++e) {
    const std::int64_t* t = &total[e * kAccPerEmployer];
    ledgers_[e].end_week(t[aStarters], t[aLeavers]);
    plan_next_week(e, t);
    record_series(e, t);
  }
  build_offer_cdfs();
}

// What authority e offers next week, from this week's sums t (Acc): its
// staff counts and caseload; posts, bank shifts and agency placements open
// (the locums it wants, locum_cover_ratio per vacancy open
// agency.cover_after_weeks or more, a bank's share of them under an
// inhouse_bank lever, less arrivals expected after a notice period); the
// chance a surplus locum is released (agency.excess_release_rate_per_week);
// and ASYE places (population.asye_places_share, asye_pipeline lever).
void LabourMarket::plan_next_week(std::size_t e, const std::int64_t* t) {
  const auto& ag = scenario_.agency;
  const Authority& auth = authorities_[e];
  permanent_[e] = t[aPermanent];
  agency_[e] = t[aAgency];
  bank_[e] = t[aBank];
  const std::int64_t cover = agency_[e] + bank_[e];
  const std::int64_t workers = permanent_[e] + cover;
  caseload_[e] = auth.cases / static_cast<double>(std::max<std::int64_t>(1, workers));
  stress_target_[e] = stress_target(caseload_[e], scenario_.behaviour.caseload_stress_threshold);
  const std::int64_t vacancies = auth.establishment - permanent_[e];
  // Locums wanted for long vacancies; a bank's share of them is offered to
  // the bank first and not to agencies.
  const std::int64_t wanted =
      std::llround(auth.cover_ratio * static_cast<double>(ledgers_[e].long_open()));
  const std::int64_t bank_wanted =
      std::llround(levers_[e].bank_cover_share * static_cast<double>(wanted));
  // Posts held for people serving notice elsewhere are not offered again.
  perm_capacity_[e] = std::max<std::int64_t>(0, vacancies - t[aPendingPerm]);
  bank_capacity_[e] = std::max<std::int64_t>(0, bank_wanted - bank_[e] - t[aPendingBank]);
  agency_capacity_[e] =
      std::max<std::int64_t>(0, wanted - agency_[e] - t[aPendingAgency] -
                                    std::max(bank_[e] + t[aPendingBank], bank_wanted));
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
      0, static_cast<std::int64_t>(std::floor(asye_share * establishment)) - t[aTrainee]);
  asye_priority_[e] = static_cast<double>(t[aTrainee]) < levers_[e].asye_min_share * establishment;
}

// This week's series of authority e (kMetricTable), from its sums t and the
// state plan_next_week() has just set.
void LabourMarket::record_series(std::size_t e, const std::int64_t* t) {
  const std::size_t E = authorities_.size();
  const Authority& auth = authorities_[e];
  const std::int64_t workers = permanent_[e] + agency_[e] + bank_[e];
  const std::int64_t vacancies = auth.establishment - permanent_[e];
  auto put = [&](Metric m, double v) { series_[static_cast<std::size_t>(m) * E + e] = v; };
  put(kPermanentFte, static_cast<double>(permanent_[e]));
  put(kAgencyFte, static_cast<double>(agency_[e]));
  put(kTraineeFte, static_cast<double>(t[aTrainee]));
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
  put(kMeanStress, workers > 0
                       ? static_cast<double>(t[aStressMicro]) / 1e6 / static_cast<double>(workers)
                       : 0.0);
  put(kMeanTenureWeeks,
      permanent_[e] > 0 ? static_cast<double>(t[aTenureWeeks]) / static_cast<double>(permanent_[e])
                        : 0.0);
  put(kPayCostGbp, static_cast<double>(t[aPayPence]) / 100.0);
  put(kAgencyCostGbp, static_cast<double>(t[aAgencyPence]) / 100.0);
  put(kAgencyMarginGbp, static_cast<double>(t[aMarginPence]) / 100.0);
  put(kMspFeeGbp, static_cast<double>(t[aMspPence]) / 100.0);
  put(kBankCostGbp, static_cast<double>(t[aBankPence]) / 100.0);
  put(kIncentiveCostGbp, static_cast<double>(t[aIncentivePence]) / 100.0);
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
