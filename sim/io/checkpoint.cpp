#include "sim/io/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <system_error>

#include "sim/io/fingerprint.hpp"
#include "sim/io/hdf5_columns.hpp"
#include "sim/io/input_file.hpp"

namespace pledgesim::sim {

namespace fs = std::filesystem;
using h5::check;
using h5::Handle;

fs::path checkpoint_path_for(const fs::path& output) {
  fs::path p = output;
  p += ".ckpt";
  return p;
}

std::string utc_now_iso() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {
// The fields a resume trusts, in one line: its fingerprint is stored beside
// them, so an edited field (replications = 1e9, another output) is refused
// instead of allocating without end or writing elsewhere. (The software
// version is left out: a checkpoint of another program is refused, saying
// so, where it is compared.)
std::string fields_text(const CheckpointInfo& i) {
  return "scenario_name=" + i.scenario_name + "\nseed=" + std::to_string(i.seed) +
         "\nweeks=" + std::to_string(i.weeks) + "\nweeks_done=" + std::to_string(i.weeks_done) +
         "\nreplications=" + std::to_string(i.replications) +
         "\nbatch_first=" + std::to_string(i.batch_first) +
         "\nbatch_size=" + std::to_string(i.batch_size) + "\nevents=" + std::to_string(i.events) +
         "\ncompress=" + std::to_string(i.compress) +
         "\ncheckpoint_every=" + std::to_string(i.checkpoint_every) + "\noutput=" + i.output +
         "\noutput_created_utc=" + i.output_created_utc + "\n";
}
}  // namespace

bool is_checkpoint_file(const fs::path& path) {
  h5::QuietErrors quiet;
  if (input_file_problem(path, 0) || H5Fis_hdf5(path.c_str()) <= 0) return false;
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return false;
  bool yes = false;
  try {
    yes = H5Aexists(f, "format") > 0 &&
          h5::read_string_attribute(f, "format") == std::string(kCheckpointFormat);
  } catch (const h5::Hdf5Error&) {
    yes = false;
  }
  H5Fclose(f);
  return yes;
}

namespace {

// Flushes a file's data to the disk (kill -9 needs no more than the rename,
// a power cut does).
void sync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;  // best effort: some file systems refuse directories
  ::fsync(fd);
  ::close(fd);
}

class Hdf5StateWriter final : public StateWriter {
 public:
  Hdf5StateWriter(hid_t file, std::string group) : file_(file), group_(std::move(group)) {}
  void write(const std::string& name, ColumnView column) override {
    h5::write_checked_column(file_, group_ + "/" + name, column);
  }

 private:
  hid_t file_;
  std::string group_;
};

herr_t collect_dataset_name(hid_t group, const char* name, const H5L_info_t*, void* out) {
  H5O_info_t info;
  if (H5Oget_info_by_name(group, name, &info, H5P_DEFAULT) >= 0 && info.type == H5O_TYPE_DATASET)
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

class Hdf5StateReader final : public StateReader {
 public:
  Hdf5StateReader(hid_t file, std::string file_name, std::string group)
      : file_(file), file_name_(std::move(file_name)), group_(std::move(group)) {}

  std::optional<Shape> shape(const std::string& name) const override {
    h5::QuietErrors quiet;
    const std::string path = group_ + "/" + name;
    try {
      if (!h5::exists(file_, path)) return std::nullopt;
      Handle ds(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose, "open " + path);
      Handle type(H5Dget_type(ds), H5Tclose, "get type of " + path);
      Handle space(H5Dget_space(ds), H5Sclose, "get space of " + path);
      const auto t = h5::column_type_of_hdf5(type);
      if (!t || H5Sget_simple_extent_ndims(space) != 1)
        throw StateError(where() + ": " + name + " is not a 1-D numeric array");
      hsize_t n = 0;
      H5Sget_simple_extent_dims(space, &n, nullptr);
      return Shape{*t, static_cast<std::size_t>(n)};
    } catch (const h5::Hdf5Error& e) {
      throw StateError(where() + ": " + name + ": " + e.what());
    }
  }
  std::vector<std::string> names(const std::string& prefix) const override {
    h5::QuietErrors quiet;
    std::vector<std::string> out;
    const std::string path = group_ + "/" + prefix;
    if (!h5::exists(file_, path)) return out;
    try {
      Handle g(H5Gopen2(file_, path.c_str(), H5P_DEFAULT), H5Gclose, "open " + path);
      check(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_dataset_name, &out),
            "list " + path);
    } catch (const h5::Hdf5Error& e) {
      throw StateError(where() + ": " + e.what());
    }
    return out;
  }
  std::string where() const override { return file_name_ + ":/" + group_; }

 protected:
  void read(const std::string& name, ColumnType type, void* out, std::size_t) const override {
    h5::QuietErrors quiet;
    const std::string path = group_ + "/" + name;
    try {
      Handle ds(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose, "open " + path);
      check(H5Dread(ds, h5::memory_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, out),
            "read " + path + " (damaged: its checksum or compression does not verify)");
    } catch (const h5::Hdf5Error& e) {
      throw StateError(file_name_ + ": " + e.what());
    }
  }

 private:
  hid_t file_;
  std::string file_name_;
  std::string group_;
};

}  // namespace

