#include "models/invariants.hpp"

#include <cmath>
#include <sstream>

namespace pledgesim::models {

std::vector<std::string> check_invariants(const LabourMarket& m, std::span<const double> previous) {
  std::vector<std::string> out;
  auto fail = [&](const std::string& what) {
    if (out.size() < 20) out.push_back("week " + std::to_string(m.weeks_done() - 1) + ": " + what);
  };
  const std::size_t E = m.authority_count();
  const auto now = m.week_series();
  auto v = [&](std::span<const double> s, Metric k, std::size_t e) {
    return s[static_cast<std::size_t>(k) * E + e];
  };

  // Practitioners are conserved: the status counts cover the population.
  std::int64_t counted = 0;
  for (auto c : m.status_counts()) counted += c;
  if (counted != static_cast<std::int64_t>(m.population().size()))
    fail("status counts sum to " + std::to_string(counted) + ", population is " +
         std::to_string(m.population().size()));

  // The stocks kept from week to week equal a recount.
  for (const std::string& d : m.stock_discrepancies()) fail(d);

  // Every practitioner in work has an employer that exists; nobody else has one.
  const auto& pop = m.population();
  const auto status = pop.column<std::uint8_t>("status").span();
  const auto employer = pop.column<std::int16_t>("employer").span();
  std::vector<std::int64_t> posts(E, 0), agency(E, 0), bank(E, 0);
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const auto st = static_cast<Status>(status[i]);
    const bool valid = employer[i] >= 0 && static_cast<std::size_t>(employer[i]) < E;
    if (in_work(st) != valid) {
      fail("practitioner " + std::to_string(i) + " has status " +
           std::string(kStatusNames[status[i]]) + " and employer " + std::to_string(employer[i]));
      continue;
    }
    if (!valid) continue;
    const auto e = static_cast<std::size_t>(employer[i]);
    if (holds_post(st)) ++posts[e];
    if (st == Status::agency) ++agency[e];
    if (st == Status::bank) ++bank[e];
  }

  for (std::size_t e = 0; e < E; ++e) {
    const std::string at = " at employer " + std::to_string(e);
    if (v(now, kPermanentFte, e) != static_cast<double>(posts[e]) ||
        v(now, kAgencyFte, e) != static_cast<double>(agency[e]) ||
        v(now, kBankFte, e) != static_cast<double>(bank[e]))
      fail("series stocks differ from the practitioners counted" + at);
    if (!previous.empty()) {
      if (v(now, kPermanentFte, e) !=
          v(previous, kPermanentFte, e) + v(now, kStarters, e) - v(now, kLeavers, e))
        fail("permanent_fte does not follow starters - leavers" + at);
      if (v(now, kAgencyFte, e) !=
          v(previous, kAgencyFte, e) + v(now, kAgencyStarts, e) - v(now, kAgencyEnds, e))
        fail("agency_fte does not follow agency_starts - agency_ends" + at);
    }
    if (v(now, kVacancies, e) < 0) fail("negative vacancies" + at);
    if (v(now, kVacancies, e) != v(now, kEstablishment, e) - v(now, kPermanentFte, e))
      fail("vacancies != establishment - permanent_fte" + at);
    for (Metric k : {kPayCostGbp, kAgencyCostGbp, kAgencyMarginGbp, kMspFeeGbp, kBankCostGbp,
                     kIncentiveCostGbp, kRecruitmentCostGbp})
      if (!(v(now, k, e) >= 0)) fail("negative or NaN cost" + at);
    // The margin and the MSP fee are parts of the agency charge.
    if (v(now, kAgencyMarginGbp, e) + v(now, kMspFeeGbp, e) > v(now, kAgencyCostGbp, e) + 1e-6)
      fail("agency margin + MSP fee exceed the agency charge" + at);
    if (v(now, kTraineeFte, e) > v(now, kPermanentFte, e)) fail("more trainees than posts" + at);
  }
  return out;
}

}  // namespace pledgesim::models
