// The weekly step: choose (parallel), clear (per employer), apply (parallel),
// update authorities (serial, O(employers)).
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

// Phase 1 (choose): the rules each practitioner follows in a week, in the
// order choose() applies them. Each rule draws from its own random stream
// (Purpose in models/market_detail.hpp), so a change in one rule's draws never
// shifts another's; each function says which draws it takes.

// This week's constants of the practitioners' rules, from the scenario.
struct LabourMarket::WeekRules {
  std::uint64_t week;
  std::uint16_t retire_weeks;
  double p_assignment_end;  // weekly chance that an agency or bank assignment comes up for renewal
  double mean_pay_w;        // utility per GBP of annual pay
  double p_headhunt, p_return;
  double premium_gbp;  // headhunting premium at this week's prices
  // Stress at or below which a week without a candidate surely has no event
  // (quiet_stress): leaving from work and out of it, a post holder's and a
  // locum's search.
  double quiet_leave_in_work, quiet_leave_out_of_work, quiet_search_post, quiet_search_locum;
};

LabourMarket::WeekRules LabourMarket::week_rules() const {
  const auto& beh = scenario_.behaviour;
  return {.week = static_cast<std::uint64_t>(week_),
          .retire_weeks = static_cast<std::uint16_t>(kMaxCareerYears * kWeeksPerYear),
          .p_assignment_end = 1.0 / beh.agency_assignment_mean_weeks,
          .mean_pay_w = beh.pay_weight_per_10k_gbp / 10000.0,
          .p_headhunt = weekly_probability(beh.headhunting_rate_per_year),
          .p_return = weekly_probability(beh.return_rate_per_year),
          .premium_gbp = scenario_.pay.headhunting_premium_gbp * uplift_,
          .quiet_leave_in_work = quiet_stress(beh.exit_rate_per_year + beh.inactive_rate_per_year,
                                              beh.stress_exit_sensitivity, kLeaveBound),
          .quiet_leave_out_of_work = quiet_stress(beh.exit_rate_per_year, 0.0, kLeaveBound),
          .quiet_search_post =
              quiet_stress(beh.search_rate_per_year, beh.stress_search_sensitivity, kSearchBound),
          .quiet_search_locum = quiet_stress(beh.agency_search_rate_per_year,
                                             beh.stress_search_sensitivity, kSearchBound)};
}

// Who is choosing, read from the columns once a practitioner looks at offers.
struct LabourMarket::Chooser {
  std::size_t i;
  Status status;
  std::int16_t emp;
  bool employed;
  bool must_search;  // released from an agency or bank assignment: staying is not an option
  std::uint8_t home;
  int role;
  std::uint16_t pqe;
  double taste, bank_taste;  // taste for agency work, and the bank's share of it
  double pay_w, commute_w;   // personal weights of pay and commuting
};

// Whether a released locum must search, or an assignment is up for renewal.
struct LabourMarket::AssignmentEnd {
  bool must_search = false;
  bool review = false;
};

// The best option of the logit choice: an opening (employer * kOpeningKinds
// + kind), or -1 to stay put.
struct LabourMarket::Choice {
  int opening = -1;
  bool approach = false;  // the headhunting approach won
};

// A candidate week of a thinned hazard (sim::ThinnedProcess): whether this
// week is one, its uniform and an extra uniform (lanes 0 and 2 of its block).
struct LabourMarket::Candidate {
  bool due = false;
  double u = 1.0, extra = 1.0;
};

// The first candidate week of each thinned hazard of practitioner i, who
// joins the market this week: from lane 3 of this week's block. Candidate
// weeks depend on nothing but the seed, the practitioner and the week they
// joined, so every scenario run with the seed shares them.
void LabourMarket::start_candidates(std::size_t i) {
  const auto week = static_cast<std::uint64_t>(week_);
  auto first = [&](const sim::RandomStreams& rng, const sim::ThinnedProcess& process) {
    const std::uint64_t gap = process.gap(sim::u01(rng.words(week, i, 0)[3]));
    return static_cast<std::uint16_t>(std::min<std::uint64_t>(kNoWeek, week + gap - 1));
  };
  col_.next_leave[i] = first(leave_rng_, leave_process_);
  col_.next_search[i] = first(search_rng_, search_process_);
  col_.next_approach[i] = first(approach_rng_, approach_process_);
}

// This week's candidate of one hazard: when due, its uniforms and the next
// candidate week (lane 1). Taken every week whatever the practitioner does,
// so the sequence never depends on the scenario.
inline LabourMarket::Candidate LabourMarket::candidate_week(std::span<std::uint16_t> next,
                                                            std::size_t i,
                                                            const sim::RandomStreams& rng,
                                                            const sim::ThinnedProcess& process,
                                                            std::uint64_t week) const {
  if (next[i] != week) return {};
  const auto words = rng.words(week, i, 0);
  next[i] = static_cast<std::uint16_t>(
      std::min<std::uint64_t>(kNoWeek, week + process.gap(sim::u01(words[1]))));
  return {.due = true, .u = sim::u01(words[0]), .extra = sim::u01(words[2])};
}

