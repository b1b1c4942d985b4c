#include "analysis/cpp/h5_read.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <sstream>
#include <system_error>

#include "sim/io/fingerprint.hpp"
#include "sim/io/input_file.hpp"
#include "sim/io/output_lock.hpp"

namespace pledgesim::analysis {

namespace h5 = sim::h5;
namespace fs = std::filesystem;

namespace {

std::string object_name(const std::string& object) {
  return object.empty() ? "/" : "/" + object;
}

std::string attribute_name(const std::string& object, const std::string& name) {
  return object.empty() ? "root attribute '" + name + "'"
                        : "attribute '" + name + "' of /" + object;
}

const char* class_name(H5T_class_t c) {
  switch (c) {
    case H5T_INTEGER:
      return "integer";
    case H5T_FLOAT:
      return "floating-point";
    case H5T_STRING:
      return "string";
    case H5T_BITFIELD:
      return "bitfield";
    case H5T_OPAQUE:
      return "opaque";
    case H5T_COMPOUND:
      return "compound";
    case H5T_REFERENCE:
      return "reference";
    case H5T_ENUM:
      return "enum";
    case H5T_VLEN:
      return "variable-length sequence";
    case H5T_ARRAY:
      return "array";
    default:
      return "unknown";
  }
}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

// The kind of object at `path` (H5I_BADID when there is none or it cannot
// be opened, e.g. a dangling link).
H5I_type_t object_type(hid_t file, const std::string& path) {
  if (path.empty()) return H5I_GROUP;
  if (!h5::exists(file, path)) return H5I_BADID;
  const hid_t o = H5Oopen(file, path.c_str(), H5P_DEFAULT);
  if (o < 0) return H5I_BADID;
  const H5I_type_t t = H5Iget_type(o);
  H5Oclose(o);
  return t;
}

// An unfinished sweep leaves its completed runs in FILE.runs/ (app/sweep_journal):
// say how many of how many, and how to continue.
std::string unfinished_sweep(const std::string& file) {
  const fs::path dir = file + ".runs";
  std::size_t done = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename().string().starts_with("run-") && entry.path().extension() == ".bin")
      ++done;
  const sim::TextInput manifest = sim::read_text_input(dir / "journal.toml", 1 << 16);
  // The sweep journal's manifest (app/sweep_journal) records both.
  auto value = [&](const char* key) {
    return manifest.text ? sim::quoted_value(*manifest.text, key).value_or("") : std::string();
  };
  const std::string runs = value("runs"), sweep = value("sweep_file");
  std::string out = "no such file yet: an unfinished sweep, " + std::to_string(done) +
                    (runs.empty() ? "" : " of " + runs) + " runs done (kept in " + dir.string() +
                    ")";
  if (const auto writer = sim::output_writer(file))
    return out + "; it is still running (" + *writer + "): wait for it to finish";
  return out + "; run `pledgesim sweep " + (sweep.empty() ? "SWEEP.toml" : sweep) + " --out " +
         file + "` again to continue";
}

}  // namespace

InputFile::InputFile(const fs::path& p, bool partial_hint) : path_(p.string()) {
  const std::string& file = path_;
  std::error_code ec;
  const auto st = fs::status(p, ec);
  if (!fs::exists(st)) {
    // A run that was killed (or is still running) leaves only NAME.partial,
    // and with --checkpoint-every, NAME.ckpt.
    if (partial_hint && fs::exists(file + ".ckpt", ec))
      fail("no such file, but its checkpoint " + file +
           ".ckpt exists: an unfinished run; finish it with `pledgesim resume " + file + ".ckpt`");
    if (partial_hint && fs::exists(file + ".partial", ec)) {
      if (const auto writer = sim::output_writer(p))
        fail("no such file yet: " + file +
             ".partial is being written by a run that is still going (" + *writer +
             "); wait for it to finish");
      fail("no such file, but " + file +
           ".partial exists: a run that was stopped or killed before it finished (no process "
           "is writing it now); run it again");
    }
    if (partial_hint && fs::is_directory(file + ".runs", ec)) fail(unfinished_sweep(file));
    fail("no such file");
  }
  if (fs::is_directory(st)) fail("is a directory, not a file");
  if (partial_hint && file.ends_with(".partial")) {
    if (const auto writer =
            sim::output_writer(file.substr(0, file.size() - std::string(".partial").size())))
      fail("is being written by a run that is still going (" + *writer +
           "); wait for it to finish and read its result");
  }
  // A FIFO or a device would block or never end (HDF5 reads it as a file);
  // any size (0: HDF5 reads only what it needs).
  if (const auto problem = sim::input_file_problem(p, 0)) fail(*problem);
  // O_NONBLOCK: a FIFO put in its place since the check must not block here.
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) fail(std::string("cannot be read (") + std::strerror(errno) + ")");
  ::close(fd);
  const auto size = fs::file_size(p, ec);
  const std::string partial_note =
      partial_hint && file.ends_with(".partial")
          ? " (a .partial file: the run writing it was killed before it finished; run it again)"
          : "";
  if (!ec && size == 0) fail("is empty (0 bytes): not an HDF5 file" + partial_note);
  if (H5Fis_hdf5(file.c_str()) <= 0) fail("not an HDF5 file" + partial_note);
  try {
    file_ =
        h5::Handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + file);
  } catch (const h5::Hdf5Error& e) {
    if (e.reason.find("truncated file") != std::string::npos)
      fail(
          "the file is truncated (shorter than the size recorded in it: a copy or download cut "
          "short, or a disk that filled up; HDF5: " +
          e.reason + ")" + partial_note);
    fail("cannot be opened as HDF5: the file is damaged" +
         (e.reason.empty() ? std::string() : " (HDF5: " + e.reason + ")") + partial_note);
  }
  // Before anything is read: no object may take its data from elsewhere.
  if (const auto problem = h5::foreign_storage_problem(file_)) fail(*problem);
}

