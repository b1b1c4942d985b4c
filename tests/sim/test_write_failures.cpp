// Write failures (sim/io/output_file.hpp): a file-size limit (RLIMIT_FSIZE,
// with SIGXFSZ ignored, so writes past it fail with EFBIG as on a full disk)
// makes the HDF5 recorder's writes fail in the middle of a run and the text
// writer's at once. Each must throw WriteError naming the file and the
// system's reason, remove its partial file, and leave an existing file under
// the final name byte for byte as it was. Also the checks made before any
// work: output_file_problem and input_file_problem.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/core/calendar.hpp"
#include "sim/io/hdf5_recorder.hpp"
#include "sim/io/output_file.hpp"
#include "tests/common/temp_dir.hpp"

namespace pledgesim::sim {
namespace {

namespace fs = std::filesystem;

std::string contents(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Limits the size of files this process writes while alive (the limit is
// lifted again before anything else, e.g. HDF5's own clean-up, runs).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit l = saved_;
    l.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &l);
  }
  ~FileSizeLimit() { lift(); }
  void lift() {
    if (lifted_) return;
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, old_handler_);
    lifted_ = true;
  }

 private:
  rlimit saved_{};
  void (*old_handler_)(int) = SIG_DFL;
  bool lifted_ = false;
};

class WriteFailures : public test_util::TempDirTest {};

// Many entities in one-week chunks, so that HDF5's chunk cache (1 MiB per
// dataset) spills to the file while weeks are still being recorded.
constexpr std::size_t kEntities = 5000;
RunInfo wide_run(std::int64_t weeks) {
  RunInfo info;
  info.scenario_name = "long";
  info.scenario_text = "name = \"long\"\n";
  info.software_version = "test";
  info.seed = 1;
  info.weeks = weeks;
  info.entities.group = "employers";
  std::vector<std::string> names;
  for (std::size_t e = 0; e < kEntities; ++e) names.push_back("employer " + std::to_string(e));
  info.entities.strings = {{"name", names}};
  for (const char* name : {"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"})
    info.series.push_back({name, "1", "", info.series.size() % 2 == 1});
  return info;
}

struct Outcome {
  std::string message;     // what() of the WriteError ("" if none)
  std::int64_t week = -2;  // -1: in begin(); 0..weeks-1: recording; weeks: in finish()
};

// Writes a wide run to `out` under a file-size limit of `limit` bytes.
Outcome record_with_limit(const fs::path& out, rlim_t limit, std::int64_t weeks) {
  const RunInfo info = wide_run(weeks);
  std::vector<double> row(info.series.size() * kEntities);
  Outcome o;
  Hdf5Recorder rec(out, 1);
  FileSizeLimit size_limit(limit);
  try {
    o.week = -1;
    rec.begin(info);
    const WeeklyClock clock(Date::from_ymd(2017, 10, 2));
    std::uint64_t x = 1;
    for (std::int64_t w = 0; w < info.weeks; ++w) {
      for (double& v : row) v = static_cast<double>((x = x * 6364136223846793005ULL + 1) >> 40);
      o.week = w;
      rec.record_week(w, clock.week_start(w).iso(), row);
    }
    o.week = info.weeks;
    rec.finish();
    o.week = -2;
  } catch (const WriteError& e) {
    o.message = e.what();
  }
  size_limit.lift();  // before the recorder closes its file and removes it
  return o;
}

TEST_F(WriteFailures, RecorderReportsAFailedWriteAndKeepsTheOldFile) {
  const fs::path out = dir_ / "run.h5";
  const std::string old = "a complete earlier result\n";
  std::ofstream(out, std::ios::binary) << old;
  const std::string reason = "cannot write " + out.string() + ": File too large";

  // While writing the metadata (the employer names alone exceed 16 KiB).
  const Outcome early = record_with_limit(out, 16 * 1024, 100);
  EXPECT_NE(early.message.find(reason), std::string::npos) << early.message;
  EXPECT_EQ(early.week, -1);
  EXPECT_FALSE(fs::exists(Hdf5Recorder::partial_path(out)));
  EXPECT_EQ(contents(out), old);

  // Room for the metadata but not for the series: their space is reserved
  // in the file when it is begun, so the run fails before its first week
  // (not after hours of running).
  const Outcome late = record_with_limit(out, 1024 * 1024, 100);
  EXPECT_NE(late.message.find(reason), std::string::npos) << late.message;
  EXPECT_EQ(late.week, -1);
  EXPECT_FALSE(fs::exists(Hdf5Recorder::partial_path(out)));
  EXPECT_EQ(contents(out), old);
}

TEST_F(WriteFailures, TextWriterReportsAFailedWriteAndKeepsTheOldFile) {
  const fs::path out = dir_ / "result.toml";
  std::ofstream(out, std::ios::binary) << "old = 1\n";
  std::string message;
  {
    FileSizeLimit limit(100);
    try {
      write_file_atomically(out, std::string(5000, 'x'));
    } catch (const WriteError& e) {
      message = e.what();
    }
  }
  EXPECT_EQ(message, "cannot write " + out.string() + ": File too large");
  EXPECT_EQ(contents(out), "old = 1\n");
  EXPECT_FALSE(fs::exists(dir_ / "result.toml.partial"));

  write_file_atomically(out, "new = 2\n");  // without the limit it works
  EXPECT_EQ(contents(out), "new = 2\n");
  EXPECT_FALSE(fs::exists(dir_ / "result.toml.partial"));
}

TEST_F(WriteFailures, OutputChecksNameTheProblem) {
  const fs::path file = dir_ / "exists.h5";
  std::ofstream(file) << "x";
  EXPECT_FALSE(output_file_problem(dir_ / "new.h5", false));
  EXPECT_FALSE(output_file_problem(dir_ / "a" / "b" / "new.h5", false));  // would be created
  EXPECT_FALSE(output_file_problem(file, true));
  EXPECT_NE(output_file_problem(file, false).value_or("").find("exists; use --force"),
            std::string::npos);
  EXPECT_NE(output_file_problem(dir_, true).value_or("").find("is a directory"), std::string::npos);
  EXPECT_NE(output_file_problem(file / "x.h5", false)
                .value_or("")
                .find(file.string() + " is not a directory"),
            std::string::npos);
  fs::create_directories(dir_ / "p.h5.partial");
  EXPECT_NE(output_file_problem(dir_ / "p.h5", false).value_or("").find("is a directory"),
            std::string::npos);
  // A directory that takes no new files (procfs takes none, even from root).
  EXPECT_NE(output_file_problem("/proc/self/x.h5", false)
                .value_or("")
                .find("directory /proc/self does not accept new files"),
            std::string::npos);
  // No probe file is left behind.
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".pledgesim-write-check"), std::string::npos);
}

}  // namespace
}  // namespace pledgesim::sim
