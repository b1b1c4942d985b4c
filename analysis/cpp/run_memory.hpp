// A run held in memory (sim::MemoryRecorder) seen as a run file, so that
// every indicator, summary and comparison reads it as it reads a file:
// calibration and sweeps compute from memory without writing a file per run.
#pragma once

#include "analysis/cpp/run_file.hpp"
#include "sim/io/memory_recorder.hpp"

namespace pledgesim::analysis {

// The recorder must have finished (a complete run) and must outlive the
// result, whose read_series() reads from it. Throws FileError otherwise.
RunFile run_in_memory(const sim::MemoryRecorder& recorder);

}  // namespace pledgesim::analysis
