// One writer per output (sim/io/output_lock.hpp): a second lock of the same
// output fails with an InputError naming the holder, output_writer() sees
// the holder while it lives and nothing after, the lock file goes with its
// holder, and a stale lock file (left by a killed process) blocks nothing.
#include "sim/io/output_lock.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "sim/core/input_error.hpp"
#include "tests/common/temp_dir.hpp"

namespace pledgesim::sim {
namespace {

namespace fs = std::filesystem;

TEST(OutputLock, ASecondWriterIsRefusedWithTheHolderNamed) {
  const test_util::ScopedTempDir dir("output_lock");
  const fs::path out = dir.path() / "sub" / "a.h5";
  auto first = std::make_unique<OutputLock>(out, "pledgesim run a");
  EXPECT_TRUE(fs::exists(OutputLock::lock_path(out)));  // its directory was created
  try {
    const OutputLock second(out, "pledgesim run b");
    ADD_FAILURE() << "a second lock of the same output was granted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("is being written by another pledgesim process (pid " +
                        std::to_string(::getpid()) + ", `pledgesim run a`"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("nothing was done"), std::string::npos) << what;
  }
  const auto writer = output_writer(out);
  ASSERT_TRUE(writer.has_value());
  EXPECT_NE(writer->find("pledgesim run a"), std::string::npos);
  first.reset();
  EXPECT_FALSE(fs::exists(OutputLock::lock_path(out)));
  EXPECT_FALSE(output_writer(out).has_value());
  const OutputLock again(out, "pledgesim run c");  // free once released
  EXPECT_NE(output_writer(out)->find("pledgesim run c"), std::string::npos);
}

TEST(OutputLock, AStaleLockFileBlocksNothing) {
  const test_util::ScopedTempDir dir("output_lock");
  const fs::path out = dir.path() / "b.h5";
  std::ofstream(OutputLock::lock_path(out)) << "pid 1, `pledgesim run b`, started long ago\n";
  EXPECT_FALSE(output_writer(out).has_value());  // nobody holds it
  const OutputLock lock(out, "pledgesim run b");
  EXPECT_NE(output_writer(out)->find(std::to_string(::getpid())), std::string::npos);
}

TEST(OutputLock, OtherOutputsAreIndependent) {
  const test_util::ScopedTempDir dir("output_lock");
  const OutputLock a(dir.path() / "a.h5", "a");
  const OutputLock b(dir.path() / "b.h5", "b");
  EXPECT_TRUE(output_writer(dir.path() / "a.h5").has_value());
  EXPECT_TRUE(output_writer(dir.path() / "b.h5").has_value());
  EXPECT_FALSE(output_writer(dir.path() / "c.h5").has_value());
}

}  // namespace
}  // namespace pledgesim::sim
