// What `calibrate` and `backtest` share: running a calibration with progress
// lines and writing its result and ensemble files atomically.
#pragma once

#include <memory>
#include <string>

#include "app/calibration.hpp"
#include "sim/io/output_lock.hpp"

namespace pledgesim::app {

struct CalibrationFiles {
  std::string result;    // TOML
  std::string ensemble;  // CSV; empty: none
  // Held from the checks until the files are written (one writer at a time).
  std::shared_ptr<sim::OutputLock> lock;
};

// The result file: `out`, or results/<prefix>_<targets name>.toml; the
// ensemble beside it as <result stem>.ensemble.csv. Throws sim::InputError
// when either exists and `force` is false.
CalibrationFiles calibration_files(const std::string& targets, const std::string& out,
                                   const std::string& prefix, bool force);

// Runs the calibration with progress lines on stderr (unless quiet); returns
// false when Ctrl-C or SIGTERM stopped it (nothing is written then).
bool run_calibration(const CalibrationSpec& spec, std::size_t threads, bool quiet,
                     const std::string& command, CalibrationResult& result);

// Writes the result and the ensemble (each atomically).
void write_calibration_files(const CalibrationFiles& files, const CalibrationSpec& spec,
                             const CalibrationResult& result, bool quiet,
                             const std::string& command);

}  // namespace pledgesim::app
