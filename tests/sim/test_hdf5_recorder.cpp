// Tests of sim/io/hdf5_recorder.hpp and sim/io/hdf5_util.hpp: a tiny run
// written and read back, and the never-a-half-written-file guarantee.
#include "sim/io/hdf5_recorder.hpp"
#include "tests/common/temp_dir.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/calendar.hpp"
#include "sim/io/hdf5_util.hpp"

namespace pledgesim::sim {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temporary directory, removed afterwards.
class Hdf5RecorderTest : public test_util::TempDirTest {};

constexpr std::int64_t kWeeks = 7;
constexpr std::int64_t kChunkWeeks = 3;  // chunks of 3, 3 and 1 weeks
constexpr std::size_t kEntities = 2;
constexpr std::uint64_t kSeed = (1ULL << 62) + 1;  // not exact as a double

RunInfo tiny_run() {
  RunInfo info;
  info.scenario_name = "tiny";
  info.scenario_text = "name = \"tiny\"\nyears = 1\n# caf\xc3\xa9\n";
  info.software_version = "0.0-test";
  info.seed = kSeed;
  info.weeks = kWeeks;
  info.entities.group = "employers";
  info.entities.strings = {{"name", {"Camden", "Hackney"}}, {"region", {"London", "London"}}};
  info.entities.integers = {{"signatory", {1, 0}}};
  info.series = {
      {"permanent_fte", "FTE", "permanent staff in post", false},
      {"starters", "people", "permanent starters this week", true},
      {"pay_cost_gbp", "GBP", "pay bill this week", false},
  };
  return info;
}

// Value of series k, week w, entity e: distinct everywhere, fractional for
// float series, integral (and sometimes negative) for the integer series.
double value_of(std::size_t k, std::int64_t w, std::size_t e) {
  if (k == 1) return static_cast<double>(w * 10 + static_cast<std::int64_t>(e)) - 5.0;
  return 1000.0 * static_cast<double>(k) + 10.0 * static_cast<double>(w) + static_cast<double>(e) +
         0.125;
}

std::vector<double> row_of(std::int64_t w) {
  std::vector<double> values;
  for (std::size_t k = 0; k < 3; ++k)
    for (std::size_t e = 0; e < kEntities; ++e) values.push_back(value_of(k, w, e));
  return values;
}

WeeklyClock clock() {
  return WeeklyClock(Date::from_ymd(2017, 10, 1));
}

void record_weeks(Hdf5Recorder& r, std::int64_t from, std::int64_t to) {
  for (std::int64_t w = from; w < to; ++w) r.record_week(w, clock().week_start(w).iso(), row_of(w));
}

h5::Handle open_file(const fs::path& p) {
  return h5::Handle(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                    "open " + p.string());
}

h5::Handle open_dataset(hid_t file, const std::string& path) {
  return h5::Handle(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "open " + path);
}

TEST_F(Hdf5RecorderTest, WritesATinyRunThatReadsBack) {
  const fs::path out = dir_ / "run.h5";
  const RunInfo info = tiny_run();
  {
    Hdf5Recorder r(out, kChunkWeeks);
    r.begin(info);
    EXPECT_TRUE(fs::exists(Hdf5Recorder::partial_path(out)));
    EXPECT_FALSE(fs::exists(out));
    record_weeks(r, 0, kWeeks);
    r.finish();
  }
  EXPECT_TRUE(fs::exists(out));
  EXPECT_FALSE(fs::exists(Hdf5Recorder::partial_path(out)));
  EXPECT_EQ(Hdf5Recorder::partial_path(out), dir_ / "run.h5.partial");

  h5::QuietErrors quiet;
  const h5::Handle file = open_file(out);

  // Root attributes.
  EXPECT_EQ(h5::read_string_attribute(file, "format"), "pledgesim");
  EXPECT_EQ(h5::read_int_attribute(file, "format_version"), kFormatVersion);
  EXPECT_EQ(static_cast<std::uint64_t>(h5::read_int_attribute(file, "seed")), kSeed);
  EXPECT_EQ(h5::read_string_attribute(file, "scenario_name"), "tiny");
  EXPECT_EQ(h5::read_string_attribute(file, "software_version"), "0.0-test");
  const std::string created = h5::read_string_attribute(file, "created_utc");
  EXPECT_EQ(created.size(), 20u) << created;  // e.g. 2024-05-01T12:00:00Z
  EXPECT_EQ(created.back(), 'Z');
  EXPECT_TRUE(Date::parse(created.substr(0, 10)).has_value()) << created;

  // The resolved scenario, byte for byte (UTF-8 included).
  EXPECT_EQ(h5::read_scalar_string(file, "scenario/text"), info.scenario_text);

  // Time axis.
  std::vector<hsize_t> dims;
  const auto weeks = h5::read_doubles(file, "time/week", dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{kWeeks}));
  ASSERT_EQ(weeks.size(), static_cast<std::size_t>(kWeeks));
  for (std::int64_t w = 0; w < kWeeks; ++w) EXPECT_EQ(weeks[w], static_cast<double>(w));
  const auto dates = h5::read_strings(file, "time/date");
  ASSERT_EQ(dates.size(), static_cast<std::size_t>(kWeeks));
  EXPECT_EQ(dates.front(), "2017-10-01");
  EXPECT_EQ(dates.back(), "2017-11-12");
  for (std::int64_t w = 0; w < kWeeks; ++w) EXPECT_EQ(dates[w], clock().week_start(w).iso());
  {
    const h5::Handle week_ds = open_dataset(file, "time/week");
    EXPECT_GT(H5DSis_scale(week_ds), 0);
    EXPECT_EQ(h5::read_string_attribute(week_ds, "units"), "weeks since start");
  }

