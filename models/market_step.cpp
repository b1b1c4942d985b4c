// The weekly step: choose (parallel), clear (per employer), apply (parallel),
// update authorities (serial, O(employers)).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/market.hpp"
#include "models/market_detail.hpp"

namespace pledgesim::models {

using namespace detail;

void LabourMarket::step() {
  run_annual_events();
  update_prices();
  for (auto& l : ledgers_) l.begin_week(week_);

  const std::size_t n = population_.size();
  const std::size_t blocks = sim::block_count(n, kBlockSize);
  block_applicants_.resize(blocks);
  sim::for_each_block(n, kBlockSize, [&](std::size_t b, std::size_t begin, std::size_t end) {
    block_applicants_[b].clear();
    choose(begin, end, block_applicants_[b]);
  });
  clear_market();
  partials_.reset(blocks, accumulator_width(authorities_.size()));
  sim::for_each_block(n, kBlockSize, [&](std::size_t b, std::size_t begin, std::size_t end) {
    apply(b, begin, end);
  });
  update_authorities();
  ++week_;
}

// The agency rules in force at authority f: the experience minimum (DfE 2024)
// and the cooling-off period after leaving a permanent post in f's region.
// A permanent practitioner leaving this week counts as having just left.
bool LabourMarket::may_take_agency_work(std::size_t i, std::size_t f) const {
  const AuthorityLevers& lv = levers_[f];
  if (col_.pqe_weeks[i] < lv.agency_min_pqe_weeks) return false;
  if (lv.cooling_off_weeks <= 0) return true;
  const bool leaving_now = col_.status[i] == static_cast<std::uint8_t>(Status::permanent);
  const std::uint8_t region =
      leaving_now ? region_of_[static_cast<std::size_t>(col_.employer[i])] : col_.left_region[i];
  const std::int64_t weeks = leaving_now ? 0 : col_.left_perm_weeks[i];
  return region != region_of_[f] || weeks >= lv.cooling_off_weeks;
}

// Staged golden hello payments still due to a permanent worker at e.
double LabourMarket::unpaid_stages_gbp(std::size_t e, std::uint16_t tenure) const {
  const AuthorityLevers& l = levers_[e];
  double due = 0;
  for (int k = 0; k < l.hello_stages; ++k)
    if (l.hello_weeks[k] > tenure) due += l.hello_gbp[k];
  return due;
}

// Phase 1: each practitioner ages, may leave, may search and apply. Writes
// only its own slots, reads last week's authority state.
void LabourMarket::choose(std::size_t begin, std::size_t end,
                          std::vector<std::uint32_t>& applicants) {
  const auto& beh = scenario_.behaviour;
  const auto thresholds = role_thresholds_weeks(scenario_.pay.role_min_pqe_years);
  const auto retire_weeks = static_cast<std::uint16_t>(kMaxCareerYears * kWeeksPerYear);
  const double p_assignment_end = 1.0 / beh.agency_assignment_mean_weeks;
  const double pay_w = beh.pay_weight_per_10k_gbp / 10000.0;
  const double p_headhunt = weekly_probability(beh.headhunting_rate_per_year);
  const double premium_gbp = scenario_.pay.headhunting_premium_gbp * uplift_;
  const auto week = static_cast<std::uint64_t>(week_);

  for (std::size_t i = begin; i < end; ++i) {
    const auto status = static_cast<Status>(col_.status[i]);
    col_.leaving[i] = kStay;
    col_.application[i] = kNoApplication;
    col_.accepted[i] = 0;
    if (col_.pending_weeks[i] == 0) col_.headhunted[i] = 0;  // kept while serving notice
    if (status == Status::exited) continue;
    if (col_.left_perm_weeks[i] < kNeverLeftPermanent) ++col_.left_perm_weeks[i];
    const bool employed = status == Status::permanent || status == Status::agency;
    const std::int16_t emp = col_.employer[i];

    // Ageing, promotion by experience, stress.
    if (employed) {
      if (col_.pqe_weeks[i] < UINT16_MAX) ++col_.pqe_weeks[i];
      if (col_.tenure_weeks[i] < UINT16_MAX) ++col_.tenure_weeks[i];
    }
    col_.role[i] = role_of(col_.pqe_weeks[i], thresholds);
    const double target =
        employed ? stress_target(caseload_[emp], beh.caseload_stress_threshold) : 0.0;
    const double stress =
        col_.stress[i] + beh.stress_adjust_rate_per_week * (target - col_.stress[i]);
    col_.stress[i] = static_cast<float>(stress);

    // Leaving the profession or taking a break.
    sim::AgentDraws leave(leave_rng_, week, i);
    const double stress_factor_exit = employed ? 1.0 + beh.stress_exit_sensitivity * stress : 1.0;
    const double p_exit = weekly_probability(beh.exit_rate_per_year * stress_factor_exit);
    const double p_break =
        employed ? weekly_probability(beh.inactive_rate_per_year * stress_factor_exit) : 0.0;
    const double u = leave.uniform();
    if (col_.pqe_weeks[i] >= retire_weeks || u <= p_exit) {
      col_.leaving[i] = kExit;
      continue;
    }
    if (u <= p_exit + p_break) {
      col_.leaving[i] = kBreak;
      continue;
    }

    // Serving notice: no search; the held post is taken when it runs out.
    if (col_.pending_weeks[i] > 0) {
      if (--col_.pending_weeks[i] == 0) {
        col_.application[i] = col_.pending_target[i];
        col_.accepted[i] = 1;
        col_.leaving[i] = kMoveDue;
      }
      continue;
    }

    // Agency placements: an assignment coming to its end makes the locum look
    // around (renewal is the "stay" option); an authority with more locums
    // than it needs releases some, who must find work or become inactive.
    bool must_search = false;
    bool assignment_review = false;
    if (status == Status::agency) {
      sim::AgentDraws release(release_rng_, week, i);
      if (release.uniform() <= release_prob_[static_cast<std::size_t>(emp)]) {
        col_.leaving[i] = kPlacementEnd;
        must_search = true;
      } else {
        assignment_review = release.uniform() <= p_assignment_end;
      }
    }

    // Search decision.
    double p_search;
    switch (status) {
      case Status::permanent:
        p_search =
            weekly_probability(beh.search_rate_per_year *
                               std::exp2(-col_.tenure_weeks[i] / beh.search_tenure_halving_weeks) *
                               (1.0 + beh.stress_search_sensitivity * stress));
        break;
      case Status::agency:
        p_search = must_search || assignment_review
                       ? 1.0
                       : weekly_probability(beh.agency_search_rate_per_year *
                                            (1.0 + beh.stress_search_sensitivity * stress));
        break;
      default:
        p_search = col_.pqe_weeks[i] == 0 ? beh.new_entrant_search_rate_per_week
                                          : weekly_probability(beh.return_rate_per_year);
    }
    sim::AgentDraws search(search_rng_, week, i);
    const bool searching = search.uniform() <= p_search;

    // A headhunting approach: an authority with vacancies offers a permanent
    // post and a premium, unless both it and the current employer are bound
    // by a no-poach agreement. Draws are taken whether or not it is allowed.
    int approach = -1;
    // (Draws 2 and 3 of the search stream: the same Philox block, no extra call.)
    if (status == Status::permanent && p_headhunt > 0) {
      const bool approached = search.uniform() <= p_headhunt;
      const double x = search.uniform() * (perm_cdf_.empty() ? 0.0 : perm_cdf_.back());
      const int f = static_cast<int>(std::upper_bound(perm_cdf_.begin(), perm_cdf_.end(), x) -
                                     perm_cdf_.begin());
      if (approached && f < static_cast<int>(perm_cdf_.size()) && f != emp &&
          !(levers_[static_cast<std::size_t>(f)].no_poach &&
            levers_[static_cast<std::size_t>(emp)].no_poach))
        approach = f;
    }
    if (!searching && approach < 0) continue;

    // Offers and a multinomial logit choice against staying put.
    const int role = col_.role[i];
    const double taste = col_.agency_taste[i];
    sim::AgentDraws offers(offer_rng_, week, i), noise(choice_rng_, week, i);
    double stay;
    if (status == Status::permanent)
      stay = pay_w * (perm_pay_gbp_[emp * kRoleCount + role] +
                      unpaid_stages_gbp(static_cast<std::size_t>(emp), col_.tenure_weeks[i]) +
                      (col_.tenure_weeks[i] >= levers_[emp].retention_min_tenure_weeks
                           ? levers_[emp].retention_gbp_per_year
                           : 0.0)) -
             beh.caseload_weight_per_case * (caseload_[emp] - beh.caseload_stress_threshold);
    else if (status == Status::agency && !must_search)
      stay = pay_w * agency_pay_gbp_[emp * kRoleCount + role] + taste -
             beh.caseload_weight_per_case * (caseload_[emp] - beh.caseload_stress_threshold);
    else
      stay = pay_w * beh.outside_option_gbp_per_year * uplift_;
    double best = stay + noise.gumbel();
    int best_opening = -1;
    bool best_is_approach = false;
    if (approach >= 0) {
      const double value =
          pay_w * (perm_pay_gbp_[approach * kRoleCount + role] + premium_gbp +
                   hello_total_gbp_[approach]) -
          beh.caseload_weight_per_case * (caseload_[approach] - beh.caseload_stress_threshold) -
          beh.switching_cost + noise.gumbel();
      if (value > best)
        best = value, best_opening = 2 * approach + kPermanentPost, best_is_approach = true;
    }
    const std::int64_t draws[2] = {searching ? beh.offers_per_search : 0,
                                   searching ? beh.agency_offers_per_search : 0};
    for (int kind : {kPermanentPost, kAgencyPlacement}) {
      const auto& cdf = kind == kPermanentPost ? perm_cdf_ : agency_cdf_;
      const double total = cdf.empty() ? 0.0 : cdf.back();
      if (total <= 0) continue;
      for (std::int64_t k = 0; k < draws[kind]; ++k) {
        // Both draws are taken before any rule can skip the offer, so a lever
        // never shifts the random numbers of later offers (common random numbers).
        const double x = offers.uniform() * total;
        const double eps = noise.gumbel();
        const int f = static_cast<int>(std::upper_bound(cdf.begin(), cdf.end(), x) - cdf.begin());
        if (f >= static_cast<int>(cdf.size())) continue;
        const bool same_post = f == emp && (kind == kPermanentPost ? status == Status::permanent
                                                                   : status == Status::agency);
        if (same_post && !must_search) continue;
        if (kind == kAgencyPlacement && !may_take_agency_work(i, static_cast<std::size_t>(f)))
          continue;
        double value =
            (kind == kPermanentPost)
                ? pay_w * (perm_pay_gbp_[f * kRoleCount + role] +
                           static_cast<double>(hello_pence_[f]) / 100.0 + hello_total_gbp_[f])
                : pay_w * agency_pay_gbp_[f * kRoleCount + role] + taste;
        value -= beh.caseload_weight_per_case * (caseload_[f] - beh.caseload_stress_threshold);
        if (employed && f != emp) value -= beh.switching_cost;
        value += eps;
        if (value > best) best = value, best_opening = 2 * f + kind, best_is_approach = false;
      }
    }
    if (best_opening >= 0) {
      col_.application[i] = static_cast<std::int16_t>(best_opening);
      col_.headhunted[i] = best_is_approach ? 1 : 0;
      applicants.push_back(static_cast<std::uint32_t>(i));
    }
  }
}

// Phase 2: each opening (employer, kind) takes its best applicants up to
// capacity. Applicants are bucketed in id order; ranking is by score, then a
// per-(person, week) hash, so the outcome never depends on threads.
void LabourMarket::clear_market() {
  const std::size_t openings = authorities_.size() * 2;
  bucket_start_.assign(openings + 1, 0);
  for (const auto& list : block_applicants_)
    for (std::uint32_t id : list)
      ++bucket_start_[static_cast<std::size_t>(col_.application[id]) + 1];
  std::partial_sum(bucket_start_.begin(), bucket_start_.end(), bucket_start_.begin());
  bucket_ids_.resize(bucket_start_.back());
  std::vector<std::size_t> fill(bucket_start_.begin(), bucket_start_.end() - 1);
  for (const auto& list : block_applicants_)
    for (std::uint32_t id : list)
      bucket_ids_[fill[static_cast<std::size_t>(col_.application[id])]++] = id;

  const sim::RandomStreams tie_rng(scenario_.seed, kPurposeTieBreak);
  screened_.assign(authorities_.size(), 0);  // one agency bucket per authority: no shared slot
  const auto week = static_cast<std::uint64_t>(week_);
  sim::for_each_index(openings, [&](std::size_t opening) {
    const std::size_t first = bucket_start_[opening], last = bucket_start_[opening + 1];
    if (first == last) return;
    const std::size_t e = opening / 2;
    const std::int64_t capacity =
        opening % 2 == kPermanentPost ? perm_capacity_[e] : agency_capacity_[e];
    if (capacity <= 0) return;
    struct Ranked {
      double score;
      std::uint64_t tie;
      std::uint32_t id;
    };
    // References: a locum below the quality threshold is turned away with
    // the screening probability (higher where references are shared).
    const bool agency = opening % 2 == kAgencyPlacement;
    const double screen = levers_[e].reference_screen_share >= 0
                              ? levers_[e].reference_screen_share
                              : scenario_.agency.base_screen_share;
    std::vector<Ranked> ranked;
    ranked.reserve(last - first);
    for (std::size_t k = first; k < last; ++k) {
      const std::uint32_t id = bucket_ids_[k];
      const auto words = tie_rng.words(week, id, 0);
      if (agency && col_.quality[id] < scenario_.agency.reference_quality_threshold &&
          r123::u01<double>(words[1]) <= screen) {
        ++screened_[e];
        continue;
      }
      ranked.push_back(
          {col_.quality[id] + kExperienceScorePerYear * col_.pqe_weeks[id] / kWeeksPerYear,
           words[0], id});
    }
    const auto take = std::min<std::size_t>(ranked.size(), static_cast<std::size_t>(capacity));
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(take),
                      ranked.end(), [](const Ranked& a, const Ranked& b) {
                        if (a.score != b.score) return a.score > b.score;
                        if (a.tie != b.tie) return a.tie < b.tie;
                        return a.id < b.id;
                      });
    for (std::size_t k = 0; k < take; ++k) col_.accepted[ranked[k].id] = 1;
  });
}

