#include "sim/io/hdf5_recorder.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <system_error>

#include "sim/io/hdf5_util.hpp"
#include "sim/io/output_file.hpp"

namespace pledgesim::sim {

namespace fs = std::filesystem;
using h5::check;
using h5::Handle;

struct Hdf5Recorder::State {
  fs::path final_path;
  fs::path partial_path;
  std::int64_t chunk_weeks;
  bool finished = false;

  Handle file;
  Handle week_ds, date_ds;
  std::vector<Handle> series_ds;
  std::vector<bool> series_integer;
  std::size_t entities = 0;
  std::int64_t weeks = 0;
  std::size_t replications = 1;
  bool replication_dim = false;  // series are [replications, weeks, entities]

  // Buffered rows of the current chunk, one buffer per replication.
  struct Buffer {
    std::int64_t first_week = 0;
    std::int64_t buffered = 0;
    std::vector<std::int32_t> week_buf;           // replication 0 only
    std::vector<std::string> date_buf;            // replication 0 only
    std::vector<std::vector<double>> series_buf;  // [series][week * entities]
  };
  std::vector<Buffer> buffers;

  void flush(std::size_t replication);
};

namespace {

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Handle chunked_dataset(hid_t parent, const std::string& name, hid_t type, int rank,
                       const hsize_t* dims, const hsize_t* chunk, bool compress) {
  Handle space(H5Screate_simple(rank, dims, nullptr), H5Sclose, "create space for " + name);
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  check(H5Pset_chunk(plist, rank, chunk), "set chunking of " + name);
  if (compress) {
    check(H5Pset_shuffle(plist), "set shuffle filter");
    check(H5Pset_deflate(plist, 4), "set deflate filter");
  }
  return Handle(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, plist, H5P_DEFAULT),
                H5Dclose, "create dataset " + name);
}

// Writes rows [first, first + count) of a 1-D dataset, or of a 2-D dataset
// whose second dimension is written whole (`cols`), or of replication
// `replication` of a 3-D [replications, rows, cols] dataset.
void write_rows(hid_t ds, hid_t mem_type, int rank, std::int64_t first, std::int64_t count,
                hsize_t cols, const void* data, std::size_t replication = 0) {
  Handle file_space(H5Dget_space(ds), H5Sclose, "get dataset space");
  hsize_t start[3] = {static_cast<hsize_t>(first), 0, 0};
  hsize_t extent[3] = {static_cast<hsize_t>(count), cols, 0};
  if (rank == 3) {
    start[0] = replication;
    start[1] = static_cast<hsize_t>(first);
    extent[0] = 1;
    extent[1] = static_cast<hsize_t>(count);
    extent[2] = cols;
  }
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, extent, nullptr),
        "select rows");
  Handle mem_space(H5Screate_simple(rank, extent, nullptr), H5Sclose, "create memory space");
  check(H5Dwrite(ds, mem_type, mem_space, file_space, H5P_DEFAULT, data), "write rows");
}

// A write to the partial file failed (disk full, file too large, I/O error):
// reported naming the final file; the destructor removes the partial one.
[[noreturn]] void write_failed(const fs::path& final_path, const h5::Hdf5Error& e) {
  throw WriteError(final_path, e.reason.empty() ? e.what() : e.reason,
                   "nothing was written under that name (the partial file is removed)");
}

}  // namespace

fs::path Hdf5Recorder::partial_path(const fs::path& final_path) {
  fs::path p = final_path;
  p += ".partial";
  return p;
}

Hdf5Recorder::Hdf5Recorder(fs::path final_path, std::int64_t chunk_weeks)
    : state_(std::make_unique<State>()) {
  state_->final_path = std::move(final_path);
  state_->partial_path = partial_path(state_->final_path);
  state_->chunk_weeks = std::max<std::int64_t>(1, chunk_weeks);
}