  // Entity table.
  EXPECT_EQ(h5::read_strings(file, "employers/name"),
            (std::vector<std::string>{"Camden", "Hackney"}));
  EXPECT_EQ(h5::read_strings(file, "employers/region"),
            (std::vector<std::string>{"London", "London"}));
  const auto signatory = h5::read_doubles(file, "employers/signatory", dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{kEntities}));
  EXPECT_EQ(signatory, (std::vector<double>{1, 0}));

  // Format 2: the series' dimensions and coordinates inside /series (where
  // h5netcdf looks for them), copies of /time and the entity table.
  EXPECT_EQ(h5::read_doubles(file, "series/week", dims), weeks);
  EXPECT_EQ(h5::read_strings(file, "series/employer"), h5::read_strings(file, "employers/name"));
  EXPECT_EQ(h5::read_strings(file, "series/region"), h5::read_strings(file, "employers/region"));
  EXPECT_EQ(h5::read_doubles(file, "series/signatory", dims), signatory);
  EXPECT_EQ(h5::read_doubles(file, "series/date", dims),
            (std::vector<double>{0, 7, 14, 21, 28, 35, 42}));
  EXPECT_FALSE(h5::exists(file, "series/replication"));  // one replication
  {
    const h5::Handle date_ds = open_dataset(file, "series/date");
    EXPECT_EQ(h5::read_string_attribute(date_ds, "units"), "days since 2017-10-01");
    EXPECT_EQ(h5::read_string_attribute(date_ds, "calendar"), "proleptic_gregorian");
  }
  // Every name the recorder put in /series besides the series is one readers skip.
  for (const char* name : {"week", "date", "employer", "region", "signatory"})
    EXPECT_NE(
        std::find(std::begin(kSeriesCoordinates), std::end(kSeriesCoordinates), std::string(name)),
        std::end(kSeriesCoordinates))
        << name;

  // Series: values, shapes, types, attributes, chunking and scales.
  const h5::Handle week_ds = open_dataset(file, "series/week");
  const h5::Handle names_ds = open_dataset(file, "series/employer");
  const h5::Handle old_week_ds = open_dataset(file, "time/week");
  for (std::size_t k = 0; k < info.series.size(); ++k) {
    const SeriesSpec& spec = info.series[k];
    const std::string path = "series/" + spec.name;
    SCOPED_TRACE(path);
    ASSERT_TRUE(h5::exists(file, path));
    const auto values = h5::read_doubles(file, path, dims);
    EXPECT_EQ(dims, (std::vector<hsize_t>{kWeeks, kEntities}));
    ASSERT_EQ(values.size(), static_cast<std::size_t>(kWeeks) * kEntities);
    for (std::int64_t w = 0; w < kWeeks; ++w)
      for (std::size_t e = 0; e < kEntities; ++e)
        EXPECT_EQ(values[static_cast<std::size_t>(w) * kEntities + e], value_of(k, w, e))
            << "week " << w << " entity " << e;

    const h5::Handle ds = open_dataset(file, path);
    EXPECT_EQ(h5::read_string_attribute(ds, "units"), spec.units);
    EXPECT_EQ(h5::read_string_attribute(ds, "description"), spec.description);
    const h5::Handle type(H5Dget_type(ds), H5Tclose, "get type");
    EXPECT_EQ(H5Tget_class(type), spec.integer ? H5T_INTEGER : H5T_FLOAT);
    if (spec.integer) {
      EXPECT_EQ(H5Tget_size(type), 8u);
    }

    const h5::Handle plist(H5Dget_create_plist(ds), H5Pclose, "get creation plist");
    ASSERT_EQ(H5Pget_layout(plist), H5D_CHUNKED);
    hsize_t chunk[2] = {0, 0};
    ASSERT_EQ(H5Pget_chunk(plist, 2, chunk), 2);
    EXPECT_EQ(chunk[0], static_cast<hsize_t>(kChunkWeeks));
    EXPECT_EQ(chunk[1], kEntities);

    EXPECT_GT(H5DSis_attached(ds, week_ds, 0), 0);
    EXPECT_GT(H5DSis_attached(ds, names_ds, 1), 0);
    EXPECT_EQ(H5DSis_attached(ds, old_week_ds, 0), 0);  // format 1's scale, not attached
    EXPECT_EQ(H5DSget_num_scales(ds, 0), 1);
    char label[32] = {};
    H5DSget_label(ds, 1, label, sizeof label);
    EXPECT_STREQ(label, "employer");
    EXPECT_EQ(h5::read_string_attribute(ds, "coordinates"), "date region signatory");
  }
  EXPECT_FALSE(h5::exists(file, "series/missing"));
  EXPECT_FALSE(h5::exists(file, "nogroup/missing"));
}