void InputFile::fail(const std::string& what) const {
  throw FileError(path_ + ": " + what);
}

void InputFile::fail(const std::string& what, const h5::Hdf5Error& e) const {
  fail(what + ": the file is damaged or not as pledgesim writes it (" + e.what() + ")");
}

bool InputFile::has(const std::string& object) const {
  return object_type(file_, object) != H5I_BADID;
}

bool InputFile::is_group(const std::string& object) const {
  return object_type(file_, object) == H5I_GROUP;
}

bool InputFile::is_dataset(const std::string& object) const {
  return object_type(file_, object) == H5I_DATASET;
}

void InputFile::require_group(const std::string& object) const {
  const H5I_type_t t = object_type(file_, object);
  if (t == H5I_BADID) fail(object_name(object) + " is missing");
  if (t != H5I_GROUP) fail(object_name(object) + " is not a group");
}

void InputFile::require_dataset(const std::string& object) const {
  const H5I_type_t t = object_type(file_, object);
  if (t == H5I_BADID) fail(object_name(object) + " is missing");
  if (t != H5I_DATASET) fail(object_name(object) + " is not a dataset");
}

std::vector<std::string> InputFile::members(const std::string& group) const {
  require_group(group);
  std::vector<std::string> names;
  try {
    h5::Handle g(H5Gopen2(file_, group.empty() ? "/" : group.c_str(), H5P_DEFAULT), H5Gclose,
                 "open " + object_name(group));
    h5::check(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names),
              "list " + object_name(group));
  } catch (const h5::Hdf5Error& e) {
    fail("cannot list " + object_name(group), e);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool InputFile::has_attribute(const std::string& object, const std::string& name) const {
  if (!has(object)) return false;
  return H5Aexists_by_name(file_, object.empty() ? "/" : object.c_str(), name.c_str(),
                           H5P_DEFAULT) > 0;
}

namespace {

// Opens attribute `name` of `object` after checking it holds one value of
// class `want`.
h5::Handle open_scalar_attribute(const InputFile& f, const std::string& object,
                                 const std::string& name, H5T_class_t want) {
  const std::string what = attribute_name(object, name);
  if (!f.has_attribute(object, name)) f.fail(what + " is missing");
  h5::Handle a(H5Aopen_by_name(f.id(), object.empty() ? "/" : object.c_str(), name.c_str(),
                               H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose, "open " + what);
  h5::Handle type(H5Aget_type(a), H5Tclose, "get the type of " + what);
  const H5T_class_t c = H5Tget_class(type);
  if (c != want)
    f.fail(what + " is " + class_name(c) + ", not " + (want == H5T_STRING ? "a " : "an ") +
           class_name(want));
  h5::Handle space(H5Aget_space(a), H5Sclose, "get the shape of " + what);
  if (H5Sget_simple_extent_npoints(space) != 1)
    f.fail(what + " holds " + std::to_string(H5Sget_simple_extent_npoints(space)) +
           " values, not one");
  return a;
}

}  // namespace

std::string InputFile::string_attribute(const std::string& object, const std::string& name) const {
  try {
    open_scalar_attribute(*this, object, name, H5T_STRING);
    h5::Handle o(H5Oopen(file_, object.empty() ? "/" : object.c_str(), H5P_DEFAULT), H5Oclose,
                 "open " + object_name(object));
    return h5::read_string_attribute(o, name);
  } catch (const h5::Hdf5Error& e) {
    fail("cannot read " + attribute_name(object, name), e);
  }
}

std::int64_t InputFile::int_attribute(const std::string& object, const std::string& name) const {
  try {
    open_scalar_attribute(*this, object, name, H5T_INTEGER);
    h5::Handle o(H5Oopen(file_, object.empty() ? "/" : object.c_str(), H5P_DEFAULT), H5Oclose,
                 "open " + object_name(object));
    return h5::read_int_attribute(o, name);
  } catch (const h5::Hdf5Error& e) {
    fail("cannot read " + attribute_name(object, name), e);
  }
}

std::vector<hsize_t> InputFile::shape(const std::string& dataset) const {
  require_dataset(dataset);
  try {
    h5::Handle ds(H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose,
                  "open " + object_name(dataset));
    h5::Handle space(H5Dget_space(ds), H5Sclose, "get the shape of " + object_name(dataset));
    const H5S_class_t k = H5Sget_simple_extent_type(space);
    if (k == H5S_NULL) fail(object_name(dataset) + " holds no data (a null dataspace)");
    if (k != H5S_SIMPLE && k != H5S_SCALAR)
      fail(object_name(dataset) + " does not have a simple shape");
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0) fail("cannot read the shape of " + object_name(dataset));
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return dims;
  } catch (const h5::Hdf5Error& e) {
    fail("cannot read the shape of " + object_name(dataset), e);
  }
}

H5T_class_t InputFile::type_class(const std::string& dataset) const {
  require_dataset(dataset);
  try {
    h5::Handle ds(H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose,
                  "open " + object_name(dataset));
    h5::Handle type(H5Dget_type(ds), H5Tclose, "get the type of " + object_name(dataset));
    return H5Tget_class(type);
  } catch (const h5::Hdf5Error& e) {
    fail("cannot read the type of " + object_name(dataset), e);
  }
}

namespace {

// Refuses shapes whose values could not be held in memory (a hand-made
// dataset may claim any extent, e.g. chunked with no chunk written) before
// a buffer is allocated for them.
void check_size(const InputFile& f, const std::string& dataset, const std::vector<hsize_t>& dims) {
  constexpr hsize_t kMaxValues = hsize_t{1} << 32;
  hsize_t total = 1;
  for (hsize_t d : dims) {
    if (d != 0 && total > kMaxValues / d)
      f.fail(object_name(dataset) + " has shape " + InputFile::shape_text(dims) +
             ": too many values to read");
    total *= d;
  }
  if (total > kMaxValues)
    f.fail(object_name(dataset) + " has shape " + InputFile::shape_text(dims) +
           ": too many values to read");
}

void check_rows(const InputFile& f, const std::string& dataset, const std::vector<hsize_t>& dims,
                std::optional<std::size_t> rows, const char* what) {
  if (dims.size() != 1)
    f.fail(object_name(dataset) + " has shape " + InputFile::shape_text(dims) + ", not a 1-D " +
           what);
  if (rows && dims[0] != *rows)
    f.fail(object_name(dataset) + " has " + std::to_string(dims[0]) + " rows, not " +
           std::to_string(*rows));
}

}  // namespace

std::vector<std::string> InputFile::strings(const std::string& dataset,
                                            std::optional<std::size_t> rows) const {
  const auto dims = shape(dataset);
  const H5T_class_t c = type_class(dataset);
  if (c != H5T_STRING)
    fail(object_name(dataset) + " is " + class_name(c) + ", not a string dataset");
  check_rows(*this, dataset, dims, rows, "list of strings");
  check_size(*this, dataset, dims);
  try {
    h5::Handle ds(H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose,
                  "open " + object_name(dataset));
    h5::Handle type(H5Dget_type(ds), H5Tclose, "get the type of " + object_name(dataset));
    if (H5Tis_variable_str(type) <= 0)
      fail(object_name(dataset) +
           " holds fixed-length strings; pledgesim files hold variable-length UTF-8 strings");
    return h5::read_strings(file_, dataset);
  } catch (const h5::Hdf5Error& e) {
    fail("cannot read " + object_name(dataset), e);
  } catch (const std::bad_alloc&) {
    fail(object_name(dataset) + " is too large to read into memory");
  }
}

std::vector<std::int64_t> InputFile::integers(const std::string& dataset,
                                              std::optional<std::size_t> rows) const {
  const auto dims = shape(dataset);
  const H5T_class_t c = type_class(dataset);
  if (c != H5T_INTEGER)
    fail(object_name(dataset) + " is " + class_name(c) + ", not an integer dataset");
  check_rows(*this, dataset, dims, rows, "list of integers");
  check_size(*this, dataset, dims);
  std::vector<std::int64_t> out;
  try {
    out.resize(dims[0]);
    h5::Handle ds(H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose,
                  "open " + object_name(dataset));
    if (!out.empty())
      h5::check(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                "read " + object_name(dataset));
  } catch (const h5::Hdf5Error& e) {
    fail("cannot read " + object_name(dataset), e);
  } catch (const std::bad_alloc&) {
    fail(object_name(dataset) + " is too large to read into memory");
  }
  return out;
}

std::vector<double> InputFile::numbers(const std::string& dataset,
                                       std::vector<hsize_t>& dims) const {
  dims = shape(dataset);
  const H5T_class_t c = type_class(dataset);
  if (c != H5T_INTEGER && c != H5T_FLOAT)
    fail(object_name(dataset) + " is " + class_name(c) + ", not numeric");
  check_size(*this, dataset, dims);
  try {
    std::vector<hsize_t> read_dims;
    auto v = h5::read_doubles(file_, dataset, read_dims);
    return v;
  } catch (const h5::Hdf5Error& e) {
    fail("cannot read " + object_name(dataset), e);
  } catch (const std::bad_alloc&) {
    fail(object_name(dataset) + " is too large to read into memory");
  }
}

std::string InputFile::shape_text(const std::vector<hsize_t>& dims) {
  if (dims.empty()) return "[] (a scalar)";
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

}  // namespace pledgesim::analysis
