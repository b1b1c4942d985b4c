// Phases 2 and 3 of the week: clearing (each opening takes its best
// applicants) and apply (the movers' outcomes, into the week's sums).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/market.hpp"
#include "models/market_detail.hpp"
#include "models/market_week.hpp"

namespace pledgesim::models {

using namespace detail;

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
    m.internal = kind == kPermanentPost && holds_post(m.from) && m.to_emp == m.from_emp;
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
    if (record_events_) note_event(block, i, m.from, m.to, m.from_emp, m.to_emp, m.internal);
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

// Apply the outcome of each practitioner in `ids` (the block's movers): the
// move, its flows and one-off costs, and what the mover now contributes to
// the stocks (integers: the order of the additions does not change them).
// A change of stress slot is kept for update_authorities() to apply in
// block order.
void LabourMarket::apply(std::size_t block, std::span<const std::uint32_t> ids) {
  const WeekRules w = week_rules();
  const Tally t = tally();
  for (const std::size_t i : ids) {
    Move move = decide_move(i);
    const std::size_t slot = stress_slot(move.from, move.from_emp);
    const double stress = stress_now(i, slot);
    const double old_offset = decayed_offset(i);
    carry_out_move(block, i, move);
    if (const std::size_t to = stress_slot(move.to, move.to_emp); to != slot) {
      restart_stress(i, to, stress);
      block_stress_moves_[block].push_back({.from = static_cast<std::uint32_t>(slot),
                                            .to = static_cast<std::uint32_t>(to),
                                            .old_offset = old_offset,
                                            .new_offset = col_.stress_offset[i]});
    }
    // Into an authority, or into the other group there: its bound rises.
    if (in_work(move.to) && (!in_work(move.from) || move.from_emp != move.to_emp ||
                             bound_group(move.from) != bound_group(move.to)))
      block_bound_rises_[block].push_back(
          {.index = static_cast<std::uint32_t>(static_cast<std::size_t>(move.to_emp) * 2 +
                                               bound_group(move.to)),
           .offset = decayed_offset(i)});
    count_flows(t, i, move);
    one_off_costs(t, i, move);
    // The scratch columns back to their defaults (choose() leaves them so).
    col_.leaving[i] = kStay;
    col_.application[i] = kNoApplication;
    col_.accepted[i] = 0;
    if (col_.pending_weeks[i] == 0) col_.headhunted[i] = 0;  // kept while serving notice
    contribute(t, i, +1);
    schedule(i, w);
  }
}

}  // namespace pledgesim::models
