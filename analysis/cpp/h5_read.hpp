// Checked reading of HDF5 input files (run files and sweep files) written by
// pledgesim or edited by hand: every problem becomes a FileError whose
// message names the file and the object (dataset, attribute) that is missing
// or wrong, never an HDF5 error stack on stderr, a crash or a wrong table.
//
// InputFile opens a file read-only after checking that it exists, is a
// readable regular file, is not empty, carries the HDF5 signature and opens
// (a truncated or damaged file is reported as such), then refuses a file
// that takes data from elsewhere (external storage, virtual datasets, soft
// or external links) or declares datasets larger than it could hold
// (sim::h5::foreign_storage_problem). Its accessors check an
// object's kind, type class and shape before reading it. HDF5's automatic
// error printing is off for the life of an InputFile.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cpp/run_file.hpp"
#include "sim/io/hdf5_util.hpp"

namespace pledgesim::analysis {

class InputFile {
 public:
  // `partial_hint`: mention NAME.partial (a run stopped or killed) when the
  // file is missing or not HDF5.
  explicit InputFile(const std::filesystem::path& path, bool partial_hint = false);

  const std::string& path() const { return path_; }
  hid_t id() const { return file_.get(); }

  // Throws FileError("<file>: <what>").
  [[noreturn]] void fail(const std::string& what) const;
  // Rethrows an HDF5 error met while reading `what` as a FileError.
  [[noreturn]] void fail(const std::string& what, const sim::h5::Hdf5Error& e) const;

  // Objects, by path without the leading '/' ("series/agency_fte").
  bool has(const std::string& object) const;
  bool is_group(const std::string& object) const;
  bool is_dataset(const std::string& object) const;
  void require_group(const std::string& object) const;
  void require_dataset(const std::string& object) const;
  // Names of the members of a group (sorted by name).
  std::vector<std::string> members(const std::string& group) const;

  // Attributes of the object at `object` ("" = the root group).
  bool has_attribute(const std::string& object, const std::string& name) const;
  std::string string_attribute(const std::string& object, const std::string& name) const;
  std::int64_t int_attribute(const std::string& object, const std::string& name) const;

  // A dataset's shape (throws when it is not a simple dataspace).
  std::vector<hsize_t> shape(const std::string& dataset) const;
  H5T_class_t type_class(const std::string& dataset) const;
  // 1-D variable-length strings; `rows` when given must match.
  std::vector<std::string> strings(const std::string& dataset,
                                   std::optional<std::size_t> rows = {}) const;
  // 1-D integers (an integer type is required: no floats, strings).
  std::vector<std::int64_t> integers(const std::string& dataset,
                                     std::optional<std::size_t> rows = {}) const;
  // Any numeric dataset (integer or float) as doubles; `dims` gets its shape.
  std::vector<double> numbers(const std::string& dataset, std::vector<hsize_t>& dims) const;

  // "[2, 53, 34]".
  static std::string shape_text(const std::vector<hsize_t>& dims);

 private:
  std::string path_;
  sim::h5::QuietErrors quiet_;
  sim::h5::Handle file_;
};

}  // namespace pledgesim::analysis
