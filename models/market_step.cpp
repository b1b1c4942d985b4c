// The weekly step: choose (parallel), clear (per employer), apply (parallel),
// update authorities (serial, O(employers)).
#include <algorithm>
#include <chrono>
#include <cmath>
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
  for (auto& l : ledgers_) l.begin_week(week_);
  lap(phase_seconds_.events_and_prices);

  const std::size_t n = population_.size();
  const std::size_t blocks = sim::block_count(n, kBlockSize);
  block_applicants_.resize(blocks);
  sim::for_each_block(n, kBlockSize, [&](std::size_t b, std::size_t begin, std::size_t end) {
    block_applicants_[b].clear();
    choose(begin, end, block_applicants_[b]);
  });
  lap(phase_seconds_.choose);
  clear_market();
  lap(phase_seconds_.clear);
  partials_.reset(blocks, accumulator_width(authorities_.size()));
  if (record_events_) {
    block_events_.resize(blocks);
    for (auto& e : block_events_) e.clear();
  }
  sim::for_each_block(n, kBlockSize, [&](std::size_t b, std::size_t begin, std::size_t end) {
    apply(b, begin, end);
  });
  if (record_events_) gather_events();
  lap(phase_seconds_.apply);
  update_authorities();
  lap(phase_seconds_.authorities);
  ++week_;
}

// The agency rules in force at authority f: the experience minimum (DfE 2024)
// and the cooling-off period after leaving a permanent post in f's region.
// A permanent practitioner leaving this week counts as having just left.
bool LabourMarket::may_take_agency_work(std::size_t i, std::size_t f) const {
  const AuthorityLevers& lv = levers_[f];
  if (col_.pqe_weeks[i] < std::max(kAsyeWeeks, lv.agency_min_pqe_weeks)) return false;
  if (lv.cooling_off_weeks <= 0) return true;
  const bool leaving_now = holds_post(static_cast<Status>(col_.status[i]));
  const std::uint8_t region =
      leaving_now ? region_of_[static_cast<std::size_t>(col_.employer[i])] : col_.left_region[i];
  const std::int64_t weeks = leaving_now ? 0 : col_.left_perm_weeks[i];
  return region != region_of_[f] || weeks >= lv.cooling_off_weeks;
}

// Annual salary of a post at e for someone with this experience: the trainee
// rate in the ASYE year, else the scale of the role, reached earlier on a
// progression pathway.
double LabourMarket::post_pay_gbp(std::size_t e, std::uint16_t pqe_weeks) const {
  if (pqe_weeks < kAsyeWeeks) return trainee_pay_gbp_[e];
  return perm_pay_gbp_[e * kRoleCount + pay_role(e, pqe_weeks)];
}

