// Tests of models/vacancy_ledger.hpp: how long vacancies have been open.
#include "models/vacancy_ledger.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <random>
#include <utility>

namespace pledgesim::models {
namespace {

TEST(VacancyLedger, InitialVacanciesAreLong) {
  VacancyLedger ledger(4, 12);
  EXPECT_EQ(ledger.total(), 12);
  EXPECT_EQ(ledger.long_open(), 12);
  ledger.begin_week(0);
  EXPECT_EQ(ledger.long_open(), 12);
}

TEST(VacancyLedger, TotalTracksOpenedMinusFilled) {
  VacancyLedger ledger(3, 5);
  std::int64_t expected = 5;
  const std::pair<std::int64_t, std::int64_t> weeks[] = {{0, 4}, {2, 1}, {3, 0}, {0, 7}, {6, 2}};
  for (std::int64_t w = 0; w < 5; ++w) {
    ledger.begin_week(w);
    const auto [filled, opened] = weeks[w];
    ledger.end_week(filled, opened);
    expected += opened - filled;
    EXPECT_EQ(ledger.total(), expected) << "week " << w;
  }
}

TEST(VacancyLedger, VacanciesBecomeLongAfterCoverAfterWeeks) {
  // Opened at the end of week 0; with cover after 4 weeks they are recent
  // in weeks 1-3 and long from the start of week 4.
  VacancyLedger ledger(4, 0);
  ledger.begin_week(0);
  ledger.end_week(0, 6);
  EXPECT_EQ(ledger.total(), 6);
  EXPECT_EQ(ledger.long_open(), 0);
  for (std::int64_t w = 1; w <= 3; ++w) {
    ledger.begin_week(w);
    EXPECT_EQ(ledger.long_open(), 0) << "week " << w;
    ledger.end_week(0, 0);
    EXPECT_EQ(ledger.long_open(), 0) << "week " << w;
  }
  ledger.begin_week(4);
  EXPECT_EQ(ledger.long_open(), 6);
  ledger.end_week(0, 1);  // a new one is not long
  EXPECT_EQ(ledger.long_open(), 6);
  EXPECT_EQ(ledger.total(), 7);
}

TEST(VacancyLedger, FillsTakeLongVacanciesFirstThenOldestRecent) {
  VacancyLedger ledger(4, 2);  // 2 long from the start
  ledger.begin_week(0);
  ledger.end_week(0, 5);  // week 0: 5 opened
  ledger.begin_week(1);
  ledger.end_week(0, 3);  // week 1: 3 opened
  ledger.begin_week(2);
  // Fill 4: the 2 long ones, then 2 of week 0's 5.
  ledger.end_week(4, 0);
  EXPECT_EQ(ledger.total(), 6);
  EXPECT_EQ(ledger.long_open(), 0);
  ledger.begin_week(3);
  ledger.end_week(0, 0);
  ledger.begin_week(4);  // week 0's remaining 3 become long
  EXPECT_EQ(ledger.long_open(), 3);
  ledger.end_week(0, 0);
  ledger.begin_week(5);  // week 1's 3 become long
  EXPECT_EQ(ledger.long_open(), 6);

  // Filling more than the oldest week holds empties it before touching the
  // next: 6 fills take all 5 of week 0 and 1 of week 1.
  VacancyLedger other(4, 0);
  other.begin_week(0);
  other.end_week(0, 5);
  other.begin_week(1);
  other.end_week(0, 3);
  other.begin_week(2);
  other.end_week(6, 0);  // all 5 of week 0 and 1 of week 1
  other.begin_week(3);
  other.end_week(0, 0);
  other.begin_week(4);  // nothing left from week 0
  EXPECT_EQ(other.long_open(), 0);
  other.end_week(0, 0);
  other.begin_week(5);  // week 1's remaining 2
  EXPECT_EQ(other.long_open(), 2);
  EXPECT_EQ(other.total(), 2);
}

TEST(VacancyLedger, OldestRecentIsFoundAcrossTheRingWrap) {
  // Cover after 3 weeks: by week 4 the ring slots have wrapped.
  VacancyLedger ledger(3, 0);
  ledger.begin_week(0);
  ledger.end_week(0, 0);
  ledger.begin_week(1);
  ledger.end_week(0, 0);
  ledger.begin_week(2);
  ledger.end_week(0, 1);  // slot 2
  ledger.begin_week(3);
  ledger.end_week(0, 10);  // slot 0
  ledger.begin_week(4);
  ledger.end_week(1, 0);  // must take week 2's (slot 2), not week 3's (slot 0)
  ledger.begin_week(5);   // week 2's would become long now: none left
  EXPECT_EQ(ledger.long_open(), 0);
  ledger.end_week(0, 0);
  ledger.begin_week(6);  // week 3's 10 become long
  EXPECT_EQ(ledger.long_open(), 10);
}

TEST(VacancyLedger, ZeroCoverAfterWeeksMakesEveryVacancyLong) {
  VacancyLedger ledger(0, 3);
  EXPECT_EQ(ledger.long_open(), 3);
  for (std::int64_t w = 0; w < 10; ++w) {
    ledger.begin_week(w);
    ledger.end_week(w % 3, 2);
    EXPECT_EQ(ledger.long_open(), ledger.total()) << "week " << w;
  }
  EXPECT_EQ(ledger.total(), 14);  // 3 + 10 * 2 opened - 9 filled
}

TEST(VacancyLedger, NeverNegative) {
  VacancyLedger ledger(2, 1);
  ledger.begin_week(0);
  ledger.end_week(5, 0);  // more fills than vacancies
  EXPECT_EQ(ledger.total(), 0);
  EXPECT_EQ(ledger.long_open(), 0);
  ledger.begin_week(1);
  ledger.end_week(-3, 2);  // negative fills count as none
  EXPECT_EQ(ledger.total(), 2);
  ledger.begin_week(2);
  ledger.end_week(std::numeric_limits<std::int64_t>::max(), 0);
  EXPECT_EQ(ledger.total(), 0);
  EXPECT_EQ(ledger.long_open(), 0);
  ledger.begin_week(3);
  EXPECT_EQ(ledger.long_open(), 0);
}

// Reference model: a FIFO of (week opened, count); a vacancy opened at the
// end of week w is long from the start of week w + cover_after_weeks.
class ReferenceLedger {
 public:
  ReferenceLedger(std::int64_t cover, std::int64_t initial) : cover_(cover) {
    if (initial > 0) queue_.push_back({std::numeric_limits<std::int64_t>::min() / 2, initial});
  }
  void begin_week(std::int64_t week) { week_ = week; }
  void end_week(std::int64_t filled, std::int64_t opened) {
    for (; filled > 0 && !queue_.empty();) {
      auto& [w, n] = queue_.front();
      const std::int64_t take = std::min(n, filled);
      n -= take;
      filled -= take;
      if (n == 0) queue_.pop_front();
    }
    if (opened > 0) queue_.push_back({week_, opened});
  }
  std::int64_t total() const {
    std::int64_t t = 0;
    for (const auto& [w, n] : queue_) t += n;
    return t;
  }
  std::int64_t long_open() const {
    std::int64_t t = 0;
    for (const auto& [w, n] : queue_)
      if (w + cover_ <= week_) t += n;
    return t;
  }

