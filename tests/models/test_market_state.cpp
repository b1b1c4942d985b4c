// Checkpoints and events of the market: a market loaded from a saved state
// continues bit for bit (in memory and through an HDF5 checkpoint file), a
// state is refused by a market of another scenario, and the recorded events
// are exactly the status and employer changes, from which the weekly flow
// series follow.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

#include "models/events.hpp"
#include "models/lever_examples.hpp"
#include "models/market.hpp"
#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/state.hpp"
#include "sim/io/checkpoint.hpp"
#include "tests/common/scenarios.hpp"
#include "tests/common/temp_dir.hpp"

namespace pm = pledgesim::models;
namespace ps = pledgesim::sim;
namespace fs = std::filesystem;

namespace {

using pledgesim::test_util::london_scenario;

// London and its neighbours with every lever on (in-house banks, notice
// periods, staged hellos...) and three agencies.
pm::Scenario all_levers(std::int64_t years) {
  pm::Scenario s = pm::builtin_default_scenario();
  s.years = years;
  s.seed = 5;
  s.agencies = {{"A", 2.0, 0.15}, {"B", 1.0, 0.2}, {"C", 1.0, 0.25}};
  s.pay.recruitment_cost_gbp_per_hire = 2000;
  for (std::size_t e = 0; e < s.authorities.size(); e += 3)
    s.authorities[e].signatory_from = ps::Date::from_ymd(2018, 4, 1);
  s.policies = pm::one_of_every_lever(ps::Date::from_ymd(2018, 1, 1));
  return s;
}

pm::Scenario scenario_named(const std::string& name, std::int64_t years) {
  return name == "all_levers" ? all_levers(years) : london_scenario(years);
}

bool same_bits(std::span<const double> a, std::span<const double> b) {
  // memcmp of an empty span's null data() is undefined (UBSan reports it).
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

// Every column of two populations, byte for byte.
void expect_same_population(const ps::Population& a, const ps::Population& b,
                            const std::string& when) {
  ASSERT_EQ(a.size(), b.size()) << when;
  ASSERT_EQ(a.columns().size(), b.columns().size());
  for (std::size_t c = 0; c < a.columns().size(); ++c) {
    const auto& x = *a.columns()[c];
    const auto& y = *b.columns()[c];
    EXPECT_EQ(0, std::memcmp(x.raw(), y.raw(), a.size() * x.element_bytes()))
        << "column " << x.name() << " " << when;
  }
}

void expect_same_events(const pm::MarketEvents& a, const pm::MarketEvents& b,
                        const std::string& when) {
  EXPECT_EQ(a.practitioner, b.practitioner) << when;
  EXPECT_EQ(a.kind, b.kind) << when;
  EXPECT_EQ(a.from_status, b.from_status) << when;
  EXPECT_EQ(a.to_status, b.to_status) << when;
  EXPECT_EQ(a.from_employer, b.from_employer) << when;
  EXPECT_EQ(a.to_employer, b.to_employer) << when;
  EXPECT_EQ(a.agency, b.agency) << when;
  EXPECT_TRUE(same_bits(a.pay_gbp_per_week, b.pay_gbp_per_week)) << when;
}

// Steps two markets side by side, checking they stay identical.
void expect_same_future(pm::LabourMarket& a, pm::LabourMarket& b, std::int64_t weeks) {
  for (std::int64_t w = 0; w < weeks; ++w) {
    a.step();
    b.step();
    const std::string when = "at week " + std::to_string(a.weeks_done());
    ASSERT_EQ(a.weeks_done(), b.weeks_done());
    ASSERT_TRUE(same_bits(a.week_series(), b.week_series())) << when;
    EXPECT_EQ(a.status_counts(), b.status_counts()) << when;
    EXPECT_EQ(a.last_transitions(), b.last_transitions()) << when;
    expect_same_events(a.last_events(), b.last_events(), when);
    if (w % 10 == 9 || w + 1 == weeks) expect_same_population(a.population(), b.population(), when);
  }
}

}  // namespace

class MarketState : public ::testing::TestWithParam<const char*> {};
INSTANTIATE_TEST_SUITE_P(Scenarios, MarketState, ::testing::Values("london", "all_levers"));

// Saved after 20 weeks (2018-02-18), the market goes on through an April pay
// review and a September intake identically to one never interrupted.
TEST_P(MarketState, LoadedMarketContinuesBitForBit) {
  const auto s = scenario_named(GetParam(), 2);
  pm::LabourMarket a(s);
  a.set_event_recording(true);
  for (int w = 0; w < 20; ++w) a.step();
  ps::MemoryState saved;
  a.save_state(saved);

  pm::LabourMarket b(s);
  b.set_event_recording(true);
  b.load_state(saved);
  EXPECT_EQ(b.weeks_done(), 20);
  EXPECT_TRUE(same_bits(a.week_series(), b.week_series()));
  expect_same_population(a.population(), b.population(), "after loading");
  // Everything saved was loaded: saving again gives the same arrays.
  ps::MemoryState again;
  b.save_state(again);
  EXPECT_EQ(saved.arrays(), again.arrays());

  expect_same_future(a, b, 50);
}

// The same through a checkpoint file: every array survives HDF5 exactly.
TEST_P(MarketState, CheckpointFileRoundTripsTheState) {
  const auto s = scenario_named(GetParam(), 2);
  pm::LabourMarket a(s);
  for (int w = 0; w < 60; ++w) a.step();  // past the September intake
  ps::MemoryState saved;
  a.save_state(saved);
  const pledgesim::test_util::ScopedTempDir temp("market_state");
  const fs::path file = temp / (std::string("roundtrip_") + GetParam() + ".ckpt");
  {
    ps::CheckpointInfo info;
    info.scenario_text = "name = \"x\"\n";
    info.weeks = s.weeks();
    info.weeks_done = 60;
    ps::CheckpointWriter writer(file, info);
    a.save_state(writer.state("replication_0"));
    writer.commit();
  }
  pm::LabourMarket b(s);
  {
    const ps::CheckpointReader reader(file);
    b.load_state(reader.state("replication_0"));
  }
  fs::remove(file);
  ps::MemoryState loaded;
  b.save_state(loaded);
  EXPECT_EQ(saved.arrays(), loaded.arrays());
  expect_same_future(a, b, 8);
}

TEST(MarketStateSaved, HoldsEveryPopulationColumn) {
  pm::LabourMarket m(london_scenario(1));
  ps::MemoryState saved;
  m.save_state(saved);
  std::set<std::string> columns, stored;
  for (const auto& c : m.population().columns()) columns.insert(c->name());
  for (const auto& n : saved.names("population")) stored.insert(n);
  EXPECT_EQ(columns, stored);
  EXPECT_GE(columns.size(), 20u);
}

TEST(MarketStateSaved, RefusedByAMarketOfAnotherScenario) {
  pm::LabourMarket a(london_scenario(1));
  a.step();
  ps::MemoryState saved;
  a.save_state(saved);

  pm::LabourMarket other_seed(london_scenario(1, 12));
  EXPECT_THROW(
      {
        try {
          other_seed.load_state(saved);
        } catch (const ps::StateError& e) {
          EXPECT_NE(std::string(e.what()).find("constants/seed"), std::string::npos) << e.what();
          throw;
        }
      },
      ps::StateError);

  auto bigger = london_scenario(1);  // ten more posts at one authority, from its inputs
  for (auto& row : bigger.inputs.rows)
    if (row.scope == bigger.authorities[3].name && row.variable == pm::InputVariable::establishment)
      row.value += 10;
  pm::LabourMarket other_establishment(bigger);
  EXPECT_THROW(
      {
        try {
          other_establishment.load_state(saved);
        } catch (const ps::StateError& e) {
          EXPECT_NE(std::string(e.what()).find("constants/establishment differs"),
                    std::string::npos)
              << e.what();
          throw;
        }
      },
      ps::StateError);

  auto fewer = london_scenario(1);
  fewer.authorities.pop_back();
  pm::LabourMarket fewer_authorities(fewer);
  EXPECT_THROW(fewer_authorities.load_state(saved), ps::StateError);

  // A missing array is named.
  ps::MemoryState damaged = saved;
  damaged.arrays().erase("authority/caseload");
  pm::LabourMarket c(london_scenario(1));
  try {
    c.load_state(damaged);
    ADD_FAILURE() << "loaded a state without authority/caseload";
  } catch (const ps::StateError& e) {
    EXPECT_NE(std::string(e.what()).find("authority/caseload is missing"), std::string::npos)
        << e.what();
  }
}

// --- events -------------------------------------------------------------------

TEST(MarketEventKinds, FollowFromTheTransition) {
  using pm::EventKind;
  using pm::Status;
  EXPECT_EQ(pm::event_kind(Status::inactive, Status::trainee, false), EventKind::start);
  EXPECT_EQ(pm::event_kind(Status::permanent, Status::permanent, false), EventKind::move);
  EXPECT_EQ(pm::event_kind(Status::trainee, Status::permanent, true), EventKind::asye_complete);
  EXPECT_EQ(pm::event_kind(Status::permanent, Status::inactive, false), EventKind::break_);
  EXPECT_EQ(pm::event_kind(Status::agency, Status::exited, false), EventKind::exit);
  EXPECT_EQ(pm::event_kind(Status::inactive, Status::exited, true), EventKind::exit);
  EXPECT_EQ(pm::event_kind(Status::permanent, Status::agency, true), EventKind::to_agency);
  EXPECT_EQ(pm::event_kind(Status::agency, Status::agency, false), EventKind::agency_move);
  EXPECT_EQ(pm::event_kind(Status::agency, Status::trainee, false), EventKind::agency_to_post);
  EXPECT_EQ(pm::event_kind(Status::bank, Status::agency, false), EventKind::bank_to_agency);
  EXPECT_EQ(pm::event_kind(Status::bank, Status::inactive, false), EventKind::bank_end);
  EXPECT_EQ(pm::kEventKindNames[static_cast<int>(EventKind::break_)], "break");
}

class MarketEvents : public ::testing::TestWithParam<const char*> {};
INSTANTIATE_TEST_SUITE_P(Scenarios, MarketEvents, ::testing::Values("london", "all_levers"));

// Every week, the events are exactly the practitioners whose status or
// employer changed (in id order, with the right before and after), and the
// flow series are counts of them.
TEST_P(MarketEvents, AreTheChangesAndReproduceTheWeeklySeries) {
  const auto s = scenario_named(GetParam(), 2);
  pm::LabourMarket m(s);
  m.set_event_recording(true);
  const std::size_t E = m.authority_count();
  std::array<std::int64_t, pm::kEventKindCount> kinds{};
  for (std::int64_t w = 0; w < s.weeks(); ++w) {
    const auto& pop = m.population();
    const auto st = pop.column<std::uint8_t>("status").span();
    const auto em = pop.column<std::int16_t>("employer").span();
    const std::vector<std::uint8_t> status_before(st.begin(), st.end());
    const std::vector<std::int16_t> employer_before(em.begin(), em.end());
    m.step();
    const auto& ev = m.last_events();
    const auto status = m.population().column<std::uint8_t>("status").span();
    const auto employer = m.population().column<std::int16_t>("employer").span();
    const std::string when = "week " + std::to_string(w);

    // Exactly the changes (newly qualified rows start inactive, no employer).
    std::vector<std::int32_t> changed;
    for (std::size_t i = 0; i < status.size(); ++i) {
      const auto s0 = i < status_before.size() ? status_before[i]
                                               : static_cast<std::uint8_t>(pm::Status::inactive);
      const auto e0 = i < employer_before.size() ? employer_before[i] : pm::kNoEmployer;
      // A move between the councils of an aggregate changes neither: a post
      // taken this week (tenure 0) at the same employer, in the same status.
      const bool internal = i < status_before.size() &&
                            pm::holds_post(static_cast<pm::Status>(s0)) && status[i] == s0 &&
                            employer[i] == e0 && m.tenure_weeks(i) == 0;
      if (status[i] != s0 || employer[i] != e0 || internal)
        changed.push_back(static_cast<std::int32_t>(i));
    }
    ASSERT_EQ(ev.practitioner, changed) << when;
    ASSERT_EQ(ev.kind.size(), ev.size());
    ASSERT_EQ(ev.pay_gbp_per_week.size(), ev.size());

    std::vector<double> starters(E), leavers(E), moves_in(E), moves_out(E), perm_to_agency(E),
        agency_to_perm(E), agency_starts(E), agency_ends(E);
    for (std::size_t k = 0; k < ev.size(); ++k) {
      const auto i = static_cast<std::size_t>(ev.practitioner[k]);
      const auto from = static_cast<pm::Status>(ev.from_status[k]);
      const auto to = static_cast<pm::Status>(ev.to_status[k]);
      if (i < status_before.size()) {
        EXPECT_EQ(ev.from_status[k], status_before[i]) << when;
        EXPECT_EQ(ev.from_employer[k], employer_before[i]) << when;
      }
      EXPECT_EQ(ev.to_status[k], status[i]) << when;
      EXPECT_EQ(ev.to_employer[k], employer[i]) << when;
      const bool same = ev.from_employer[k] == ev.to_employer[k] && from != to;
      const auto kind = static_cast<pm::EventKind>(ev.kind[k]);
      EXPECT_EQ(kind, pm::event_kind(from, to, same)) << when;
      ++kinds[ev.kind[k]];
      // Pay of the new position, none without one; an agency where one starts or ends.
      const double pay = ev.pay_gbp_per_week[k];
      if (pm::in_work(to))
        EXPECT_TRUE(pay > 200 && pay < 5000) << when << " pay " << pay;
      else
        EXPECT_TRUE(std::isnan(pay)) << when;
      const bool agency = from == pm::Status::agency || to == pm::Status::agency;
      EXPECT_EQ(ev.agency[k] >= 0, agency) << when;

      const auto fe = static_cast<std::size_t>(ev.from_employer[k]);
      const auto te = static_cast<std::size_t>(ev.to_employer[k]);
      if (pm::holds_post(to) && kind != pm::EventKind::asye_complete) ++starters[te];
      if (pm::holds_post(from) && kind != pm::EventKind::asye_complete) ++leavers[fe];
      if (kind == pm::EventKind::move) ++moves_in[te], ++moves_out[fe];
      if (kind == pm::EventKind::to_agency) ++perm_to_agency[fe];
      if (kind == pm::EventKind::agency_to_post) ++agency_to_perm[te];
      if (to == pm::Status::agency) ++agency_starts[te];
      if (from == pm::Status::agency) ++agency_ends[fe];
    }
    auto series = [&](pm::Metric metric) {
      const auto row = m.week_series().subspan(static_cast<std::size_t>(metric) * E, E);
      return std::vector<double>(row.begin(), row.end());
    };
    EXPECT_EQ(starters, series(pm::kStarters)) << when;
    EXPECT_EQ(leavers, series(pm::kLeavers)) << when;
    EXPECT_EQ(moves_in, series(pm::kMovesIn)) << when;
    EXPECT_EQ(moves_out, series(pm::kMovesOut)) << when;
    EXPECT_EQ(perm_to_agency, series(pm::kPermToAgency)) << when;
    EXPECT_EQ(agency_to_perm, series(pm::kAgencyToPerm)) << when;
    EXPECT_EQ(agency_starts, series(pm::kAgencyStarts)) << when;
    EXPECT_EQ(agency_ends, series(pm::kAgencyEnds)) << when;
    if (HasFailure()) return;
  }
  // The common kinds occur (and with banks, the bank kinds).
  for (auto k :
       {pm::EventKind::start, pm::EventKind::move, pm::EventKind::asye_complete,
        pm::EventKind::break_, pm::EventKind::exit, pm::EventKind::to_agency,
        pm::EventKind::agency_start, pm::EventKind::agency_end, pm::EventKind::agency_to_post})
    EXPECT_GT(kinds[static_cast<int>(k)], 0) << pm::kEventKindNames[static_cast<int>(k)];
  if (std::string(GetParam()) == "all_levers") {
    EXPECT_GT(kinds[static_cast<int>(pm::EventKind::bank_start)] +
                  kinds[static_cast<int>(pm::EventKind::to_bank)],
              0);
  }
}

// Events of a market cut into many blocks are the same for 1 and 2 threads,
// and recording them changes nothing else.
TEST(MarketEventsRecording, SameForAnyThreadCountAndChangesNothingElse) {
  auto s = london_scenario(1);
  for (auto& a : s.authorities) a.inpost_fte *= 4, a.vacancy_fte *= 4, a.agency_fte *= 4;
  auto run = [&](std::size_t threads, bool events) {
    ps::ThreadLimit limit(threads);
    pm::LabourMarket m(s);
    m.set_event_recording(events);
    pm::MarketEvents all;
    std::vector<double> series;
    for (std::int64_t w = 0; w < 30; ++w) {
      m.step();
      all.append(m.last_events());
      series.insert(series.end(), m.week_series().begin(), m.week_series().end());
    }
    EXPECT_GT(m.population().size(), 3 * ps::kDefaultBlockSize);
    return std::make_pair(all, series);
  };
  const auto [one, one_series] = run(1, true);
  const auto [two, two_series] = run(2, true);
  const auto [none, none_series] = run(2, false);
  EXPECT_GT(one.size(), 1000u);
  expect_same_events(one, two, "1 vs 2 threads");
  EXPECT_TRUE(same_bits(one_series, two_series));
  EXPECT_TRUE(same_bits(one_series, none_series));
  EXPECT_EQ(none.size(), 0u);
}
