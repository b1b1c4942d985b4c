// A parameter ensemble: weighted sets of values for numeric scenario keys
// (e.g. a calibration's posterior sample), stored as CSV:
//
//   # comment lines (what produced it) start with '#'
//   weight,behaviour.exit_rate_per_year,behaviour_by_region.London.search_rate_per_year
//   0.01,0.061,0.23
//   ...
//
// `pledgesim calibrate` writes one; `run --parameters FILE` gives each
// replication one set (assign_sets), so that replication r gets the same set
// in every scenario run with the same file and replication count: paired
// comparisons keep common random numbers and common parameters.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "models/runner.hpp"
#include "models/scenario.hpp"

namespace pledgesim::models {

struct ParameterEnsemble {
  std::vector<std::string> keys;          // numeric scenario keys (models::find_param)
  std::vector<double> weights;            // one per set, non-negative, summing to 1
  std::vector<std::vector<double>> sets;  // sets[i][k]: set i's value of keys[k]
};

// Reads and checks an ensemble against `scenario` (every key a floating-point
// key of that scenario, every value within the key's range, weights finite,
// non-negative and not all zero; normalised on reading). Throws ScenarioError
// naming the file, line and key of every problem.
ParameterEnsemble load_parameter_ensemble(const std::filesystem::path& file,
                                          const Scenario& scenario);
ParameterEnsemble parse_parameter_ensemble(const std::string& text,
                                           const std::filesystem::path& file,
                                           const Scenario& scenario);

// The CSV text, with `comment` (possibly several lines) as '#' lines first.
// Values are written with 17 significant digits, so reading gives them back
// bit for bit.
std::string parameter_ensemble_csv(const ParameterEnsemble& ensemble,
                                   const std::string& comment = {});

// Which set each of `replications` replications runs: systematic resampling
// of the weights with a fixed offset, so it is deterministic and depends only
// on the weights and the count. With equal weights and replications <= sets,
// replication r runs set r.
std::vector<std::size_t> assign_sets(const ParameterEnsemble& ensemble, std::size_t replications);

// The hook for RunSettings::replication_parameters: sets replication r's
// keys to the values of set assign_sets(...)[r].
ReplicationParameters ensemble_parameters(const ParameterEnsemble& ensemble,
                                          std::size_t replications);

// What a run records of it (RunSettings::parameter_table): each
// replication's set and values, and `source`, the file's name as given.
sim::ParameterTable ensemble_table(const ParameterEnsemble& ensemble, const std::string& source,
                                   std::size_t replications);

}  // namespace pledgesim::models