// --- writer -----------------------------------------------------------------

struct CheckpointWriter::Impl {
  fs::path path, tmp;
  Handle file;
  std::vector<std::unique_ptr<Hdf5StateWriter>> states;
  bool closed = false, committed = false;
};

CheckpointWriter::CheckpointWriter(fs::path path, const CheckpointInfo& info)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.path = std::move(path);
  s.tmp = s.path;
  s.tmp += ".tmp";
  h5::QuietErrors quiet;
  if (s.path.has_parent_path()) fs::create_directories(s.path.parent_path());
  // Closing closes every object in the file; the 1.8 file format checksums
  // the superblock and object headers, so damaged metadata is detected too.
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access list");
  check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), "set close degree");
  check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST), "set format bounds");
  s.file = Handle(H5Fcreate(s.tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose,
                  "create " + s.tmp.string());
  const hid_t f = s.file;
  h5::write_string_attribute(f, "format", kCheckpointFormat);
  h5::write_int_attribute(f, "checkpoint_version", kCheckpointVersion);
  h5::write_string_attribute(f, "software_version", info.software_version);
  h5::write_string_attribute(f, "scenario_name", info.scenario_name);
  h5::write_int_attribute(f, "seed", static_cast<std::int64_t>(info.seed));
  h5::write_int_attribute(f, "weeks", info.weeks);
  h5::write_int_attribute(f, "weeks_done", info.weeks_done);
  h5::write_int_attribute(f, "replications", info.replications);
  h5::write_int_attribute(f, "batch_first", info.batch_first);
  h5::write_int_attribute(f, "batch_size", info.batch_size);
  h5::write_int_attribute(f, "events", info.events ? 1 : 0);
  h5::write_int_attribute(f, "compress", info.compress ? 1 : 0);
  h5::write_int_attribute(f, "checkpoint_every", info.checkpoint_every);
  h5::write_string_attribute(f, "output", info.output);
  h5::write_string_attribute(f, "output_created_utc", info.output_created_utc);
  h5::write_string_attribute(f, "saved_utc", utc_now_iso());
  h5::write_string_attribute(f, "scenario_fnv1a64", fnv1a64_hex(info.scenario_text));
  h5::write_string_attribute(f, "fields_fnv1a64", fnv1a64_hex(fields_text(info)));
  h5::write_string_attribute(
      f, "description",
      "pledgesim checkpoint of an unfinished run (not a result): continue it with "
      "`pledgesim resume " +
          s.path.filename().string() + "`; see docs/checkpoints.md");
  Handle g = h5::create_group(f, "scenario");
  h5::write_scalar_string(g, "text", info.scenario_text);
  if (!info.parameters_text.empty()) {
    Handle p = h5::create_group(f, "parameters");
    h5::write_scalar_string(p, "text", info.parameters_text);
    h5::write_string_attribute(p, "source", info.parameters_source);
    h5::write_string_attribute(p, "text_fnv1a64", fnv1a64_hex(info.parameters_text));
  }
}