 private:
  std::int64_t cover_;
  std::int64_t week_ = 0;
  std::deque<std::pair<std::int64_t, std::int64_t>> queue_;
};

TEST(VacancyLedger, MatchesAFifoReferenceOverManyRandomWeeks) {
  for (std::int64_t cover : {0, 1, 2, 4, 13}) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(1000 + cover));
    VacancyLedger ledger(cover, 7);
    ReferenceLedger ref(cover, 7);
    for (std::int64_t w = 0; w < 600; ++w) {
      ledger.begin_week(w);
      ref.begin_week(w);
      ASSERT_EQ(ledger.long_open(), ref.long_open()) << "cover " << cover << " week " << w;
      const auto filled = static_cast<std::int64_t>(rng() % 9);  // sometimes more than open
      const auto opened = static_cast<std::int64_t>(rng() % 6);
      ledger.end_week(filled, opened);
      ref.end_week(filled, opened);
      ASSERT_EQ(ledger.total(), ref.total()) << "cover " << cover << " week " << w;
      ASSERT_EQ(ledger.long_open(), ref.long_open()) << "cover " << cover << " week " << w;
      ASSERT_GE(ledger.long_open(), 0);
      ASSERT_LE(ledger.long_open(), ledger.total());
    }
  }
}

}  // namespace
}  // namespace pledgesim::models
