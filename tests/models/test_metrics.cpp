// The series a run records: kMetricTable is their one list, metric_specs()
// (what the HDF5 output writes) must follow it row by row, and the market
// must fill each series as the table describes it.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "market_test_util.hpp"

namespace {

TEST(MetricTable, SpecsFollowTheTable) {
  const auto& specs = pm::metric_specs();
  ASSERT_EQ(specs.size(), static_cast<std::size_t>(pm::kMetricCount));
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const pm::MetricDef& d = pm::kMetricTable[k];
    EXPECT_EQ(static_cast<std::size_t>(d.id), k);
    EXPECT_EQ(specs[k].name, d.name);
    EXPECT_EQ(specs[k].units, d.units);
    EXPECT_EQ(specs[k].description, d.description);
    EXPECT_EQ(specs[k].integer, d.integer);
  }
}

TEST(MetricTable, NamesAreUniqueSnakeCaseAndDescribed) {
  std::set<std::string> names;
  for (const pm::MetricDef& d : pm::kMetricTable) {
    EXPECT_TRUE(names.insert(std::string(d.name)).second) << d.name;
    for (char c : d.name) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    EXPECT_FALSE(d.units.empty()) << d.name;
    EXPECT_FALSE(d.description.empty()) << d.name;
  }
}

// Integer series hold whole numbers; flows, being counts or costs of the
// week, are never negative.
TEST(MetricTable, SeriesHoldWhatTheTableSays) {
  pm::LabourMarket m(london(1));
  const std::size_t E = m.authority_count();
  for (int w = 0; w < 20; ++w) {
    m.step();
    const auto series = m.week_series();
    for (const pm::MetricDef& d : pm::kMetricTable)
      for (std::size_t e = 0; e < E; ++e) {
        const double v = series[static_cast<std::size_t>(d.id) * E + e];
        EXPECT_TRUE(std::isfinite(v)) << d.name;
        if (d.integer) {
          EXPECT_EQ(v, std::round(v)) << d.name;
        }
        if (d.aggregation == pm::kFlow) {
          EXPECT_GE(v, 0.0) << d.name;
        }
      }
  }
}

}  // namespace