// Stress moves towards the level the employer's caseload sets, at
// behaviour.stress_adjust_rate_per_week, with caseloads above
// behaviour.caseload_stress_threshold (per practitioner: the authorities'
// caseload) stressful; out of work, towards 0. For everyone at one employer
// that is one filter of its targets: the filter's value plus the person's
// offset from it, decayed since they came (stress_now()). Run once a week
// before the practitioners' pass.
void LabourMarket::update_stress_filters() {
  const double a = scenario_.behaviour.stress_adjust_rate_per_week;
  for (std::size_t e = 0; e < authorities_.size(); ++e)
    stress_filter_[e] += a * (stress_target_[e] - stress_filter_[e]);
  stress_filter_.back() -= a * stress_filter_.back();  // target 0 (stays 0)
  stress_updates_ = static_cast<std::size_t>(week_) + 1;
}

// Ageing: experience and tenure grow while in work and the role follows
// experience (pay.role_min_pqe_years).
inline void LabourMarket::age(std::size_t i, bool employed) {
  if (employed) {
    if (col_.pqe_weeks[i] < UINT16_MAX) ++col_.pqe_weeks[i];
    if (col_.tenure_weeks[i] < UINT16_MAX) ++col_.tenure_weeks[i];
  }
  col_.role[i] = role_of(col_.pqe_weeks[i], thresholds_);
}

// Leaving: retirement after kMaxCareerYears of experience, else leaving the
// profession (behaviour.exit_rate_per_year) or, from work, a career break
// (behaviour.inactive_rate_per_year), both raised by stress
// (behaviour.stress_exit_sensitivity). Thinned at kLeaveBound: a candidate
// week of the leave stream, or the leave-excess stream in a week whose
// probability exceeds the bound. Returns kStay, kExit or kBreak (Leaving).
inline std::uint8_t LabourMarket::leaving_decision(std::size_t i, bool employed, double stress,
                                                   const Candidate& leave,
                                                   const WeekRules& w) const {
  if (col_.pqe_weeks[i] >= w.retire_weeks) return kExit;
  if (!leave.due && stress <= (employed ? w.quiet_leave_in_work : w.quiet_leave_out_of_work))
    return kStay;
  const auto& beh = scenario_.behaviour;
  const double stress_factor_exit = employed ? 1.0 + beh.stress_exit_sensitivity * stress : 1.0;
  const double exit_rate = beh.exit_rate_per_year * stress_factor_exit;
  const double break_rate = employed ? beh.inactive_rate_per_year * stress_factor_exit : 0.0;
  const double p_exit = weekly_probability(exit_rate);
  const double p_break = employed ? weekly_probability(break_rate) : 0.0;
  const double x = leave_process_.point(leave.due, leave.u, p_exit + p_break, [&] {
    return sim::u01(leave_excess_rng_.words(w.week, i, 0)[0]);
  });
  if (x <= p_exit) return kExit;
  if (x <= p_exit + p_break) return kBreak;
  return kStay;
}

// Notice: someone who accepted a post while working where a notice_period
// lever applies serves it without searching; the post held for them is
// taken when it runs out. Returns whether i is serving notice this week.
inline bool LabourMarket::serve_notice(std::size_t i) {
  if (col_.pending_weeks[i] == 0) return false;
  if (--col_.pending_weeks[i] == 0) {
    col_.application[i] = col_.pending_target[i];
    col_.accepted[i] = 1;
    col_.leaving[i] = kMoveDue;
  }
  return true;
}

// The end of an agency or bank assignment (for a locum or bank worker). An
// authority with more cover than it wants releases some (agency.excess_release_rate_per_week), who
// must find work or become inactive; otherwise the assignment comes to its end with mean length
// behaviour.agency_assignment_mean_weeks and the worker looks around (renewal is the "stay"
// option). Draws: one from the release stream, a second when not released.
inline LabourMarket::AssignmentEnd LabourMarket::assignment_end(std::size_t i, std::int16_t emp,
                                                                sim::AgentDraws& release,
                                                                const WeekRules& w) {
  AssignmentEnd end;
  if (release.uniform() <= release_prob_[static_cast<std::size_t>(emp)]) {
    col_.leaving[i] = kPlacementEnd;
    end.must_search = true;
  } else {
    end.review = release.uniform() <= w.p_assignment_end;
  }
  return end;
}