TEST_F(Hdf5RecorderTest, CreatesMissingParentDirectories) {
  const fs::path out = dir_ / "a" / "b" / "run.h5";
  {
    Hdf5Recorder r(out, kChunkWeeks);
    r.begin(tiny_run());
    record_weeks(r, 0, kWeeks);
    r.finish();
  }
  EXPECT_TRUE(fs::exists(out));
  EXPECT_FALSE(fs::exists(Hdf5Recorder::partial_path(out)));
}

TEST_F(Hdf5RecorderTest, ChunkLongerThanTheRunIsClampedToTheRun) {
  const fs::path out = dir_ / "run.h5";
  {
    Hdf5Recorder r(out, 52);
    r.begin(tiny_run());
    record_weeks(r, 0, kWeeks);
    r.finish();
  }
  h5::QuietErrors quiet;
  const h5::Handle file = open_file(out);
  std::vector<hsize_t> dims;
  const auto values = h5::read_doubles(file, "series/pay_cost_gbp", dims);
  ASSERT_EQ(values.size(), static_cast<std::size_t>(kWeeks * kEntities));
  EXPECT_EQ(values.back(), value_of(2, kWeeks - 1, kEntities - 1));
}

TEST_F(Hdf5RecorderTest, RecorderDestroyedBeforeFinishLeavesNoFile) {
  const fs::path out = dir_ / "abandoned.h5";
  {
    Hdf5Recorder r(out, kChunkWeeks);
    r.begin(tiny_run());
    record_weeks(r, 0, 4);  // one chunk flushed, one week buffered
    EXPECT_TRUE(fs::exists(Hdf5Recorder::partial_path(out)));
    EXPECT_FALSE(fs::exists(out));
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(Hdf5Recorder::partial_path(out)));
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(Hdf5RecorderTest, RecorderDestroyedBeforeBeginLeavesNoFile) {
  const fs::path out = dir_ / "never.h5";
  { Hdf5Recorder r(out, kChunkWeeks); }
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(Hdf5RecorderTest, FinishWithMissingWeeksThrowsAndLeavesNoFile) {
  const fs::path out = dir_ / "short.h5";
  {
    Hdf5Recorder r(out, kChunkWeeks);
    r.begin(tiny_run());
    record_weeks(r, 0, kWeeks - 1);
    EXPECT_THROW(r.finish(), std::logic_error);
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(Hdf5Recorder::partial_path(out)));
}

TEST_F(Hdf5RecorderTest, RejectsBadRows) {
  const fs::path out = dir_ / "bad.h5";
  {
    Hdf5Recorder r(out, kChunkWeeks);
    r.begin(tiny_run());
    std::vector<double> short_row = row_of(0);
    short_row.pop_back();
    EXPECT_THROW(r.record_week(0, "2017-10-01", short_row), std::logic_error);
    EXPECT_THROW(r.record_week(1, "2017-10-08", row_of(1)), std::logic_error);  // skips week 0
    record_weeks(r, 0, kWeeks);
    EXPECT_THROW(r.record_week(kWeeks, "2017-11-19", row_of(kWeeks)), std::logic_error);
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST(Hdf5Util, HandleClosesAndRejectsInvalidIds) {
  h5::QuietErrors quiet;
  EXPECT_THROW(h5::Handle(H5I_INVALID_HID, H5Fclose, "open nothing"), h5::Hdf5Error);
  try {
    h5::Handle(-1, H5Fclose, "open nothing");
    FAIL() << "no exception";
  } catch (const h5::Hdf5Error& e) {
    EXPECT_NE(std::string(e.what()).find("open nothing"), std::string::npos) << e.what();
  }
  h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create space");
  const hid_t id = space.get();
  EXPECT_GT(H5Iis_valid(id), 0);
  h5::Handle moved = std::move(space);
  EXPECT_EQ(moved.get(), id);
  EXPECT_LT(space.get(), 0);  // NOLINT(bugprone-use-after-move): moved-from is empty
  moved.reset();
  EXPECT_LE(H5Iis_valid(id), 0);
  EXPECT_THROW(h5::check(-1, "do it"), h5::Hdf5Error);
  EXPECT_NO_THROW(h5::check(0, "do it"));
}

// Several replications, recorded interleaved: series become [replications,
// weeks, entities] with /replications/{index,seed}; dates come from
// replication 0.
TEST_F(Hdf5RecorderTest, WritesReplicationsAlongALeadingDimension) {
  const fs::path out = dir_ / "reps.h5";
  RunInfo info = tiny_run();
  info.replication_seeds = {kSeed, 7, (1ULL << 62) + 3};
  {
    Hdf5Recorder r(out, kChunkWeeks);
    r.begin(info);
    for (std::int64_t w = 0; w < kWeeks; ++w)
      for (std::size_t rep : {2u, 0u, 1u}) {
        auto row = row_of(w);
        for (auto& v : row) v += 100000.0 * static_cast<double>(rep);
        r.record_week(rep, w, clock().week_start(w).iso(), row);
      }
    EXPECT_THROW(r.record_week(3, 0, "2017-10-01", row_of(0)), std::logic_error);
    r.finish();
  }
  h5::QuietErrors quiet;
  const h5::Handle file = open_file(out);
  std::vector<hsize_t> dims;
  EXPECT_EQ(h5::read_doubles(file, "replications/index", dims), (std::vector<double>{0, 1, 2}));
  {
    const h5::Handle ds = open_dataset(file, "replications/seed");
    std::vector<std::int64_t> seeds(3);
    ASSERT_GE(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, seeds.data()), 0);
    EXPECT_EQ(seeds, (std::vector<std::int64_t>{static_cast<std::int64_t>(kSeed), 7,
                                                static_cast<std::int64_t>((1ULL << 62) + 3)}));
  }
  EXPECT_EQ(h5::read_strings(file, "time/date").back(), "2017-11-12");
  EXPECT_EQ(h5::read_doubles(file, "series/replication", dims), (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(h5::read_doubles(file, "series/seed", dims),
            h5::read_doubles(file, "replications/seed", dims));
  const h5::Handle index_ds = open_dataset(file, "series/replication");
  const h5::Handle week_ds = open_dataset(file, "series/week");
  for (std::size_t k = 0; k < info.series.size(); ++k) {
    const std::string path = "series/" + info.series[k].name;
    const auto values = h5::read_doubles(file, path, dims);
    ASSERT_EQ(dims, (std::vector<hsize_t>{3, kWeeks, kEntities}));
    for (std::size_t rep = 0; rep < 3; ++rep)
      for (std::int64_t w = 0; w < kWeeks; ++w)
        for (std::size_t e = 0; e < kEntities; ++e)
          EXPECT_EQ(values[(rep * kWeeks + static_cast<std::size_t>(w)) * kEntities + e],
                    value_of(k, w, e) + 100000.0 * static_cast<double>(rep));
    const h5::Handle ds = open_dataset(file, path);
    EXPECT_GT(H5DSis_attached(ds, index_ds, 0), 0);
    EXPECT_GT(H5DSis_attached(ds, week_ds, 1), 0);
    char label[32] = {};
    H5DSget_label(ds, 0, label, sizeof label);
    EXPECT_STREQ(label, "replication");
    EXPECT_EQ(h5::read_string_attribute(ds, "coordinates"), "seed date region signatory");
  }
}

// A series named like one of /series' coordinates would hide among them.
TEST_F(Hdf5RecorderTest, RefusesASeriesNamedLikeACoordinate) {
  RunInfo info = tiny_run();
  info.series.push_back({"date", "1", "clashes with the date coordinate", false});
  Hdf5Recorder r(dir_ / "clash.h5", kChunkWeeks);
  EXPECT_THROW(r.begin(info), std::logic_error);
}

// One replication keeps the [weeks, entities] layout and records its seed.
TEST_F(Hdf5RecorderTest, OneReplicationKeepsTwoDimensions) {
  const fs::path out = dir_ / "one.h5";
  {
    Hdf5Recorder r(out, kChunkWeeks);
    r.begin(tiny_run());
    record_weeks(r, 0, kWeeks);
    r.finish();
  }
  h5::QuietErrors quiet;
  const h5::Handle file = open_file(out);
  std::vector<hsize_t> dims;
  h5::read_doubles(file, "series/starters", dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{kWeeks, kEntities}));
  EXPECT_EQ(h5::read_doubles(file, "replications/index", dims), (std::vector<double>{0}));
}

}  // namespace
}  // namespace pledgesim::sim