std::uint8_t LabourMarket::pay_role(std::size_t e, std::uint16_t pqe_weeks) const {
  const int boosted = pqe_weeks + levers_[e].progression_weeks_earlier;
  return role_of(static_cast<std::uint16_t>(std::min(boosted, int{UINT16_MAX})), thresholds_);
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
  const auto retire_weeks = static_cast<std::uint16_t>(kMaxCareerYears * kWeeksPerYear);
  const double p_assignment_end = 1.0 / beh.agency_assignment_mean_weeks;
  const double mean_pay_w = beh.pay_weight_per_10k_gbp / 10000.0;
  const double p_headhunt = weekly_probability(beh.headhunting_rate_per_year);
  const double p_return = weekly_probability(beh.return_rate_per_year);
  const double premium_gbp = scenario_.pay.headhunting_premium_gbp * uplift_;
  const auto week = static_cast<std::uint64_t>(week_);
  // Working conditions at f as seen from home: caseload above the stress
  // threshold and the commute.
  auto conditions_cost = [&](std::size_t f, std::uint8_t home, double commute_w) {
    return beh.caseload_weight_per_case * (caseload_[f] - beh.caseload_stress_threshold) +
           commute_w * commute(home, f);
  };

  for (std::size_t i = begin; i < end; ++i) {
    const auto status = static_cast<Status>(col_.status[i]);
    col_.leaving[i] = kStay;
    col_.application[i] = kNoApplication;
    col_.accepted[i] = 0;
    if (col_.pending_weeks[i] == 0) col_.headhunted[i] = 0;  // kept while serving notice
    if (status == Status::exited) continue;
    if (col_.left_perm_weeks[i] < kNeverLeftPermanent) ++col_.left_perm_weeks[i];
    const bool employed = in_work(status);
    const std::int16_t emp = col_.employer[i];

    // Ageing, promotion by experience, stress.
    if (employed) {
      if (col_.pqe_weeks[i] < UINT16_MAX) ++col_.pqe_weeks[i];
      if (col_.tenure_weeks[i] < UINT16_MAX) ++col_.tenure_weeks[i];
    }
    col_.role[i] = role_of(col_.pqe_weeks[i], thresholds_);
    const double target =
        employed ? stress_target(caseload_[emp], beh.caseload_stress_threshold) : 0.0;
    const double stress =
        col_.stress[i] + beh.stress_adjust_rate_per_week * (target - col_.stress[i]);
    col_.stress[i] = static_cast<float>(stress);

    // Leaving the profession or taking a break.
    sim::AgentDraws leave(leave_rng_, week, i);
    const double stress_factor_exit = employed ? 1.0 + beh.stress_exit_sensitivity * stress : 1.0;
    const double exit_rate = beh.exit_rate_per_year * stress_factor_exit;
    const double break_rate = employed ? beh.inactive_rate_per_year * stress_factor_exit : 0.0;
    const double u = leave.uniform();
    if (col_.pqe_weeks[i] >= retire_weeks) {
      col_.leaving[i] = kExit;
      continue;
    }
    if (!surely_no_event(u, exit_rate + break_rate)) {
      const double p_exit = weekly_probability(exit_rate);
      const double p_break = employed ? weekly_probability(break_rate) : 0.0;
      if (u <= p_exit) {
        col_.leaving[i] = kExit;
        continue;
      }
      if (u <= p_exit + p_break) {
        col_.leaving[i] = kBreak;
        continue;
      }
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

    // Agency and bank work: an assignment coming to its end makes the worker
    // look around (renewal is the "stay" option); an authority with more
    // cover than it needs releases some, who must find work or become inactive.
    bool must_search = false;
    bool assignment_review = false;
    if (covers_vacancy(status)) {
      sim::AgentDraws release(release_rng_, week, i);
      if (release.uniform() <= release_prob_[static_cast<std::size_t>(emp)]) {
        col_.leaving[i] = kPlacementEnd;
        must_search = true;
      } else {
        assignment_review = release.uniform() <= p_assignment_end;
      }
    }

    // Search decision (a post holder's hazard halves with tenure, so the
    // hazard at tenure 0 bounds it).
    sim::AgentDraws search(search_rng_, week, i);
    const double u_search = search.uniform();
    bool searching;
    if (holds_post(status)) {
      const double rate = beh.search_rate_per_year * (1.0 + beh.stress_search_sensitivity * stress);
      searching = !surely_no_event(u_search, rate) &&
                  u_search <= weekly_probability(beh.search_rate_per_year *
                                                 std::exp2(-col_.tenure_weeks[i] /
                                                           beh.search_tenure_halving_weeks) *
                                                 (1.0 + beh.stress_search_sensitivity * stress));
    } else if (covers_vacancy(status)) {
      const double rate =
          beh.agency_search_rate_per_year * (1.0 + beh.stress_search_sensitivity * stress);
      searching = must_search || assignment_review ||
                  (!surely_no_event(u_search, rate) && u_search <= weekly_probability(rate));
    } else {
      searching =
          u_search <= (col_.pqe_weeks[i] == 0 ? beh.new_entrant_search_rate_per_week : p_return);
    }

    // A headhunting approach: an authority with vacancies offers a permanent
    // post and a premium, unless both it and the current employer are bound
    // by a no-poach agreement. Draws are taken whether or not it is allowed.
    const std::uint8_t home = col_.home_zone[i];
    const std::span<const double> perm_cdf = zone_cdf(perm_cdf_, home);
    int approach = -1;
    // (Draws 2 and 3 of the search stream: the same Philox block, no extra call.)
    if (status == Status::permanent && p_headhunt > 0) {
      const bool approached = search.uniform() <= p_headhunt;
      const double u_employer = search.uniform();
      const int f = approached ? sample(perm_cdf, u_employer) : -1;
      if (f >= 0 && f != emp &&
          !(levers_[static_cast<std::size_t>(f)].no_poach &&
            levers_[static_cast<std::size_t>(emp)].no_poach))
        approach = f;
    }
    if (!searching && approach < 0) continue;

    // Offers and a multinomial logit choice against staying put.
    const int role = col_.role[i];
    const std::uint16_t pqe = col_.pqe_weeks[i];
    const double taste = col_.agency_taste[i];
    // Personal weights: how much this practitioner cares about pay and commuting.
    const double pay_w = mean_pay_w * col_.pay_taste[i];
    const double commute_w = col_.commute_taste[i];
    const double bank_taste = beh.bank_flexibility_share * taste;
    sim::AgentDraws offers(offer_rng_, week, i), noise(choice_rng_, week, i);
    double stay;
    if (holds_post(status)) {
      const auto e = static_cast<std::size_t>(emp);
      const AuthorityLevers& lv = levers_[e];
      stay = pay_w *
                 (post_pay_gbp(e, pqe) + unpaid_stages_gbp(e, col_.tenure_weeks[i]) +
                  (col_.tenure_weeks[i] >= lv.retention_min_tenure_weeks ? lv.retention_gbp_per_year
                                                                         : 0.0)) -
             conditions_cost(e, home, commute_w);
    } else if (status == Status::agency && !must_search) {
      stay = pay_w * agency_pay_gbp_[emp * kRoleCount + role] + taste -
             conditions_cost(emp, home, commute_w);
    } else if (status == Status::bank && !must_search) {
      stay = pay_w * bank_pay_gbp_[emp * kRoleCount + role] + bank_taste -
             conditions_cost(emp, home, commute_w);
    } else {
      stay = pay_w * beh.outside_option_gbp_per_year * uplift_;
    }
    double best = stay + noise.gumbel();
    int best_opening = -1;
    bool best_is_approach = false;
    if (approach >= 0) {
      const auto f = static_cast<std::size_t>(approach);
      const double value =
          pay_w *
              (post_pay_gbp(f, pqe) + premium_gbp + hello_total_gbp_[f] + relocation_gbp(f, home)) -
          conditions_cost(f, home, commute_w) - beh.switching_cost + noise.gumbel();
      if (value > best)
        best = value, best_opening = kOpeningKinds * approach + kPermanentPost,
        best_is_approach = true;
    }
    const std::int64_t per_search[kOpeningKinds] = {searching ? beh.offers_per_search : 0,
                                                    searching ? beh.agency_offers_per_search : 0,
                                                    searching ? beh.agency_offers_per_search : 0};
    // Bank offers come last: where no authority runs a bank no draws are taken
    // for them, and earlier offers keep their random numbers. Every offer
    // takes the same draws whatever the levers (common random numbers).
    const std::size_t A = agency_margin_share_.size();
    for (int kind : {kPermanentPost, kAgencyPlacement, kBankShift}) {
      const std::span<const double> cdf = zone_cdf(kind == kPermanentPost     ? perm_cdf_
                                                   : kind == kAgencyPlacement ? agency_cdf_
                                                                              : bank_cdf_,
                                                   home);
      if (cdf.empty() || cdf.back() <= 0) continue;
      for (std::int64_t k = 0; k < per_search[kind]; ++k) {
        int f;
        std::uint8_t firm = 0;
        if (kind == kAgencyPlacement) {
          // An agency (by its share of offers) weighs a few openings and
          // offers the permitted one where it earns the largest margin.
          firm = static_cast<std::uint8_t>(std::min<std::size_t>(
              A - 1, static_cast<std::size_t>(
                         std::upper_bound(agency_offer_cdf_.begin(), agency_offer_cdf_.end(),
                                          offers.uniform() * agency_offer_cdf_.back()) -
                         agency_offer_cdf_.begin())));
          f = -1;
          std::int64_t best_margin = -1;
          for (std::int64_t c = 0; c < scenario_.agency.placement_candidates; ++c) {
            const int g = sample(cdf, offers.uniform());
            if (g < 0 || !may_take_agency_work(i, static_cast<std::size_t>(g))) continue;
            if (g == emp && status == Status::agency && !must_search) continue;
            const std::int64_t margin =
                agency_margin_pence_[(static_cast<std::size_t>(g) * kRoleCount + role) * A + firm];
            if (margin > best_margin) best_margin = margin, f = g;
          }
        } else {
          f = sample(cdf, offers.uniform());
        }
        const double eps = noise.gumbel();
        if (f < 0) continue;
        const auto fe = static_cast<std::size_t>(f);
        const bool same_post = f == emp && (kind == kPermanentPost     ? holds_post(status)
                                            : kind == kAgencyPlacement ? status == Status::agency
                                                                       : status == Status::bank);
        if (same_post && !must_search) continue;
        double value;
        if (kind == kPermanentPost) {
          value = pay_w * (post_pay_gbp(fe, pqe) + static_cast<double>(hello_pence_[fe]) / 100.0 +
                           hello_total_gbp_[fe] + relocation_gbp(fe, home));
        } else if (kind == kAgencyPlacement) {
          value = pay_w * agency_pay_gbp_[fe * kRoleCount + role] + taste;
        } else {
          if (pqe < kAsyeWeeks) continue;  // bank work after the ASYE year
          value = pay_w * bank_pay_gbp_[fe * kRoleCount + role] + bank_taste;
        }
        value -= conditions_cost(fe, home, commute_w);
        if (employed && f != emp) value -= beh.switching_cost;
        value += eps;
        if (value > best) {
          best = value, best_opening = kOpeningKinds * f + kind, best_is_approach = false;
          if (kind == kAgencyPlacement) col_.offer_agency[i] = firm;
        }
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
  const std::size_t openings = authorities_.size() * kOpeningKinds;
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
    const std::size_t e = opening / kOpeningKinds;
    const int kind = static_cast<int>(opening % kOpeningKinds);
    const std::int64_t capacity = kind == kPermanentPost     ? perm_capacity_[e]
                                  : kind == kAgencyPlacement ? agency_capacity_[e]
                                                             : bank_capacity_[e];
    if (capacity <= 0) return;
    struct Ranked {
      double score;
      std::uint64_t tie;
      std::uint32_t id;
    };
    // References: a locum below the quality threshold is turned away with
    // the screening probability (higher where references are shared).
    const double screen = levers_[e].reference_screen_share >= 0
                              ? levers_[e].reference_screen_share
                              : scenario_.agency.base_screen_share;
    // Posts: newly qualified applicants only up to the authority's free ASYE
    // places, and first in line while it is below its pipeline commitment.
    const bool nqsw_first = kind == kPermanentPost && asye_priority_[e];
    std::vector<Ranked> ranked;
    ranked.reserve(last - first);
    for (std::size_t k = first; k < last; ++k) {
      const std::uint32_t id = bucket_ids_[k];
      const auto words = tie_rng.words(week, id, 0);
      if (kind == kAgencyPlacement &&
          col_.quality[id] < scenario_.agency.reference_quality_threshold &&
          r123::u01<double>(words[1]) <= screen) {
        ++screened_[e];
        continue;
      }
      const bool nqsw = col_.pqe_weeks[id] < kAsyeWeeks;
      ranked.push_back({(nqsw_first && nqsw ? kPriorityScore : 0.0) + col_.quality[id] +
                            kExperienceScorePerYear * col_.pqe_weeks[id] / kWeeksPerYear,
                        words[0], id});
    }
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.tie != b.tie) return a.tie < b.tie;
      return a.id < b.id;
    });
    std::int64_t taken = 0, asye_left = kind == kPermanentPost ? asye_capacity_[e] : 0;
    for (const Ranked& r : ranked) {
      if (taken == capacity) break;
      if (kind == kPermanentPost && col_.pqe_weeks[r.id] < kAsyeWeeks) {
        if (asye_left == 0) continue;
        --asye_left;
      }
      col_.accepted[r.id] = 1;
      ++taken;
    }
  });
}

