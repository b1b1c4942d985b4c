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

}  // namespace pledgesim::models