// Phase 3: apply each practitioner's outcome and add its flows, stocks and
// costs to the block's accumulators.
void LabourMarket::apply(std::size_t block, std::size_t begin, std::size_t end) {
  const auto acc = partials_.row(block);
  const std::size_t global = authorities_.size() * kAccPerEmployer;
  auto at = [&](std::size_t e, Acc a) -> std::int64_t& { return acc[e * kAccPerEmployer + a]; };

  for (std::size_t i = begin; i < end; ++i) {
    const auto from = static_cast<Status>(col_.status[i]);
    const std::int16_t from_emp = col_.employer[i];
    Status to = from;
    std::int16_t to_emp = from_emp;
    switch (col_.leaving[i]) {
      case kExit:
        to = Status::exited, to_emp = kNoEmployer;
        col_.pending_weeks[i] = 0;  // a held post is given up
        break;
      case kBreak:
        to = Status::inactive, to_emp = kNoEmployer;
        col_.pending_weeks[i] = 0;
        break;
      case kPlacementEnd:
        if (!col_.accepted[i]) to = Status::inactive, to_emp = kNoEmployer;
        break;
      default:
        break;
    }
    // A fresh acceptance by someone in a post with a notice period starts the
    // notice instead of the move (released locums and due moves go now).
    const bool in_post = from == Status::permanent || from == Status::agency;
    if (col_.accepted[i] && in_post && col_.leaving[i] == kStay &&
        levers_[from_emp].notice_weeks > 0) {
      col_.accepted[i] = 0;
      col_.pending_target[i] = col_.application[i];
      col_.pending_weeks[i] = levers_[from_emp].notice_weeks;
    }
    if (col_.pending_weeks[i] > 0) {
      const int target = col_.pending_target[i];
      ++at(static_cast<std::size_t>(target / 2),
           target % 2 == kPermanentPost ? aPendingPerm : aPendingAgency);
    }
    if (col_.accepted[i]) {
      const int opening = col_.application[i];
      to = opening % 2 == kPermanentPost ? Status::permanent : Status::agency;
      to_emp = static_cast<std::int16_t>(opening / 2);
    }
    const bool changed = to != from || to_emp != from_emp;
    if (changed) {
      col_.status[i] = static_cast<std::uint8_t>(to);
      col_.employer[i] = to_emp;
      col_.tenure_weeks[i] = 0;
      if (from == Status::permanent) {
        col_.left_perm_weeks[i] = 0;
        col_.left_region[i] = region_of_[from_emp];
        ++at(from_emp, aLeavers);
        if (to == Status::permanent) ++at(from_emp, aMovesOut);
        if (to == Status::agency) ++at(from_emp, aPermToAgency);
      }
      if (to == Status::permanent) {
        ++at(to_emp, aStarters);
        at(to_emp, aIncentivePence) += hello_pence_[to_emp];
        if (from == Status::permanent) ++at(to_emp, aMovesIn);
        if (col_.headhunted[i]) {
          ++at(to_emp, aHeadhuntedIn);
          ++at(from_emp, aHeadhuntedOut);
          at(to_emp, aIncentivePence) += headhunt_premium_pence_;
        }
        if (from == Status::agency) ++at(to_emp, aAgencyToPerm);
      }
      if (from == Status::agency) ++at(from_emp, aAgencyEnds);
      if (to == Status::agency) ++at(to_emp, aAgencyStarts);
    }
    ++acc[global + static_cast<std::size_t>(to)];
    ++acc[global + kStatusCount + static_cast<std::size_t>(from) * kStatusCount +
          static_cast<std::size_t>(to)];

    if (to == Status::permanent) {
      // Incentives due this week: hello stages reached, retention past the tenure.
      const AuthorityLevers& lv = levers_[to_emp];
      const std::uint16_t tenure = col_.tenure_weeks[i];
      for (int k = 0; k < lv.hello_stages; ++k)
        if (lv.hello_weeks[k] == tenure)
          at(to_emp, aIncentivePence) += hello_stage_pence_[to_emp][k];
      if (retention_pence_[to_emp] > 0 && tenure >= lv.retention_min_tenure_weeks)
        at(to_emp, aIncentivePence) += retention_pence_[to_emp];
      ++at(to_emp, aPermanent);
      if (col_.pqe_weeks[i] < kWeeksPerYear) ++at(to_emp, aTrainee);
      at(to_emp, aTenureWeeks) += col_.tenure_weeks[i];
      at(to_emp, aStressMicro) += std::llround(col_.stress[i] * 1e6);
      at(to_emp, aPayPence) += perm_cost_pence_[to_emp * kRoleCount + col_.role[i]];
    } else if (to == Status::agency) {
      ++at(to_emp, aAgency);
      at(to_emp, aStressMicro) += std::llround(col_.stress[i] * 1e6);
      at(to_emp, aAgencyPence) += agency_charge_pence_[to_emp * kRoleCount + col_.role[i]];
      at(to_emp, aMarginPence) += agency_margin_pence_[to_emp * kRoleCount + col_.role[i]];
      at(to_emp, aMspPence) += agency_msp_pence_[to_emp * kRoleCount + col_.role[i]];
    }
  }
}

