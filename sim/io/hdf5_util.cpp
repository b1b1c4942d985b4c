#include "sim/io/hdf5_util.hpp"

#include <limits>
#include <utility>

namespace pledgesim::sim::h5 {

namespace {

struct StackWalk {
  std::string system;    // "error message = '...'" of a failed system call
  std::string specific;  // the description of the innermost error
};

herr_t walk_error(unsigned, const H5E_error2_t* e, void* data) {
  auto* w = static_cast<StackWalk*>(data);
  if (!e || !e->desc) return 0;
  const std::string desc = e->desc;
  const std::string key = "error message = '";
  if (const auto at = desc.find(key); at != std::string::npos && w->system.empty()) {
    const auto end = desc.find('\'', at + key.size());
    w->system =
        desc.substr(at + key.size(), end == std::string::npos ? end : end - at - key.size());
  }
  w->specific = desc;  // walking downward: the last one is the innermost
  return 0;
}

}  // namespace

std::string error_reason() {
  StackWalk w;
  if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk_error, &w) < 0) return {};
  return w.system.empty() ? w.specific : w.system;
}

Handle::Handle(hid_t id, Closer closer, const std::string& what) : id_(id), closer_(closer) {
  if (id < 0) throw Hdf5Error("HDF5: cannot " + what, error_reason());
}

void Handle::close(const std::string& what) {
  if (id_ < 0 || !closer_) return;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  check(closer_(id), what);
}

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    closer_ = o.closer_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && closer_) closer_(id_);
  id_ = H5I_INVALID_HID;
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Hdf5Error("HDF5: cannot " + what, error_reason());
}

hid_t small_transfer() {
  static const hid_t transfer = [] {
    const hid_t plist = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_buffer(plist, 64 * 1024, nullptr, nullptr);
    return plist;
  }();
  return transfer;
}

Handle create_group(hid_t parent, const std::string& name) {
  return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                "create group " + name);
}

Handle utf8_string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(t, H5T_VARIABLE), "set string size");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "set UTF-8");
  return t;
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  Handle type = utf8_string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  const char* p = value.c_str();
  check(H5Awrite(attr, type, &p), "write attribute " + name);
}

namespace {
template <class T>
void write_numeric_attribute(hid_t object, const std::string& name, hid_t type, T value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  check(H5Awrite(attr, type, &value), "write attribute " + name);
}
}  // namespace

void write_int_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_numeric_attribute(object, name, H5T_NATIVE_INT64, value);
}

Handle write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& v) {
  Handle type = utf8_string_type();
  const hsize_t n = v.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create space for " + name);
  Handle ds(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose, "create dataset " + name);
  std::vector<const char*> ptrs;
  ptrs.reserve(v.size());
  for (const auto& s : v) ptrs.push_back(s.c_str());
  if (n > 0)
    check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, small_transfer(), ptrs.data()), "write " + name);
  return ds;
}

namespace {
// A 1-D integer dataset of `n` values stored as `file_type`.
Handle write_integers(hid_t parent, const std::string& name, hid_t file_type, hid_t mem_type,
                      hsize_t n, const void* data) {
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create space for " + name);
  Handle ds(
      H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose, "create dataset " + name);
  if (n > 0)
    check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, small_transfer(), data), "write " + name);
  return ds;
}
}  // namespace

Handle write_doubles(hid_t parent, const std::string& name, const std::vector<double>& v,
                     const std::vector<hsize_t>& dims) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
               "create space for " + name);
  Handle ds(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose, "create dataset " + name);
  if (!v.empty())
    check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, small_transfer(), v.data()),
          "write " + name);
  return ds;
}

Handle write_int32s(hid_t parent, const std::string& name, const std::vector<std::int32_t>& v) {
  return write_integers(parent, name, H5T_STD_I32LE, H5T_NATIVE_INT32, v.size(), v.data());
}

Handle write_int64s(hid_t parent, const std::string& name, const std::vector<std::int64_t>& v) {
  return write_integers(parent, name, H5T_STD_I64LE, H5T_NATIVE_INT64, v.size(), v.data());
}

