// The run library (models/runner.hpp): a run in memory equals the same run
// written to a file, for any thread count; replications are the runs of
// their seeds; the stop, checkpoint and progress hooks come at the weeks they
// promise; and a run resumed from saved markets continues exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "analysis/cpp/indicators.hpp"
#include "analysis/cpp/run_memory.hpp"
#include "models/runner.hpp"
#include "sim/core/replication.hpp"
#include "sim/core/state.hpp"
#include "sim/io/hdf5_recorder.hpp"
#include "tests/common/scenarios.hpp"
#include "tests/common/temp_dir.hpp"

namespace pm = pledgesim::models;
namespace ps = pledgesim::sim;
namespace an = pledgesim::analysis;

namespace {

using pledgesim::test_util::london_scenario;

ps::MemoryRecorder run_in_memory(const pm::Scenario& s, std::size_t replications,
                                 std::size_t threads) {
  ps::MemoryRecorder recorder;
  pm::RunSettings settings;
  settings.replications = replications;
  settings.threads = threads;
  const pm::RunOutcome outcome = pm::run_scenario(s, recorder, settings);
  EXPECT_EQ(outcome.status, pm::RunOutcome::Status::kCompleted);
  EXPECT_TRUE(recorder.complete());
  return recorder;
}

TEST(Runner, MemoryEqualsTheFileForEverySeriesAndIndicator) {
  const pm::Scenario s = london_scenario(1);
  const ps::MemoryRecorder memory = run_in_memory(s, 3, 2);
  pledgesim::test_util::ScopedTempDir dir("runner_file");
  const auto path = dir / "run.h5";
  {
    ps::Hdf5Recorder file(path);
    pm::RunSettings settings;
    settings.replications = 3;
    settings.threads = 2;
    ASSERT_EQ(pm::run_scenario(s, file, settings).status, pm::RunOutcome::Status::kCompleted);
  }
  const an::RunFile from_file = an::open_run_file(path);
  const an::RunFile from_memory = an::run_in_memory(memory);
  EXPECT_EQ(from_memory.dates, from_file.dates);
  EXPECT_EQ(from_memory.employer_name, from_file.employer_name);
  EXPECT_EQ(from_memory.employer_region, from_file.employer_region);
  EXPECT_EQ(from_memory.employer_inner_london, from_file.employer_inner_london);
  EXPECT_EQ(from_memory.replication_seeds, from_file.replication_seeds);
  EXPECT_EQ(from_memory.replications, 3u);
  ASSERT_EQ(from_memory.series_names.size(), from_file.series_names.size());
  for (const auto& name : from_file.series_names)
    EXPECT_EQ(from_memory.read_series(name), from_file.read_series(name)) << name;

  const auto a = an::compute_indicators(from_memory, an::Grouping::kRegion, {});
  const auto b = an::compute_indicators(from_file, an::Grouping::kRegion, {});
  ASSERT_EQ(a.indicators.size(), b.indicators.size());
  ASSERT_FALSE(a.indicators.empty());
  for (const auto& name : {"agency_rate", "turnover_rate", "total_cost_gbp"}) {
    const auto x = an::find_replicates(a, name, "London", 2018);
    const auto y = an::find_replicates(b, name, "London", 2018);
    ASSERT_TRUE(x && y) << name;
    EXPECT_TRUE(std::equal(x->begin(), x->end(), y->begin(), y->end())) << name;
  }
}

TEST(Runner, ResultsDoNotDependOnThreadsOrBatches) {
  const pm::Scenario s = london_scenario(1);
  const ps::MemoryRecorder one = run_in_memory(s, 3, 1);  // batches of one replication
  const ps::MemoryRecorder two = run_in_memory(s, 3, 2);  // a batch of two, then one
  const ps::MemoryRecorder four = run_in_memory(s, 3, 4);
  for (std::size_t k = 0; k < one.info().series.size(); ++k) {
    EXPECT_EQ(one.series(k), two.series(k)) << one.info().series[k].name;
    EXPECT_EQ(one.series(k), four.series(k)) << one.info().series[k].name;
  }
}

TEST(Runner, ReplicationRIsTheRunOfItsSeed) {
  const pm::Scenario s = london_scenario(1);
  const ps::MemoryRecorder all = run_in_memory(s, 3, 2);
  const std::size_t block = all.weeks() * all.entities();
  for (std::size_t r = 0; r < 3; ++r) {
    pm::Scenario single = s;
    single.seed = ps::replication_seed(s.seed, r);
    const ps::MemoryRecorder alone = run_in_memory(single, 1, 1);
    for (std::size_t k = 0; k < all.info().series.size(); ++k) {
      const auto& x = all.series(k);
      const std::vector<double> slice(x.begin() + static_cast<std::ptrdiff_t>(r * block),
                                      x.begin() + static_cast<std::ptrdiff_t>((r + 1) * block));
      EXPECT_EQ(slice, alone.series(k)) << "replication " << r;
    }
  }
  // And replications differ (the seeds are not all the same).
  EXPECT_NE(std::vector<double>(all.series(0).begin(),
                                all.series(0).begin() + static_cast<std::ptrdiff_t>(block)),
            std::vector<double>(all.series(0).begin() + static_cast<std::ptrdiff_t>(block),
                                all.series(0).begin() + static_cast<std::ptrdiff_t>(2 * block)));
}

TEST(Runner, HooksComeAtTheWeeksTheyPromise) {
  const pm::Scenario s = london_scenario(1);
  const std::int64_t W = s.weeks();  // 53: the weeks up to the last one of the year
  ASSERT_GT(W, 41);
  ps::MemoryRecorder recorder;
  pm::RunSettings settings;
  settings.replications = 2;
  settings.threads = 1;  // batches of one: replication 0, then 1
  std::vector<std::pair<std::size_t, std::int64_t>> checkpoints;
  std::vector<std::int64_t> progress;
  settings.checkpoint_every = 20;
  settings.checkpoint = [&](const pm::Batch& b) {
    EXPECT_EQ(b.markets.size(), 1u);
    EXPECT_EQ(b.markets[0]->weeks_done(), b.weeks_done);
    checkpoints.emplace_back(b.first, b.weeks_done);
  };
  settings.progress = [&](std::int64_t done, const std::string&) { progress.push_back(done); };
  bool began = false;
  settings.on_begin = [&] { began = true; };
  const pm::RunOutcome done = pm::run_scenario(s, recorder, settings);
  EXPECT_TRUE(began);
  EXPECT_EQ(done.status, pm::RunOutcome::Status::kCompleted);
  const std::vector<std::pair<std::size_t, std::int64_t>> want = {
      {0, 20}, {0, 40}, {1, 20}, {1, 40}};
  EXPECT_EQ(checkpoints, want);  // not at a batch's end
  ASSERT_EQ(progress.size(), static_cast<std::size_t>(2 * W));
  EXPECT_EQ(progress.front(), 1);
  EXPECT_EQ(progress.back(), 2 * W);

  // A stop before week 30 of replication 1 (the (W + 30)th week stepped).
  ps::MemoryRecorder stopped;
  checkpoints.clear();
  settings.stop_requested = [W](std::int64_t stepped) { return stepped == W + 30; };
  const pm::RunOutcome outcome = pm::run_scenario(s, stopped, settings);
  EXPECT_EQ(outcome.status, pm::RunOutcome::Status::kStopped);
  EXPECT_EQ(outcome.stopped_at_week, 30);
  EXPECT_EQ(outcome.batch_first, 1u);
  EXPECT_EQ(outcome.batch_size, 1u);
  EXPECT_FALSE(stopped.complete());
  ASSERT_FALSE(checkpoints.empty());
  EXPECT_EQ(checkpoints.back(), (std::pair<std::size_t, std::int64_t>{1, 30}));  // on the stop
}

TEST(Runner, AResumedRunContinuesExactly) {
  const pm::Scenario s = london_scenario(1);
  const ps::MemoryRecorder whole = run_in_memory(s, 1, 2);

  // Stop at week 23, keeping the market's state as a checkpoint would.
  ps::MemoryState saved;
  ps::MemoryRecorder first;
  pm::RunSettings settings;
  settings.threads = 2;
  settings.checkpoint_every = 1000;  // only on the stop
  settings.checkpoint = [&](const pm::Batch& b) { b.markets[0]->save_state(saved); };
  settings.stop_requested = [](std::int64_t stepped) { return stepped == 23; };
  ASSERT_EQ(pm::run_scenario(s, first, settings).status, pm::RunOutcome::Status::kStopped);

  pm::ResumePoint resume;
  resume.weeks_done = 23;
  resume.markets.push_back(pm::make_replication(s, 0, false));
  resume.markets[0]->load_state(saved);
  ps::MemoryRecorder rest;
  pm::RunSettings go_on;
  go_on.threads = 1;  // another thread count
  ASSERT_EQ(pm::run_scenario(s, rest, go_on, &resume).status, pm::RunOutcome::Status::kCompleted);
  const std::size_t E = whole.entities();
  for (std::size_t k = 0; k < whole.info().series.size(); ++k) {
    const auto& a = whole.series(k);
    const auto& b = rest.series(k);
    EXPECT_TRUE(std::equal(a.begin() + static_cast<std::ptrdiff_t>(23 * E), a.end(),
                           b.begin() + static_cast<std::ptrdiff_t>(23 * E)))
        << whole.info().series[k].name;
    const auto& c = first.series(k);  // and the weeks before the stop
    EXPECT_TRUE(std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(23 * E), c.begin()))
        << whole.info().series[k].name;
  }
}

