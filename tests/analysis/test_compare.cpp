// compare: paired differences with a known variance, flags, and refusals.
#include "analysis/cpp/compare.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "sim/io/hdf5_util.hpp"
#include "tests/analysis/fixture.hpp"

namespace pledgesim::analysis {
namespace {

using testing::FileSpec;
using testing::TempDir;
using testing::write_run;

const std::vector<std::string> kSeries = {"permanent_fte", "agency_fte", "vacancies", "leavers",
                                          "pay_cost_gbp"};

// Baseline: every replication alike, except that replication r has r more
// permanent staff at Camden (so A varies across replications too).
double base(std::size_t r, const std::string& s, std::int64_t, std::size_t e) {
  if (s == "permanent_fte") return std::vector<double>{80, 100, 50}[e] + (e == 0 ? r : 0);
  if (s == "agency_fte") return std::vector<double>{20, 10, 10}[e];
  if (s == "vacancies") return 10;
  if (s == "leavers") return 1;
  return 1000;
}

// Scenario B: Camden's agency FTE is higher by 1, 2, 3, 4, 5 in replications
// 0..4 (mean 3, sample variance 2.5); Bromley's permanent FTE differs by
// -2, -1, 0, 1, 2 (mean 0).
double scenario_b(std::size_t r, const std::string& s, std::int64_t w, std::size_t e) {
  double v = base(r, s, w, e);
  if (s == "agency_fte" && e == 0) v += static_cast<double>(r + 1);
  if (s == "permanent_fte" && e == 1) v += static_cast<double>(r) - 2;
  return v;
}

class Compare : public TempDir {
 protected:
  RunFile write(const std::string& name, const FileSpec& spec, const testing::ValueFn& f) {
    write_run(dir_ / name, spec, f);
    return open_run_file(dir_ / name);
  }
  FileSpec spec(std::size_t replications) {
    FileSpec s;
    s.series = kSeries;
    s.replications = replications;
    return s;
  }
  static const ComparisonRow& row(const Comparison& c, const std::string& group,
                                  const std::string& indicator) {
    for (const auto& r : c.rows)
      if (c.a.groups[r.group_a].name == group && c.a.indicators[r.indicator_a].name == indicator &&
          r.period == 0)
        return r;
    throw std::runtime_error("no row " + group + " " + indicator);
  }
};

TEST_F(Compare, PairedIntervalOnAKnownVariance) {
  const RunFile a = write("a.h5", spec(5), base);
  const RunFile b = write("b.h5", spec(5), scenario_b);
  CompareOptions o;
  o.by = Grouping::kAuthority;
  const Comparison c = compare_runs(a, b, o);
  EXPECT_EQ(c.pairs, 5u);
  EXPECT_TRUE(c.common_seeds);

  const ComparisonRow& agency = row(c, "Camden", "agency_fte");
  const double half = 2.131846786 * std::sqrt(2.5) / std::sqrt(5.0);  // t(0.95; 4) s / sqrt(n)
  EXPECT_EQ(agency.diff.n, 5u);
  EXPECT_DOUBLE_EQ(agency.diff.mean, 3.0);
  EXPECT_NEAR(agency.diff.lo, 3.0 - half, 1e-8);
  EXPECT_NEAR(agency.diff.hi, 3.0 + half, 1e-8);
  EXPECT_TRUE(agency.diff.excludes_zero());
  EXPECT_DOUBLE_EQ(agency.a_mean, 20);
  EXPECT_DOUBLE_EQ(agency.b_mean, 23);

  const ComparisonRow& inpost = row(c, "Bromley", "inpost_fte");
  EXPECT_DOUBLE_EQ(inpost.diff.mean, 0.0);
  EXPECT_FALSE(inpost.diff.excludes_zero());
  EXPECT_NEAR(inpost.diff.hi, 2.131846786 * std::sqrt(2.5) / std::sqrt(5.0), 1e-8);

  // Pairing matters: Camden's A varies across replications but B - A is
  // exactly zero for its permanent staff, so the interval is [0, 0].
  const ComparisonRow& camden = row(c, "Camden", "inpost_fte");
  EXPECT_EQ(camden.diff.lo, 0.0);
  EXPECT_EQ(camden.diff.hi, 0.0);
  EXPECT_FALSE(camden.diff.excludes_zero());

  const std::string csv = format_comparisons({c}, Format::kCsv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "baseline,scenario,baseline_file,file,level,group,indicator,units,period_type,"
            "period,weeks,pairs,a_mean,b_mean,diff,lo90,hi90,excludes_zero");
  EXPECT_NE(csv.find(",authority,Camden,agency_fte,FTE,year_to_30_sep,2018,52,5,20,23,3,"),
            std::string::npos)
      << csv;
  const std::string table = format_comparisons({c}, Format::kTable);
  EXPECT_NE(table.find("+3 +/-2*"), std::string::npos) << table;
  EXPECT_NE(format_comparisons({c}, Format::kJson).find("\"excludes_zero\": true"),
            std::string::npos);
}

TEST_F(Compare, OneReplicationGivesThePointDifferenceOnly) {
  const Comparison c =
      compare_runs(write("a.h5", spec(1), base), write("b.h5", spec(1), scenario_b),
                   {Grouping::kAuthority, {"agency_fte"}});
  const ComparisonRow& agency = row(c, "Camden", "agency_fte");
  EXPECT_DOUBLE_EQ(agency.diff.mean, 1.0);
  EXPECT_FALSE(agency.diff.defined());
  EXPECT_FALSE(agency.diff.excludes_zero());
  EXPECT_NE(format_comparisons({c}, Format::kTable).find("needs --replications R >= 2"),
            std::string::npos);
}

TEST_F(Compare, NotesSeedAndReplicationMismatches) {
  FileSpec other = spec(3);
  other.seeds = {1, 99, 3};
  const Comparison c = compare_runs(write("a.h5", spec(5), base), write("b.h5", other, scenario_b));
  EXPECT_EQ(c.pairs, 3u);
  EXPECT_FALSE(c.common_seeds);
  ASSERT_GE(c.notes.size(), 2u);
  EXPECT_NE(c.notes[0].find("first 3 of each are paired"), std::string::npos);
  EXPECT_NE(c.notes[1].find("seeds differ"), std::string::npos);
}

// 5 and 3 replications of one seed: the 3 pairs share their seeds, and
// comparing in either order must say so (the check once compared 3 seeds
// with all 5 and said the seeds differed).
TEST_F(Compare, UnequalReplicationsOfOneSeedStillShareSeeds) {
  const RunFile five = write("a.h5", spec(5), base);
  const RunFile three = write("b.h5", spec(3), scenario_b);
  for (const Comparison& c : {compare_runs(five, three, {}), compare_runs(three, five, {})}) {
    EXPECT_EQ(c.pairs, 3u);
    EXPECT_TRUE(c.common_seeds);
    for (const auto& note : c.notes)
      EXPECT_EQ(note.find("seeds differ"), std::string::npos) << note;
  }
}

// Replications 0..R-1 on sets 0..R-1 of a two-key ensemble; `shift` moves
// one value, as a different ensemble would.
sim::ParameterTable parameters(std::size_t replications, double shift = 0) {
  sim::ParameterTable t{"ens.csv", {"behaviour.exit_rate_per_year", "agency.margin_share"}, {}, {}};
  for (std::size_t r = 0; r < replications; ++r) {
    t.sets.push_back(static_cast<std::int64_t>(r));
    t.values.push_back(0.05 + 0.01 * static_cast<double>(r) + (r == 2 ? shift : 0));
    t.values.push_back(0.2);
  }
  return t;
}

TEST_F(Compare, CommonParametersGivePredictionIntervalsOfTheDifferences) {
  FileSpec with = spec(5);
  with.parameters = parameters(5);
  CompareOptions o;
  o.by = Grouping::kAuthority;
  const Comparison c = compare_runs(write("a.h5", with, base), write("b.h5", with, scenario_b), o);
  EXPECT_TRUE(c.parameters);
  EXPECT_TRUE(c.common_parameters);
  EXPECT_EQ(c.interval, IntervalKind::kPrediction);
  // Camden agency: differences 1..5, s^2 = 2.5; t(0.95; 4) s sqrt(1 + 1/5).
  const ComparisonRow& agency = row(c, "Camden", "agency_fte");
  EXPECT_NEAR(agency.diff.hi - 3.0, 2.131846786 * std::sqrt(2.5) * std::sqrt(1.2), 1e-8);
  EXPECT_FALSE(agency.diff.excludes_zero());  // the mean interval's does (test above)
  const std::string csv = format_comparisons({c}, Format::kCsv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "baseline,scenario,baseline_file,file,level,group,indicator,units,period_type,"
            "period,weeks,pairs,a_mean,b_mean,diff,pi90_lo,pi90_hi,excludes_zero");
  const std::string table = format_comparisons({c}, Format::kTable);
  EXPECT_NE(table.find("(common random numbers, common parameters) +/- half-width of its 90% "
                       "prediction interval (parameters and chance;"),
            std::string::npos)
      << table;
  const std::string json = format_comparisons({c}, Format::kJson);
  EXPECT_NE(json.find("\"interval_kind\": \"prediction\""), std::string::npos);
  EXPECT_NE(json.find("\"common_parameters\": true"), std::string::npos);

  CompareOptions mean = o;
  mean.interval = IntervalKind::kMean;
  const Comparison m =
      compare_runs(open_run_file(dir_ / "a.h5"), open_run_file(dir_ / "b.h5"), mean);
  EXPECT_NEAR(row(m, "Camden", "agency_fte").diff.hi - 3.0,
              2.131846786 * std::sqrt(2.5) / std::sqrt(5.0), 1e-8);
}

TEST_F(Compare, RefusesPairsThatRanDifferentParameters) {
  FileSpec with = spec(5), shifted = spec(5), fewer_keys = spec(5);
  with.parameters = parameters(5);
  shifted.parameters = parameters(5, 0.001);
  fewer_keys.parameters = parameters(5);
  fewer_keys.parameters.keys.pop_back();
  for (std::size_t r = 5; r-- > 0;)
    fewer_keys.parameters.values.erase(fewer_keys.parameters.values.begin() +
                                       static_cast<std::ptrdiff_t>(2 * r + 1));
  const RunFile a = write("a.h5", with, base);
  const struct {
    const char* file;
    FileSpec spec;
    const char* why;
  } cases[] = {
      {"shifted.h5", shifted, "replication 2 ran behaviour.exit_rate_per_year = 0.07"},
      {"none.h5", spec(5), "on its scenario's own values"},
      {"fewer.h5", fewer_keys, "parameter agency.margin_share varies in"},
  };
  for (const auto& k : cases) {
    const RunFile b = write(k.file, k.spec, scenario_b);
    for (const auto& [x, y] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      try {
        compare_runs(*x, *y);
        FAIL() << "compared " << x->path << " with " << y->path;
      } catch (const CompareError& e) {
        EXPECT_NE(std::string(e.what()).find(k.why), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("--allow-different-parameters"), std::string::npos);
      }
    }
    CompareOptions allow;
    allow.allow_different_parameters = true;
    const Comparison c = compare_runs(a, b, allow);
    EXPECT_FALSE(c.common_parameters);
    EXPECT_EQ(c.interval, IntervalKind::kPrediction);
    EXPECT_TRUE(std::any_of(c.notes.begin(), c.notes.end(), [](const std::string& n) {
      return n.find("ran different parameters") != std::string::npos;
    }));
  }
  // Only the paired replications count: B's extra replication may differ.
  FileSpec longer = spec(6);
  longer.parameters = parameters(6);
  longer.parameters.values[10] = 0.5;  // replication 5
  EXPECT_TRUE(compare_runs(a, write("longer.h5", longer, scenario_b)).common_parameters);
}

TEST_F(Compare, RefusesOtherCalendars) {
  const RunFile a = write("a.h5", spec(2), base);
  FileSpec later = spec(2);
  later.start = sim::Date::from_ymd(2017, 10, 9);
  FileSpec shorter = spec(2);
  shorter.weeks = 59;
  for (const auto& [name, s] : {std::pair{"later.h5", later}, std::pair{"shorter.h5", shorter}}) {
    const RunFile b = write(name, s, base);
    try {
      compare_runs(a, b);
      FAIL() << "compared " << name;
    } catch (const CompareError& e) {
      EXPECT_NE(std::string(e.what()).find("calendars do not match"), std::string::npos)
          << e.what();
    }
  }
}

TEST_F(Compare, RefusesOtherFormatVersions) {
  const RunFile a = write("a.h5", spec(2), base);
  write_run(dir_ / "v2.h5", spec(2), base);
  {
    sim::h5::Handle f(H5Fopen((dir_ / "v2.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose,
                      "open");
    ASSERT_GE(H5Adelete(f, "format_version"), 0);
    sim::h5::write_int_attribute(f, "format_version", 99);
  }
  // A version this build does not read is refused when the file is opened.
  try {
    compare_runs(a, open_run_file(dir_ / "v2.h5"));
    FAIL() << "compared different format versions";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("v2.h5: format_version 99 is newer than this pledgesim "
                                         "reads"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace pledgesim::analysis