// Search: a post holder searches at behaviour.search_rate_per_year, halving
// every behaviour.search_tenure_halving_weeks of tenure (so the hazard at
// tenure 0 bounds it); a locum at behaviour.agency_search_rate_per_year, and
// always when released or up for renewal; both raised by stress
// (behaviour.stress_search_sensitivity). Someone out of work looks for work
// at behaviour.new_entrant_search_rate_per_week when newly qualified, else
// returns at behaviour.return_rate_per_year. Thinned at kSearchBound (the
// search stream's candidate weeks, and the search-excess stream).
inline bool LabourMarket::decides_to_search(std::size_t i, Status status, double stress,
                                            const Candidate& search, AssignmentEnd end,
                                            const WeekRules& w) const {
  const auto& beh = scenario_.behaviour;
  const double stress_factor = 1.0 + beh.stress_search_sensitivity * stress;
  double p;
  if (holds_post(status)) {
    if (!search.due && stress <= w.quiet_search_post) return false;
    p = weekly_probability(beh.search_rate_per_year *
                           std::exp2(-col_.tenure_weeks[i] / beh.search_tenure_halving_weeks) *
                           stress_factor);
  } else if (covers_vacancy(status)) {
    if (end.must_search || end.review) return true;
    if (!search.due && stress <= w.quiet_search_locum) return false;
    const double rate = beh.agency_search_rate_per_year * stress_factor;
    p = weekly_probability(rate);
  } else {
    p = std::min(1.0, col_.pqe_weeks[i] == 0 ? beh.new_entrant_search_rate_per_week : w.p_return);
  }
  return search_process_.point(search.due, search.u, p, [&] {
    return sim::u01(search_excess_rng_.words(w.week, i, 0)[0]);
  }) <= p;
}

// Headhunting: at behaviour.headhunting_rate_per_year an authority with
// vacancies (drawn as a permanent offer would be) approaches a permanent
// worker with a post and pay.headhunting_premium_gbp, unless both it and the
// current employer are bound by a no_poach lever. Thinned at kApproachBound
// (the approach stream's candidate weeks, whose extra uniform picks the
// authority, and the approach-excess stream, lanes 0 and 1). Returns the
// approaching authority, or -1.
inline int LabourMarket::headhunting_approach(std::size_t i, Status status, std::int16_t emp,
                                              ZoneOffers posts, const Candidate& approach,
                                              const WeekRules& w) const {
  if (status != Status::permanent || !(w.p_headhunt > 0)) return -1;
  if (!approach.due && w.p_headhunt <= kApproachBound) return -1;
  double u_employer = approach.extra;
  const double x = approach_process_.point(approach.due, approach.u, w.p_headhunt, [&] {
    const auto words = approach_excess_rng_.words(w.week, i, 0);
    u_employer = sim::u01(words[1]);
    return sim::u01(words[0]);
  });
  const int f = x <= w.p_headhunt ? posts.sample(u_employer) : -1;
  if (f >= 0 && f != emp &&
      !(levers_[static_cast<std::size_t>(f)].no_poach &&
        levers_[static_cast<std::size_t>(emp)].no_poach))
    return f;
  return -1;
}

// Working conditions at f as seen from home: caseload above the stress
// threshold (behaviour.caseload_weight_per_case,
// behaviour.caseload_stress_threshold) and the commute
// (behaviour.commute_cost_other_subregion / _other_region, weighted by the
// person's commute taste).
inline double LabourMarket::conditions_cost(std::size_t f, std::uint8_t home,
                                            double commute_w) const {
  const auto& beh = scenario_.behaviour;
  return beh.caseload_weight_per_case * (caseload_[f] - beh.caseload_stress_threshold) +
         commute_w * commute(home, f);
}

// Value of staying put (without noise): the current post with its unpaid
// golden hello stages and retention payment (staged_golden_hello,
// retention_payment levers), the current agency or bank work with the
// person's taste for it (behaviour.bank_flexibility_share of it for bank
// work), or, out of work or released, behaviour.outside_option_gbp_per_year.
inline double LabourMarket::stay_value(const Chooser& c) const {
  const auto& beh = scenario_.behaviour;
  if (holds_post(c.status)) {
    const auto e = static_cast<std::size_t>(c.emp);
    const AuthorityLevers& lv = levers_[e];
    const std::uint16_t tenure = col_.tenure_weeks[c.i];
    return c.pay_w * (post_pay_gbp(e, c.pqe) + unpaid_stages_gbp(e, tenure) +
                      (tenure >= lv.retention_min_tenure_weeks ? lv.retention_gbp_per_year : 0.0)) -
           conditions_cost(e, c.home, c.commute_w);
  }
  if (c.status == Status::agency && !c.must_search)
    return c.pay_w * agency_pay_gbp_[c.emp * kRoleCount + c.role] + c.taste -
           conditions_cost(c.emp, c.home, c.commute_w);
  if (c.status == Status::bank && !c.must_search)
    return c.pay_w * bank_pay_gbp_[c.emp * kRoleCount + c.role] + c.bank_taste -
           conditions_cost(c.emp, c.home, c.commute_w);
  return c.pay_w * beh.outside_option_gbp_per_year * uplift_;
}

