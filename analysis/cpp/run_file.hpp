// A pledgesim run file (docs/output-format.md) opened for analysis: its
// metadata, and its series read by name.
//
// Series may be stored [weeks, employers] (one replication) or
// [replications, weeks, employers]; either way read_series() returns them as
// [replication][week][employer], flattened. Series are looked up by name, so
// files with more series than this code knows, or without optional ones,
// read fine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/input_error.hpp"

namespace pledgesim::analysis {

// Bad input: the message names the file and what is wrong.
struct FileError : sim::InputError {
  using sim::InputError::InputError;
};

// Where a run held elsewhere than in a file (e.g. memory) gives its series:
// [replication][week][employer] as doubles, by name.
class SeriesSource {
 public:
  virtual ~SeriesSource() = default;
  virtual std::vector<double> read(const std::string& name) const = 0;
};

struct RunFile {
  std::string path;
  std::string format;  // "pledgesim"
  std::int64_t format_version = 0;
  std::string software_version;
  std::int64_t rng_contract = 0;  // root attribute rng_contract (0: absent, before contract 2)
  std::string scenario_name;
  std::uint64_t seed = 0;                        // root attribute: the base seed
  std::vector<std::uint64_t> replication_seeds;  // one per replication
  std::size_t replications = 1;
  // /replications/parameters of a run --parameters: the keys, the values
  // [replication][key] (row-major) and the ensemble file; empty: none.
  std::vector<std::string> parameter_keys;
  std::vector<double> parameters;
  std::string parameter_source;
  std::vector<std::string> dates;  // /time/date: first day of each week (ISO)
  // /employers columns, one entry per employer (column order of the series).
  std::vector<std::string> employer_name, employer_region, employer_subregion;
  std::vector<std::int32_t> employer_inner_london;
  std::vector<std::string> series_names;  // every dataset in /series
  // Set for a run held in memory (run_in_memory); null: read from `path`.
  std::shared_ptr<const SeriesSource> source;

  std::size_t weeks() const { return dates.size(); }
  std::size_t employers() const { return employer_name.size(); }
  bool has_series(const std::string& name) const;
  // The replications ran different parameter sets (run --parameters).
  bool has_parameters() const { return !parameter_keys.empty(); }
  // Replication r's value of parameter_keys[k].
  double parameter(std::size_t r, std::size_t k) const {
    return parameters[r * parameter_keys.size() + k];
  }
  // [replication][week][employer] as doubles; throws FileError if absent.
  std::vector<double> read_series(const std::string& name) const;
};

// Opens and checks a run file; throws FileError (naming the file) if it is
// missing, not HDF5, not a pledgesim file, or inconsistent.
RunFile open_run_file(const std::filesystem::path& path);

}  // namespace pledgesim::analysis
