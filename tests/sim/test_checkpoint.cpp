// Tests of saved state (sim/core/state.hpp), checkpoint files
// (sim/io/checkpoint.hpp) and the recorder's event table and checkpoint
// support: round trips, refusals with messages that say where, atomic
// replacement, and damage detected by the checksums.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/calendar.hpp"
#include "sim/core/population.hpp"
#include "sim/core/state.hpp"
#include "sim/io/checkpoint.hpp"
#include "sim/io/hdf5_recorder.hpp"
#include "sim/io/hdf5_util.hpp"
#include "tests/common/temp_dir.hpp"

namespace pledgesim::sim {
namespace {

namespace fs = std::filesystem;

class CheckpointTest : public test_util::TempDirTest {};

Population sample_population(std::size_t n) {
  Population p;
  auto& status = p.add_column<std::uint8_t>("status", 4);
  auto& employer = p.add_column<std::int16_t>("employer", -1);
  auto& pqe = p.add_column<std::uint16_t>("pqe_weeks");
  auto& stress = p.add_column<float>("stress");
  auto& pay = p.add_column<double>("pay");
  p.append(n);
  for (std::size_t i = 0; i < n; ++i) {
    status.span()[i] = static_cast<std::uint8_t>(i % 6);
    employer.span()[i] = static_cast<std::int16_t>(static_cast<int>(i % 40) - 1);
    pqe.span()[i] = static_cast<std::uint16_t>(i * 7);
    stress.span()[i] = 0.1f * static_cast<float>(i);
    pay.span()[i] = 1e-3 * static_cast<double>(i) + 1.0 / 3.0;
  }
  return p;
}

CheckpointInfo sample_info() {
  CheckpointInfo info;
  info.software_version = "9.9-test";
  info.scenario_name = "tiny";
  info.scenario_text = "name = \"tiny\"\n# caf\xc3\xa9\n";
  info.seed = (1ULL << 62) + 3;
  info.weeks = 100;
  info.weeks_done = 26;
  info.replications = 3;
  info.batch_first = 2;
  info.batch_size = 1;
  info.events = true;
  info.compress = true;
  info.checkpoint_every = 13;
  info.output = "/somewhere/run.h5";
  info.output_created_utc = "2026-01-02T03:04:05Z";
  return info;
}

TEST(MemoryState, RoundTripsAndRefusesWrongTypesAndLengths) {
  MemoryState m;
  const std::vector<std::int64_t> ints = {1, -2, 3};
  m.put("a/ints", ints);
  m.put_value<double>("a/x", 2.5);
  m.put("b/empty", std::vector<float>{});
  EXPECT_EQ(m.get<std::int64_t>("a/ints"), ints);
  EXPECT_EQ(m.get_value<double>("a/x"), 2.5);
  EXPECT_TRUE(m.get<float>("b/empty").empty());
  EXPECT_EQ(m.names("a"), (std::vector<std::string>{"ints", "x"}));
  try {
    m.get<double>("a/ints");
    ADD_FAILURE() << "read int64 as float64";
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("a/ints holds int64 values, expected float64"),
              std::string::npos)
        << e.what();
  }
  std::vector<std::int64_t> two(2);
  EXPECT_THROW(m.get_exact("a/ints", std::span<std::int64_t>(two)), StateError);
  EXPECT_THROW(m.get_value<double>("nothing"), StateError);
}

TEST(MemoryState, PopulationRoundTripGrowsToTheSavedSize) {
  const Population saved = sample_population(1000);
  MemoryState m;
  save_population(m, saved, "population");
  Population fresh = sample_population(10);
  load_population(m, fresh, "population");
  ASSERT_EQ(fresh.size(), 1000u);
  for (std::size_t c = 0; c < saved.columns().size(); ++c)
    EXPECT_EQ(0, std::memcmp(saved.columns()[c]->raw(), fresh.columns()[c]->raw(),
                             1000 * saved.columns()[c]->element_bytes()))
        << saved.columns()[c]->name();

  // Fewer rows than the population already has, an unknown column, a type change.
  Population big = sample_population(2000);
  EXPECT_THROW(load_population(m, big, "population"), StateError);
  MemoryState extra = m;
  extra.put("population/mystery", std::vector<std::uint8_t>(1000));
  Population p1 = sample_population(10);
  EXPECT_THROW(load_population(extra, p1, "population"), StateError);
  MemoryState retyped = m;
  retyped.put("population/stress", std::vector<double>(1000));
  Population p2 = sample_population(10);
  EXPECT_THROW(load_population(retyped, p2, "population"), StateError);
}

TEST_F(CheckpointTest, FileRoundTripsInfoAndState) {
  const fs::path path = dir_ / "run.h5.ckpt";
  const Population pop = sample_population(5000);
  {
    CheckpointWriter w(path, sample_info());
    StateWriter& s = w.state("replication_2");
    save_population(s, pop, "population");
    s.put_value<std::int64_t>("week", 26);
    s.put("prices/x", std::vector<double>{1.5, -0.0, 1e300});
    s.put("flags", std::vector<std::uint8_t>{});
    s.put("small", std::vector<std::int8_t>{-1, 3});
    EXPECT_FALSE(fs::exists(path)) << "the checkpoint appears only on commit";
    EXPECT_TRUE(fs::exists(dir_ / "run.h5.ckpt.tmp"));
    w.commit();
  }
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(dir_ / "run.h5.ckpt.tmp"));
  EXPECT_TRUE(is_checkpoint_file(path));

