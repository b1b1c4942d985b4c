// The depth guard run before toml++ parses text: dotted keys, headers,
// arrays and inline tables deeper than the limits are refused with a line;
// strings, comments and ordinary values are not mistaken for nesting.
#include "models/toml_depth.hpp"

#include <gtest/gtest.h>

#include <string>

#include "models/scenario.hpp"

namespace pledgesim::models {
namespace {

std::string dotted(int parts) {
  std::string key = "a";
  for (int i = 1; i < parts; ++i) key += ".a";
  return key;
}

TEST(TomlDepth, AcceptsOrdinaryScenarioText) {
  EXPECT_FALSE(toml_depth_problem(
      "name = \"x.y.z\"  # a.b.c.d.e\n[behaviour]\nexit_rate_per_year = 0.05\n"
      "values = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5]\n"
      "start = 2017-10-01\nt = 12:00:00.5\n"));
  // The limits themselves are allowed: 64 parts, 64 brackets.
  EXPECT_FALSE(toml_depth_problem(dotted(kMaxKeyParts) + " = 1\n"));
  EXPECT_FALSE(toml_depth_problem("x = " + std::string(kMaxBracketDepth, '[') +
                                  std::string(kMaxBracketDepth, ']') + "\n"));
  // Dots inside strings (even a key's) are not nesting.
  std::string many_dots(10000, '.');
  EXPECT_FALSE(toml_depth_problem("\"" + many_dots + "\" = '" + many_dots + "'\n"));
  EXPECT_FALSE(toml_depth_problem("d = \"\"\"\n" + many_dots + "\n\"\"\"\n"));
  EXPECT_FALSE(toml_depth_problem("d = \"esc \\\" " + many_dots + "\"\n"));
}

TEST(TomlDepth, RefusesDeepKeysHeadersAndBracketsWithTheirLine) {
  const auto key = toml_depth_problem("a = 1\n\n" + dotted(kMaxKeyParts + 1) + " = 1\n");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->line, 3);
  EXPECT_EQ(key->message, "a key with more than 64 dotted parts");
  const auto header = toml_depth_problem("# c\n[" + dotted(100) + "]\n");
  ASSERT_TRUE(header);
  EXPECT_EQ(header->line, 2);
  const auto arrays =
      toml_depth_problem("x = \"\"\"\n\n\"\"\"\ny = " + std::string(65, '[') + "\n");
  ASSERT_TRUE(arrays);
  EXPECT_EQ(arrays->line, 4);  // lines inside the multi-line string count
  EXPECT_EQ(arrays->message, "arrays and inline tables nested more than 64 deep");
  EXPECT_TRUE(toml_depth_problem("x = " + std::string(65, '{')));
  // Dots that would be hidden after a string on the same key line still count.
  EXPECT_TRUE(toml_depth_problem("\"q\"." + dotted(70) + " = 1\n"));
}

TEST(TomlDepth, TheScenarioLoaderReportsItAsAnInputError) {
  // 100,000 dotted parts overflowed toml++'s recursion (SIGSEGV) before the guard.
  try {
    parse_scenario("x." + dotted(100000) + " = 1\n", "deep.toml");
    FAIL() << "accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("deep.toml:1: nested too deep: a key with more than 64"),
              std::string::npos)
        << e.what();
  }
  try {
    parse_scenario("name = \"x\"\n", "s.toml", {{"behaviour.exit_rate_per_year", "0.05\ny = 2"}});
    FAIL() << "accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("is more than one TOML value"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace pledgesim::models