void write_scalar_string(hid_t parent, const std::string& name, const std::string& value) {
  Handle type = utf8_string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle ds(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose, "create dataset " + name);
  const char* p = value.c_str();
  check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, small_transfer(), &p), "write " + name);
}

bool exists(hid_t parent, const std::string& path) {
  // Check each component so that a missing intermediate group is not an error.
  std::string prefix;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    prefix = path.substr(0, slash == std::string::npos ? path.size() : slash);
    if (!prefix.empty() && H5Lexists(parent, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

namespace {
// Attributes are read into one value: refuse arrays (they would overrun it).
void require_one_value(hid_t attr, const std::string& name) {
  Handle space(H5Aget_space(attr), H5Sclose, "get the shape of attribute " + name);
  if (H5Sget_simple_extent_npoints(space) != 1)
    throw Hdf5Error("attribute " + name + " does not hold exactly one value");
}
}  // namespace

std::string read_string_attribute(hid_t object, const std::string& name) {
  Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  Handle ftype(H5Aget_type(attr), H5Tclose, "get type of " + name);
  if (H5Tget_class(ftype) != H5T_STRING) throw Hdf5Error("attribute " + name + " is not a string");
  require_one_value(attr, name);
  if (H5Tis_variable_str(ftype) > 0) {
    Handle mtype = utf8_string_type();
    char* p = nullptr;
    check(H5Aread(attr, mtype, &p), "read attribute " + name);
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
  }
  const std::size_t size = H5Tget_size(ftype);
  std::string out(size, '\0');
  check(H5Aread(attr, ftype, out.data()), "read attribute " + name);
  return out.substr(0, out.find('\0'));
}

std::int64_t read_int_attribute(hid_t object, const std::string& name) {
  Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  Handle ftype(H5Aget_type(attr), H5Tclose, "get type of " + name);
  if (H5Tget_class(ftype) != H5T_INTEGER)
    throw Hdf5Error("attribute " + name + " is not an integer");
  require_one_value(attr, name);
  std::int64_t value = 0;
  check(H5Aread(attr, H5T_NATIVE_INT64, &value), "read attribute " + name);
  return value;
}

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name);
  Handle ftype(H5Dget_type(ds), H5Tclose, "get type of " + name);
  if (H5Tget_class(ftype) != H5T_STRING || H5Tis_variable_str(ftype) <= 0)
    throw Hdf5Error("dataset " + name + " is not a variable-length string array");
  Handle space(H5Dget_space(ds), H5Sclose, "get space of " + name);
  if (H5Sget_simple_extent_ndims(space) != 1) throw Hdf5Error("dataset " + name + " is not 1-D");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<char*> ptrs(n, nullptr);
  Handle mtype = utf8_string_type();
  if (n > 0) check(H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read " + name);
  std::vector<std::string> out;
  out.reserve(n);
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  if (n > 0) H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, ptrs.data());
  return out;
}

std::string read_scalar_string(hid_t parent, const std::string& name) {
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name);
  Handle mtype = utf8_string_type();
  char* p = nullptr;
  check(H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), "read " + name);
  std::string out = p ? p : "";
  H5free_memory(p);
  return out;
}

std::vector<double> read_doubles(hid_t parent, const std::string& name,
                                 std::vector<hsize_t>& dims) {
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name);
  Handle ftype(H5Dget_type(ds), H5Tclose, "get type of " + name);
  const H5T_class_t cls = H5Tget_class(ftype);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    throw Hdf5Error("dataset " + name + " is not numeric");
  Handle space(H5Dget_space(ds), H5Sclose, "get space of " + name);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw Hdf5Error("cannot read the shape of " + name);
  dims.assign(static_cast<std::size_t>(rank), 0);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  std::vector<double> out(total);
  if (total > 0)
    check(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
          "read " + name);
  return out;
}