  const CheckpointReader r(path);
  const CheckpointInfo& i = r.info();
  const CheckpointInfo want = sample_info();
  EXPECT_EQ(i.software_version, want.software_version);
  EXPECT_EQ(i.scenario_text, want.scenario_text);
  EXPECT_EQ(i.seed, want.seed);
  EXPECT_EQ(i.weeks, 100);
  EXPECT_EQ(i.weeks_done, 26);
  EXPECT_EQ(i.replications, 3);
  EXPECT_EQ(i.batch_first, 2);
  EXPECT_EQ(i.batch_size, 1);
  EXPECT_TRUE(i.events);
  EXPECT_TRUE(i.compress);
  EXPECT_EQ(i.checkpoint_every, 13);
  EXPECT_EQ(i.output, want.output);
  EXPECT_EQ(i.output_created_utc, want.output_created_utc);
  const StateReader& s = r.state("replication_2");
  EXPECT_EQ(s.get_value<std::int64_t>("week"), 26);
  const auto x = s.get<double>("prices/x");
  ASSERT_EQ(x.size(), 3u);
  EXPECT_EQ(x[0], 1.5);
  EXPECT_TRUE(std::signbit(x[1]));
  EXPECT_EQ(x[2], 1e300);
  EXPECT_TRUE(s.get<std::uint8_t>("flags").empty());
  EXPECT_EQ(s.get<std::int8_t>("small"), (std::vector<std::int8_t>{-1, 3}));
  Population back = sample_population(1);
  load_population(s, back, "population");
  ASSERT_EQ(back.size(), pop.size());
  for (std::size_t c = 0; c < pop.columns().size(); ++c)
    EXPECT_EQ(0, std::memcmp(pop.columns()[c]->raw(), back.columns()[c]->raw(),
                             pop.size() * pop.columns()[c]->element_bytes()));
  // Messages say which file and which array.
  try {
    s.get<double>("week");
    ADD_FAILURE();
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("run.h5.ckpt:/state/replication_2: week holds int64"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(r.state("replication_0"), CheckpointError);
}

TEST_F(CheckpointTest, AnUncommittedWriterLeavesTheLastCheckpointAlone) {
  const fs::path path = dir_ / "run.h5.ckpt";
  {
    CheckpointWriter w(path, sample_info());
    w.state("replication_2").put_value<std::int64_t>("week", 1);
    w.commit();
  }
  {
    CheckpointInfo later = sample_info();
    later.weeks_done = 39;
    CheckpointWriter w(path, later);
    w.state("replication_2").put_value<std::int64_t>("week", 2);
    w.close();  // complete on disk, but never renamed (as if killed here)
  }
  EXPECT_FALSE(fs::exists(dir_ / "run.h5.ckpt.tmp")) << "an abandoned writer removes its file";
  const CheckpointReader r(path);
  EXPECT_EQ(r.info().weeks_done, 26);
  EXPECT_EQ(r.state("replication_2").get_value<std::int64_t>("week"), 1);
  {
    CheckpointInfo later = sample_info();
    later.weeks_done = 39;
    CheckpointWriter w(path, later);
    w.state("replication_2").put_value<std::int64_t>("week", 3);
    w.commit();
  }
  EXPECT_EQ(CheckpointReader(path).info().weeks_done, 39);
}

TEST_F(CheckpointTest, RefusesTruncatedForeignAndTamperedFiles) {
  const fs::path path = dir_ / "run.h5.ckpt";
  {
    CheckpointWriter w(path, sample_info());
    save_population(w.state("replication_2"), sample_population(20000), "population");
    w.commit();
  }
  auto message_of = [](const fs::path& p) {
    try {
      CheckpointReader r(p);
      const auto& s = r.state("replication_2");
      Population pop = sample_population(1);
      load_population(s, pop, "population");
    } catch (const CheckpointError& e) {
      return std::string(e.what());
    } catch (const StateError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message_of(path), "no error");

  const fs::path truncated = dir_ / "truncated.ckpt";
  fs::copy_file(path, truncated);
  fs::resize_file(truncated, fs::file_size(path) / 2);
  EXPECT_NE(message_of(truncated).find("truncated.ckpt: "), std::string::npos)
      << message_of(truncated);

  const fs::path text = dir_ / "text.ckpt";
  std::ofstream(text) << "not hdf5\n";
  EXPECT_NE(message_of(text).find("text.ckpt: not an HDF5 file"), std::string::npos);
  EXPECT_NE(message_of(dir_ / "none.ckpt").find("none.ckpt: no such file"), std::string::npos);

  // A run file is not a checkpoint.
  const fs::path run = dir_ / "run.h5";
  {
    Hdf5Recorder rec(run, 4);
    RunInfo info;
    info.weeks = 1;
    info.entities.group = "employers";
    info.entities.strings = {{"name", {"A"}}};
    info.series = {{"x", "", "", false}};
    rec.begin(info);
    rec.record_week(0, "2020-01-01", std::vector<double>{1.0});
    rec.finish();
  }
  EXPECT_FALSE(is_checkpoint_file(run));
  EXPECT_NE(message_of(run).find("run.h5: not a pledgesim checkpoint"), std::string::npos)
      << message_of(run);

  // An edited scenario no longer matches its fingerprint.
  const fs::path edited = dir_ / "edited.ckpt";
  fs::copy_file(path, edited);
  {
    h5::Handle f(H5Fopen(edited.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "open");
    H5Ldelete(f, "scenario/text", H5P_DEFAULT);
    h5::Handle g(H5Gopen2(f, "scenario", H5P_DEFAULT), H5Gclose, "open group");
    h5::write_scalar_string(g, "text", "name = \"other\"\n");
  }
  EXPECT_NE(message_of(edited).find("does not match its fingerprint"), std::string::npos)
      << message_of(edited);

  // A flipped byte in a dataset's chunk fails its Fletcher-32 checksum.
  const fs::path flipped = dir_ / "flipped.ckpt";
  fs::copy_file(path, flipped);
  haddr_t address = HADDR_UNDEF;
  {
    h5::Handle f(H5Fopen(flipped.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    h5::Handle ds(H5Dopen2(f, "state/replication_2/population/pay", H5P_DEFAULT), H5Dclose,
                  "open dataset");
    const hsize_t origin[1] = {0};
    unsigned filter_mask = 0;
    hsize_t size = 0;
    ASSERT_GE(H5Dget_chunk_info_by_coord(ds, origin, &filter_mask, &address, &size), 0);
  }
  ASSERT_NE(address, HADDR_UNDEF);
  {
    std::fstream io(flipped, std::ios::in | std::ios::out | std::ios::binary);
    io.seekg(static_cast<std::streamoff>(address + 100));
    char c = 0;
    io.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    io.seekp(static_cast<std::streamoff>(address + 100));
    io.write(&c, 1);
  }
  const std::string damaged = message_of(flipped);
  EXPECT_NE(damaged.find("flipped.ckpt"), std::string::npos) << damaged;
  EXPECT_NE(damaged.find("population/pay"), std::string::npos) << damaged;
}

// --- the recorder's event table and its checkpoint support -------------------

RunInfo event_run(std::int64_t weeks) {
  RunInfo info;
  info.scenario_name = "events";
  info.scenario_text = "name = \"events\"\n";
  info.software_version = "0.0-test";
  info.seed = 1;
  info.weeks = weeks;
  info.created_utc = "2020-02-02T02:02:02Z";
  info.entities.group = "employers";
  info.entities.strings = {{"name", {"A", "B"}}};
  info.series = {{"starters", "people", "", true}, {"cost", "GBP", "", false}};
  EventTableSpec ev;
  ev.description = "test events";
  ev.columns = {{"who", ColumnType::i32, "", "id"},
                {"kind", ColumnType::u8, "", "code"},
                {"pay", ColumnType::f64, "GBP", "pay"}};
  ev.labels = {{"kind_names", {"zero", "one"}}};
  info.events = ev;
  return info;
}

// Week w has 1000 * (w % 3) events (0, 1000 or 2000): ids, codes and pay.
struct WeekEvents {
  std::vector<std::int32_t> who;
  std::vector<std::uint8_t> kind;
  std::vector<double> pay;
  std::vector<ColumnView> views() const {
    return {{ColumnType::i32, who.data(), who.size()},
            {ColumnType::u8, kind.data(), kind.size()},
            {ColumnType::f64, pay.data(), pay.size()}};
  }
};
WeekEvents events_of(std::int64_t w) {
  WeekEvents e;
  for (std::int64_t i = 0; i < 1000 * (w % 3); ++i) {
    e.who.push_back(static_cast<std::int32_t>(i * 3 + w));
    e.kind.push_back(static_cast<std::uint8_t>(i % 2));
    e.pay.push_back(i % 7 == 0 ? std::nan("") : 100.0 + static_cast<double>(i) / 8);
  }
  return e;
}
std::vector<double> row_of(std::int64_t w) {
  return {static_cast<double>(w), static_cast<double>(w + 1), 0.5 * static_cast<double>(w), 0.25};
}

void record(Hdf5Recorder& r, std::int64_t from, std::int64_t to) {
  for (std::int64_t w = from; w < to; ++w) {
    const std::string date = WeeklyClock(Date::from_ymd(2020, 1, 5)).week_start(w).iso();
    r.record_week(w, date, row_of(w));
    const auto e = events_of(w);
    r.record_events(0, w, e.views());
  }
}

template <class T>
std::vector<T> read_all(hid_t file, const std::string& path, hid_t mem) {
  h5::Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "open " + path);
  h5::Handle space(H5Dget_space(ds), H5Sclose, "space");
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));  // any rank
  std::vector<T> v(n);
  if (n > 0) h5::check(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read");
  return v;
}

TEST_F(CheckpointTest, EventTableIsAppendedInWholeChunks) {
  const fs::path out = dir_ / "ev.h5";
  constexpr std::int64_t kWeeks = 200;  // ~200,000 events: several 65536-row chunks
  {
    Hdf5Recorder r(out, 52);
    r.begin(event_run(kWeeks));
    record(r, 0, kWeeks);
    r.finish();
  }
  h5::Handle f(H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  const auto week = read_all<std::int32_t>(f, "events/week", H5T_NATIVE_INT32);
  const auto who = read_all<std::int32_t>(f, "events/who", H5T_NATIVE_INT32);
  const auto pay = read_all<double>(f, "events/pay", H5T_NATIVE_DOUBLE);
  std::vector<std::int32_t> want_week, want_who;
  std::size_t total = 0;
  for (std::int64_t w = 0; w < kWeeks; ++w) {
    const auto e = events_of(w);
    want_week.insert(want_week.end(), e.who.size(), static_cast<std::int32_t>(w));
    want_who.insert(want_who.end(), e.who.begin(), e.who.end());
    total += e.who.size();
  }
  EXPECT_GT(total, 3u * static_cast<std::size_t>(kEventChunkRows));
  EXPECT_EQ(week, want_week);
  EXPECT_EQ(who, want_who);
  ASSERT_EQ(pay.size(), total);
  EXPECT_TRUE(std::isnan(pay[0]));
  EXPECT_EQ(pay[1], 100.125);
  EXPECT_EQ(h5::read_strings(f, "events/kind_names"), (std::vector<std::string>{"zero", "one"}));
  h5::Handle ds(H5Dopen2(f, "events/pay", H5P_DEFAULT), H5Dclose, "open");
  EXPECT_EQ(h5::read_string_attribute(ds, "units"), "GBP");
  h5::Handle plist(H5Dget_create_plist(ds), H5Pclose, "plist");
  hsize_t chunk = 0;
  ASSERT_EQ(H5Pget_chunk(plist, 1, &chunk), 1);
  EXPECT_EQ(chunk, static_cast<hsize_t>(kEventChunkRows));
  EXPECT_EQ(h5::read_string_attribute(f, "created_utc"), "2020-02-02T02:02:02Z");
}

// The filters of a dataset, in order (none when stored plainly).
std::vector<H5Z_filter_t> filters_of(hid_t file, const std::string& path) {
  h5::Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "open " + path);
  h5::Handle plist(H5Dget_create_plist(ds), H5Pclose, "plist");
  std::vector<H5Z_filter_t> out;
  for (int k = 0; k < H5Pget_nfilters(plist); ++k) {
    unsigned flags = 0, config = 0;
    std::size_t n = 8;
    unsigned values[8] = {};
    const H5Z_filter_t f =
        H5Pget_filter2(plist, static_cast<unsigned>(k), &flags, &n, values, 0, nullptr, &config);
    out.push_back(f);
    if (f == H5Z_FILTER_DEFLATE) {
      EXPECT_EQ(values[0], 1u) << path << ": gzip level";
    }
  }
  return out;
}

// Series and events are stored without filters unless compression is asked
// for, and then with deflate alone; the values are the same bits either way
// and /time is never filtered.
TEST_F(CheckpointTest, CompressionChangesOnlyTheFilters) {
  constexpr std::int64_t kWeeks = 200;
  const fs::path plain = dir_ / "plain.h5", packed = dir_ / "packed.h5";
  for (const auto& [path, compression] :
       {std::pair{plain, Compression::none}, std::pair{packed, Compression::deflate}}) {
    Hdf5Recorder r(path, 52, compression);
    EXPECT_EQ(r.compression(), compression);
    r.begin(event_run(kWeeks));
    record(r, 0, kWeeks);
    r.finish();
  }
  EXPECT_LT(fs::file_size(packed), fs::file_size(plain) / 2);
  h5::Handle a(H5Fopen(plain.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  h5::Handle b(H5Fopen(packed.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
  const std::vector<H5Z_filter_t> none, deflate = {H5Z_FILTER_DEFLATE};
  for (const char* p : {"series/starters", "series/cost", "events/week", "events/who",
                        "events/kind", "events/pay"}) {
    EXPECT_EQ(filters_of(a, p), none) << p;
    EXPECT_EQ(filters_of(b, p), deflate) << p;
  }
  for (const char* p : {"time/week", "time/date"}) {
    EXPECT_EQ(filters_of(a, p), none) << p;
    EXPECT_EQ(filters_of(b, p), none) << p;
  }
  for (const char* p : {"series/starters", "events/week", "events/who"})
    EXPECT_EQ(read_all<std::int64_t>(a, p, H5T_NATIVE_INT64),
              read_all<std::int64_t>(b, p, H5T_NATIVE_INT64))
        << p;
  for (const char* p : {"series/cost", "events/pay"}) {
    const auto x = read_all<double>(a, p, H5T_NATIVE_DOUBLE);
    const auto y = read_all<double>(b, p, H5T_NATIVE_DOUBLE);
    ASSERT_EQ(x.size(), y.size()) << p;
    EXPECT_EQ(0, std::memcmp(x.data(), y.data(), x.size() * sizeof(double))) << p;
  }
  EXPECT_EQ(read_all<std::uint8_t>(a, "events/kind", H5T_NATIVE_UINT8),
            read_all<std::uint8_t>(b, "events/kind", H5T_NATIVE_UINT8));
}

// A run checkpointed part way (with weeks and events still buffered),
// restored into a fresh file and finished, equals the run done in one go,
// stored with the same filters, compressed or not.
TEST_F(CheckpointTest, SavedAndRestoredRecordingEqualsAnUninterruptedOne) {
  for (const Compression compression : {Compression::none, Compression::deflate}) {
    SCOPED_TRACE(compression == Compression::none ? "uncompressed" : "compressed");
    constexpr std::int64_t kWeeks = 150;
    const fs::path whole = dir_ / "whole.h5", resumed = dir_ / "resumed.h5";
    const fs::path ckpt = dir_ / "resumed.h5.ckpt";
    fs::remove(whole);
    fs::remove(resumed);
    fs::remove(ckpt);
    {
      Hdf5Recorder r(whole, 52, compression);
      r.begin(event_run(kWeeks));
      record(r, 0, kWeeks);
      r.finish();
    }
    {
      Hdf5Recorder r(resumed, 52, compression);
      r.begin(event_run(kWeeks));
      record(r, 0, 70);  // 52 weeks written, 18 buffered; events likewise part buffered
      CheckpointInfo info = sample_info();
      CheckpointWriter w(ckpt, info);
      r.save_recorded(w);
      w.commit();
      record(r, 70, 90);  // then killed: never finished (the .partial is removed)
    }
    EXPECT_FALSE(fs::exists(resumed));
    {
      const CheckpointReader reader(ckpt);
      Hdf5Recorder r(resumed, 52, compression);
      r.begin(event_run(kWeeks));
      r.restore_recorded(reader);
      record(r, 70, kWeeks);
      r.finish();
    }
    h5::Handle a(H5Fopen(whole.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    h5::Handle b(H5Fopen(resumed.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
    for (const char* p : {"events/week", "events/who"})
      EXPECT_EQ(read_all<std::int32_t>(a, p, H5T_NATIVE_INT32),
                read_all<std::int32_t>(b, p, H5T_NATIVE_INT32))
          << p;
    EXPECT_EQ(read_all<std::uint8_t>(a, "events/kind", H5T_NATIVE_UINT8),
              read_all<std::uint8_t>(b, "events/kind", H5T_NATIVE_UINT8));
    const auto pa = read_all<double>(a, "events/pay", H5T_NATIVE_DOUBLE);
    const auto pb = read_all<double>(b, "events/pay", H5T_NATIVE_DOUBLE);
    ASSERT_EQ(pa.size(), pb.size());
    EXPECT_EQ(0, std::memcmp(pa.data(), pb.data(), pa.size() * sizeof(double)));
    EXPECT_EQ(read_all<std::int32_t>(a, "time/week", H5T_NATIVE_INT32),
              read_all<std::int32_t>(b, "time/week", H5T_NATIVE_INT32));
    EXPECT_EQ(h5::read_strings(a, "time/date"), h5::read_strings(b, "time/date"));
    EXPECT_EQ(read_all<std::int64_t>(a, "series/starters", H5T_NATIVE_INT64),
              read_all<std::int64_t>(b, "series/starters", H5T_NATIVE_INT64));
    EXPECT_EQ(read_all<double>(a, "series/cost", H5T_NATIVE_DOUBLE),
              read_all<double>(b, "series/cost", H5T_NATIVE_DOUBLE));
    for (const char* p : {"series/starters", "series/cost", "events/who", "events/pay"})
      EXPECT_EQ(filters_of(a, p), filters_of(b, p)) << p;
    EXPECT_EQ(filters_of(b, "series/cost").empty(), compression == Compression::none);
  }
}

TEST_F(CheckpointTest, RestoreRefusesACheckpointOfAnotherLayout) {
  const fs::path ckpt = dir_ / "a.h5.ckpt";
  {
    Hdf5Recorder r(dir_ / "a.h5", 52);
    r.begin(event_run(100));
    record(r, 0, 60);
    CheckpointWriter w(ckpt, sample_info());
    r.save_recorded(w);
    w.commit();
  }
  const CheckpointReader reader(ckpt);
  Hdf5Recorder r(dir_ / "b.h5", 52);
  r.begin(event_run(120));  // another number of weeks
  try {
    r.restore_recorded(reader);
    ADD_FAILURE() << "restored a checkpoint of 100 weeks into a run of 120";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("a.h5.ckpt: /output/time does not have this run's weeks"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace pledgesim::sim
