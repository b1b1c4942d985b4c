// Events: a change of one practitioner's status or employer in a week (the
// transitions the market applies), recorded with `pledgesim run --events`.
//
// The kind of an event is a function of (status before, status after, same
// employer?), with statuses grouped as post (permanent or ASYE trainee),
// agency, bank, inactive and exited:
//
//   kind            from       to         notes
//   start           inactive   post       a returner or a newly qualified worker
//   move            post       post       at another authority
//   asye_complete   trainee    permanent  same post, the ASYE year done
//   break           post       inactive   career break (out of authority work)
//   exit            any        exited     leaves the profession for good
//   to_agency       post       agency
//   to_bank         post       bank
//   agency_start    inactive   agency
//   agency_end      agency     inactive   released or on a break, not placed again
//   agency_move     agency     agency     at another authority
//   agency_to_post  agency     post
//   bank_start      inactive   bank
//   bank_end        bank       inactive
//   bank_move       bank       bank       at another authority
//   bank_to_post    bank       post
//   agency_to_bank  agency     bank
//   bank_to_agency  bank       agency
//
// Weekly series follow from the events exactly (tested): starters = events
// into a post at the employer other than asye_complete; leavers = events out
// of a post there other than asye_complete; agency_starts / agency_ends =
// events into / out of agency status there; moves_in / moves_out = move;
// perm_to_agency = to_agency; agency_to_perm = agency_to_post.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "models/roles.hpp"

namespace pledgesim::models {

enum class EventKind : std::uint8_t {
  start,
  move,
  asye_complete,
  break_,
  exit,
  to_agency,
  to_bank,
  agency_start,
  agency_end,
  agency_move,
  agency_to_post,
  bank_start,
  bank_end,
  bank_move,
  bank_to_post,
  agency_to_bank,
  bank_to_agency,
};
inline constexpr int kEventKindCount = 17;
inline constexpr std::array<std::string_view, kEventKindCount> kEventKindNames = {
    "start",    "move",         "asye_complete", "break",          "exit",           "to_agency",
    "to_bank",  "agency_start", "agency_end",    "agency_move",    "agency_to_post", "bank_start",
    "bank_end", "bank_move",    "bank_to_post",  "agency_to_bank", "bank_to_agency"};

// The kind of a change from (from, employer) to (to, employer'); `same`:
// the employer is unchanged. Precondition: something changed.
// `same`: the same employer and post (a move between the councils of one
// aggregate is not the same post: a move).
constexpr EventKind event_kind(Status from, Status to, bool same) {
  if (to == Status::exited) return EventKind::exit;
  const bool post_from = holds_post(from), post_to = holds_post(to);
  if (post_from) {
    if (post_to) return same ? EventKind::asye_complete : EventKind::move;
    if (to == Status::agency) return EventKind::to_agency;
    if (to == Status::bank) return EventKind::to_bank;
    return EventKind::break_;
  }
  if (from == Status::agency) {
    if (post_to) return EventKind::agency_to_post;
    if (to == Status::agency) return EventKind::agency_move;
    if (to == Status::bank) return EventKind::agency_to_bank;
    return EventKind::agency_end;
  }
  if (from == Status::bank) {
    if (post_to) return EventKind::bank_to_post;
    if (to == Status::bank) return EventKind::bank_move;
    if (to == Status::agency) return EventKind::bank_to_agency;
    return EventKind::bank_end;
  }
  // from inactive
  if (post_to) return EventKind::start;
  if (to == Status::agency) return EventKind::agency_start;
  return EventKind::bank_start;
}

// One week's events as parallel columns, in practitioner order.
struct MarketEvents {
  std::vector<std::int32_t> practitioner;  // row of the population (stable id)
  std::vector<std::uint8_t> kind;          // EventKind
  std::vector<std::uint8_t> from_status, to_status;
  std::vector<std::int16_t> from_employer, to_employer;  // -1: none
  std::vector<std::int8_t> agency;       // agency firm started with (else ended with), -1: none
  std::vector<double> pay_gbp_per_week;  // of the new position; NaN where there is none

  std::size_t size() const { return practitioner.size(); }
  void clear() {
    practitioner.clear();
    kind.clear();
    from_status.clear();
    to_status.clear();
    from_employer.clear();
    to_employer.clear();
    agency.clear();
    pay_gbp_per_week.clear();
  }
  void append(const MarketEvents& o) {
    auto add = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    add(practitioner, o.practitioner);
    add(kind, o.kind);
    add(from_status, o.from_status);
    add(to_status, o.to_status);
    add(from_employer, o.from_employer);
    add(to_employer, o.to_employer);
    add(agency, o.agency);
    add(pay_gbp_per_week, o.pay_gbp_per_week);
  }
};

}  // namespace pledgesim::models
