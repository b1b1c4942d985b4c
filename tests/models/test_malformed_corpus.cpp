// The malformed-scenario corpus (tests/scenarios/malformed/, see its README):
// each case file states, in `# expect:` lines, every problem the loader must
// report for it. A case passes when loading it throws a ScenarioError whose
// issues are exactly the expected ones: each expectation matches its own
// issue (same file, line and key; message containing the fragment) and no
// issue is left over (a problem reported twice, or a cascade, fails).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace pm = pledgesim::models;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(PLEDGESIM_MALFORMED_DIR);

// Case files: *.toml except *.part.toml (helpers that cases include).
std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    const std::string name = entry.path().filename().string();
    const auto ends_with = [&](const std::string& suffix) {
      return name.size() >= suffix.size() &&
             name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (entry.is_regular_file() && ends_with(".toml") && !ends_with(".part.toml"))
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// One `# expect: FILE[:LINE]: KEY: FRAGMENT` line. `head` is everything up to
// and including the second ": " (the location and the key, or for problems
// without a key the start of the message, e.g. "TOML syntax error: ").
struct Expectation {
  std::string text;
  std::string head;
  std::string fragment;
};

std::vector<Expectation> expectations_of(const fs::path& path) {
  std::vector<Expectation> out;
  std::ifstream in(path);
  const std::string marker = "# expect: ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(marker, 0) != 0) continue;
    Expectation e;
    e.text = line.substr(marker.size());
    replace_all(e.text, "{file}", path.string());
    replace_all(e.text, "{dir}", path.parent_path().string());
    const std::size_t first = e.text.find(": ");
    const std::size_t second = first == std::string::npos ? first : e.text.find(": ", first + 2);
    if (second == std::string::npos) {
      ADD_FAILURE() << path << ": malformed expectation (want FILE:LINE: KEY: MESSAGE): " << line;
      continue;
    }
    e.head = e.text.substr(0, second + 2);
    e.fragment = e.text.substr(second + 2);
    out.push_back(std::move(e));
  }
  return out;
}

bool matches(const Expectation& e, const pm::ScenarioIssue& issue) {
  const std::string got = issue.to_string();
  return got.rfind(e.head, 0) == 0 && got.find(e.fragment, e.head.size()) != std::string::npos;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 5);  // drop ".toml"
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

class MalformedCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedCorpus, ReportsExactlyTheExpectedProblems) {
  const fs::path path = kCorpus / GetParam();
  const std::vector<Expectation> expected = expectations_of(path);
  ASSERT_FALSE(expected.empty()) << path << " has no '# expect:' line";

  std::vector<pm::ScenarioIssue> issues;
  try {
    pm::load_scenario_file(path);
    FAIL() << path << " loaded without error";
  } catch (const pm::ScenarioError& e) {
    issues = e.issues();
  }
  std::string reported;
  for (const auto& i : issues) reported += "\n  " + i.to_string();

  std::vector<bool> used(issues.size(), false);
  for (const auto& e : expected) {
    bool found = false;
    for (std::size_t k = 0; k < issues.size() && !found; ++k)
      if (!used[k] && matches(e, issues[k])) used[k] = found = true;
    EXPECT_TRUE(found) << "expected: " << e.text << "\nreported:" << reported;
  }
  for (std::size_t k = 0; k < issues.size(); ++k)
    EXPECT_TRUE(used[k]) << "not expected: " << issues[k].to_string();
  for (const auto& i : issues) {
    EXPECT_FALSE(i.file.empty()) << i.to_string();
    EXPECT_FALSE(i.message.empty()) << i.to_string();
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, MalformedCorpus, ::testing::ValuesIn(case_names()), test_name);

TEST(MalformedCorpusDirectory, HasAtLeastThirtyCases) {
  EXPECT_GE(case_names().size(), 30u);
}

// Helpers are for inclusion only; each must be included by some case, so a
// case renamed to *.part.toml by mistake does not silently drop out.
TEST(MalformedCorpusDirectory, EveryHelperIsIncludedByACase) {
  std::string all;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    std::ifstream in(entry.path());
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 10 && name.compare(name.size() - 10, 10, ".part.toml") == 0) {
      EXPECT_NE(all.find("include = \"" + name + "\""), std::string::npos)
          << name << " is included by no file";
    }
  }
}

}  // namespace