Hdf5Recorder::~Hdf5Recorder() {
  if (!state_->finished) {
    h5::QuietErrors quiet;  // closing after a failed write fails too
    state_->series_ds.clear();
    state_->week_ds.reset();
    state_->date_ds.reset();
    state_->file.reset();
    std::error_code ec;
    fs::remove(state_->partial_path, ec);  // never leave a half-written file
  }
}

void Hdf5Recorder::begin(const RunInfo& info) {
  try {
    begin_file(info);
  } catch (const h5::Hdf5Error& e) {
    if (state_->file.get() < 0) throw;  // not even created: a bad location
    write_failed(state_->final_path, e);
  }
}

void Hdf5Recorder::begin_file(const RunInfo& info) {
  State& s = *state_;
  h5::QuietErrors quiet;
  if (s.final_path.has_parent_path()) fs::create_directories(s.final_path.parent_path());
  s.file = Handle(H5Fcreate(s.partial_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                  H5Fclose, "create " + s.partial_path.string());
  s.weeks = info.weeks;
  s.entities = info.entities.rows();
  s.replications = info.replications();
  s.replication_dim = s.replications > 1;

  h5::write_string_attribute(s.file, "format", "pledgesim");
  h5::write_int_attribute(s.file, "format_version", kFormatVersion);
  h5::write_string_attribute(s.file, "software_version", info.software_version);
  // int64 rather than uint64: R has no unsigned 64-bit type (seeds are < 2^63).
  h5::write_int_attribute(s.file, "seed", static_cast<std::int64_t>(info.seed));
  h5::write_string_attribute(s.file, "scenario_name", info.scenario_name);
  h5::write_string_attribute(s.file, "created_utc", utc_now());

  {
    Handle g = h5::create_group(s.file, "scenario");
    h5::write_scalar_string(g, "text", info.scenario_text);
  }

  // Replications: index (the scale of the leading series dimension when there
  // is one) and the seed each replication ran on.
  Handle replication_index_ds;
  {
    Handle g = h5::create_group(s.file, "replications");
    std::vector<std::int64_t> index(s.replications), seeds(s.replications);
    for (std::size_t r = 0; r < s.replications; ++r) {
      index[r] = static_cast<std::int64_t>(r);
      // int64 like the root seed: R has no unsigned 64-bit type (seeds are < 2^63).
      seeds[r] = static_cast<std::int64_t>(
          info.replication_seeds.empty() ? info.seed : info.replication_seeds[r]);
    }
    replication_index_ds = h5::write_int64s(g, "index", index);
    Handle seed_ds = h5::write_int64s(g, "seed", seeds);
    h5::write_string_attribute(seed_ds, "description",
                               "random seed of each replication (replication 0 runs on the root "
                               "attribute seed)");
    check(H5DSset_scale(replication_index_ds, "replication"),
          "make /replications/index a dimension scale");
  }

  // Time axis: a dimension scale for the first dimension of every series.
  Handle time = h5::create_group(s.file, "time");
  const hsize_t wdims[1] = {static_cast<hsize_t>(s.weeks)};
  const hsize_t wchunk[1] = {static_cast<hsize_t>(std::clamp<std::int64_t>(s.weeks, 1, 4096))};
  s.week_ds = chunked_dataset(time, "week", H5T_STD_I32LE, 1, wdims, wchunk, false);
  Handle str_type = h5::utf8_string_type();
  s.date_ds = chunked_dataset(time, "date", str_type, 1, wdims, wchunk, false);
  check(H5DSset_scale(s.week_ds, "week"), "make /time/week a dimension scale");
  check(H5DSset_scale(s.date_ds, "date"), "make /time/date a dimension scale");
  h5::write_string_attribute(s.week_ds, "units", "weeks since start");
  h5::write_string_attribute(s.date_ds, "description", "first day of each week (ISO 8601)");

  // Entity table: its first string column is the scale of the second dimension.
  Handle entities = h5::create_group(s.file, info.entities.group);
  Handle label_ds;
  for (const auto& [name, values] : info.entities.strings) {
    Handle ds = h5::write_strings(entities, name, values);
    if (label_ds.get() < 0) label_ds = std::move(ds);
  }
  for (const auto& [name, values] : info.entities.integers)
    h5::write_int32s(entities, name, values);
  check(H5DSset_scale(label_ds, info.entities.group.c_str()), "make entity names a scale");

  Handle series = h5::create_group(s.file, "series");
  const hsize_t cols = std::max<hsize_t>(s.entities, 1);
  const hsize_t chunk_weeks = static_cast<hsize_t>(
      std::clamp<std::int64_t>(s.chunk_weeks, 1, std::max<std::int64_t>(1, s.weeks)));
  const int rank = s.replication_dim ? 3 : 2;
  const hsize_t sdims2[2] = {static_cast<hsize_t>(s.weeks), s.entities};
  const hsize_t schunk2[2] = {chunk_weeks, cols};
  const hsize_t sdims3[3] = {s.replications, static_cast<hsize_t>(s.weeks), s.entities};
  const hsize_t schunk3[3] = {1, chunk_weeks, cols};
  const unsigned time_dim = s.replication_dim ? 1 : 0;
  for (const SeriesSpec& spec : info.series) {
    Handle ds = chunked_dataset(series, spec.name, spec.integer ? H5T_STD_I64LE : H5T_IEEE_F64LE,
                                rank, s.replication_dim ? sdims3 : sdims2,
                                s.replication_dim ? schunk3 : schunk2, true);
    h5::write_string_attribute(ds, "units", spec.units);
    h5::write_string_attribute(ds, "description", spec.description);
    if (s.replication_dim) {
      check(H5DSattach_scale(ds, replication_index_ds, 0),
            "attach replication scale to " + spec.name);
      check(H5DSset_label(ds, 0, "replication"), "label dimension 0");
    }
    check(H5DSattach_scale(ds, s.week_ds, time_dim), "attach week scale to " + spec.name);
    check(H5DSattach_scale(ds, s.date_ds, time_dim), "attach date scale to " + spec.name);
    check(H5DSattach_scale(ds, label_ds, time_dim + 1), "attach entity scale to " + spec.name);
    check(H5DSset_label(ds, time_dim, "week"), "label time dimension");
    check(H5DSset_label(ds, time_dim + 1, info.entities.group.c_str()), "label entity dimension");
    s.series_ds.push_back(std::move(ds));
    s.series_integer.push_back(spec.integer);
  }
  s.buffers.assign(s.replications, {});
  for (auto& b : s.buffers) b.series_buf.assign(info.series.size(), {});
}

void Hdf5Recorder::record_week(std::size_t replication, std::int64_t week, const std::string& date,
                               std::span<const double> values) {
  State& s = *state_;
  if (replication >= s.replications)
    throw std::logic_error("record_week: replication out of range");
  State::Buffer& b = s.buffers[replication];
  if (values.size() != b.series_buf.size() * s.entities)
    throw std::logic_error("record_week: wrong number of values");
  if (week != b.first_week + b.buffered)
    throw std::logic_error("record_week: weeks must be recorded in order");
  if (week >= s.weeks) throw std::logic_error("record_week: more weeks than announced");
  if (replication == 0) {
    b.week_buf.push_back(static_cast<std::int32_t>(week));
    b.date_buf.push_back(date);
  }
  for (std::size_t k = 0; k < b.series_buf.size(); ++k) {
    const auto row = values.subspan(k * s.entities, s.entities);
    if (b.series_buf[k].empty())
      b.series_buf[k].reserve(static_cast<std::size_t>(s.chunk_weeks) * s.entities);
    b.series_buf[k].insert(b.series_buf[k].end(), row.begin(), row.end());
  }
  if (++b.buffered == s.chunk_weeks || week + 1 == s.weeks) {
    try {
      s.flush(replication);
    } catch (const h5::Hdf5Error& e) {
      write_failed(s.final_path, e);
    }
  }
}

void Hdf5Recorder::State::flush(std::size_t replication) {
  Buffer& b = buffers[replication];
  if (b.buffered == 0) return;
  h5::QuietErrors quiet;
  if (replication == 0) {
    write_rows(week_ds, H5T_NATIVE_INT32, 1, b.first_week, b.buffered, 0, b.week_buf.data());
    std::vector<const char*> ptrs;
    for (const auto& d : b.date_buf) ptrs.push_back(d.c_str());
    Handle str_type = h5::utf8_string_type();
    write_rows(date_ds, str_type, 1, b.first_week, b.buffered, 0, ptrs.data());
  }
  const int rank = replication_dim ? 3 : 2;
  std::vector<std::int64_t> ints;
  for (std::size_t k = 0; k < series_ds.size(); ++k) {
    if (entities == 0) break;
    if (series_integer[k]) {
      ints.resize(b.series_buf[k].size());
      std::transform(b.series_buf[k].begin(), b.series_buf[k].end(), ints.begin(),
                     [](double v) { return std::llround(v); });
      write_rows(series_ds[k], H5T_NATIVE_INT64, rank, b.first_week, b.buffered, entities,
                 ints.data(), replication);
    } else {
      write_rows(series_ds[k], H5T_NATIVE_DOUBLE, rank, b.first_week, b.buffered, entities,
                 b.series_buf[k].data(), replication);
    }
    b.series_buf[k].clear();
  }
  b.first_week += b.buffered;
  b.buffered = 0;
  b.week_buf.clear();
  b.date_buf.clear();
  if (b.first_week == weeks)  // this replication is complete: free its buffers
    for (auto& v : b.series_buf) std::vector<double>().swap(v);
}

fs::path Hdf5Recorder::keep_incomplete(std::int64_t complete_weeks) {
  State& s = *state_;
  try {
    h5::QuietErrors quiet;
    for (std::size_t r = 0; r < s.replications; ++r) s.flush(r);
    for (auto& ds : s.series_ds) ds.close("close a series of " + s.partial_path.string());
    s.series_ds.clear();
    s.week_ds.close("close /time/week");
    s.date_ds.close("close /time/date");
    h5::write_int_attribute(s.file, "incomplete", 1);
    h5::write_int_attribute(s.file, "complete_weeks", complete_weeks);
    check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "flush " + s.partial_path.string());
    s.file.close("close " + s.partial_path.string());
  } catch (const h5::Hdf5Error& e) {
    write_failed(s.final_path, e);
  }
  s.finished = true;  // keep the partial file
  return s.partial_path;
}

void Hdf5Recorder::finish() {
  State& s = *state_;
  for (std::size_t r = 0; r < s.replications; ++r)
    if (s.buffers[r].first_week + s.buffers[r].buffered != s.weeks)
      throw std::logic_error("Hdf5Recorder::finish: fewer weeks recorded than announced");
  // Closing writes what HDF5 still buffers: each close is checked, and only
  // a file closed without error is renamed to the final name.
  try {
    h5::QuietErrors quiet;
    for (std::size_t r = 0; r < s.replications; ++r) s.flush(r);
    for (auto& ds : s.series_ds) ds.close("close a series of " + s.partial_path.string());
    s.series_ds.clear();
    s.week_ds.close("close /time/week");
    s.date_ds.close("close /time/date");
    check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "flush " + s.partial_path.string());
    s.file.close("close " + s.partial_path.string());
  } catch (const h5::Hdf5Error& e) {
    write_failed(s.final_path, e);
  }
  std::error_code ec;
  fs::rename(s.partial_path, s.final_path, ec);
  if (ec) throw WriteError(s.final_path, ec.message(), "the partial file is removed");
  s.finished = true;
}

}  // namespace pledgesim::sim