CheckpointWriter::~CheckpointWriter() {
  if (impl_->committed) return;
  impl_->states.clear();
  impl_->file.reset();
  std::error_code ec;
  fs::remove(impl_->tmp, ec);
}

StateWriter& CheckpointWriter::state(const std::string& name) {
  impl_->states.push_back(std::make_unique<Hdf5StateWriter>(impl_->file.get(), "state/" + name));
  return *impl_->states.back();
}

hid_t CheckpointWriter::file() const {
  return impl_->file.get();
}

const fs::path& CheckpointWriter::path() const {
  return impl_->path;
}

void CheckpointWriter::close() {
  Impl& s = *impl_;
  if (s.closed) return;
  h5::QuietErrors quiet;
  s.states.clear();
  check(H5Fflush(s.file, H5F_SCOPE_GLOBAL), "flush " + s.tmp.string());
  s.file.reset();
  sync_path(s.tmp, false);
  s.closed = true;
}

void CheckpointWriter::commit() {
  close();
  Impl& s = *impl_;
  fs::rename(s.tmp, s.path);  // atomic: PATH is the old checkpoint or the new one
  sync_path(s.path.has_parent_path() ? s.path.parent_path() : fs::path("."), true);
  s.committed = true;
}

// --- reader -----------------------------------------------------------------

struct CheckpointReader::Impl {
  fs::path path;
  Handle file;
  CheckpointInfo info;
  mutable std::vector<std::unique_ptr<Hdf5StateReader>> states;
};

