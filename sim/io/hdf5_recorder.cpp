#include "sim/io/hdf5_recorder.hpp"

#include <fcntl.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <system_error>

#include "sim/io/checkpoint.hpp"
#include "sim/io/hdf5_columns.hpp"
#include "sim/io/hdf5_dimensions.hpp"
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
  Compression compression = Compression::none;
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
  std::string created_utc;

  // Event table: `week` then the spec's columns; rows buffered until a
  // whole number of chunks can be appended.
  bool events = false;
  std::string events_group;
  std::vector<Handle> event_ds;                       // [0] = week
  Handle event_index_ds;                              // /events/event: row numbers
  std::vector<ColumnType> event_types;                // [0] = i32
  std::vector<std::vector<unsigned char>> event_buf;  // raw rows per column
  std::int64_t events_buffered = 0;
  std::int64_t events_written = 0;

  void flush(std::size_t replication);
  // Appends whole chunks of buffered events, or all of them with `all`.
  void flush_events(bool all);
  void close_datasets() {
    series_ds.clear();
    event_ds.clear();
    event_index_ds.reset();
    week_ds.reset();
    date_ds.reset();
  }
  // Closes every dataset, checking each close: closing writes what HDF5
  // still buffers, so a full disk shows here (throws h5::Hdf5Error).
  void close_checked() {
    for (auto& ds : series_ds) ds.close("close a series of " + partial_path.string());
    series_ds.clear();
    for (auto& ds : event_ds) ds.close("close an event column of " + partial_path.string());
    event_ds.clear();
    if (event_index_ds.get() >= 0) event_index_ds.close("close the event index");
    week_ds.close("close /time/week");
    date_ds.close("close /time/date");
  }
};

