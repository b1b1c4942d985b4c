// Small RAII and helper layer over the HDF5 C API, shared by writers and
// readers. Every failing call throws Hdf5Error naming what was attempted.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pledgesim::sim::h5 {

// `what()` is "HDF5: cannot <what was attempted>", followed by the reason
// the library gave, in parentheses, when it gave one (e.g. "No space left on
// device" from the operating system, or "truncated file: eof = ...").
struct Hdf5Error : std::runtime_error {
  using std::runtime_error::runtime_error;
  Hdf5Error(const std::string& what, std::string reason_)
      : std::runtime_error(reason_.empty() ? what : what + " (" + reason_ + ")"),
        reason(std::move(reason_)) {}
  std::string reason;  // empty when the library gave none
};

// The reason for the HDF5 call that has just failed, from the library's error
// stack: the operating system's message when a system call failed (e.g. "File
// too large"), else the most specific description; empty when the stack is
// empty.
std::string error_reason();

// Owns one hid_t and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer, const std::string& what);
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  void reset();  // closes, ignoring errors (for error paths)
  // Closes, throwing Hdf5Error("cannot " + what) when the library reports an
  // error (closing a file or dataset writes what the library still buffers).
  void close(const std::string& what);
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

void check(herr_t status, const std::string& what);

Handle create_group(hid_t parent, const std::string& name);
// Transfer properties for every write: a 64 KiB type-conversion buffer.
// HDF5's default (1 MiB) is zeroed on every write that converts (strings,
// integers), which cost more than writing a London run's weekly series.
hid_t small_transfer();
Handle utf8_string_type();  // variable-length UTF-8

void write_string_attribute(hid_t object, const std::string& name, const std::string& value);
void write_int_attribute(hid_t object, const std::string& name, std::int64_t value);

// 1-D datasets written in one go.
Handle write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& v);
Handle write_int32s(hid_t parent, const std::string& name, const std::vector<std::int32_t>& v);
Handle write_int64s(hid_t parent, const std::string& name, const std::vector<std::int64_t>& v);
void write_scalar_string(hid_t parent, const std::string& name, const std::string& value);
// An n-D float64 dataset of shape `dims` (row-major `v`), written in one go.
Handle write_doubles(hid_t parent, const std::string& name, const std::vector<double>& v,
                     const std::vector<hsize_t>& dims);

// Readers.
bool exists(hid_t parent, const std::string& path);
std::string read_string_attribute(hid_t object, const std::string& name);
std::int64_t read_int_attribute(hid_t object, const std::string& name);
std::vector<std::string> read_strings(hid_t parent, const std::string& name);
std::string read_scalar_string(hid_t parent, const std::string& name);
// Reads a whole numeric dataset as doubles; `dims` receives its shape.
std::vector<double> read_doubles(hid_t parent, const std::string& name, std::vector<hsize_t>& dims);

// Why an open file does not hold all of its own data, or nullopt when it
// does. Called right after opening a file to read, before anything is read:
// pledgesim writes only contiguous, compact or chunked datasets and hard
// links, so anything else (a dataset with external storage, a virtual
// dataset, an external, soft or user-defined link) reads another file's
// data, nonsense, or blocks (external storage in a FIFO), and is refused.
// So is a dataset declaring far more bytes than the file could hold even
// compressed (a hand-made shape of 1e12 with no chunk written), which would
// exhaust memory. The reason names the object, e.g. "dataset /series/x
// reads its data from an external file (external storage: raw.bin); a
// pledgesim file must hold its own data". No link is followed.
std::optional<std::string> foreign_storage_problem(hid_t file);

// Silences HDF5's automatic error printing for the life of the object
// (errors are reported by our exceptions instead).
class QuietErrors {
 public:
  QuietErrors();
  ~QuietErrors();

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

}  // namespace pledgesim::sim::h5