CheckpointReader::CheckpointReader(fs::path path) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.path = std::move(path);
  const std::string name = s.path.string();
  h5::QuietErrors quiet;
  // A FIFO or a device would block or never end (HDF5 reads it as a file);
  // any size (0: HDF5 reads only what it needs).
  if (const auto problem = input_file_problem(s.path, 0))
    throw CheckpointError(name + ": " + *problem);
  if (H5Fis_hdf5(s.path.c_str()) <= 0)
    throw CheckpointError(name + ": not an HDF5 file (damaged or not a checkpoint)");
  const hid_t f = H5Fopen(s.path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    throw CheckpointError(name +
                          ": cannot be opened as HDF5 (truncated or damaged); resume from an "
                          "earlier copy or run again");
  s.file = Handle(f, H5Fclose, "open " + name);
  // Before anything is read: no object may take its data from elsewhere.
  if (const auto problem = h5::foreign_storage_problem(f))
    throw CheckpointError(name + ": " + *problem);
  CheckpointInfo& i = s.info;
  try {
    if (H5Aexists(f, "format") <= 0 ||
        h5::read_string_attribute(f, "format") != std::string(kCheckpointFormat))
      throw CheckpointError(name +
                            ": not a pledgesim checkpoint (root attribute 'format' is not \"" +
                            kCheckpointFormat + "\")");
    auto int_attr = [&](const char* a) {
      if (H5Aexists(f, a) <= 0)
        throw CheckpointError(name + ": root attribute '" + a + "' is missing");
      return h5::read_int_attribute(f, a);
    };
    auto string_attr = [&](const char* a) {
      if (H5Aexists(f, a) <= 0)
        throw CheckpointError(name + ": root attribute '" + a + "' is missing");
      return h5::read_string_attribute(f, a);
    };
    const std::int64_t version = int_attr("checkpoint_version");
    if (version != kCheckpointVersion)
      throw CheckpointError(name + ": checkpoint_version " + std::to_string(version) +
                            ", this program reads version " + std::to_string(kCheckpointVersion));
    i.software_version = string_attr("software_version");
    i.scenario_name = string_attr("scenario_name");
    i.seed = static_cast<std::uint64_t>(int_attr("seed"));
    i.weeks = int_attr("weeks");
    i.weeks_done = int_attr("weeks_done");
    i.replications = int_attr("replications");
    i.batch_first = int_attr("batch_first");
    i.batch_size = int_attr("batch_size");
    i.events = int_attr("events") != 0;
    // Absent from checkpoints of earlier programs, whose output was always
    // compressed (they are refused for their software_version anyway).
    i.compress = H5Aexists(f, "compress") <= 0 || int_attr("compress") != 0;
    i.checkpoint_every = int_attr("checkpoint_every");
    i.output = string_attr("output");
    i.output_created_utc = string_attr("output_created_utc");
    i.saved_utc = string_attr("saved_utc");
    if (fnv1a64_hex(fields_text(i)) != string_attr("fields_fnv1a64"))
      throw CheckpointError(name +
                            ": its root attributes do not match their fingerprint (attribute "
                            "fields_fnv1a64): the checkpoint was edited or damaged; resume from "
                            "an earlier copy or run again");
    if (!h5::exists(f, "scenario/text"))
      throw CheckpointError(name + ": /scenario/text is missing");
    i.scenario_text = h5::read_scalar_string(f, "scenario/text");
    if (fnv1a64_hex(i.scenario_text) != string_attr("scenario_fnv1a64"))
      throw CheckpointError(name +
                            ": /scenario/text does not match its fingerprint (attribute "
                            "scenario_fnv1a64): the scenario was changed or damaged");
    // Optional: a run --parameters; checked like the scenario, since a
    // changed ensemble would resume with other values.
    if (h5::exists(f, "parameters/text")) {
      const Handle p(H5Gopen2(f, "parameters", H5P_DEFAULT), H5Gclose, "open /parameters");
      i.parameters_text = h5::read_scalar_string(f, "parameters/text");
      i.parameters_source =
          H5Aexists(p, "source") > 0 ? h5::read_string_attribute(p, "source") : "";
      if (H5Aexists(p, "text_fnv1a64") <= 0 ||
          fnv1a64_hex(i.parameters_text) != h5::read_string_attribute(p, "text_fnv1a64"))
        throw CheckpointError(name +
                              ": /parameters/text does not match its fingerprint (attribute "
                              "text_fnv1a64 of /parameters): the ensemble was changed or damaged");
    }
    if (i.weeks <= 0 || i.weeks_done < 0 || i.weeks_done > i.weeks || i.replications < 1 ||
        i.batch_first < 0 || i.batch_size < 1 || i.batch_first + i.batch_size > i.replications ||
        i.checkpoint_every < 0)
      throw CheckpointError(
          name + ": inconsistent root attributes (weeks " + std::to_string(i.weeks) +
          ", weeks_done " + std::to_string(i.weeks_done) + ", replications " +
          std::to_string(i.replications) + ", batch " + std::to_string(i.batch_first) + "+" +
          std::to_string(i.batch_size) + ")");
  } catch (const h5::Hdf5Error& e) {
    throw CheckpointError(name + ": " + e.what());
  }
}

CheckpointReader::~CheckpointReader() = default;

const CheckpointInfo& CheckpointReader::info() const {
  return impl_->info;
}

const StateReader& CheckpointReader::state(const std::string& name) const {
  const std::string group = "state/" + name;
  h5::QuietErrors quiet;
  if (!h5::exists(impl_->file, group))
    throw CheckpointError(impl_->path.string() + ": /" + group + " is missing");
  impl_->states.push_back(
      std::make_unique<Hdf5StateReader>(impl_->file.get(), impl_->path.string(), group));
  return *impl_->states.back();
}

hid_t CheckpointReader::file() const {
  return impl_->file.get();
}

const fs::path& CheckpointReader::path() const {
  return impl_->path;
}

}  // namespace pledgesim::sim
