#include "sim/io/hdf5_util.hpp"

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

QuietErrors::QuietErrors() {
  H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}
QuietErrors::~QuietErrors() {
  H5Eset_auto2(H5E_DEFAULT, func_, data_);
}

}  // namespace pledgesim::sim::h5