// Phase 4: per-authority state for next week and this week's series.
void LabourMarket::update_authorities() {
  const std::size_t E = authorities_.size();
  std::vector<std::int64_t> total(partials_.width());
  partials_.sum_into(total);
  const std::size_t global = E * kAccPerEmployer;
  for (int s = 0; s < kStatusCount; ++s) status_counts_[s] = total[global + s];
  for (int a = 0; a < kStatusCount; ++a)
    for (int b = 0; b < kStatusCount; ++b)
      transitions_[a][b] = total[global + kStatusCount + a * kStatusCount + b];

  const auto& ag = scenario_.agency;
  perm_cdf_.assign(E, 0.0);
  agency_cdf_.assign(E, 0.0);
  double perm_running = 0, agency_running = 0;
  for (std::size_t e = 0; e < E; ++e) {
    const std::int64_t* t = &total[e * kAccPerEmployer];
    auto& auth = authorities_[e];
    ledgers_[e].end_week(t[aStarters], t[aLeavers]);
    permanent_[e] = t[aPermanent];
    agency_[e] = t[aAgency];
    const std::int64_t workers = permanent_[e] + agency_[e];
    caseload_[e] = auth.cases / static_cast<double>(std::max<std::int64_t>(1, workers));
    const std::int64_t vacancies = auth.establishment - permanent_[e];
    const std::int64_t wanted =
        std::llround(auth.cover_ratio * static_cast<double>(ledgers_[e].long_open()));
    // Posts held for people serving notice elsewhere are not offered again.
    perm_capacity_[e] = std::max<std::int64_t>(0, vacancies - t[aPendingPerm]);
    agency_capacity_[e] = std::max<std::int64_t>(0, wanted - agency_[e] - t[aPendingAgency]);
    release_prob_[e] = agency_[e] > wanted ? ag.excess_release_rate_per_week *
                                                 static_cast<double>(agency_[e] - wanted) /
                                                 static_cast<double>(agency_[e])
                                           : 0.0;
    perm_running += static_cast<double>(perm_capacity_[e]);
    perm_cdf_[e] = perm_running;
    agency_running += static_cast<double>(agency_capacity_[e]);
    agency_cdf_[e] = agency_running;

    auto put = [&](Metric m, double v) { series_[static_cast<std::size_t>(m) * E + e] = v; };
    put(kPermanentFte, static_cast<double>(permanent_[e]));
    put(kAgencyFte, static_cast<double>(agency_[e]));
    put(kTraineeFte, static_cast<double>(t[aTrainee]));
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
    put(kMeanTenureWeeks, permanent_[e] > 0 ? static_cast<double>(t[aTenureWeeks]) /
                                                  static_cast<double>(permanent_[e])
                                            : 0.0);
    put(kPayCostGbp, static_cast<double>(t[aPayPence]) / 100.0);
    put(kAgencyCostGbp, static_cast<double>(t[aAgencyPence]) / 100.0);
    put(kAgencyMarginGbp, static_cast<double>(t[aMarginPence]) / 100.0);
    put(kMspFeeGbp, static_cast<double>(t[aMspPence]) / 100.0);
    put(kIncentiveCostGbp, static_cast<double>(t[aIncentivePence]) / 100.0);
    put(kPayIndex, pay_index_[e]);
    put(kHeadhuntedIn, static_cast<double>(t[aHeadhuntedIn]));
    put(kHeadhuntedOut, static_cast<double>(t[aHeadhuntedOut]));
    bool capped = false;
    for (double cap : levers_[e].agency_cap_gbp_per_hour) capped = capped || cap != kNoCap;
    put(kCapBreach, capped && breaching_[e] ? 1.0 : 0.0);
    put(kAgencyScreenedOut, screened_.empty() ? 0.0 : static_cast<double>(screened_[e]));
  }
}

}  // namespace pledgesim::models
