// Event recording (models/events.hpp): rows noted per block during apply(),
// gathered in block order (so in practitioner order, for any thread count),
// and the layout of the /events table.
#include <cmath>
#include <limits>
#include <string>

#include "models/market.hpp"
#include "models/market_detail.hpp"
#include "models/market_week.hpp"

namespace pledgesim::models {

using namespace detail;

void LabourMarket::note_event(std::size_t block, std::size_t i, Status from, Status to,
                              std::int16_t from_emp, std::int16_t to_emp, bool internal) {
  MarketEvents& ev = block_events_[block];
  const bool same = from_emp == to_emp && !internal;
  const bool agency = from == Status::agency || to == Status::agency;
  // Pay of the new position, GBP a week: a post's salary (the ASYE rate in
  // the first year, a progression pathway's uplift included) / 52; locum and
  // bank pay for a week's hours.
  double pay = std::numeric_limits<double>::quiet_NaN();
  if (to_emp >= 0) {
    const auto e = static_cast<std::size_t>(to_emp);
    const std::size_t k = e * kRoleCount + col_.role[i];
    const double paid_weeks = scenario_.agency.paid_weeks_per_year;
    if (holds_post(to))
      pay = post_pay_gbp(e, col_.pqe_weeks[i]) / kWeeksPerYear;
    else if (to == Status::agency)
      pay = agency_pay_gbp_[k] / paid_weeks;
    else if (to == Status::bank)
      pay = bank_pay_gbp_[k] / paid_weeks;
  }
  ev.practitioner.push_back(static_cast<std::int32_t>(i));
  ev.kind.push_back(static_cast<std::uint8_t>(event_kind(from, to, same)));
  ev.from_status.push_back(static_cast<std::uint8_t>(from));
  ev.to_status.push_back(static_cast<std::uint8_t>(to));
  ev.from_employer.push_back(from_emp);
  ev.to_employer.push_back(to_emp);
  ev.agency.push_back(agency ? static_cast<std::int8_t>(col_.agency_firm[i]) : std::int8_t{-1});
  ev.pay_gbp_per_week.push_back(pay);
}

void LabourMarket::gather_events() {
  events_.clear();
  for (const auto& b : block_events_) events_.append(b);
}

sim::EventTableSpec LabourMarket::event_table() const {
  using sim::ColumnType;
  sim::EventTableSpec t;
  t.group = "events";
  t.description =
      "One row per change of a practitioner's status or employer, in week then practitioner "
      "order; codes are named by kind_names, status_names, agency_names and /employers/name "
      "(docs/checkpoints.md)";
  t.columns = {
      {"practitioner", ColumnType::i32, "", "practitioner id (stable for the run)"},
      {"kind", ColumnType::u8, "", "kind of change: index into kind_names"},
      {"from_status", ColumnType::u8, "", "status before: index into status_names"},
      {"to_status", ColumnType::u8, "", "status after: index into status_names"},
      {"from_employer", ColumnType::i16, "",
       "authority before: row of /employers, -1 for none (inactive)"},
      {"to_employer", ColumnType::i16, "",
       "authority after: row of /employers, -1 for none (inactive or exited)"},
      {"agency", ColumnType::i8, "",
       "agency firm of the placement started (else of the one ended): index into "
       "agency_names, -1 when no agency placement starts or ends"},
      {"pay", ColumnType::f64, "GBP per week",
       "gross pay of the new position: post salary / 52 (ASYE rate in the first year, "
       "progression uplift included), locum or bank hourly pay x hours a week; NaN where "
       "there is no new position (break, exit, agency_end, bank_end)"},
  };
  std::vector<std::string> kinds(kEventKindNames.begin(), kEventKindNames.end());
  std::vector<std::string> statuses(kStatusNames.begin(), kStatusNames.end());
  std::vector<std::string> agencies;
  if (scenario_.agencies.empty()) agencies.push_back("agency");
  for (const auto& a : scenario_.agencies) agencies.push_back(a.name);
  t.labels = {{"kind_names", kinds}, {"status_names", statuses}, {"agency_names", agencies}};
  return t;
}

std::vector<sim::ColumnView> LabourMarket::event_columns() const {
  auto view = [](const auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    return sim::ColumnView{sim::column_type_of<T>(), v.data(), v.size()};
  };
  const MarketEvents& e = events_;
  return {
      view(e.practitioner),  view(e.kind),        view(e.from_status), view(e.to_status),
      view(e.from_employer), view(e.to_employer), view(e.agency),      view(e.pay_gbp_per_week)};
}

}  // namespace pledgesim::models