namespace {

// Deflate, the writers' only compression (at level 1, which packs all-zero
// data about 230:1), cannot pack more than 1032:1 at any level. A dataset
// declaring more bytes than 1032 times the whole file therefore has values
// that were never written (unallocated chunks, read as fill values): a
// hand-made shape. The slack keeps small files whose later chunks are not
// yet written (a stopped run's .partial, which readers refuse with their
// own message) clear of the check.
constexpr hsize_t kMaxDeflateRatio = 1032;
constexpr hsize_t kDeclaredSlackBytes = hsize_t{64} << 20;

constexpr hsize_t kMaxHsize = std::numeric_limits<hsize_t>::max();

hsize_t saturating_product(hsize_t a, hsize_t b) {
  return a != 0 && b > kMaxHsize / a ? kMaxHsize : a * b;
}

std::string dims_text(const std::vector<hsize_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

constexpr char kOwnData[] = "; a pledgesim file must hold its own data";

// Where a soft link ("/path") or an external link ("/path in file.h5")
// points; the link is not followed.
std::string link_target(hid_t group, const char* name, const H5L_info_t& info) {
  std::vector<char> value(info.u.val_size + 1, '\0');
  if (H5Lget_val(group, name, value.data(), value.size(), H5P_DEFAULT) < 0) return "?";
  if (info.type == H5L_TYPE_SOFT) return value.data();
  unsigned flags = 0;
  const char* file = nullptr;
  const char* object = nullptr;
  if (H5Lunpack_elink_val(value.data(), info.u.val_size, &flags, &file, &object) < 0) return "?";
  return std::string(object ? object : "?") + " in " + (file ? file : "?");
}

// The first source ("/data in other.h5") of a virtual dataset.
std::string virtual_source(hid_t dcpl) {
  std::size_t count = 0;
  if (H5Pget_virtual_count(dcpl, &count) < 0 || count == 0) return "no source";
  const ssize_t file_length = H5Pget_virtual_filename(dcpl, 0, nullptr, 0);
  const ssize_t dataset_length = H5Pget_virtual_dsetname(dcpl, 0, nullptr, 0);
  if (file_length < 0 || dataset_length < 0) return "?";
  std::string file(static_cast<std::size_t>(file_length) + 1, '\0');
  std::string dataset(static_cast<std::size_t>(dataset_length) + 1, '\0');
  H5Pget_virtual_filename(dcpl, 0, file.data(), file.size());
  H5Pget_virtual_dsetname(dcpl, 0, dataset.data(), dataset.size());
  file.resize(static_cast<std::size_t>(file_length));
  dataset.resize(static_cast<std::size_t>(dataset_length));
  return dataset + " in " + (file == "." ? "this file" : file);
}

std::optional<std::string> dataset_problem(hid_t dataset, const std::string& path,
                                           hsize_t file_bytes) {
  const std::string what = "dataset " + path;
  Handle dcpl(H5Dget_create_plist(dataset), H5Pclose, "get the storage of " + what);
  const H5D_layout_t layout = H5Pget_layout(dcpl);
  if (layout == H5D_VIRTUAL)
    return what + " is a virtual dataset (VDS) that reads its data from elsewhere (" +
           virtual_source(dcpl) + ")" + kOwnData;
  if (layout != H5D_CONTIGUOUS && layout != H5D_COMPACT && layout != H5D_CHUNKED)
    return what + " has a storage layout pledgesim does not write (HDF5 layout " +
           std::to_string(static_cast<int>(layout)) + ")" + kOwnData;
  const int external = H5Pget_external_count(dcpl);
  if (external < 0) throw Hdf5Error("HDF5: cannot get the storage of " + what, error_reason());
  if (external > 0) {
    std::vector<char> name(4096, '\0');
    off_t offset = 0;
    hsize_t size = 0;
    const bool named = H5Pget_external(dcpl, 0, name.size() - 1, name.data(), &offset, &size) >= 0;
    return what + " reads its data from an external file (external storage: " +
           (named ? std::string(name.data()) : std::string("?")) + ")" + kOwnData;
  }
  Handle type(H5Dget_type(dataset), H5Tclose, "get the type of " + what);
  Handle space(H5Dget_space(dataset), H5Sclose, "get the shape of " + what);
  std::vector<hsize_t> dims;
  hsize_t values = 1;
  switch (H5Sget_simple_extent_type(space)) {
    case H5S_NULL:
      values = 0;
      break;
    case H5S_SCALAR:
      break;
    case H5S_SIMPLE: {
      const int rank = H5Sget_simple_extent_ndims(space);
      if (rank < 0) throw Hdf5Error("HDF5: cannot get the shape of " + what, error_reason());
      dims.resize(static_cast<std::size_t>(rank));
      check(H5Sget_simple_extent_dims(space, dims.data(), nullptr), "get the shape of " + what);
      for (const hsize_t d : dims) values = saturating_product(values, d);
      break;
    }
    default:
      throw Hdf5Error("HDF5: cannot get the shape of " + what, error_reason());
  }
  const std::size_t value_bytes = H5Tget_size(type);
  const hsize_t bytes = saturating_product(values, value_bytes);
  const hsize_t most = saturating_product(kMaxDeflateRatio, file_bytes);
  const hsize_t limit =
      most > kMaxHsize - kDeclaredSlackBytes ? kMaxHsize : most + kDeclaredSlackBytes;
  if (bytes > limit)
    return what + " declares " + (bytes == kMaxHsize ? "more than 2^64" : std::to_string(bytes)) +
           " bytes (shape " + dims_text(dims) + " of " + std::to_string(value_bytes) +
           "-byte values), more than a file of " + std::to_string(file_bytes) +
           " bytes can hold even compressed: its values were never written" + kOwnData;
  return std::nullopt;
}

struct StorageWalk {
  hsize_t file_bytes = 0;
  std::optional<std::string> problem;
  std::string error;  // why the walk could not go on
};

// H5Lvisit callback: stops (1) at the first link or dataset that is refused.
// It recurses through hard links only, so `name` is a path of hard links.
herr_t check_link(hid_t group, const char* name, const H5L_info_t* info, void* data) {
  auto& walk = *static_cast<StorageWalk*>(data);
  const std::string path = std::string("/") + name;
  // No exception may cross the C library: each becomes a failed walk.
  try {
    switch (info->type) {
      case H5L_TYPE_HARD:
        break;
      case H5L_TYPE_SOFT:
        walk.problem = path + " is not a dataset or group but a soft link (to " +
                       link_target(group, name, *info) + "); pledgesim files have no soft links";
        return 1;
      case H5L_TYPE_EXTERNAL:
        walk.problem = path + " is not a dataset or group but an external link (to " +
                       link_target(group, name, *info) + ")" + kOwnData;
        return 1;
      default:
        walk.problem = path + " is not a dataset or group but a user-defined link (type " +
                       std::to_string(static_cast<int>(info->type)) + ")" + kOwnData;
        return 1;
    }
    Handle object(H5Oopen(group, name, H5P_DEFAULT), H5Oclose, "open " + path);
    if (H5Iget_type(object) != H5I_DATASET) return 0;
    walk.problem = dataset_problem(object, path, walk.file_bytes);
    return walk.problem ? 1 : 0;
  } catch (const Hdf5Error& e) {
    walk.error = e.what();
  } catch (const std::exception& e) {
    walk.error = std::string("cannot check ") + path + " (" + e.what() + ")";
  }
  return -1;
}

}  // namespace

std::optional<std::string> foreign_storage_problem(hid_t file) {
  QuietErrors quiet;
  StorageWalk walk;
  if (H5Fget_filesize(file, &walk.file_bytes) < 0)
    return "its size cannot be read (HDF5: " + error_reason() + ")";
  const herr_t status = H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, check_link, &walk);
  if (walk.problem) return walk.problem;
  if (status < 0)
    return "its objects cannot be listed to check where they keep their data: the file is "
           "damaged (" +
           (walk.error.empty() ? "HDF5: " + error_reason() : walk.error) + ")";
  return std::nullopt;
}

QuietErrors::QuietErrors() {
  H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}
QuietErrors::~QuietErrors() {
  H5Eset_auto2(H5E_DEFAULT, func_, data_);
}

}  // namespace pledgesim::sim::h5