// Value of a headhunting approach by f (without noise): the post's pay, the
// premium, f's golden hello and any relocation allowance, less its conditions
// and behaviour.switching_cost.
inline double LabourMarket::approach_value(const Chooser& c, std::size_t f,
                                           const WeekRules& w) const {
  return c.pay_w * (post_pay_gbp(f, c.pqe) + w.premium_gbp + hello_total_gbp_[f] +
                    relocation_gbp(f, c.home)) -
         conditions_cost(f, c.home, c.commute_w) - scenario_.behaviour.switching_cost;
}

// Offers: an opening of this kind, sampled from the openings heard of from
// home (capacity x reach). An agency placement comes from an agency drawn by
// its offer_share (agencies table), which weighs agency.placement_candidates
// openings and offers the permitted one (agency_min_experience, cooling_off
// levers) with the largest margin. Draws from the offer stream: one per
// permanent or bank offer; 1 + placement_candidates per agency offer.
// Returns -1 when nothing permitted was found.
inline int LabourMarket::sample_offer(int kind, ZoneOffers openings, const Chooser& c,
                                      sim::AgentDraws& offers, std::uint8_t& firm) const {
  if (kind != kAgencyPlacement) return openings.sample(offers.uniform());
  const std::size_t A = agency_margin_share_.size();
  firm = static_cast<std::uint8_t>(std::min<std::size_t>(
      A - 1,
      static_cast<std::size_t>(std::upper_bound(agency_offer_cdf_.begin(), agency_offer_cdf_.end(),
                                                offers.uniform() * agency_offer_cdf_.back()) -
                               agency_offer_cdf_.begin())));
  int f = -1;
  std::int64_t best_margin = -1;
  for (std::int64_t k = 0; k < scenario_.agency.placement_candidates; ++k) {
    const int g = openings.sample(offers.uniform());
    if (g < 0 || !may_take_agency_work(c.i, static_cast<std::size_t>(g))) continue;
    if (g == c.emp && c.status == Status::agency && !c.must_search) continue;
    const std::int64_t margin =
        agency_margin_pence_[(static_cast<std::size_t>(g) * kRoleCount + c.role) * A + firm];
    if (margin > best_margin) best_margin = margin, f = g;
  }
  return f;
}

// Value of an offer of this kind at f (without noise), or NaN when it is not
// open to c: a post (pay, golden hello, staged hellos, relocation allowance),
// an agency placement (locum pay and taste) or bank work (bank pay and the
// bank's share of the taste; only after the ASYE year); less the conditions
// at f and, for someone changing employer, behaviour.switching_cost.
inline double LabourMarket::offer_value(int kind, std::size_t f, const Chooser& c) const {
  double value;
  if (kind == kPermanentPost) {
    value = c.pay_w * (post_pay_gbp(f, c.pqe) + static_cast<double>(hello_pence_[f]) / 100.0 +
                       hello_total_gbp_[f] + relocation_gbp(f, c.home));
  } else if (kind == kAgencyPlacement) {
    value = c.pay_w * agency_pay_gbp_[f * kRoleCount + c.role] + c.taste;
  } else {
    if (c.pqe < kAsyeWeeks) return std::numeric_limits<double>::quiet_NaN();
    value = c.pay_w * bank_pay_gbp_[f * kRoleCount + c.role] + c.bank_taste;
  }
  value -= conditions_cost(f, c.home, c.commute_w);
  if (c.employed && static_cast<int>(f) != c.emp) value -= scenario_.behaviour.switching_cost;
  return value;
}