// Phase 3: apply each practitioner's outcome and add its flows, stocks and
// costs to the block's accumulators.
void LabourMarket::apply(std::size_t block, std::size_t begin, std::size_t end) {
  const auto acc = partials_.row(block);
  const std::size_t global = authorities_.size() * kAccPerEmployer;
  auto at = [&](std::size_t e, Acc a) -> std::int64_t& { return acc[e * kAccPerEmployer + a]; };
  static constexpr Acc kPendingAcc[kOpeningKinds] = {aPendingPerm, aPendingAgency, aPendingBank};

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
    // A fresh acceptance by someone in work where a notice period applies
    // starts the notice instead of the move (released locums and due moves go now).
    if (col_.accepted[i] && in_work(from) && col_.leaving[i] == kStay &&
        levers_[from_emp].notice_weeks > 0) {
      col_.accepted[i] = 0;
      col_.pending_target[i] = col_.application[i];
      col_.pending_weeks[i] = levers_[from_emp].notice_weeks;
    }
    if (col_.pending_weeks[i] > 0) {
      const int target = col_.pending_target[i];
      ++at(static_cast<std::size_t>(target / kOpeningKinds), kPendingAcc[target % kOpeningKinds]);
    }
    if (col_.accepted[i]) {
      const int opening = col_.application[i];
      const int kind = opening % kOpeningKinds;
      to = kind == kAgencyPlacement         ? Status::agency
           : kind == kBankShift             ? Status::bank
           : col_.pqe_weeks[i] < kAsyeWeeks ? Status::trainee
                                            : Status::permanent;
      to_emp = static_cast<std::int16_t>(opening / kOpeningKinds);
      if (kind == kAgencyPlacement) col_.agency_firm[i] = col_.offer_agency[i];
    } else if (to == Status::trainee && col_.pqe_weeks[i] >= kAsyeWeeks) {
      to = Status::permanent;  // the ASYE year is complete: same post, same tenure
    }
    // A post is left or taken when someone stops or starts holding one at an
    // employer; a trainee who completes the ASYE year keeps theirs.
    const bool same_post = holds_post(from) && holds_post(to) && from_emp == to_emp;
    const bool left_post = holds_post(from) && !same_post;
    const bool took_post = holds_post(to) && !same_post;
    const bool left_cover = covers_vacancy(from) && (to != from || to_emp != from_emp);
    const bool took_cover = covers_vacancy(to) && (to != from || to_emp != from_emp);
    if (to != from || to_emp != from_emp) {
      col_.status[i] = static_cast<std::uint8_t>(to);
      col_.employer[i] = to_emp;
      if (!same_post) col_.tenure_weeks[i] = 0;
      if (record_events_) note_event(block, i, from, to, from_emp, to_emp);
    }
    if (left_post) {
      col_.left_perm_weeks[i] = 0;
      col_.left_region[i] = region_of_[from_emp];
      ++at(from_emp, aLeavers);
      if (holds_post(to)) ++at(from_emp, aMovesOut);
      if (to == Status::agency) ++at(from_emp, aPermToAgency);
    }
    if (took_post) {
      ++at(to_emp, aStarters);
      at(to_emp, aIncentivePence) += hello_pence_[to_emp];
      at(to_emp, aRecruitPence) += recruitment_pence_;
      // Taking a post in another region means moving there (with any allowance).
      if (region_of_zone_[col_.home_zone[i]] != region_of_[to_emp]) {
        at(to_emp, aIncentivePence) += relocation_pence_[to_emp];
        col_.home_zone[i] = zone_of_[to_emp];
      }
      if (holds_post(from)) ++at(to_emp, aMovesIn);
      if (col_.headhunted[i]) {
        ++at(to_emp, aHeadhuntedIn);
        ++at(from_emp, aHeadhuntedOut);
        at(to_emp, aIncentivePence) += headhunt_premium_pence_;
      }
      if (from == Status::agency) ++at(to_emp, aAgencyToPerm);
    }
    if (left_cover && from == Status::agency) ++at(from_emp, aAgencyEnds);
    if (took_cover && to == Status::agency) ++at(to_emp, aAgencyStarts);
    ++acc[global + static_cast<std::size_t>(to)];
    ++acc[global + kStatusCount + static_cast<std::size_t>(from) * kStatusCount +
          static_cast<std::size_t>(to)];

    if (holds_post(to)) {
      const auto e = static_cast<std::size_t>(to_emp);
      const AuthorityLevers& lv = levers_[e];
      const std::uint16_t tenure = col_.tenure_weeks[i];
      // Incentives due this week: hello stages reached, retention past the tenure.
      for (int k = 0; k < lv.hello_stages; ++k)
        if (lv.hello_weeks[k] == tenure) at(e, aIncentivePence) += hello_stage_pence_[e][k];
      if (retention_pence_[e] > 0 && tenure >= lv.retention_min_tenure_weeks)
        at(e, aIncentivePence) += retention_pence_[e];
      ++at(e, aPermanent);
      at(e, aTenureWeeks) += tenure;
      at(e, aStressMicro) += stress_micro(col_.stress[i]);
      if (to == Status::trainee) {
        ++at(e, aTrainee);
        at(e, aPayPence) += trainee_cost_pence_[e];
      } else {
        // Scale pay of the role; a progression pathway's uplift is an incentive.
        const std::size_t scale = e * kRoleCount + col_.role[i];
        const std::size_t paid = e * kRoleCount + pay_role(e, col_.pqe_weeks[i]);
        at(e, aPayPence) += perm_cost_pence_[scale];
        at(e, aIncentivePence) += perm_cost_pence_[paid] - perm_cost_pence_[scale];
      }
    } else if (to == Status::agency) {
      const std::size_t k = (static_cast<std::size_t>(to_emp) * kRoleCount + col_.role[i]) *
                                agency_margin_share_.size() +
                            col_.agency_firm[i];
      ++at(to_emp, aAgency);
      at(to_emp, aStressMicro) += stress_micro(col_.stress[i]);
      at(to_emp, aAgencyPence) += agency_charge_pence_[k];
      at(to_emp, aMarginPence) += agency_margin_pence_[k];
      at(to_emp, aMspPence) += agency_msp_pence_[k];
    } else if (to == Status::bank) {
      ++at(to_emp, aBank);
      at(to_emp, aStressMicro) += stress_micro(col_.stress[i]);
      at(to_emp, aBankPence) +=
          bank_cost_pence_[static_cast<std::size_t>(to_emp) * kRoleCount + col_.role[i]];
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

  for (std::size_t e = 0; e < E; ++e) {
    const std::int64_t* t = &total[e * kAccPerEmployer];
    auto& auth = authorities_[e];
    ledgers_[e].end_week(t[aStarters], t[aLeavers]);
    permanent_[e] = t[aPermanent];
    agency_[e] = t[aAgency];
    bank_[e] = t[aBank];
    const std::int64_t cover = agency_[e] + bank_[e];
    const std::int64_t workers = permanent_[e] + cover;
    caseload_[e] = auth.cases / static_cast<double>(std::max<std::int64_t>(1, workers));
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
    asye_priority_[e] =
        static_cast<double>(t[aTrainee]) < levers_[e].asye_min_share * establishment;

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
    put(kMeanTenureWeeks, permanent_[e] > 0 ? static_cast<double>(t[aTenureWeeks]) /
                                                  static_cast<double>(permanent_[e])
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
  build_offer_cdfs();
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
}

}  // namespace pledgesim::models
