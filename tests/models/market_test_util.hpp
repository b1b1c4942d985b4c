// Helpers shared by the market's behaviour tests: small scenarios built from
// the built-in one, lever construction, and totals over a run.
#pragma once

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "models/market.hpp"
#include "models/scenario.hpp"

namespace pm = pledgesim::models;
namespace ps = pledgesim::sim;

namespace pledgesim_test {

// The built-in scenario's London authorities only (no neighbouring regions),
// in a market that stays as it was at the start, with one behaviour for
// all (no inputs that change over time, shocks or regional behaviour: tests
// of a rule compare against fixed figures; test_inputs.cpp and
// test_regional.cpp test those).
inline pm::Scenario london(std::int64_t years = 2) {
  pm::Scenario s = pm::builtin_default_scenario();
  s.inputs = {};
  s.shocks.clear();
  s.behaviour_by_region.clear();
  s.years = years;
  s.seed = 11;
  std::erase_if(s.authorities, [](const pm::AuthorityData& a) { return a.region != "London"; });
  return s;
}

// London plus an uncapped neighbour region as one aggregated employer.
inline pm::Scenario london_and_neighbour(std::int64_t years = 2) {
  pm::Scenario s = london(years);
  pm::AuthorityData se;
  se.name = "South East (aggregate)";
  se.region = "South East";
  se.subregion = "South East";
  se.inpost_fte = 800;
  se.vacancy_fte = 200;
  se.agency_fte = 150;
  se.caseload = 16;
  s.authorities.push_back(se);
  return s;
}

inline pm::Policy policy(pm::PolicyKind kind, const std::string& scope_region = "") {
  pm::Policy p;
  p.kind = kind;
  p.start = ps::Date::from_ymd(2000, 1, 1);
  if (!scope_region.empty()) {
    p.scope.kind = pm::PolicyScope::Kind::region;
    p.scope.region = scope_region;
  }
  return p;
}

struct Totals {
  std::vector<double> by_employer;  // summed over weeks
  double all = 0;
};

inline Totals run_total(const pm::Scenario& s, pm::Metric metric) {
  pm::LabourMarket m(s);
  const std::size_t E = m.authority_count();
  Totals t;
  t.by_employer.assign(E, 0);
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    for (std::size_t e = 0; e < E; ++e)
      t.by_employer[e] += m.week_series()[static_cast<std::size_t>(metric) * E + e];
  }
  t.all = std::accumulate(t.by_employer.begin(), t.by_employer.end(), 0.0);
  return t;
}

// Runs `s` and counts, over all weeks, practitioners placed as locums that
// week (agency, tenure 0) for whom `pick(market, id)` holds.
template <class Pick>
std::int64_t count_new_locums(const pm::Scenario& s, Pick pick) {
  pm::LabourMarket m(s);
  const ps::Population& pop = m.population();
  std::int64_t count = 0;
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    m.step();
    const auto status = pop.column<std::uint8_t>("status").span();
    for (std::size_t i = 0; i < pop.size(); ++i)
      if (status[i] == static_cast<std::uint8_t>(pm::Status::agency) && m.tenure_weeks(i) == 0 &&
          pick(m, i))
        ++count;
  }
  return count;
}

}  // namespace pledgesim_test

using namespace pledgesim_test;