// The logit choice: staying put, the headhunting approach and every offer
// each get a Gumbel noise term (choice stream) and the best value wins
// (multinomial logit). A searcher hears of behaviour.offers_per_search posts
// and behaviour.agency_offers_per_search agency placements and bank shifts.
// Bank offers come last: where no authority runs a bank no draws are taken
// for them, and earlier offers keep their random numbers. Every offer takes
// the same draws whatever the levers (common random numbers).
inline LabourMarket::Choice LabourMarket::logit_choice(const Chooser& c, int approach,
                                                       bool searching, sim::AgentDraws& offers,
                                                       sim::AgentDraws& noise, const WeekRules& w) {
  const auto& beh = scenario_.behaviour;
  Choice best_choice;
  double best = stay_value(c) + noise.gumbel();
  if (approach >= 0) {
    const double value = approach_value(c, static_cast<std::size_t>(approach), w) + noise.gumbel();
    if (value > best) {
      best = value;
      best_choice = {.opening = kOpeningKinds * approach + kPermanentPost, .approach = true};
    }
  }
  const std::int64_t per_search[kOpeningKinds] = {searching ? beh.offers_per_search : 0,
                                                  searching ? beh.agency_offers_per_search : 0,
                                                  searching ? beh.agency_offers_per_search : 0};
  for (int kind : {kPermanentPost, kAgencyPlacement, kBankShift}) {
    const ZoneOffers openings = zone_offers(kind, c.home);
    if (!openings.any()) continue;
    for (std::int64_t k = 0; k < per_search[kind]; ++k) {
      std::uint8_t firm = 0;
      const int f = sample_offer(kind, openings, c, offers, firm);
      const double eps = noise.gumbel();
      if (f < 0) continue;
      const bool same_post = f == c.emp && (kind == kPermanentPost     ? holds_post(c.status)
                                            : kind == kAgencyPlacement ? c.status == Status::agency
                                                                       : c.status == Status::bank);
      if (same_post && !c.must_search) continue;
      const double value = offer_value(kind, static_cast<std::size_t>(f), c);
      if (std::isnan(value)) continue;
      if (value + eps > best) {
        best = value + eps;
        best_choice = {.opening = kOpeningKinds * f + kind, .approach = false};
        if (kind == kAgencyPlacement) col_.offer_agency[c.i] = firm;
      }
    }
  }
  return best_choice;
}

// One practitioner's change this week: status and employer before and after.
struct LabourMarket::Move {
  Status from, to;
  std::int16_t from_emp, to_emp;
  bool relocated = false;  // took a post in another region and moved there

  bool changed() const { return to != from || to_emp != from_emp; }
  // A post is left or taken when someone stops or starts holding one at an
  // employer; a trainee who completes the ASYE year keeps theirs.
  bool same_post() const { return holds_post(from) && holds_post(to) && from_emp == to_emp; }
  bool left_post() const { return holds_post(from) && !same_post(); }
  bool took_post() const { return holds_post(to) && !same_post(); }
};

// One block's row of accumulators: per-employer sums (Acc), then the
// population's status counts and status transitions.
struct LabourMarket::Tally {
  std::span<std::int64_t> row;
  std::size_t global;  // the first whole-population slot

  std::int64_t& at(std::size_t e, Acc a) const { return row[e * kAccPerEmployer + a]; }
};

