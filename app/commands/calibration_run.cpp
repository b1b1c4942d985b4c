#include "app/commands/calibration_run.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "sim/core/input_error.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/io/output_file.hpp"
#include "sim/io/output_lock.hpp"

namespace pledgesim::app {

CalibrationFiles calibration_files(const std::string& targets, const std::string& out,
                                   const std::string& prefix, bool force) {
  CalibrationFiles f;
  f.result = out.empty() ? "results/" + prefix + "_" +
                               std::filesystem::path(targets).stem().string() + ".toml"
                         : out;
  std::filesystem::path e = f.result;
  e.replace_extension(".ensemble.csv");
  f.ensemble = e.string();
  const auto check = [&] {
    for (const auto& path : {f.result, f.ensemble})
      if (const auto problem = sim::output_file_problem(path, force))
        throw sim::InputError(*problem);
  };
  check();
  // One lock for both files (sim/io/output_lock.hpp), then the checks again
  // under it: another calibration may have written them meanwhile.
  f.lock = std::make_shared<sim::OutputLock>(f.result, "pledgesim " + prefix + " " + targets);
  check();
  return f;
}

bool run_calibration(const CalibrationSpec& spec, std::size_t threads, bool quiet,
                     const std::string& command, CalibrationResult& result) {
  const auto progress = [&](const std::string& stage, long done, long of,
                            const std::string& detail) {
    if (quiet) return;
    std::fprintf(stderr, "pledgesim %s: %s evaluation %ld/%ld  %s\n", command.c_str(),
                 stage.c_str(), done, of, detail.c_str());
  };
  const sim::InterruptGuard interrupt_guard;
  try {
    result = calibrate(spec, threads, progress);
  } catch (const CalibrationInterrupted&) {
    std::cerr << "pledgesim " << command
              << ": interrupted; nothing was written (a calibration starts again from its first "
                 "evaluation)\n";
    return false;
  }
  return true;
}

void write_calibration_files(const CalibrationFiles& files, const CalibrationSpec& spec,
                             const CalibrationResult& result, bool quiet,
                             const std::string& command) {
  sim::write_file_atomically(files.result, calibration_result_toml(spec, result));
  if (result.posterior)
    sim::write_file_atomically(files.ensemble, calibration_ensemble_csv(spec, result));
  if (quiet) return;
  std::cerr << "pledgesim " << command << ": wrote " << files.result;
  if (result.posterior) std::cerr << " and " << files.ensemble;
  std::cerr << '\n';
}

}  // namespace pledgesim::app
