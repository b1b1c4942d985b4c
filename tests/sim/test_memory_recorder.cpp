// The in-memory recorder keeps what a recorder is given in the run file's
// layout: series [replication][week][entity], whatever order replications
// arrive in, and events appended per replication with their weeks.
#include <gtest/gtest.h>

#include <cstring>

#include "sim/io/memory_recorder.hpp"

namespace ps = pledgesim::sim;

namespace {

ps::RunInfo two_by_three(bool events) {
  ps::RunInfo info;
  info.scenario_name = "t";
  info.weeks = 3;
  info.replication_seeds = {1, 2};
  info.entities.group = "employers";
  info.entities.strings = {{"name", {"a", "b"}}};
  info.series = {{"x", "1", "", false}, {"y", "1", "", true}};
  if (events) {
    ps::EventTableSpec spec;
    spec.columns = {{"who", ps::ColumnType::i32, "", ""}, {"pay", ps::ColumnType::f64, "", ""}};
    info.events = spec;
  }
  return info;
}

TEST(MemoryRecorder, KeepsSeriesInRunFileOrder) {
  ps::MemoryRecorder m;
  m.begin(two_by_three(false));
  // values: for each series, one per entity; encode (rep, week, series, entity).
  auto row = [](std::size_t r, std::int64_t w) {
    std::vector<double> v;
    for (int s = 0; s < 2; ++s)
      for (int e = 0; e < 2; ++e) v.push_back(1000.0 * r + 100.0 * w + 10.0 * s + e);
    return v;
  };
  for (std::int64_t w = 0; w < 3; ++w) {  // replications interleaved, 1 before 0
    m.record_week(1, w, std::to_string(w), row(1, w));
    m.record_week(0, w, std::to_string(w), row(0, w));
  }
  EXPECT_FALSE(m.complete());
  m.finish();
  EXPECT_TRUE(m.complete());
  EXPECT_EQ(m.dates(), (std::vector<std::string>{"0", "1", "2"}));
  for (std::size_t s = 0; s < 2; ++s)
    for (std::size_t r = 0; r < 2; ++r)
      for (std::size_t w = 0; w < 3; ++w)
        for (std::size_t e = 0; e < 2; ++e)
          EXPECT_EQ(m.series(s)[(r * 3 + w) * 2 + e], 1000.0 * r + 100.0 * w + 10.0 * s + e);
  EXPECT_THROW(m.record_week(2, 0, "", row(0, 0)), std::logic_error);  // no such replication
  EXPECT_THROW(m.record_week(0, 3, "", row(0, 0)), std::logic_error);  // past the last week
  const std::vector<double> short_row = {1.0, 2.0};
  EXPECT_THROW(m.record_week(0, 0, "", short_row), std::logic_error);  // a short row
}

TEST(MemoryRecorder, AppendsEventsWithTheirWeeks) {
  ps::MemoryRecorder m;
  m.begin(two_by_three(true));
  const std::int32_t who[] = {7, 8, 9};
  const double pay[] = {1.5, 2.5, 3.5};
  const ps::ColumnView w0[] = {{ps::ColumnType::i32, who, 2}, {ps::ColumnType::f64, pay, 2}};
  const ps::ColumnView w2[] = {{ps::ColumnType::i32, who + 2, 1},
                               {ps::ColumnType::f64, pay + 2, 1}};
  m.record_events(1, 0, w0);
  m.record_events(1, 2, w2);
  const auto& e = m.events(1);
  EXPECT_EQ(e.week, (std::vector<std::int64_t>{0, 0, 2}));
  ASSERT_EQ(e.columns[0].size(), 3 * sizeof(std::int32_t));
  ASSERT_EQ(e.columns[1].size(), 3 * sizeof(double));
  EXPECT_EQ(std::memcmp(e.columns[0].data(), who, sizeof who), 0);
  EXPECT_EQ(std::memcmp(e.columns[1].data(), pay, sizeof pay), 0);
  EXPECT_EQ(m.events(0).rows(), 0u);
  const ps::ColumnView one_column[] = {{ps::ColumnType::i32, who, 1}};
  EXPECT_THROW(m.record_events(0, 1, one_column), std::logic_error);
}

}  // namespace
