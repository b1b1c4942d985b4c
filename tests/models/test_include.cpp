// `include = "base.toml"`: a counterfactual is a few lines on top of a base.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "tests/common/temp_dir.hpp"

namespace fs = std::filesystem;
namespace pm = pledgesim::models;

namespace {

class IncludeTest : public pledgesim::test_util::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    fs::create_directories(dir_ / "sub");
  }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
};

const char* kBase = R"(name = "base"
years = 3
authorities = [
  { name = "A", region = "London", subregion = "X", inpost_fte = 10, vacancy_fte = 2, agency_fte = 1, caseload = 15 },
]
[behaviour]
exit_rate_per_year = 0.05
search_rate_per_year = 0.2
)";

}  // namespace

TEST_F(IncludeTest, OverlayChangesOnlyWhatItNames) {
  write("sub/base.toml", kBase);
  const auto path = write("cf.toml", R"(include = "sub/base.toml"
name = "counterfactual"
[behaviour]
exit_rate_per_year = 0.07
[[policies]]
kind = "cooling_off"
start = 2018-01-01
weeks = 13
)");
  const pm::Scenario s = pm::load_scenario_file(path);
  EXPECT_EQ(s.name, "counterfactual");
  EXPECT_EQ(s.years, 3);                                    // from the base
  EXPECT_DOUBLE_EQ(s.behaviour.exit_rate_per_year, 0.07);   // overridden
  EXPECT_DOUBLE_EQ(s.behaviour.search_rate_per_year, 0.2);  // kept: tables merge key by key
  ASSERT_EQ(s.authorities.size(), 1u);
  ASSERT_EQ(s.policies.size(), 1u);
}

TEST_F(IncludeTest, ProblemsInTheBaseNameTheBaseFile) {
  write("base.toml", std::string(kBase) + "typo_key = 1\n");
  const auto path = write("cf.toml", "include = \"base.toml\"\nyears = 2\n");
  try {
    pm::load_scenario_file(path);
    FAIL() << "expected an error";
  } catch (const pm::ScenarioError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_NE(e.issues()[0].file.find("base.toml"), std::string::npos) << e.what();
    EXPECT_EQ(e.issues()[0].line, 9);
    EXPECT_EQ(e.issues()[0].key, "behaviour.typo_key");
  }
}

TEST_F(IncludeTest, CyclesAndMissingFilesAreReported) {
  write("a.toml", "include = \"b.toml\"\n");
  const auto b = write("b.toml", "years = 2\ninclude = \"a.toml\"\n");
  try {
    pm::load_scenario_file(b);
    FAIL() << "expected a cycle error";
  } catch (const pm::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("include cycle"), std::string::npos) << e.what();
  }
  const auto c = write("c.toml", "\ninclude = \"missing.toml\"\n");
  try {
    pm::load_scenario_file(c);
    FAIL() << "expected a missing-file error";
  } catch (const pm::ScenarioError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].line, 2);
    EXPECT_EQ(e.issues()[0].key, "include");
    EXPECT_NE(e.issues()[0].message.find("missing.toml"), std::string::npos);
  }
}

TEST_F(IncludeTest, ResolvedTextNeedsNoIncludeAndRunsTheSame) {
  write("base.toml", kBase);
  const auto path = write("cf.toml", "include = \"base.toml\"\nseed = 9\n");
  const pm::Scenario s = pm::load_scenario_file(path);
  const std::string resolved = pm::to_toml(s);
  EXPECT_EQ(resolved.find("include ="), std::string::npos);
  EXPECT_EQ(pm::to_toml(pm::parse_scenario(resolved, "<resolved>")), resolved);
}

// Found by hand while writing the fuzz targets (docs/fuzzing.md): including a
// directory read it as an empty file (the error was then a confusing
// "authorities: missing"), and a file name too long for the system escaped
// as std::filesystem::filesystem_error (exit 1, "internal error").
TEST_F(IncludeTest, ADirectoryOrAnImpossibleNameIsAFileThatCannotBeOpened) {
  for (const std::string& target : {std::string("sub"), std::string("."), std::string(5000, 'a')}) {
    const auto path = write("cf.toml", "name = \"x\"\ninclude = \"" + target + "\"\n");
    try {
      pm::load_scenario_file(path);
      FAIL() << "expected an error for include = " << target.substr(0, 20);
    } catch (const pm::ScenarioError& e) {
      ASSERT_EQ(e.issues().size(), 1u) << e.what();
      EXPECT_EQ(e.issues()[0].line, 2);
      EXPECT_EQ(e.issues()[0].key, "include");
      EXPECT_NE(e.issues()[0].message.find("cannot be opened"), std::string::npos) << e.what();
    }
  }
  try {
    pm::load_scenario_file(dir_ / "sub");
    FAIL() << "expected an error for a directory given as the scenario";
  } catch (const pm::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open scenario file"), std::string::npos);
  }
}

namespace {
// Files held in memory; records every path the loader asks for.
class MemoryFiles : public pm::ScenarioFiles {
 public:
  std::map<std::string, std::string> files;
  mutable std::vector<std::string> asked;
  fs::path identity(const fs::path& path) const override { return path.lexically_normal(); }
  std::optional<std::string> read(const fs::path& path) const override {
    asked.push_back(path.lexically_normal().generic_string());
    const auto it = files.find(asked.back());
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
};
}  // namespace

// The fuzz targets read includes from memory only, so that no input reaches
// a real file: the loader must ask its ScenarioFiles for every file.
TEST(IncludeFiles, EveryFileComesFromTheScenarioFilesGiven) {
  MemoryFiles files;
  files.files["lib/base.toml"] = kBase;
  const pm::Scenario s =
      pm::parse_scenario("include = \"../lib/base.toml\"\nyears = 2\n", "in/cf.toml", {}, files);
  EXPECT_EQ(s.name, "base");
  EXPECT_EQ(s.years, 2);
  EXPECT_EQ(files.asked, std::vector<std::string>{"lib/base.toml"});
  // A real file that exists is not read when the ScenarioFiles lack it.
  for (const char* target : {"/etc/passwd", "../../../../../../etc/passwd"}) {
    files.asked.clear();
    try {
      pm::parse_scenario("include = \"" + std::string(target) + "\"\n", "in/cf.toml", {}, files);
      FAIL() << "expected an error for include = " << target;
    } catch (const pm::ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find("cannot be opened"), std::string::npos) << e.what();
    }
    ASSERT_EQ(files.asked.size(), 1u);
  }
  files.asked.clear();
  EXPECT_EQ(pm::load_scenario_file("lib/base.toml", {}, files).name, "base");
  EXPECT_EQ(files.asked, std::vector<std::string>{"lib/base.toml"});
}
