// `include = "base.toml"`: a counterfactual is a few lines on top of a base.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "models/scenario.hpp"

namespace fs = std::filesystem;
namespace pm = pledgesim::models;

namespace {

class IncludeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("pledgesim_include_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  fs::path dir_;
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
