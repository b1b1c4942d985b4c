// Phase 1 of the week (choose, parallel over blocks of the visited):
// the rules each practitioner follows, and the pass that applies them.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/market.hpp"
#include "models/market_detail.hpp"
#include "models/market_week.hpp"

namespace pledgesim::models {

using namespace detail;

// Phase 1 (choose): the rules each practitioner follows in a week, in the
// order choose() applies them. Each rule draws from its own random stream
// (Purpose in models/market_detail.hpp), so a change in one rule's draws never
// shifts another's; each function says which draws it takes.

LabourMarket::WeekRules LabourMarket::week_rules() const {
  const auto& beh = scenario_.behaviour;
  return {
      .week = static_cast<std::uint64_t>(week_),
      .retire_weeks = static_cast<std::uint16_t>(kMaxCareerYears * kWeeksPerYear),
      .p_assignment_end = 1.0 / beh.agency_assignment_mean_weeks,
      .mean_pay_w = beh.pay_weight_per_10k_gbp / 10000.0,
      .p_headhunt = weekly_probability(beh.headhunting_rate_per_year),
      .premium_gbp = scenario_.pay.headhunting_premium_gbp * uplift_,
      .entrants_every_week = !(std::min(1.0, beh.new_entrant_search_rate_per_week) <= kReturnBound),
      .approach_every_week = !(weekly_probability(beh.headhunting_rate_per_year) <= kApproachBound),
      .employer = employer_rules_,
      .home = home_rules_};
}

double LabourMarket::shock_factor(ShockRate rate, std::int16_t e, std::size_t region,
                                  sim::Date d) const {
  double factor = 1.0;
  for (const Shock& shock : scenario_.shocks) {
    if (shock.rate != rate || !shock.in_force(d)) continue;
    const bool covered =
        e >= 0 ? in_scope(shock.scope, scenario_.authorities[static_cast<std::size_t>(e)], d)
               : shock.scope.kind == PolicyScope::Kind::all ||
                     (shock.scope.kind == PolicyScope::Kind::region &&
                      shock.scope.region == region_names_[region]);
    if (covered) factor *= shock.multiplier;
  }
  return factor;
}

// Each authority's and home region's rates this week: the behaviour's times
// the shocks in force (shock_factor), and the quiet stresses they imply.
bool LabourMarket::update_rate_rules() {
  const sim::Date today = policy_date();
  std::vector<EmployerRules> employer(authorities_.size());
  for (std::size_t e = 0; e < employer.size(); ++e) {
    auto f = [&](ShockRate r) {
      return shock_factor(r, static_cast<std::int16_t>(e), region_of_[e], today);
    };
    const Scenario::Behaviour& beh = region_behaviour_[region_of_[e]];
    EmployerRules& r = employer[e];
    r.stress_exit_sensitivity = beh.stress_exit_sensitivity;
    r.stress_search_sensitivity = beh.stress_search_sensitivity;
    r.exit_rate = beh.exit_rate_per_year * f(ShockRate::exit);
    r.break_rate = beh.inactive_rate_per_year * f(ShockRate::brk);
    const double search = f(ShockRate::search);
    r.search_rate = beh.search_rate_per_year * search;
    r.agency_search_rate = beh.agency_search_rate_per_year * search;
    r.quiet_leave =
        quiet_stress(r.exit_rate + r.break_rate, beh.stress_exit_sensitivity, kLeaveBound);
    r.quiet_search_post = quiet_stress(r.search_rate, beh.stress_search_sensitivity, kSearchBound);
    r.quiet_search_locum =
        quiet_stress(r.agency_search_rate, beh.stress_search_sensitivity, kSearchBound);
  }
  std::vector<HomeRules> home(region_names_.size());
  for (std::size_t g = 0; g < home.size(); ++g) {
    const Scenario::Behaviour& beh = region_behaviour_[g];
    HomeRules& r = home[g];
    r.exit_rate = beh.exit_rate_per_year * shock_factor(ShockRate::exit, kNoEmployer, g, today);
    r.p_return = weekly_probability(beh.return_rate_per_year *
                                    shock_factor(ShockRate::ret, kNoEmployer, g, today));
    r.quiet_leave = quiet_stress(r.exit_rate, 0.0, kLeaveBound);
    r.leave_every_week = !(weekly_probability(r.exit_rate) <= kLeaveBound);
    r.returners_every_week = !(r.p_return <= kReturnBound);
  }
  const bool changed = employer != employer_rules_ || home != home_rules_;
  employer_rules_ = std::move(employer);
  home_rules_ = std::move(home);
  return changed;
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
  auto first = [&](const ThinnedDraws& draws) {
    const std::uint64_t gap = draws.process.gap(sim::u01(draws.candidates.words(week, i, 0)[3]));
    return static_cast<std::uint16_t>(std::min<std::uint64_t>(kNoWeek, week + gap - 1));
  };
  col_.next_leave[i] = first(leave_draws_);
  col_.next_search[i] = first(search_draws_);
  col_.next_approach[i] = first(approach_draws_);
  col_.next_release[i] = first(release_draws_);
  col_.next_return[i] = first(return_draws_);
}

// This week's candidate of one hazard: when due, its uniforms and the next
// candidate week (lane 1). Taken every week whatever the practitioner does,
// so the sequence never depends on the scenario.
inline LabourMarket::Candidate LabourMarket::candidate_week(std::span<std::uint16_t> next,
                                                            std::size_t i,
                                                            const ThinnedDraws& draws,
                                                            std::uint64_t week) const {
  if (next[i] != week) return {};
  const auto words = draws.candidates.words(week, i, 0);
  next[i] = static_cast<std::uint16_t>(
      std::min<std::uint64_t>(kNoWeek, week + draws.process.gap(sim::u01(words[1]))));
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
  for (double& sum : stress_offset_sum_) sum *= 1.0 - a;
  stress_updates_ = static_cast<std::size_t>(week_) + 1;
}

// Which authorities' workers need a visit for their stress this week: where
// the filter plus the bound on offsets exceeds the lowest quiet stress of a
// hazard in work (a little early rather than late). Offsets decay, so the
// bound does; a move in raises it (update_authorities()). And whose locums
// need a visit: where the weekly probability of an assignment's end
// (release or review) exceeds its bound.
void LabourMarket::update_visit_all() {
  const WeekRules w = week_rules();
  // Stress (a little early rather than late) at which a hazard may pass its bound.
  auto margin = [](double quiet) { return quiet - 1e-9 * (1 + std::abs(quiet)); };
  const double keep = 1.0 - scenario_.behaviour.stress_adjust_rate_per_week;
  const std::size_t E = authorities_.size();
  visit_all_.assign(E + 1, 0);  // [0]: no employer
  any_visit_all_ = false;
  offset_seen_.assign(sim::worker_slots() * 2 * E, 0.0);
  for (std::size_t e = 0; e < E; ++e) {
    stress_offset_bound_[e * 2] *= keep;
    stress_offset_bound_[e * 2 + 1] *= keep;
    const EmployerRules& r = w.employer[e];
    const double quiet_posts = margin(std::min(r.quiet_leave, r.quiet_search_post));
    const double quiet_locums = margin(std::min(r.quiet_leave, r.quiet_search_locum));
    const bool posts = !(stress_filter_[e] + stress_offset_bound_[e * 2] < quiet_posts);
    const bool locums = !(stress_filter_[e] + stress_offset_bound_[e * 2 + 1] < quiet_locums) ||
                        !(assignment_end_probability(e, w) <= kReleaseBound);
    visit_all_[e + 1] =
        static_cast<std::uint8_t>((posts ? kVisitPosts : 0) | (locums ? kVisitLocums : 0));
    any_visit_all_ = any_visit_all_ || visit_all_[e + 1] != 0;
  }
}

// Ageing: experience and tenure grow while in work, the weeks since leaving
// a permanent post always, and the role follows experience
// (pay.role_min_pqe_years). Between visits the columns stand still
// (aged_to says since when); a visit brings them up to this week, its
// ageing included.
void LabourMarket::bring_up_to_date(std::size_t i) {
  const auto now = static_cast<std::uint32_t>(week_) + 1;
  const std::uint32_t elapsed = now - col_.aged_to[i];
  if (elapsed == 0) return;
  if (col_.left_perm_weeks[i] < kNeverLeftPermanent)
    col_.left_perm_weeks[i] = static_cast<std::uint16_t>(
        std::min<std::uint32_t>(kNeverLeftPermanent, col_.left_perm_weeks[i] + elapsed));
  if (in_work(static_cast<Status>(col_.status[i]))) {
    col_.pqe_weeks[i] = static_cast<std::uint16_t>(
        std::min<std::uint32_t>(UINT16_MAX, col_.pqe_weeks[i] + elapsed));
    col_.tenure_weeks[i] = static_cast<std::uint16_t>(
        std::min<std::uint32_t>(UINT16_MAX, col_.tenure_weeks[i] + elapsed));
  }
  col_.role[i] = role_of(col_.pqe_weeks[i], thresholds_);
  col_.aged_to[i] = static_cast<std::uint16_t>(now);
}

// The columns of ageing as bring_up_to_date() would make them after the last
// completed week.
namespace {
std::uint16_t aged(std::uint16_t value, std::int64_t weeks) {
  return static_cast<std::uint16_t>(std::min<std::int64_t>(UINT16_MAX, value + weeks));
}
}  // namespace

std::uint16_t LabourMarket::pqe_weeks(std::size_t i) const {
  const bool grows = in_work(static_cast<Status>(col_.status[i]));
  return grows ? aged(col_.pqe_weeks[i], week_ - col_.aged_to[i]) : col_.pqe_weeks[i];
}
std::uint16_t LabourMarket::tenure_weeks(std::size_t i) const {
  const bool grows = in_work(static_cast<Status>(col_.status[i]));
  return grows ? aged(col_.tenure_weeks[i], week_ - col_.aged_to[i]) : col_.tenure_weeks[i];
}
std::uint8_t LabourMarket::role(std::size_t i) const {
  return role_of(pqe_weeks(i), thresholds_);
}
std::uint16_t LabourMarket::weeks_since_left_permanent(std::size_t i) const {
  const std::uint16_t left = col_.left_perm_weeks[i];
  return left < kNeverLeftPermanent
             ? std::min<std::uint16_t>(kNeverLeftPermanent, aged(left, week_ - col_.aged_to[i]))
             : left;
}

// A visited practitioner in a group visited whole this week: their decayed
// offset, for the group's new bound.
void LabourMarket::see_offset(std::size_t i, Status status) {
  if (!in_work(status)) return;
  const auto e = static_cast<std::size_t>(col_.employer[i]);
  const std::size_t group = bound_group(status);
  if ((visit_all_[e + 1] & (group == 0 ? kVisitPosts : kVisitLocums)) == 0) return;
  const double offset = decayed_offset(i);
  double& seen = offset_seen_[sim::worker_slot() * 2 * authorities_.size() + e * 2 + group];
  seen = std::max(seen, offset);
}

// Whether practitioner i, in work, surely has no event this week without a
// candidate week: their stress within the quiet stresses of their hazards,
// and for a locum the chance of an assignment's end within its bound.
bool LabourMarket::quiet_week(std::size_t i, const WeekRules& w) const {
  const auto status = static_cast<Status>(col_.status[i]);
  const auto e = static_cast<std::size_t>(col_.employer[i]);
  const double stress = stress_now(i, e);
  const EmployerRules& r = w.employer[e];
  if (stress > r.quiet_leave) return false;
  if (holds_post(status)) return stress <= r.quiet_search_post;
  return stress <= r.quiet_search_locum && assignment_end_probability(e, w) <= kReleaseBound;
}

// The next week practitioner i (visited this week, up to date) must be
// visited: the first of its candidate weeks and of the dated events that
// change what it contributes or decides: a role, the end of the ASYE year,
// retirement and a progression pathway's pay role (experience, in work); a
// golden hello stage and the retention tenure (tenure, in a post). Next week
// while serving notice or covering a vacancy, and out of work where a
// probability exceeds its bound.
void LabourMarket::schedule(std::size_t i, const WeekRules& w) {
  const auto status = static_cast<Status>(col_.status[i]);
  if (status == Status::exited) {
    col_.next_due[i] = kNoWeek;
    return;
  }
  std::uint64_t next = std::min(col_.next_leave[i], col_.next_approach[i]);
  const std::uint64_t week = w.week;
  auto at = [&](std::uint64_t due) { next = std::min(next, due); };
  if (col_.pending_weeks[i] > 0) at(week + 1);
  if (in_work(status)) {
    skip_candidates(col_.next_search, i, search_draws_, week + 1);
    at(col_.next_search[i]);
  } else {
    skip_candidates(col_.next_return, i, return_draws_, week + 1);
    at(col_.next_return[i]);
  }
  if (covers_vacancy(status)) {
    skip_candidates(col_.next_release, i, release_draws_, week + 1);
    at(col_.next_release[i]);
  }
  if (status == Status::permanent && w.approach_every_week) at(week + 1);
  if (!in_work(status)) {
    const bool entrant = col_.pqe_weeks[i] == 0;
    const HomeRules& home = w.home[region_of_zone_[col_.home_zone[i]]];
    if (home.leave_every_week || (entrant ? w.entrants_every_week : home.returners_every_week))
      at(week + 1);
  } else {
    const std::uint16_t pqe = col_.pqe_weeks[i];
    auto experience = [&](int reached) {
      if (reached > pqe) at(week + static_cast<std::uint64_t>(reached - pqe));
    };
    for (int r = 1; r < kRoleCount; ++r) experience(thresholds_[r]);
    experience(w.retire_weeks);
    if (status == Status::trainee) experience(kAsyeWeeks);
    if (holds_post(status)) {
      const AuthorityLevers& lv = levers_[static_cast<std::size_t>(col_.employer[i])];
      if (status == Status::permanent)
        for (int r = 1; r < kRoleCount; ++r)
          experience(static_cast<int>(thresholds_[r]) - lv.progression_weeks_earlier);
      const std::uint16_t tenure = col_.tenure_weeks[i];
      auto served = [&](int reached) {
        if (reached > tenure) at(week + static_cast<std::uint64_t>(reached - tenure));
      };
      for (int k = 0; k < lv.hello_stages; ++k) served(lv.hello_weeks[k]);
      served(lv.retention_min_tenure_weeks);
    }
  }
  col_.next_due[i] = static_cast<std::uint16_t>(std::min<std::uint64_t>(next, kNoWeek));
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
  const EmployerRules* at =
      employed ? &w.employer[static_cast<std::size_t>(col_.employer[i])] : nullptr;
  const HomeRules* home = employed ? nullptr : &w.home[region_of_zone_[col_.home_zone[i]]];
  if (!leave.due && stress <= (employed ? at->quiet_leave : home->quiet_leave)) return kStay;
  const double stress_factor_exit = employed ? 1.0 + at->stress_exit_sensitivity * stress : 1.0;
  const double exit_rate = (employed ? at->exit_rate : home->exit_rate) * stress_factor_exit;
  const double break_rate = employed ? at->break_rate * stress_factor_exit : 0.0;
  const double p_exit = weekly_probability(exit_rate);
  const double p_break = employed ? weekly_probability(break_rate) : 0.0;
  const double x = leave_draws_.process.point(
      leave.due, leave.u, p_exit + p_break, [&] { return leave_draws_.excess_uniform(w.week, i); });
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

std::uint16_t LabourMarket::candidate_from(std::uint16_t next, std::size_t i,
                                           const ThinnedDraws& draws, std::uint64_t before) const {
  while (next < before) {
    const auto words = draws.candidates.words(next, i, 0);
    next = static_cast<std::uint16_t>(
        std::min<std::uint64_t>(kNoWeek, next + draws.process.gap(sim::u01(words[1]))));
  }
  return next;
}

std::uint16_t LabourMarket::next_candidate(Hazard h, std::size_t i) const {
  const auto from = [&](std::span<std::uint16_t> next, const ThinnedDraws& draws) {
    return candidate_from(next[i], i, draws, static_cast<std::uint64_t>(week_));
  };
  switch (h) {
    case Hazard::leave:
      return from(col_.next_leave, leave_draws_);
    case Hazard::search:
      return from(col_.next_search, search_draws_);
    case Hazard::approach:
      return from(col_.next_approach, approach_draws_);
    case Hazard::release:
      return from(col_.next_release, release_draws_);
    case Hazard::return_to_work:
      return from(col_.next_return, return_draws_);
  }
  return kNoWeek;
}

// The end of an agency or bank assignment (for a locum or bank worker). An
// authority with more cover than it wants releases some
// (agency.excess_release_rate_per_week), who must find work or become
// inactive; otherwise the assignment comes to its end with mean length
// behaviour.agency_assignment_mean_weeks and the worker looks around
// (renewal is the "stay" option). One event of probability release +
// (1 - release) x end, thinned at kReleaseBound (the release stream's
// candidate weeks, and the release-excess stream), split into its two
// outcomes.
inline LabourMarket::AssignmentEnd LabourMarket::assignment_end(std::size_t i, std::int16_t emp,
                                                                const Candidate& release,
                                                                const WeekRules& w) {
  const auto e = static_cast<std::size_t>(emp);
  const double p = assignment_end_probability(e, w);
  const double x = release_draws_.process.point(
      release.due, release.u, p, [&] { return release_draws_.excess_uniform(w.week, i); });
  AssignmentEnd end;
  if (x <= release_prob_[e]) {
    col_.leaving[i] = kPlacementEnd;
    end.must_search = true;
  } else {
    end.review = x <= p;
  }
  return end;
}

// Search: a post holder searches at behaviour.search_rate_per_year, halving
// every behaviour.search_tenure_halving_weeks of tenure (so the hazard at
// tenure 0 bounds it); a locum at behaviour.agency_search_rate_per_year, and
// always when released or up for renewal; both raised by stress
// (behaviour.stress_search_sensitivity). Someone out of work looks for work
// at behaviour.new_entrant_search_rate_per_week when newly qualified, else
// returns at behaviour.return_rate_per_year. Thinned, in work at
// kSearchBound (the search stream's candidate weeks, and the search-excess
// stream), out of it at kReturnBound (the return and return-excess streams).
inline bool LabourMarket::decides_to_search(std::size_t i, Status status, double stress,
                                            const Candidate& search, AssignmentEnd end,
                                            const WeekRules& w) const {
  const auto& beh = scenario_.behaviour;
  double p;
  const std::int16_t emp = col_.employer[i];
  const EmployerRules* at = emp >= 0 ? &w.employer[static_cast<std::size_t>(emp)] : nullptr;
  const double stress_factor = at ? 1.0 + at->stress_search_sensitivity * stress : 1.0;
  if (holds_post(status)) {
    if (!search.due && stress <= at->quiet_search_post) return false;
    p = weekly_probability(at->search_rate *
                           std::exp2(-col_.tenure_weeks[i] / beh.search_tenure_halving_weeks) *
                           stress_factor);
  } else if (covers_vacancy(status)) {
    if (end.must_search || end.review) return true;
    if (!search.due && stress <= at->quiet_search_locum) return false;
    const double rate = at->agency_search_rate * stress_factor;
    p = weekly_probability(rate);
  } else {
    p = std::min(1.0, col_.pqe_weeks[i] == 0 ? beh.new_entrant_search_rate_per_week
                                             : w.home[region_of_zone_[col_.home_zone[i]]].p_return);
    return return_draws_.process.point(search.due, search.u, p, [&] {
      return return_draws_.excess_uniform(w.week, i);
    }) <= p;
  }
  return search_draws_.process.point(search.due, search.u, p,
                                     [&] { return search_draws_.excess_uniform(w.week, i); }) <= p;
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
  const double x = approach_draws_.process.point(approach.due, approach.u, w.p_headhunt, [&] {
    const auto words = approach_draws_.excess.words(w.week, i, 0);
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
  const double threshold = region_behaviour_[region_of_[f]].caseload_stress_threshold;
  return beh.caseload_weight_per_case * (caseload_[f] - threshold) + commute_w * commute(home, f);
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
      // A post at one's own aggregate is at another of its councils: a move.
      const bool internal = same_post && kind == kPermanentPost && councils_[f] > 1;
      if (same_post && !c.must_search && !internal) continue;
      double value = offer_value(kind, static_cast<std::size_t>(f), c);
      if (internal) value -= beh.switching_cost;
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

// Each practitioner visited this week (`ids`) is brought up to date, may
// leave, may search and apply. Writes only its own slots, reads last week's
// authority state. A mover takes back what they contributed to the stocks
// (apply() adds what they become); someone to whom nothing happens changes
// their contribution here, if ageing changed it, so that apply() need only
// visit the `movers`, whose scratch columns alone leave their defaults. (A
// full week counts everyone afresh: nothing is taken back.)
void LabourMarket::choose(std::span<const std::uint32_t> ids,
                          std::vector<std::uint32_t>& applicants,
                          std::vector<std::uint32_t>& movers) {
  const WeekRules w = week_rules();
  const Tally t = tally();
  for (std::size_t k = 0; k < ids.size(); ++k) {
    // The visited are scattered: ask for a later one's columns now, so that
    // their memory latencies overlap.
    if (k + kPrefetchAhead < ids.size()) prefetch_visit(ids[k + kPrefetchAhead]);
    const std::size_t i = ids[k];
    if (any_visit_all_) see_offset(i, static_cast<Status>(col_.status[i]));
    // Visited for the authority's sake (visit_all_) with nothing of their own
    // due: a week that surely holds no event for them (the rules below would
    // decide the same and draw nothing) leaves them as they are.
    if (!full_week_ && !visit_everyone_ && col_.next_due[i] != w.week && quiet_week(i, w)) continue;
    // What they contributed, taken back only if the visit changes it.
    const Ageing before = counted_as(i);
    bring_up_to_date(i);
    const auto status = static_cast<Status>(col_.status[i]);
    const bool employed = in_work(status);
    const std::int16_t emp = col_.employer[i];

    const double stress = stress_now(i, stress_slot(status, emp));
    // Every candidate week due is taken, whatever happens after.
    const Candidate leave = candidate_week(col_.next_leave, i, leave_draws_, w.week);
    // Looking for work: in work (search), or out of it (return).
    const std::span<std::uint16_t> next_search = employed ? col_.next_search : col_.next_return;
    const ThinnedDraws& search_draws = employed ? search_draws_ : return_draws_;
    skip_candidates(next_search, i, search_draws, w.week);
    const Candidate search = candidate_week(next_search, i, search_draws, w.week);
    const Candidate approach = candidate_week(col_.next_approach, i, approach_draws_, w.week);
    Candidate release;
    if (covers_vacancy(status)) {
      skip_candidates(col_.next_release, i, release_draws_, w.week);
      release = candidate_week(col_.next_release, i, release_draws_, w.week);
    }
    // The week ends quietly, or with a move for apply() to carry out.
    auto done = [&](bool moving) {
      moving = moving || (status == Status::trainee && col_.pqe_weeks[i] >= kAsyeWeeks);
      if (moving) {
        if (!full_week_) contribute(t, i, -1, before);  // apply() adds what they become
        movers.push_back(static_cast<std::uint32_t>(i));
      } else {
        if (full_week_) {
          contribute(t, i, +1);
        } else if (contribution_changed(i, before)) {
          contribute(t, i, -1, before);
          contribute(t, i, +1);
        }
        one_off_costs(t, i, {.from = status, .to = status, .from_emp = emp, .to_emp = emp});
        schedule(i, w);
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
    if (covers_vacancy(status)) assignment = assignment_end(i, emp, release, w);

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

}  // namespace pledgesim::models
