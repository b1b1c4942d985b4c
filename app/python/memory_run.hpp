// What the Python package runs, without Python in sight: a scenario run in
// memory that another thread can stop, and runs rebuilt from arrays (an
// xarray Dataset's) for the analysis library's summaries and comparisons.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analysis/cpp/run_file.hpp"
#include "models/scenario.hpp"
#include "sim/io/memory_recorder.hpp"

namespace pledgesim::app::python {

struct MemoryRunRequest {
  std::size_t replications = 1;
  std::size_t threads = 0;  // 0: all cores
  // A parameter ensemble file (`run --parameters`): replication r runs set
  // assign_sets(...)[r]. Empty: none.
  std::string parameters;
  // Record every change of a practitioner's status or employer (`run
  // --events`; one replication only).
  bool events = false;
};

// Runs `scenario` into memory; nullptr when `stop` became true before the
// run completed (checked once a simulated week). Throws what the run library
// throws (e.g. std::invalid_argument for impossible settings).
std::unique_ptr<sim::MemoryRecorder> run_in_memory(const models::Scenario& scenario,
                                                   const MemoryRunRequest& request,
                                                   const std::atomic<bool>& stop);

// A run given as its metadata (every RunFile field but `source`) and its
// series, each [replication][week][employer] flattened, as a RunFile the
// analysis reads like a file. Throws analysis::FileError when a series has
// the wrong length.
analysis::RunFile run_from_arrays(analysis::RunFile metadata,
                                  std::map<std::string, std::vector<double>> series);

// The tables of `pledgesim summarize --format csv` and `pledgesim compare
// --format csv` (analysis/cpp/annual_summary.hpp, compare.hpp).
struct TableRequest {
  std::string by = "total";                 // total, region, subregion, authority
  std::vector<std::string> indicators;      // empty: all
  std::string interval;                     // "mean", "prediction"; empty: by the runs
  bool allow_different_parameters = false;  // compare only
};
// The CSV text, and the notes the command prints on stderr beside it
// (indicators not computed, caveats of a comparison).
struct CsvTable {
  std::string csv;
  std::vector<std::string> notes;
};
CsvTable summary_csv(const analysis::RunFile& run, const TableRequest& request);
CsvTable comparison_csv(const std::vector<analysis::RunFile>& runs, const TableRequest& request);

}  // namespace pledgesim::app::python
