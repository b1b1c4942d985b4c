// Input files: only regular files of a sane size are read; a FIFO, a device
// or a directory is refused before it can block or fill memory.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/io/input_file.hpp"

namespace pledgesim::sim {
namespace {

namespace fs = std::filesystem;

class InputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pledgesim-input-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(InputFile, ReadsARegularFileWhole) {
  const fs::path file = dir_ / "a.toml";
  std::ofstream(file) << "name = \"a\"\n";
  EXPECT_FALSE(input_file_problem(file, 100));
  const TextInput in = read_text_input(file);
  ASSERT_TRUE(in.text) << in.problem;
  EXPECT_EQ(*in.text, "name = \"a\"\n");
  // An empty file is a file.
  std::ofstream(dir_ / "empty.toml").flush();
  EXPECT_EQ(read_text_input(dir_ / "empty.toml").text.value_or("x"), "");
}

TEST_F(InputFile, RefusesWhatIsNotARegularFileWithoutBlocking) {
  const fs::path fifo = dir_ / "fifo.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(input_file_problem(fifo).value_or(""), "not a regular file (a FIFO)");
  const TextInput in = read_text_input(fifo);  // no writer: a plain open would block
  EXPECT_FALSE(in.text);
  EXPECT_EQ(in.problem, "not a regular file (a FIFO)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));

  EXPECT_EQ(read_text_input("/dev/zero").problem, "not a regular file (a character device)");
  EXPECT_EQ(read_text_input(dir_).problem, "not a regular file (a directory)");
  EXPECT_EQ(read_text_input(dir_ / "missing.toml").problem, "no such file");
}

TEST_F(InputFile, RefusesAFileOverTheCap) {
  const fs::path file = dir_ / "big.toml";
  std::ofstream(file) << std::string(2048, '#');
  EXPECT_EQ(input_file_problem(file, 1024).value_or(""), "is 2048 bytes; at most 1024 bytes");
  EXPECT_EQ(read_text_input(file, 1024).problem, "is 2048 bytes; at most 1024 bytes");
  EXPECT_TRUE(read_text_input(file, 2048).text);
  EXPECT_FALSE(input_file_problem(file, 0));  // 0: no cap
  EXPECT_EQ(read_text_input(file, std::uintmax_t{1} << 20).text->size(), 2048u);
}

}  // namespace
}  // namespace pledgesim::sim
