// The one temporary-directory helper of the C++ tests: a fresh directory
// under the system's temporary directory, unique to the process, the call and
// the test, removed with everything in it when it goes out of scope.
//
//   ScopedTempDir dir("scenario_load");      // in a test body
//   class MyTest : public TempDirTest {};    // a fixture: dir_ in every TEST_F
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

namespace pledgesim::test_util {

class ScopedTempDir {
 public:
  // pledgesim_<tag>_<pid>_<n> (characters other than [A-Za-z0-9_-] of the
  // tag, e.g. the '/' of a parameterised test's name, become '_').
  explicit ScopedTempDir(const std::string& tag) {
    static std::atomic<int> counter{0};
    std::string safe = tag;
    for (char& c : safe) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
      if (!ok) c = '_';
    }
    path_ =
        std::filesystem::temp_directory_path() /
        ("pledgesim_" + safe + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The name of the running test, e.g. "Suite.Name" (a tag for ScopedTempDir).
inline std::string current_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "no_test";
  return std::string(info->test_suite_name()) + "." + info->name();
}

// A GoogleTest fixture with a fresh directory dir_ for each test, named after
// the test and removed after it.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_holder_ = std::make_unique<ScopedTempDir>(current_test_name());
    dir_ = dir_holder_->path();
  }
  void TearDown() override { dir_holder_.reset(); }

  std::filesystem::path dir_;

 private:
  std::unique_ptr<ScopedTempDir> dir_holder_;
};

}  // namespace pledgesim::test_util
