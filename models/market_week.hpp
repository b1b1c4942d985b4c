// The parts of a week that its phases share (models/market_choose.cpp,
// models/market_apply.cpp, and the events of models/market_events.cpp): the
// levers as a practitioner meets them, a practitioner's move, and what a
// practitioner adds to the week's sums.
// Internal to the market; inline, as they run once per practitioner-week.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "models/market.hpp"
#include "models/market_detail.hpp"

namespace pledgesim::models {

// An internal header, included only by the market's own sources, which all
// use the market's internals (models/market_detail.hpp) unqualified.
using namespace detail;

// This week's constants of the practitioners' rules, from the scenario.
struct LabourMarket::WeekRules {
  std::uint64_t week;
  std::uint16_t retire_weeks;
  double p_assignment_end;  // weekly chance that an agency or bank assignment comes up for renewal
  double mean_pay_w;        // utility per GBP of annual pay
  double p_headhunt;
  double premium_gbp;        // headhunting premium at this week's prices
  bool entrants_every_week;  // a new entrant's search above its bound: a visit every week
  bool approach_every_week;  // headhunting above its bound: every permanent worker
  std::span<const EmployerRules> employer;  // [employer]
  std::span<const HomeRules> home;          // [region lived in], for those out of work
};

// The weekly probability that a locum's assignment at e ends: released
// (release_prob_) or, if not, up for renewal.
inline double LabourMarket::assignment_end_probability(std::size_t e, const WeekRules& w) const {
  const double release = release_prob_[e];
  return release + (1 - release) * w.p_assignment_end;
}

// The columns a visit reads, fetched ahead into the cache (a hint: no
// effect on results). Always inlined: GCC deems a function of prefetches
// alone pure and drops the call.
[[gnu::always_inline]] inline void LabourMarket::prefetch_visit(std::size_t i) const {
  __builtin_prefetch(&col_.status[i]);
  __builtin_prefetch(&col_.employer[i]);
  __builtin_prefetch(&col_.role[i]);
  __builtin_prefetch(&col_.pqe_weeks[i]);
  __builtin_prefetch(&col_.tenure_weeks[i]);
  __builtin_prefetch(&col_.aged_to[i]);
  __builtin_prefetch(&col_.left_perm_weeks[i]);
  __builtin_prefetch(&col_.pending_weeks[i]);
  __builtin_prefetch(&col_.stress_offset[i]);
  __builtin_prefetch(&col_.stress_since[i]);
  __builtin_prefetch(&col_.next_leave[i]);
  __builtin_prefetch(&col_.next_search[i]);
  __builtin_prefetch(&col_.next_return[i]);
  __builtin_prefetch(&col_.next_approach[i]);
  __builtin_prefetch(&col_.next_release[i]);
  __builtin_prefetch(&col_.next_due[i]);
  __builtin_prefetch(&col_.agency_firm[i]);
  __builtin_prefetch(&col_.leaving[i]);
}

inline StockLayout LabourMarket::stock_layout() const {
  return {.agencies = agency_margin_share_.size()};
}

// The agency rules in force at authority f: the experience minimum (DfE 2024)
// and the cooling-off period after leaving a permanent post in f's region.
// A permanent practitioner leaving this week counts as having just left.
inline bool LabourMarket::may_take_agency_work(std::size_t i, std::size_t f) const {
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
inline double LabourMarket::post_pay_gbp(std::size_t e, std::uint16_t pqe_weeks) const {
  if (pqe_weeks < kAsyeWeeks) return trainee_pay_gbp_[e];
  return perm_pay_gbp_[e * kRoleCount + pay_role(e, pqe_weeks)];
}

inline std::uint8_t LabourMarket::pay_role(std::size_t e, std::uint16_t pqe_weeks) const {
  const int boosted = pqe_weeks + levers_[e].progression_weeks_earlier;
  return role_of(static_cast<std::uint16_t>(std::min(boosted, int{UINT16_MAX})), thresholds_);
}

// Staged golden hello payments still due to a permanent worker at e.
inline double LabourMarket::unpaid_stages_gbp(std::size_t e, std::uint16_t tenure) const {
  const AuthorityLevers& l = levers_[e];
  double due = 0;
  for (int k = 0; k < l.hello_stages; ++k)
    if (l.hello_weeks[k] > tenure) due += l.hello_gbp[k];
  return due;
}

// One practitioner's change this week: status and employer before and after.
struct LabourMarket::Move {
  Status from, to;
  std::int16_t from_emp, to_emp;
  bool relocated = false;  // took a post in another region and moved there
  bool internal = false;   // to another council of the same aggregate (councils > 1)

  bool changed() const { return to != from || to_emp != from_emp || internal; }
  // A post is left or taken when someone stops or starts holding one at an
  // employer; a trainee who completes the ASYE year keeps theirs.
  bool same_post() const {
    return holds_post(from) && holds_post(to) && from_emp == to_emp && !internal;
  }
  bool left_post() const { return holds_post(from) && !same_post(); }
  bool took_post() const { return holds_post(to) && !same_post(); }
};

// One worker's row of sums: the week's flows per employer (Acc), the
// population's status transitions, then changes to the stocks (Stock and
// the status counts, StockLayout).
struct LabourMarket::Tally {
  std::span<std::int64_t> row;
  std::size_t global;        // the first transition slot
  std::size_t stocks;        // the first stock slot
  std::size_t per_employer;  // stocks per employer

  std::int64_t& at(std::size_t e, Acc a) const { return row[e * kAccPerEmployer + a]; }
  std::int64_t& stock(std::size_t e, std::size_t s) const {
    return row[stocks + e * per_employer + s];
  }
};

// Flows of a move: the week's starters, leavers, moves between authorities
// and between permanent and agency work, headhunted moves, agency starts and
// ends, and status transitions.
inline void LabourMarket::count_flows(const Tally& t, std::size_t i, const Move& m) const {
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
  if (m.to != m.from)
    ++t.row[t.global + static_cast<std::size_t>(m.from) * kStatusCount +
            static_cast<std::size_t>(m.to)];
}

// One-off costs, in pence. A starter: the golden hello (golden_hello_gbp),
// the recruitment cost (pay.recruitment_cost_gbp_per_hire), a relocation
// allowance (relocation_allowance lever) and a headhunting premium
// (pay.headhunting_premium_gbp). A post holder: the golden hello stage
// reached this week (staged_golden_hello), an incentive. Weekly costs
// (pay, retention, agency and bank) follow from the stocks
// (LabourMarket::stock_costs).
inline void LabourMarket::one_off_costs(const Tally& t, std::size_t i, const Move& m) const {
  if (m.took_post()) {
    t.at(m.to_emp, aIncentivePence) += hello_pence_[m.to_emp];
    t.at(m.to_emp, aRecruitPence) += recruitment_pence_;
    if (m.relocated) t.at(m.to_emp, aIncentivePence) += relocation_pence_[m.to_emp];
    if (col_.headhunted[i]) t.at(m.to_emp, aIncentivePence) += headhunt_premium_pence_;
  }
  if (holds_post(m.to)) {
    const auto e = static_cast<std::size_t>(m.to_emp);
    const AuthorityLevers& lv = levers_[e];
    for (int k = 0; k < lv.hello_stages; ++k)
      if (lv.hello_weeks[k] == col_.tenure_weeks[i])
        t.at(e, aIncentivePence) += hello_stage_pence_[e][k];
  }
}

// What practitioner i, as the columns now say, adds to the stocks (sign
// +1) or takes back (-1): their status; at their employer, the post, trainee,
// agency or bank count by role (and agency), tenure, retention; at the
// target of a notice period, the arrival expected. Depends on the columns
// and the levers only, so what was added is taken back exactly while the
// levers stay the same (a change of levers recounts everyone).
inline void LabourMarket::contribute(const Tally& t, std::size_t i, std::int64_t sign) const {
  contribute(t, i, sign, counted_as(i));
}

inline bool LabourMarket::contribution_changed(std::size_t i, const Ageing& before) const {
  const auto status = static_cast<Status>(col_.status[i]);
  if (!in_work(status)) return false;
  if (before.role != col_.role[i] || before.pending != (col_.pending_weeks[i] > 0)) return true;
  if (!holds_post(status)) return false;
  const auto e = static_cast<std::size_t>(col_.employer[i]);
  const std::uint16_t retained = levers_[e].retention_min_tenure_weeks;
  if ((before.tenure >= retained) != (col_.tenure_weeks[i] >= retained)) return true;
  return status == Status::permanent && pay_role(e, before.pqe) != pay_role(e, col_.pqe_weeks[i]);
}

inline void LabourMarket::contribute(const Tally& t, std::size_t i, std::int64_t sign,
                                     const Ageing& a) const {
  const auto status = static_cast<Status>(col_.status[i]);
  t.row[t.stocks + stock_layout().status_counts(authorities_.size()) +
        static_cast<std::size_t>(status)] += sign;
  if (a.pending) {
    static constexpr Stock kPending[kOpeningKinds] = {sPendingPerm, sPendingAgency, sPendingBank};
    const int target = col_.pending_target[i];
    t.stock(static_cast<std::size_t>(target / kOpeningKinds), kPending[target % kOpeningKinds]) +=
        sign;
  }
  if (!in_work(status)) return;
  const auto e = static_cast<std::size_t>(col_.employer[i]);
  const int role = a.role;
  if (holds_post(status)) {
    const std::uint16_t tenure = a.tenure;
    t.stock(e, sPosts) += sign;
    t.stock(e, sTenureKey) +=
        sign * (static_cast<std::int64_t>(tenure) - static_cast<std::int64_t>(a.aged_to));
    if (tenure >= levers_[e].retention_min_tenure_weeks) t.stock(e, sRetained) += sign;
    if (status == Status::trainee)
      t.stock(e, sTrainees) += sign;
    else
      t.stock(e, StockLayout::post_by_role(role, pay_role(e, a.pqe))) += sign;
  } else if (status == Status::agency) {
    t.stock(e, sAgency) += sign;
    t.stock(e, stock_layout().agency_by_role(role, col_.agency_firm[i])) += sign;
  } else {
    t.stock(e, sBank) += sign;
    t.stock(e, StockLayout::bank_by_role(role)) += sign;
  }
}

}  // namespace pledgesim::models