// Each active practitioner (positions begin..end of the active list) ages,
// may leave, may search and apply. Writes only its own slots, reads last
// week's authority state. Someone to whom nothing happens this week (no
// leaving, application, notice or end of the ASYE year) is counted into
// the week's stocks and costs here, so that apply() need only visit the
// `movers`; the scratch columns of everyone else keep their defaults.
void LabourMarket::choose(std::size_t begin, std::size_t end,
                          std::vector<std::uint32_t>& applicants,
                          std::vector<std::uint32_t>& movers) {
  const WeekRules w = week_rules();
  const Tally tally{.row = partials_.row(), .global = authorities_.size() * kAccPerEmployer};
  for (std::size_t k = begin; k < end; ++k) {
    const std::size_t i = active_[k];
    const auto status = static_cast<Status>(col_.status[i]);
    if (col_.left_perm_weeks[i] < kNeverLeftPermanent) ++col_.left_perm_weeks[i];
    const bool employed = in_work(status);
    const std::int16_t emp = col_.employer[i];

    age(i, employed);
    const double stress = stress_now(i, stress_slot(status, emp));
    // Every candidate week due is taken, whatever happens after.
    const Candidate leave = candidate_week(col_.next_leave, i, leave_rng_, leave_process_, w.week);
    const Candidate search =
        candidate_week(col_.next_search, i, search_rng_, search_process_, w.week);
    const Candidate approach =
        candidate_week(col_.next_approach, i, approach_rng_, approach_process_, w.week);
    // The week ends quietly, or with a move for apply() to carry out.
    auto done = [&](bool moving) {
      moving = moving || (status == Status::trainee && col_.pqe_weeks[i] >= kAsyeWeeks);
      if (moving) {
        movers.push_back(static_cast<std::uint32_t>(i));
      } else {
        const Move stay{.from = status, .to = status, .from_emp = emp, .to_emp = emp};
        count_stocks_and_flows(tally, i, stay, stress);
        add_costs(tally, i, stay);
      }
    };

    // (A local first: a byte store may alias anything, so store only on leaving.)
    if (const std::uint8_t leaving = leaving_decision(i, employed, stress, leave, w);
        leaving != kStay) {
      col_.leaving[i] = leaving;
      done(true);
      continue;
    }

    if (serve_notice(i)) {
      done(true);
      continue;
    }

    AssignmentEnd assignment;
    if (covers_vacancy(status)) {
      sim::AgentDraws release(release_rng_, w.week, i);
      assignment = assignment_end(i, emp, release, w);
    }

    const bool searching = decides_to_search(i, status, stress, search, assignment, w);
    const std::uint8_t home = col_.home_zone[i];
    const int approacher =
        headhunting_approach(i, status, emp, zone_offers(kPermanentPost, home), approach, w);
    if (!searching && approacher < 0) {
      done(assignment.must_search);
      continue;
    }

    const double taste = col_.agency_taste[i];
    const Chooser c{.i = i,
                    .status = status,
                    .emp = emp,
                    .employed = employed,
                    .must_search = assignment.must_search,
                    .home = home,
                    .role = col_.role[i],
                    .pqe = col_.pqe_weeks[i],
                    .taste = taste,
                    .bank_taste = scenario_.behaviour.bank_flexibility_share * taste,
                    .pay_w = w.mean_pay_w * col_.pay_taste[i],
                    .commute_w = col_.commute_taste[i]};
    sim::AgentDraws offers(offer_rng_, w.week, i), noise(choice_rng_, w.week, i);
    const Choice choice = logit_choice(c, approacher, searching, offers, noise, w);
    if (choice.opening >= 0) {
      col_.application[i] = static_cast<std::int16_t>(choice.opening);
      col_.headhunted[i] = choice.approach ? 1 : 0;
      applicants.push_back(static_cast<std::uint32_t>(i));
    }
    done(choice.opening >= 0 || assignment.must_search);
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
  bucket_fill_.assign(bucket_start_.begin(), bucket_start_.end() - 1);
  for (const auto& list : block_applicants_)
    for (std::uint32_t id : list)
      bucket_ids_[bucket_fill_[static_cast<std::size_t>(col_.application[id])]++] = id;
  ranked_.resize(bucket_ids_.size());  // each opening ranks in its own range

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
    // References: a locum below the quality threshold is turned away with
    // the screening probability (higher where references are shared).
    const double screen = levers_[e].reference_screen_share >= 0
                              ? levers_[e].reference_screen_share
                              : scenario_.agency.base_screen_share;
    // Posts: newly qualified applicants only up to the authority's free ASYE
    // places, and first in line while it is below its pipeline commitment.
    const bool nqsw_first = kind == kPermanentPost && asye_priority_[e];
    Ranked* const ranked = ranked_.data() + first;
    std::size_t candidates = 0;
    for (std::size_t k = first; k < last; ++k) {
      const std::uint32_t id = bucket_ids_[k];
      const auto words = tie_rng.words(week, id, 0);
      if (kind == kAgencyPlacement &&
          col_.quality[id] < scenario_.agency.reference_quality_threshold &&
          sim::u01(words[1]) <= screen) {
        ++screened_[e];
        continue;
      }
      const bool nqsw = col_.pqe_weeks[id] < kAsyeWeeks;
      ranked[candidates++] = {(nqsw_first && nqsw ? kPriorityScore : 0.0) + col_.quality[id] +
                                  kExperienceScorePerYear * col_.pqe_weeks[id] / kWeeksPerYear,
                              words[0], id};
    }
    std::sort(ranked, ranked + candidates, [](const Ranked& a, const Ranked& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.tie != b.tie) return a.tie < b.tie;
      return a.id < b.id;
    });
    std::int64_t taken = 0, asye_left = kind == kPermanentPost ? asye_capacity_[e] : 0;
    for (const Ranked& r : std::span(ranked, candidates)) {
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

// Phase 3 (apply): each practitioner's outcome, in three rules: the move,
// the stocks and flows it adds to, and the costs it incurs.

// Moves: what this week's decisions and the market's acceptances make of a
// practitioner's status and employer. Leaving the profession or a break
// gives up any post held during a notice period; a released locum with no
// new work becomes inactive; a fresh acceptance by someone in work where a
// notice_period lever applies starts the notice instead of the move
// (released locums and due moves go now); a trainee becomes permanent in the
// same post after the ASYE year.
inline LabourMarket::Move LabourMarket::decide_move(std::size_t i) {
  Move m{.from = static_cast<Status>(col_.status[i]),
         .to = static_cast<Status>(col_.status[i]),
         .from_emp = col_.employer[i],
         .to_emp = col_.employer[i]};
  switch (col_.leaving[i]) {
    case kExit:
      m.to = Status::exited, m.to_emp = kNoEmployer;
      col_.pending_weeks[i] = 0;  // a held post is given up
      break;
    case kBreak:
      m.to = Status::inactive, m.to_emp = kNoEmployer;
      col_.pending_weeks[i] = 0;
      break;
    case kPlacementEnd:
      if (!col_.accepted[i]) m.to = Status::inactive, m.to_emp = kNoEmployer;
      break;
    default:
      break;
  }
  if (col_.accepted[i] && in_work(m.from) && col_.leaving[i] == kStay &&
      levers_[m.from_emp].notice_weeks > 0) {
    col_.accepted[i] = 0;
    col_.pending_target[i] = col_.application[i];
    col_.pending_weeks[i] = levers_[m.from_emp].notice_weeks;
  }
  if (col_.accepted[i]) {
    const int opening = col_.application[i];
    const int kind = opening % kOpeningKinds;
    m.to = kind == kAgencyPlacement         ? Status::agency
           : kind == kBankShift             ? Status::bank
           : col_.pqe_weeks[i] < kAsyeWeeks ? Status::trainee
                                            : Status::permanent;
    m.to_emp = static_cast<std::int16_t>(opening / kOpeningKinds);
    if (kind == kAgencyPlacement) col_.agency_firm[i] = col_.offer_agency[i];
  } else if (m.to == Status::trainee && col_.pqe_weeks[i] >= kAsyeWeeks) {
    m.to = Status::permanent;  // the ASYE year is complete: same post, same tenure
  }
  return m;
}

// The move in the columns: status, employer, tenure (reset with a new post or
// assignment), the event when recording, the region of a post left (for the
// cooling_off lever), and the new home of someone taking a post in another
// region (sets m.relocated).
inline void LabourMarket::carry_out_move(std::size_t block, std::size_t i, Move& m) {
  if (m.changed()) {
    col_.status[i] = static_cast<std::uint8_t>(m.to);
    col_.employer[i] = m.to_emp;
    if (!m.same_post()) col_.tenure_weeks[i] = 0;
    if (record_events_) note_event(block, i, m.from, m.to, m.from_emp, m.to_emp);
  }
  if (m.left_post()) {
    col_.left_perm_weeks[i] = 0;
    col_.left_region[i] = region_of_[m.from_emp];
  }
  if (m.took_post() && region_of_zone_[col_.home_zone[i]] != region_of_[m.to_emp]) {
    m.relocated = true;
    col_.home_zone[i] = zone_of_[m.to_emp];
  }
}

// Stocks and flows. Flows (the week's starters, leavers, moves between
// authorities and between permanent and agency work, headhunted moves,
// agency starts and ends, status transitions) and stocks at the end of the
// week (in post, trainees, agency, bank, tenure and stress sums, status
// counts, and arrivals expected after a notice period, which
// update_authorities() keeps off the market).
inline void LabourMarket::count_stocks_and_flows(const Tally& t, std::size_t i, const Move& m,
                                                 double stress) const {
  static constexpr Acc kPendingAcc[kOpeningKinds] = {aPendingPerm, aPendingAgency, aPendingBank};
  if (col_.pending_weeks[i] > 0) {
    const int target = col_.pending_target[i];
    ++t.at(static_cast<std::size_t>(target / kOpeningKinds), kPendingAcc[target % kOpeningKinds]);
  }
  if (m.left_post()) {
    ++t.at(m.from_emp, aLeavers);
    if (holds_post(m.to)) ++t.at(m.from_emp, aMovesOut);
    if (m.to == Status::agency) ++t.at(m.from_emp, aPermToAgency);
  }
  if (m.took_post()) {
    ++t.at(m.to_emp, aStarters);
    if (holds_post(m.from)) ++t.at(m.to_emp, aMovesIn);
    if (col_.headhunted[i]) {
      ++t.at(m.to_emp, aHeadhuntedIn);
      ++t.at(m.from_emp, aHeadhuntedOut);
    }
    if (m.from == Status::agency) ++t.at(m.to_emp, aAgencyToPerm);
  }
  if (m.changed() && m.from == Status::agency) ++t.at(m.from_emp, aAgencyEnds);
  if (m.changed() && m.to == Status::agency) ++t.at(m.to_emp, aAgencyStarts);
  ++t.row[t.global + static_cast<std::size_t>(m.to)];
  ++t.row[t.global + kStatusCount + static_cast<std::size_t>(m.from) * kStatusCount +
          static_cast<std::size_t>(m.to)];

  if (holds_post(m.to)) {
    const auto e = static_cast<std::size_t>(m.to_emp);
    ++t.at(e, aPermanent);
    t.at(e, aTenureWeeks) += col_.tenure_weeks[i];
    t.at(e, aStressMicro) += stress_micro(static_cast<float>(stress));
    if (m.to == Status::trainee) ++t.at(e, aTrainee);
  } else if (m.to == Status::agency) {
    ++t.at(m.to_emp, aAgency);
    t.at(m.to_emp, aStressMicro) += stress_micro(static_cast<float>(stress));
  } else if (m.to == Status::bank) {
    ++t.at(m.to_emp, aBank);
    t.at(m.to_emp, aStressMicro) += stress_micro(static_cast<float>(stress));
  }
}

// Costs, all in pence. A starter: the golden hello (golden_hello_gbp), the
// recruitment cost (pay.recruitment_cost_gbp_per_hire), a relocation
// allowance (relocation_allowance lever) and a headhunting premium
// (pay.headhunting_premium_gbp). A post holder: pay and on-costs (pay.*,
// trainee_pay, harmonised_pay levers; pay.on_cost_rate), golden hello stages
// reached (staged_golden_hello), retention payments (retention_payment) and
// a progression pathway's uplift (progression_pathway), all incentives. A
// locum: the agency's charge with its margin and MSP fee (agency.*,
// agency_pay_cap / agency_price_cap levers); bank work: bank pay and
// on-costs (inhouse_bank).
inline void LabourMarket::add_costs(const Tally& t, std::size_t i, const Move& m) const {
  if (m.took_post()) {
    t.at(m.to_emp, aIncentivePence) += hello_pence_[m.to_emp];
    t.at(m.to_emp, aRecruitPence) += recruitment_pence_;
    if (m.relocated) t.at(m.to_emp, aIncentivePence) += relocation_pence_[m.to_emp];
    if (col_.headhunted[i]) t.at(m.to_emp, aIncentivePence) += headhunt_premium_pence_;
  }
  if (holds_post(m.to)) {
    const auto e = static_cast<std::size_t>(m.to_emp);
    const AuthorityLevers& lv = levers_[e];
    const std::uint16_t tenure = col_.tenure_weeks[i];
    // Incentives due this week: hello stages reached, retention past the tenure.
    for (int k = 0; k < lv.hello_stages; ++k)
      if (lv.hello_weeks[k] == tenure) t.at(e, aIncentivePence) += hello_stage_pence_[e][k];
    if (retention_pence_[e] > 0 && tenure >= lv.retention_min_tenure_weeks)
      t.at(e, aIncentivePence) += retention_pence_[e];
    if (m.to == Status::trainee) {
      t.at(e, aPayPence) += trainee_cost_pence_[e];
    } else {
      // Scale pay of the role; a progression pathway's uplift is an incentive.
      const std::size_t scale = e * kRoleCount + col_.role[i];
      const std::size_t paid = e * kRoleCount + pay_role(e, col_.pqe_weeks[i]);
      t.at(e, aPayPence) += perm_cost_pence_[scale];
      t.at(e, aIncentivePence) += perm_cost_pence_[paid] - perm_cost_pence_[scale];
    }
  } else if (m.to == Status::agency) {
    const std::size_t k = (static_cast<std::size_t>(m.to_emp) * kRoleCount + col_.role[i]) *
                              agency_margin_share_.size() +
                          col_.agency_firm[i];
    t.at(m.to_emp, aAgencyPence) += agency_charge_pence_[k];
    t.at(m.to_emp, aMarginPence) += agency_margin_pence_[k];
    t.at(m.to_emp, aMspPence) += agency_msp_pence_[k];
  } else if (m.to == Status::bank) {
    t.at(m.to_emp, aBankPence) +=
        bank_cost_pence_[static_cast<std::size_t>(m.to_emp) * kRoleCount + col_.role[i]];
  }
}

// Apply the outcome of each practitioner in `ids` (the block's movers) and add its flows, stocks
// and costs to the block's accumulators (integer sums: the order of the additions does not change
// them).
void LabourMarket::apply(std::size_t block, std::span<const std::uint32_t> ids) {
  const Tally tally{.row = partials_.row(), .global = authorities_.size() * kAccPerEmployer};
  for (const std::size_t i : ids) {
    Move move = decide_move(i);
    const std::size_t slot = stress_slot(move.from, move.from_emp);
    const double stress = stress_now(i, slot);
    carry_out_move(block, i, move);
    if (const std::size_t to = stress_slot(move.to, move.to_emp); to != slot)
      restart_stress(i, to, stress);
    count_stocks_and_flows(tally, i, move, stress);
    add_costs(tally, i, move);
    // The scratch columns back to their defaults (choose() leaves them so).
    col_.leaving[i] = kStay;
    col_.application[i] = kNoApplication;
    col_.accepted[i] = 0;
    if (col_.pending_weeks[i] == 0) col_.headhunted[i] = 0;  // kept while serving notice
  }
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