TEST(Runner, EventsAreRecordedInMemoryAndOnlyForOneReplication) {
  const pm::Scenario s = london_scenario(1);
  ps::MemoryRecorder recorder;
  pm::RunSettings settings;
  settings.record_events = true;
  ASSERT_EQ(pm::run_scenario(s, recorder, settings).status, pm::RunOutcome::Status::kCompleted);
  ASSERT_TRUE(recorder.info().events.has_value());
  const auto& events = recorder.events(0);
  EXPECT_GT(events.rows(), 100u);
  EXPECT_TRUE(std::is_sorted(events.week.begin(), events.week.end()));
  const auto& columns = recorder.info().events->columns;
  for (std::size_t c = 0; c < columns.size(); ++c)
    EXPECT_EQ(events.columns[c].size(), events.rows() * ps::element_bytes(columns[c].type));

  settings.replications = 2;
  ps::MemoryRecorder two;
  EXPECT_THROW(pm::run_scenario(s, two, settings), std::invalid_argument);
}

TEST(Runner, InvariantChecksPassOnAnOrdinaryRun) {
  ps::MemoryRecorder recorder;
  pm::RunSettings settings;
  settings.check_invariants = true;
  const pm::RunOutcome outcome = pm::run_scenario(london_scenario(1), recorder, settings);
  EXPECT_EQ(outcome.status, pm::RunOutcome::Status::kCompleted);
  EXPECT_TRUE(outcome.violations.empty());
}

}  // namespace