namespace {

Handle chunked_dataset(hid_t parent, const std::string& name, hid_t type, int rank,
                       const hsize_t* dims, const hsize_t* chunk, Compression compression,
                       const hsize_t* max_dims = nullptr) {
  Handle space(H5Screate_simple(rank, dims, max_dims), H5Sclose, "create space for " + name);
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  check(H5Pset_chunk(plist, rank, chunk), "set chunking of " + name);
  if (compression == Compression::deflate) check(H5Pset_deflate(plist, 1), "set deflate filter");
  // A dataset of fixed size, uncompressed, gets its space in the file now
  // (reserve_disk_space() then makes the file that long): a run that does not
  // fit fails before its first week, and no later write extends the file.
  // (An uncompressed write that failed to extend it left HDF5 1.10 unable to
  // close the library, with memory leaked.) Every row is written by the run,
  // so no fill values are written first. (Variable-length strings, the
  // dates, live in the heap and cannot go without fill values.)
  if (compression == Compression::none && max_dims == nullptr && H5Tis_variable_str(type) <= 0) {
    check(H5Pset_alloc_time(plist, H5D_ALLOC_TIME_EARLY), "allocate " + name + " early");
    check(H5Pset_fill_time(plist, H5D_FILL_TIME_NEVER), "no fill values for " + name);
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
  check(H5Dwrite(ds, mem_type, mem_space, file_space, h5::small_transfer(), data), "write rows");
}

// std::llround(v), exactly, for every v: the series' counts are integral
// doubles, converted by a plain cast without the libm call (measured: the
// call was 0.9 ms of the 11 ms of writing a 10-year London series file).
std::int64_t round_to_int64(double v) {
  if (v > -0x1p62 && v < 0x1p62) {  // false for NaN: the cast is defined
    const auto i = static_cast<std::int64_t>(v);
    if (static_cast<double>(i) == v) return i;
  }
  return std::llround(v);
}

// Makes the partial file as long as the space HDF5 has allocated in it (its
// end of allocation), so that the datasets allocated early are on disk:
// throws WriteError (disk full, file too large) if it cannot.
void reserve_disk_space(hid_t file, const fs::path& partial, const fs::path& final_path) {
  haddr_t eoa = 0;
  check(H5Fget_eoa(file, &eoa), "get the allocated size of " + partial.string());
  const int fd = ::open(partial.c_str(), O_WRONLY);
  int error = fd < 0 ? errno : ::posix_fallocate(fd, 0, static_cast<off_t>(eoa));
  if (fd >= 0) ::close(fd);
  if (error != 0)
    throw WriteError(final_path, std::generic_category().message(error),
                     "nothing was written under that name (the partial file is removed)");
}

// /replications/parameters [replications, keys] (float64, rows on the
// replication scale), its keys and the set each replication ran.
void write_parameters(hid_t group, hid_t replication_index, const RunInfo& info,
                      std::size_t replications) {
  const ParameterTable& t = info.parameters;
  const hsize_t keys = t.keys.size();
  if (t.values.size() != replications * keys || t.sets.size() != replications)
    throw std::logic_error("Hdf5Recorder: the parameter table is not replications x keys");
  Handle ds = h5::write_doubles(group, "parameters", t.values, {replications, keys});
  h5::write_string_attribute(ds, "description",
                             "value of each key of /replications/parameter_keys (columns) each "
                             "replication (rows) ran with: run --parameters");
  h5::write_string_attribute(ds, "source", t.source);
  check(H5DSattach_scale(ds, replication_index, 0), "attach replication scale to parameters");
  Handle keys_ds = h5::write_strings(group, "parameter_keys", t.keys);
  h5::write_string_attribute(keys_ds, "description",
                             "scenario key of each column of /replications/parameters");
  Handle sets_ds = h5::write_int64s(group, "parameter_set", t.sets);
  h5::write_string_attribute(sets_ds, "description",
                             "set of the parameter ensemble (0 = its first data line) each "
                             "replication ran");
}

// Seed of each replication (int64 like the root seed: R has no unsigned
// 64-bit type; seeds are < 2^63).
std::vector<std::int64_t> replication_seeds(const RunInfo& info, std::size_t replications) {
  std::vector<std::int64_t> seeds(replications);
  for (std::size_t r = 0; r < replications; ++r)
    seeds[r] = static_cast<std::int64_t>(
        info.replication_seeds.empty() ? info.seed : info.replication_seeds[r]);
  return seeds;
}

// The dimensions of /series, inside /series (format 2; see
// hdf5_dimensions.hpp): `replication` (with R > 1) and its `seed`, `week`
// and its `date` (days since the first week's start, CF time: xarray
// decodes it to datetime64; its units are written with the first week),
// and the entity label (`employer`) with the entity table's other columns.
struct SeriesDimensions {
  std::vector<Handle> datasets;     // kept open while the series are attached
  std::vector<hid_t> scales;        // per series axis
  std::vector<std::string> labels;  // per series axis
  std::vector<std::string> coordinates;
  bool is_coordinate(const std::string& name) const {
    return std::find(labels.begin(), labels.end(), name) != labels.end() ||
           std::find(coordinates.begin(), coordinates.end(), name) != coordinates.end();
  }
};

SeriesDimensions write_series_dimensions(hid_t series, const RunInfo& info,
                                         std::size_t replications) {
  SeriesDimensions d;
  auto scale = [&](Handle ds, const std::string& name, const std::string& description) {
    h5::write_string_attribute(ds, "description", description);
    h5::make_dimension(ds, name);
    d.scales.push_back(ds.get());
    d.labels.push_back(name);
    d.datasets.push_back(std::move(ds));
    return d.scales.back();
  };
  auto coordinate = [&](Handle ds, hid_t on, const std::string& name,
                        const std::string& description) {
    if (!description.empty()) h5::write_string_attribute(ds, "description", description);
    h5::attach_dimensions(ds, {on}, {d.labels.back()});
    d.coordinates.push_back(name);
    d.datasets.push_back(std::move(ds));
  };
  if (replications > 1) {
    std::vector<std::int64_t> index(replications);
    for (std::size_t r = 0; r < replications; ++r) index[r] = static_cast<std::int64_t>(r);
    const hid_t rep = scale(h5::write_int64s(series, kReplicationDimension, index),
                            kReplicationDimension, "replication (row of /replications/index)");
    coordinate(h5::write_int64s(series, "seed", replication_seeds(info, replications)), rep, "seed",
               "random seed of each replication");
  }
  std::vector<std::int32_t> week(static_cast<std::size_t>(std::max<std::int64_t>(info.weeks, 0)));
  std::vector<std::int32_t> days(week.size());
  for (std::size_t w = 0; w < week.size(); ++w) {
    week[w] = static_cast<std::int32_t>(w);
    days[w] = static_cast<std::int32_t>(7 * w);
  }
  // No "units" on week: "weeks since start" reads as CF time to xarray.
  const hid_t wk = scale(h5::write_int32s(series, kWeekDimension, week), kWeekDimension,
                         "weeks since the start of the run (row of /time/week)");
  Handle date = h5::write_int32s(series, "date", days);
  h5::write_string_attribute(date, "calendar", "proleptic_gregorian");
  coordinate(std::move(date), wk, "date", "first day of each week");
  const EntityTable& t = info.entities;
  if (t.strings.empty()) throw std::logic_error("Hdf5Recorder: the entity table has no labels");
  const hid_t ent = scale(h5::write_strings(series, kEmployerDimension, t.strings.front().second),
                          kEmployerDimension,
                          "name of each " + std::string(kEmployerDimension) + " (/" + t.group +
                              "/" + t.strings.front().first + ")");
  for (std::size_t k = 1; k < t.strings.size(); ++k)
    coordinate(h5::write_strings(series, t.strings[k].first, t.strings[k].second), ent,
               t.strings[k].first, "");
  for (const auto& [name, values] : t.integers)
    coordinate(h5::write_int32s(series, name, values), ent, name, "");
  return d;
}

// The units of /series/date, once the first week's date is known.
void write_date_units(hid_t file, const std::string& first_date) {
  Handle ds(H5Dopen2(file, "series/date", H5P_DEFAULT), H5Dclose, "open /series/date");
  h5::write_string_attribute(ds, "units", "days since " + first_date);
}

// Rows [first, end) of the event index /events/event: their row numbers,
// the dataset extended to `end` rows.
void write_event_index(hid_t ds, std::int64_t first, std::int64_t end) {
  if (end <= first) return;
  const hsize_t size[1] = {static_cast<hsize_t>(end)};
  check(H5Dset_extent(ds, size), "extend the event index");
  std::vector<std::int64_t> rows(static_cast<std::size_t>(end - first));
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = first + static_cast<std::int64_t>(i);
  write_rows(ds, H5T_NATIVE_INT64, 1, first, end - first, 0, rows.data());
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

Hdf5Recorder::Hdf5Recorder(fs::path final_path, std::int64_t chunk_weeks, Compression compression)
    : state_(std::make_unique<State>()) {
  state_->final_path = std::move(final_path);
  state_->partial_path = partial_path(state_->final_path);
  state_->chunk_weeks = std::max<std::int64_t>(0, chunk_weeks);
  state_->compression = compression;
}

std::int64_t Hdf5Recorder::auto_chunk_weeks(std::size_t entities, std::int64_t weeks) {
  constexpr std::size_t kTargetChunkBytes = 128 * 1024;
  const std::size_t row_bytes = std::max<std::size_t>(1, entities) * sizeof(double);
  const std::int64_t most =
      std::max<std::int64_t>(52, static_cast<std::int64_t>(kTargetChunkBytes / row_bytes));
  const std::int64_t w = std::max<std::int64_t>(1, weeks);
  const std::int64_t chunks = (w + most - 1) / most;
  return (w + chunks - 1) / chunks;
}

Hdf5Recorder::~Hdf5Recorder() {
  if (!state_->finished) {
    h5::QuietErrors quiet;  // closing after a failed write fails too
    state_->close_datasets();
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
  if (s.chunk_weeks == 0) s.chunk_weeks = auto_chunk_weeks(s.entities, s.weeks);
  s.replications = info.replications();
  s.replication_dim = s.replications > 1;

  h5::write_string_attribute(s.file, "format", "pledgesim");
  h5::write_int_attribute(s.file, "format_version", kFormatVersion);
  h5::write_string_attribute(s.file, "software_version", info.software_version);
  if (info.rng_contract > 0) h5::write_int_attribute(s.file, "rng_contract", info.rng_contract);
  // int64 rather than uint64: R has no unsigned 64-bit type (seeds are < 2^63).
  h5::write_int_attribute(s.file, "seed", static_cast<std::int64_t>(info.seed));
  h5::write_string_attribute(s.file, "scenario_name", info.scenario_name);
  s.created_utc = info.created_utc.empty() ? utc_now_iso() : info.created_utc;
  h5::write_string_attribute(s.file, "created_utc", s.created_utc);

  {
    Handle g = h5::create_group(s.file, "scenario");
    h5::write_scalar_string(g, "text", info.scenario_text);
  }

  // Replications: index (the scale of the leading series dimension when there
  // is one) and the seed each replication ran on.
  Handle replication_index_ds;
  {
    Handle g = h5::create_group(s.file, "replications");
    std::vector<std::int64_t> index(s.replications);
    for (std::size_t r = 0; r < s.replications; ++r) index[r] = static_cast<std::int64_t>(r);
    replication_index_ds = h5::write_int64s(g, "index", index);
    Handle seed_ds = h5::write_int64s(g, "seed", replication_seeds(info, s.replications));
    h5::write_string_attribute(seed_ds, "description",
                               "random seed of each replication (replication 0 runs on the root "
                               "attribute seed)");
    check(H5DSset_scale(replication_index_ds, "replication"),
          "make /replications/index a dimension scale");
    if (!info.parameters.empty()) write_parameters(g, replication_index_ds, info, s.replications);
  }

  // Time axis (format 1 attached these scales to the series; format 2 keeps
  // them for readers of /time and labels the series from /series itself).
  Handle time = h5::create_group(s.file, "time");
  const hsize_t wdims[1] = {static_cast<hsize_t>(s.weeks)};
  const hsize_t wchunk[1] = {static_cast<hsize_t>(std::clamp<std::int64_t>(s.weeks, 1, 4096))};
  s.week_ds = chunked_dataset(time, "week", H5T_STD_I32LE, 1, wdims, wchunk, Compression::none);
  Handle str_type = h5::utf8_string_type();
  s.date_ds = chunked_dataset(time, "date", str_type, 1, wdims, wchunk, Compression::none);
  check(H5DSset_scale(s.week_ds, "week"), "make /time/week a dimension scale");
  check(H5DSset_scale(s.date_ds, "date"), "make /time/date a dimension scale");
  h5::write_string_attribute(s.week_ds, "units", "weeks since start");
  h5::write_string_attribute(s.date_ds, "description", "first day of each week (ISO 8601)");

  // Entity table: its first string column is a scale (attached to the series
  // in format 1; /series has its own copy in format 2).
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
  const SeriesDimensions dims = write_series_dimensions(series, info, s.replications);
  const hsize_t cols = std::max<hsize_t>(s.entities, 1);
  const hsize_t chunk_weeks = static_cast<hsize_t>(
      std::clamp<std::int64_t>(s.chunk_weeks, 1, std::max<std::int64_t>(1, s.weeks)));
  const int rank = s.replication_dim ? 3 : 2;
  const hsize_t sdims2[2] = {static_cast<hsize_t>(s.weeks), s.entities};
  const hsize_t schunk2[2] = {chunk_weeks, cols};
  const hsize_t sdims3[3] = {s.replications, static_cast<hsize_t>(s.weeks), s.entities};
  const hsize_t schunk3[3] = {1, chunk_weeks, cols};
  for (const SeriesSpec& spec : info.series) {
    if (dims.is_coordinate(spec.name))
      throw std::logic_error("Hdf5Recorder: series " + spec.name + " is named like a coordinate");
    Handle ds = chunked_dataset(series, spec.name, spec.integer ? H5T_STD_I64LE : H5T_IEEE_F64LE,
                                rank, s.replication_dim ? sdims3 : sdims2,
                                s.replication_dim ? schunk3 : schunk2, s.compression);
    h5::write_string_attribute(ds, "units", spec.units);
    h5::write_string_attribute(ds, "description", spec.description);
    h5::attach_dimensions(ds, dims.scales, dims.labels);
    h5::write_coordinates_attribute(ds, dims.coordinates);
    s.series_ds.push_back(std::move(ds));
    s.series_integer.push_back(spec.integer);
  }
  s.buffers.assign(s.replications, {});
  for (auto& b : s.buffers) b.series_buf.assign(info.series.size(), {});
  if (s.compression == Compression::none) reserve_disk_space(s.file, s.partial_path, s.final_path);

  if (info.events) {
    if (s.replications > 1)
      throw std::logic_error("Hdf5Recorder: an event table holds one replication");
    const EventTableSpec& spec = *info.events;
    s.events = true;
    s.events_group = spec.group;
    Handle g = h5::create_group(s.file, spec.group);
    if (!spec.description.empty()) h5::write_string_attribute(g, "description", spec.description);
    // No units on week: "weeks since start" reads as CF time to xarray.
    std::vector<EventColumnSpec> columns = {
        {"week", ColumnType::i32, "",
         "week of the event: weeks since the start (row of /time/week)"}};
    columns.insert(columns.end(), spec.columns.begin(), spec.columns.end());
    const hsize_t zero[1] = {0}, unlimited[1] = {H5S_UNLIMITED};
    const hsize_t chunk[1] = {static_cast<hsize_t>(kEventChunkRows)};
    // The dimension of every column (format 2): row numbers, appended with them.
    s.event_index_ds = chunked_dataset(g, kEventDimension, H5T_STD_I64LE, 1, zero, chunk,
                                       s.compression, unlimited);
    h5::write_string_attribute(s.event_index_ds, "description", "row number of the event");
    h5::make_dimension(s.event_index_ds, kEventDimension);
    for (const auto& c : columns) {
      Handle ds = chunked_dataset(g, c.name, h5::file_type(c.type), 1, zero, chunk, s.compression,
                                  unlimited);
      if (!c.units.empty()) h5::write_string_attribute(ds, "units", c.units);
      h5::write_string_attribute(ds, "description", c.description);
      h5::attach_dimensions(ds, {s.event_index_ds.get()}, {kEventDimension});
      s.event_ds.push_back(std::move(ds));
      s.event_types.push_back(c.type);
    }
    // Each name table is the dimension of its own codes (its dataset name).
    for (const auto& [name, labels] : spec.labels)
      h5::make_dimension(h5::write_strings(g, name, labels), name);
    s.event_buf.assign(columns.size(), {});
  }
}

const std::string& Hdf5Recorder::created_utc() const {
  return state_->created_utc;
}

Compression Hdf5Recorder::compression() const {
  return state_->compression;
}

void Hdf5Recorder::record_events(std::size_t replication, std::int64_t week,
                                 std::span<const ColumnView> columns) {
  State& s = *state_;
  if (!s.events) throw std::logic_error("record_events: the run has no event table");
  if (replication != 0) throw std::logic_error("record_events: one replication only");
  if (columns.size() + 1 != s.event_ds.size())
    throw std::logic_error("record_events: wrong number of columns");
  const std::size_t n = columns.empty() ? 0 : columns.front().size;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (columns[k].size != n || columns[k].type != s.event_types[k + 1])
      throw std::logic_error("record_events: column " + std::to_string(k) +
                             " has another length or type");
    const auto* p = static_cast<const unsigned char*>(columns[k].data);
    s.event_buf[k + 1].insert(s.event_buf[k + 1].end(), p, p + n * element_bytes(columns[k].type));
  }
  const auto w = static_cast<std::int32_t>(week);
  for (std::size_t i = 0; i < n; ++i) {
    const auto* p = reinterpret_cast<const unsigned char*>(&w);
    s.event_buf[0].insert(s.event_buf[0].end(), p, p + sizeof w);
  }
  s.events_buffered += static_cast<std::int64_t>(n);
  if (s.events_buffered >= kEventChunkRows) s.flush_events(false);
}

void Hdf5Recorder::State::flush_events(bool all) {
  if (!events || events_buffered == 0) return;
  const std::int64_t end =
      all ? events_written + events_buffered
          : (events_written + events_buffered) / kEventChunkRows * kEventChunkRows;
  const std::int64_t rows = end - events_written;
  if (rows <= 0) return;
  h5::QuietErrors quiet;
  const hsize_t new_size[1] = {static_cast<hsize_t>(end)};
  const hsize_t start[1] = {static_cast<hsize_t>(events_written)};
  const hsize_t count[1] = {static_cast<hsize_t>(rows)};
  Handle mem_space(H5Screate_simple(1, count, nullptr), H5Sclose, "create memory space");
  write_event_index(event_index_ds, events_written, end);
  for (std::size_t k = 0; k < event_ds.size(); ++k) {
    check(H5Dset_extent(event_ds[k], new_size), "extend the event table");
    Handle file_space(H5Dget_space(event_ds[k]), H5Sclose, "get event column space");
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
          "select event rows");
    check(H5Dwrite(event_ds[k], h5::memory_type(event_types[k]), mem_space, file_space, H5P_DEFAULT,
                   event_buf[k].data()),
          "write events");
    const std::size_t bytes = static_cast<std::size_t>(rows) * element_bytes(event_types[k]);
    event_buf[k].erase(event_buf[k].begin(),
                       event_buf[k].begin() + static_cast<std::ptrdiff_t>(bytes));
  }
  events_written = end;
  events_buffered -= rows;
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
    if (b.first_week == 0) write_date_units(file, b.date_buf.front());
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
      std::transform(b.series_buf[k].begin(), b.series_buf[k].end(), ints.begin(), round_to_int64);
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
    s.flush_events(true);
    s.close_checked();
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
    s.flush_events(true);
    s.close_checked();
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

// --- checkpoints ------------------------------------------------------------

void Hdf5Recorder::save_recorded(CheckpointWriter& checkpoint) {
  State& s = *state_;
  h5::QuietErrors quiet;
  check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "flush " + s.partial_path.string());
  Handle out = h5::create_group(checkpoint.file(), "output");
  // What is written: values only (the attributes, dimension scales and
  // units, are written again by begin() on resume). Unwritten chunks are not
  // stored, so this is the size of what was written, compressed as in the
  // output. Nothing is flushed for it: the output is written the same way
  // with or without checkpoints.
  Handle ocpypl(H5Pcreate(H5P_OBJECT_COPY), H5Pclose, "create object copy list");
  check(H5Pset_copy_object(ocpypl, H5O_COPY_WITHOUT_ATTR_FLAG), "set copy flags");
  std::vector<std::string> groups = {"time", "series"};
  if (s.events) groups.push_back(s.events_group);
  for (const auto& g : groups)
    check(H5Ocopy(s.file, g.c_str(), out, g.c_str(), ocpypl, H5P_DEFAULT),
          "copy /" + g + " into the checkpoint");
  // What is buffered, not yet written: as it is in memory.
  std::vector<std::int64_t> written(s.replications), buffered(s.replications);
  for (std::size_t r = 0; r < s.replications; ++r) {
    const State::Buffer& b = s.buffers[r];
    written[r] = b.first_week;
    buffered[r] = b.buffered;
    if (b.buffered == 0) continue;
    const std::string dir = "buffered/replication_" + std::to_string(r) + "/";
    for (std::size_t k = 0; k < b.series_buf.size(); ++k)
      h5::write_checked_column(out, dir + "series_" + std::to_string(k),
                               {ColumnType::f64, b.series_buf[k].data(), b.series_buf[k].size()});
    if (r == 0) {
      h5::write_checked_column(out, dir + "week",
                               {ColumnType::i32, b.week_buf.data(), b.week_buf.size()});
      Handle g(H5Gopen2(out, dir.c_str(), H5P_DEFAULT), H5Gclose, "open " + dir);
      h5::write_strings(g, "date", b.date_buf);
    }
  }
  h5::write_int64s(out, "weeks_written", written);
  h5::write_int64s(out, "weeks_buffered", buffered);
  h5::write_int_attribute(out, "events_written", s.events_written);
  h5::write_int_attribute(out, "events_buffered", s.events_buffered);
  for (std::size_t c = 0; c < s.event_buf.size() && s.events_buffered > 0; ++c)
    h5::write_checked_column(
        out, "buffered/events/column_" + std::to_string(c),
        {s.event_types[c], s.event_buf[c].data(), static_cast<std::size_t>(s.events_buffered)});
}

namespace {

// Copies the hyperslab (start, count) of `src` into the same place in `dst`
// (same rank), through memory type `mem_type` of `element_size` bytes.
void copy_hyperslab(hid_t src, hid_t dst, hid_t mem_type, std::size_t element_size, int rank,
                    const hsize_t* start, const hsize_t* count, bool variable_strings) {
  hsize_t total = 1;
  for (int k = 0; k < rank; ++k) total *= count[k];
  if (total == 0) return;
  Handle src_space(H5Dget_space(src), H5Sclose, "get space");
  Handle dst_space(H5Dget_space(dst), H5Sclose, "get space");
  check(H5Sselect_hyperslab(src_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
        "select rows to restore");
  check(H5Sselect_hyperslab(dst_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
        "select rows to restore");
  Handle mem_space(H5Screate_simple(rank, count, nullptr), H5Sclose, "create memory space");
  std::vector<unsigned char> buf(static_cast<std::size_t>(total) * element_size);
  check(H5Dread(src, mem_type, mem_space, src_space, H5P_DEFAULT, buf.data()),
        "read recorded rows (damaged checkpoint)");
  const herr_t written = H5Dwrite(dst, mem_type, mem_space, dst_space, H5P_DEFAULT, buf.data());
  if (variable_strings) H5Dvlen_reclaim(mem_type, mem_space, H5P_DEFAULT, buf.data());
  check(written, "write restored rows");
}

std::vector<hsize_t> dims_of(hid_t ds) {
  Handle space(H5Dget_space(ds), H5Sclose, "get space");
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

}  // namespace

void Hdf5Recorder::restore_recorded(const CheckpointReader& checkpoint) {
  State& s = *state_;
  const std::string name = checkpoint.path().string();
  const hid_t src = checkpoint.file();
  h5::QuietErrors quiet;
  auto fail = [&](const std::string& what) { throw CheckpointError(name + ": " + what); };
  auto open = [&](const std::string& path) {
    if (!h5::exists(src, path)) fail("/" + path + " is missing");
    return Handle(H5Dopen2(src, path.c_str(), H5P_DEFAULT), H5Dclose, "open /" + path);
  };
  // A buffered array: exactly `n` elements of `type` into `out`.
  auto read_buffered = [&](const std::string& path, ColumnType type, void* out, std::size_t n) {
    Handle ds = open(path);
    Handle t(H5Dget_type(ds), H5Tclose, "get type of " + path);
    const auto d = dims_of(ds);
    if (h5::column_type_of_hdf5(t) != type || d.size() != 1 || d[0] != n)
      fail("/" + path + " does not hold " + std::to_string(n) + " " +
           std::string(column_type_name(type)) + " values");
    if (n > 0)
      check(H5Dread(ds, h5::memory_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, out),
            "read /" + path + " (damaged: its checksum does not verify)");
  };
  auto dataset_name = [](hid_t ds) {
    const ssize_t n = H5Iget_name(ds, nullptr, 0);
    std::string v(static_cast<std::size_t>(std::max<ssize_t>(n, 0)), '\0');
    H5Iget_name(ds, v.data(), v.size() + 1);
    return v;  // e.g. "/series/agency_fte"
  };
  try {
    std::vector<hsize_t> dims;
    for (const char* d : {"output/weeks_written", "output/weeks_buffered"})
      if (!h5::exists(src, d)) fail(std::string("/") + d + " is missing");
    const std::vector<double> written = h5::read_doubles(src, "output/weeks_written", dims);
    const std::vector<double> buffered = h5::read_doubles(src, "output/weeks_buffered", dims);
    if (written.size() != s.replications || buffered.size() != s.replications)
      fail("/output/weeks_written or weeks_buffered does not have " +
           std::to_string(s.replications) + " entries (one per replication)");
    for (std::size_t r = 0; r < s.replications; ++r)
      if (written[r] < 0 || buffered[r] < 0 || buffered[r] >= static_cast<double>(s.chunk_weeks) ||
          written[r] + buffered[r] > static_cast<double>(s.weeks))
        fail("/output/weeks_written and weeks_buffered do not fit the run's " +
             std::to_string(s.weeks) + " weeks");

    // Time axis: written with replication 0's rows.
    {
      const hsize_t start[1] = {0};
      const hsize_t count[1] = {static_cast<hsize_t>(written[0])};
      Handle week = open("output/time/week"), date = open("output/time/date");
      if (dims_of(week) != dims_of(s.week_ds) || dims_of(date) != dims_of(s.date_ds))
        fail("/output/time does not have this run's weeks");
      copy_hyperslab(week, s.week_ds, H5T_NATIVE_INT32, sizeof(std::int32_t), 1, start, count,
                     false);
      Handle str_type = h5::utf8_string_type();
      copy_hyperslab(date, s.date_ds, str_type, sizeof(char*), 1, start, count, true);
      if (written[0] > 0)
        write_date_units(s.file, h5::read_strings(src, "output/time/date").front());
    }

    // Series, replication by replication; then what was buffered.
    for (std::size_t k = 0; k < s.series_ds.size(); ++k) {
      const std::string series = dataset_name(s.series_ds[k]);
      Handle ds = open("output" + series);
      const std::vector<hsize_t> d = dims_of(s.series_ds[k]);
      if (dims_of(ds) != d) fail("/output" + series + " does not have this run's shape");
      const hid_t mem = s.series_integer[k] ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE;
      for (std::size_t r = 0; r < s.replications; ++r) {
        const auto rows = static_cast<hsize_t>(written[r]);
        if (s.replication_dim) {
          const hsize_t start[3] = {r, 0, 0}, count[3] = {1, rows, d[2]};
          copy_hyperslab(ds, s.series_ds[k], mem, 8, 3, start, count, false);
        } else {
          const hsize_t start[2] = {0, 0}, count[2] = {rows, d[1]};
          copy_hyperslab(ds, s.series_ds[k], mem, 8, 2, start, count, false);
        }
      }
    }
    for (std::size_t r = 0; r < s.replications; ++r) {
      State::Buffer& b = s.buffers[r];
      b.first_week = static_cast<std::int64_t>(written[r]);
      b.buffered = static_cast<std::int64_t>(buffered[r]);
      b.week_buf.clear();
      b.date_buf.clear();
      for (auto& v : b.series_buf) v.clear();
      if (b.buffered == 0) continue;
      const std::string dir = "output/buffered/replication_" + std::to_string(r) + "/";
      const auto rows = static_cast<std::size_t>(b.buffered);
      for (std::size_t k = 0; k < b.series_buf.size(); ++k) {
        b.series_buf[k].resize(rows * s.entities);
        read_buffered(dir + "series_" + std::to_string(k), ColumnType::f64, b.series_buf[k].data(),
                      b.series_buf[k].size());
      }
      if (r == 0) {
        b.week_buf.resize(rows);
        read_buffered(dir + "week", ColumnType::i32, b.week_buf.data(), rows);
        if (!h5::exists(src, dir + "date")) fail("/" + dir + "date is missing");
        b.date_buf = h5::read_strings(src, dir + "date");
        if (b.date_buf.size() != rows) fail("/" + dir + "date has the wrong length");
      }
    }

    // Events: whole chunks copied in pieces, then the buffered rows.
    std::int64_t events_written = 0, events_buffered = 0;
    if (s.events) {
      Handle g(H5Gopen2(src, "output", H5P_DEFAULT), H5Gclose, "open /output");
      for (const char* a : {"events_written", "events_buffered"})
        if (H5Aexists(g, a) <= 0) fail(std::string("/output has no attribute ") + a);
      events_written = h5::read_int_attribute(g, "events_written");
      events_buffered = h5::read_int_attribute(g, "events_buffered");
      if (events_written < 0 || events_buffered < 0) fail("negative event counts in /output");
      const auto n = static_cast<hsize_t>(events_written);
      const hsize_t size[1] = {n};
      for (std::size_t c = 0; c < s.event_ds.size(); ++c) {
        const std::string column = dataset_name(s.event_ds[c]);
        Handle ds = open("output" + column);
        Handle type(H5Dget_type(ds), H5Tclose, "get type");
        const auto d = dims_of(ds);
        if (h5::column_type_of_hdf5(type) != s.event_types[c] || d.size() != 1 || d[0] != n)
          fail("/output" + column + " does not hold " + std::to_string(events_written) + " " +
               std::string(column_type_name(s.event_types[c])) + " values");
        check(H5Dset_extent(s.event_ds[c], size), "extend the event table");
        if (c == 0) write_event_index(s.event_index_ds, 0, events_written);
        const hsize_t piece = 16 * static_cast<hsize_t>(kEventChunkRows);
        for (hsize_t first = 0; first < n; first += piece) {
          const hsize_t start[1] = {first}, count[1] = {std::min(piece, n - first)};
          copy_hyperslab(ds, s.event_ds[c], h5::memory_type(s.event_types[c]),
                         element_bytes(s.event_types[c]), 1, start, count, false);
        }
        s.event_buf[c].resize(static_cast<std::size_t>(events_buffered) *
                              element_bytes(s.event_types[c]));
        if (events_buffered > 0)
          read_buffered("output/buffered/events/column_" + std::to_string(c), s.event_types[c],
                        s.event_buf[c].data(), static_cast<std::size_t>(events_buffered));
      }
    } else if (h5::exists(src, "output/events")) {
      fail("the checkpoint holds events but this run records none");
    }
    s.events_written = events_written;
    s.events_buffered = events_buffered;
  } catch (const h5::Hdf5Error& e) {
    fail(e.what());
  }
}

}  // namespace pledgesim::sim
