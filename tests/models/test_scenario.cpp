// Tests of models/scenario.hpp: loading, validation and resolved output of
// scenario TOML files.
#include "models/scenario.hpp"
#include "tests/common/temp_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "models/scenario_schema.hpp"

namespace pledgesim::models {
namespace {

namespace fs = std::filesystem;

// The smallest valid scenario: one authority, everything else defaulted.
const std::string kAuthority =
    "authorities = [ { name = \"A\", region = \"London\", subregion = \"X\", inpost_fte = 10, "
    "vacancy_fte = 2, agency_fte = 1, caseload = 15 } ]\n";

// Parses `text`, expecting it to fail; returns the issues reported.
std::vector<ScenarioIssue> issues_of(const std::string& text,
                                     const std::vector<Override>& overrides = {}) {
  try {
    parse_scenario(text, "test.toml", overrides);
  } catch (const ScenarioError& e) {
    EXPECT_FALSE(e.issues().empty());
    return e.issues();
  }
  ADD_FAILURE() << "no ScenarioError for:\n" << text;
  return {};
}

// The one issue about `key`, or a failure.
ScenarioIssue issue_for(const std::vector<ScenarioIssue>& issues, const std::string& key) {
  for (const auto& i : issues)
    if (i.key == key) return i;
  std::string all;
  for (const auto& i : issues) all += "\n  " + i.to_string();
  ADD_FAILURE() << "no issue for key " << key << "; issues:" << all;
  return {};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Value of a schema parameter in a scenario, as a double (exact for the
// integers in range).
double param_value(const ParamDef& def, Scenario& s) {
  return std::visit([](auto* p) { return static_cast<double>(*p); }, def.target(s));
}

TEST(Scenario, MinimalScenarioTakesDefaults) {
  const Scenario s = parse_scenario(kAuthority, "min.toml");
  const Scenario defaults;
  ASSERT_EQ(s.authorities.size(), 1u);
  const AuthorityData& a = s.authorities[0];
  EXPECT_EQ(a.name, "A");
  EXPECT_EQ(a.region, "London");
  EXPECT_EQ(a.subregion, "X");
  EXPECT_FALSE(a.inner_london);
  EXPECT_EQ(a.inpost_fte, 10);
  EXPECT_EQ(a.vacancy_fte, 2);
  EXPECT_EQ(a.agency_fte, 1);
  EXPECT_EQ(a.caseload, 15);
  EXPECT_EQ(a.golden_hello_gbp, 0);
  EXPECT_EQ(s.name, defaults.name);
  EXPECT_EQ(s.start, defaults.start);
  EXPECT_EQ(s.years, defaults.years);
  EXPECT_EQ(s.behaviour.exit_rate_per_year, defaults.behaviour.exit_rate_per_year);
  EXPECT_EQ(s.agency.cover_after_weeks, defaults.agency.cover_after_weeks);
  EXPECT_EQ(s.weeks(), sim::WeeklyClock(s.start).weeks_in_years(static_cast<int>(s.years)));
}

TEST(Scenario, ReadsEveryKindOfValue) {
  const Scenario s = parse_scenario(kAuthority + R"(name = "trial"
description = "a test"
start = 2018-04-01
years = 3
seed = 77
[behaviour]
exit_rate_per_year = 0.07
offers_per_search = 5
caseload_stress_threshold = 14   # an integer is a fine number
[pay.permanent_gbp_per_year]
senior = 46000.5
[agency]
cover_after_weeks = 0
)",
                                    "full.toml");
  EXPECT_EQ(s.name, "trial");
  EXPECT_EQ(s.description, "a test");
  EXPECT_EQ(s.start, sim::Date::from_ymd(2018, 4, 1));
  EXPECT_EQ(s.years, 3);
  EXPECT_EQ(s.seed, 77u);
  EXPECT_EQ(s.behaviour.exit_rate_per_year, 0.07);
  EXPECT_EQ(s.behaviour.offers_per_search, 5);
  EXPECT_EQ(s.behaviour.caseload_stress_threshold, 14.0);
  EXPECT_EQ(s.pay.permanent_gbp_per_year[static_cast<int>(Role::senior)], 46000.5);
  EXPECT_EQ(s.agency.cover_after_weeks, 0);
  // A start date may also be given as a string.
  EXPECT_EQ(parse_scenario(kAuthority + "start = \"2019-01-06\"\n", "s.toml").start,
            sim::Date::from_ymd(2019, 1, 6));
}

TEST(Scenario, BuiltinDefaultHas32LondonAuthoritiesAndTwoNeighbours) {
  const Scenario s = builtin_default_scenario();
  EXPECT_EQ(s.name, "london_baseline");
  EXPECT_EQ(s.authorities.size(), 34u);
  std::set<std::string> names;
  std::map<std::string, int> by_region;
  for (const auto& a : s.authorities) {
    names.insert(a.name);
    ++by_region[a.region];
    EXPECT_GT(a.inpost_fte + a.vacancy_fte, 0) << a.name;
    EXPECT_FALSE(a.signatory_from) << a.name;  // the baseline has no agreement
  }
  EXPECT_EQ(names.size(), 34u);
  EXPECT_EQ(by_region["London"], 32);
  EXPECT_EQ(by_region["South East"], 1);
  EXPECT_EQ(by_region["East of England"], 1);
  EXPECT_TRUE(names.count("Camden"));
  EXPECT_TRUE(names.count("City of London"));
  EXPECT_EQ(s.start, sim::Date::from_ymd(2017, 10, 1));
  EXPECT_FALSE(builtin_default_scenario_text().empty());
}

// Compares every field of two scenarios.
void expect_same_scenario(Scenario a, Scenario b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.start, b.start);
  for (const ParamDef& def : scenario_params())
    EXPECT_EQ(param_value(def, a), param_value(def, b)) << def.key;
  ASSERT_EQ(a.authorities.size(), b.authorities.size());
  for (std::size_t i = 0; i < a.authorities.size(); ++i) {
    const AuthorityData &x = a.authorities[i], &y = b.authorities[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.region, y.region) << x.name;
    EXPECT_EQ(x.subregion, y.subregion) << x.name;
    EXPECT_EQ(x.inner_london, y.inner_london) << x.name;
    EXPECT_EQ(x.inpost_fte, y.inpost_fte) << x.name;
    EXPECT_EQ(x.vacancy_fte, y.vacancy_fte) << x.name;
    EXPECT_EQ(x.agency_fte, y.agency_fte) << x.name;
    EXPECT_EQ(x.caseload, y.caseload) << x.name;
    EXPECT_EQ(x.golden_hello_gbp, y.golden_hello_gbp) << x.name;
  }
}

TEST(Scenario, ResolvedTomlRoundTrips) {
  const Scenario s = builtin_default_scenario();
  const std::string text = to_toml(s);
  const Scenario again = parse_scenario(text, "resolved.toml");
  EXPECT_EQ(to_toml(again), text);
  expect_same_scenario(s, again);
  // Every schema key is written out.
  for (const ParamDef& def : scenario_params()) {
    const std::string last = def.key.substr(def.key.rfind('.') + 1);
    EXPECT_TRUE(contains(text, last + " = ")) << def.key;
  }
}

TEST(Scenario, ResolvedTomlRoundTripsAwkwardValuesExactly) {
  // Doubles that need all 17 significant digits, an integral double, the
  // largest seed, a leap-day start, and text that needs escaping.
  const Scenario s = parse_scenario(kAuthority, "awkward.toml",
                                    {{"behaviour.exit_rate_per_year", "0.30000000000000004"},
                                     {"behaviour.agency_taste_mean", "-0.1234567890123456789"},
                                     {"pay.annual_uplift_rate", "1e-300"},
                                     {"behaviour.search_tenure_halving_weeks", "99999"},
                                     {"seed", "9200000000000000000"},
                                     {"start", "2016-02-29"},
                                     {"name", "'quote \" and \\ backslash'"},
                                     {"description", "\"line one\\nline two \\u00e9\""}});
  EXPECT_EQ(s.behaviour.exit_rate_per_year, 0.30000000000000004);
  EXPECT_EQ(s.seed, 9200000000000000000ULL);
  EXPECT_EQ(s.start, sim::Date::from_ymd(2016, 2, 29));
  EXPECT_EQ(s.name, "quote \" and \\ backslash");
  EXPECT_EQ(s.description, "line one\nline two \xc3\xa9");
  const std::string text = to_toml(s);
  const Scenario again = parse_scenario(text, "resolved.toml");
  EXPECT_EQ(to_toml(again), text);
  expect_same_scenario(s, again);
  EXPECT_EQ(again.seed, 9200000000000000000ULL);  // not rounded through a double
}

TEST(Scenario, UnknownKeyHasLineAndDidYouMeanHint) {
  const auto issues = issues_of(kAuthority +  // line 1
                                "[behaviour]\n"
                                "exit_rate_per_yeer = 0.1\n");  // line 3
  ASSERT_EQ(issues.size(), 1u);
  const ScenarioIssue& i = issues[0];
  EXPECT_EQ(i.file, "test.toml");
  EXPECT_EQ(i.line, 3);
  EXPECT_EQ(i.key, "behaviour.exit_rate_per_yeer");
  EXPECT_TRUE(contains(i.message, "unknown key")) << i.message;
  EXPECT_TRUE(contains(i.message, "did you mean 'behaviour.exit_rate_per_year'")) << i.message;
  EXPECT_EQ(i.to_string(),
            "test.toml:3: behaviour.exit_rate_per_yeer: " + i.message);  // file:line: key: what
}

TEST(Scenario, UnknownKeyInWrongTableSuggestsTheRightOne) {
  const auto issues = issues_of(kAuthority + "[pay]\nexit_rate_per_year = 0.1\n");
  const ScenarioIssue i = issue_for(issues, "pay.exit_rate_per_year");
  EXPECT_EQ(i.line, 3);
  EXPECT_TRUE(contains(i.message, "did you mean 'behaviour.exit_rate_per_year'")) << i.message;
}

TEST(Scenario, UnknownKeyFarFromAnyHasNoHint) {
  const auto issues = issues_of(kAuthority + "zzzzzzzzzzzzzzzzzzzzzzzz = 1\n");
  const ScenarioIssue i = issue_for(issues, "zzzzzzzzzzzzzzzzzzzzzzzz");
  EXPECT_TRUE(contains(i.message, "unknown key")) << i.message;
  EXPECT_FALSE(contains(i.message, "did you mean")) << i.message;
}

TEST(Scenario, UnknownAuthorityFieldHasHint) {
  const auto issues = issues_of(
      "authorities = [ { name = \"A\", region = \"London\", caseload = 15, inpost_fte = 10, "
      "vacancy_fte = 2, agncy_fte = 1 } ]\n");
  const ScenarioIssue i = issue_for(issues, "authorities[0].agncy_fte");
  EXPECT_EQ(i.line, 1);
  EXPECT_TRUE(contains(i.message, "did you mean 'agency_fte'")) << i.message;
}

TEST(Scenario, WrongTypeIsReportedWithFileLineAndKey) {
  const auto issues = issues_of(kAuthority +                       // 1
                                "[behaviour]\n"                    // 2
                                "exit_rate_per_year = \"high\"\n"  // 3
                                "offers_per_search = 2.5\n"        // 4
                                "[agency]\n"                       // 5
                                "cover_after_weeks = true\n");     // 6
  ASSERT_EQ(issues.size(), 3u);
  const ScenarioIssue a = issue_for(issues, "behaviour.exit_rate_per_year");
  EXPECT_EQ(a.line, 3);
  EXPECT_TRUE(contains(a.message, "expected a number")) << a.message;
  EXPECT_EQ(a.to_string(), "test.toml:3: behaviour.exit_rate_per_year: " + a.message);
  const ScenarioIssue b = issue_for(issues, "behaviour.offers_per_search");
  EXPECT_EQ(b.line, 4);
  EXPECT_TRUE(contains(b.message, "expected an integer")) << b.message;
  const ScenarioIssue c = issue_for(issues, "agency.cover_after_weeks");
  EXPECT_EQ(c.line, 6);
}

TEST(Scenario, OutOfRangeIsReportedWithTheRange) {
  const auto issues = issues_of(kAuthority +                    // 1
                                "years = 0\n"                   // 2
                                "[behaviour]\n"                 // 3
                                "exit_rate_per_year = 1.5\n"    // 4
                                "agency_taste_sd = -0.1\n"      // 5
                                "search_rate_per_year = nan\n"  // 6
                                "[agency]\n"                    // 7
                                "margin_share = inf\n");        // 8
  ASSERT_EQ(issues.size(), 5u);
  const ScenarioIssue years = issue_for(issues, "years");
  EXPECT_EQ(years.line, 2);
  EXPECT_TRUE(contains(years.message, "outside [1, 100]")) << years.message;
  const ScenarioIssue exit = issue_for(issues, "behaviour.exit_rate_per_year");
  EXPECT_EQ(exit.line, 4);
  EXPECT_TRUE(contains(exit.message, "1.5")) << exit.message;
  EXPECT_TRUE(contains(exit.message, "outside [0, 1]")) << exit.message;
  EXPECT_EQ(exit.to_string(), "test.toml:4: behaviour.exit_rate_per_year: " + exit.message);
  EXPECT_EQ(issue_for(issues, "behaviour.agency_taste_sd").line, 5);
  EXPECT_EQ(issue_for(issues, "behaviour.search_rate_per_year").line, 6);
  EXPECT_EQ(issue_for(issues, "agency.margin_share").line, 8);
}

TEST(Scenario, BadAuthorityValuesAreReported) {
  const auto issues = issues_of(
      "authorities = [\n"                                                                // 1
      "  { name = \"A\", region = \"London\", inpost_fte = 10, caseload = -1 },\n"       // 2
      "  { name = \"B\", region = \"London\", inpost_fte = \"ten\", caseload = 15 },\n"  // 3
      "  { name = \"C\", region = \"London\", inpost_fte = 0, vacancy_fte = 0, caseload = 15 },\n"
      "  { region = \"London\", inpost_fte = 5, caseload = 15, inner_london = \"yes\" },\n"  // 5
      "  { name = \"E\", inpost_fte = 5 },\n"                                                // 6
      "]\n");
  EXPECT_EQ(issue_for(issues, "authorities[0].caseload").line, 2);
  const ScenarioIssue b = issue_for(issues, "authorities[1].inpost_fte");
  EXPECT_EQ(b.line, 3);
  EXPECT_TRUE(contains(b.message, "expected a number")) << b.message;
  EXPECT_TRUE(contains(issue_for(issues, "authorities[2]").message, "establishment"));
  EXPECT_EQ(issue_for(issues, "authorities[3].name").line, 5);
  EXPECT_EQ(issue_for(issues, "authorities[3].inner_london").line, 5);
  EXPECT_EQ(issue_for(issues, "authorities[4].region").line, 6);
  EXPECT_EQ(issue_for(issues, "authorities[4].caseload").line, 6);
}

TEST(Scenario, InnerLondonMustBeABoolean) {
  // "expected true or false": an integer is not a boolean in TOML, and
  // `inner_london = 2` is most likely a mistake. (toml++'s value<bool>()
  // converts integers; value_exact<bool>() does not.)
  const auto issues = issues_of(
      "authorities = [ { name = \"A\", region = \"London\", inpost_fte = 10, caseload = 15, "
      "inner_london = 2 } ]\n");
  EXPECT_TRUE(contains(issue_for(issues, "authorities[0].inner_london").message, "true or false"));
}

TEST(Scenario, SeveralProblemsReportedInOnePass) {
  const auto issues = issues_of(kAuthority +                  // 1
                                "years = 1000\n"              // 2
                                "[behaviour]\n"               // 3
                                "exit_rate_per_yeer = 0.1\n"  // 4
                                "switching_cost = \"x\"\n"    // 5
                                "[agency]\n"                  // 6
                                "cover_after_weeks = -1\n");  // 7
  EXPECT_GE(issues.size(), 2u);
  EXPECT_EQ(issues.size(), 4u);
  EXPECT_EQ(issue_for(issues, "years").line, 2);
  EXPECT_EQ(issue_for(issues, "behaviour.exit_rate_per_yeer").line, 4);
  EXPECT_EQ(issue_for(issues, "behaviour.switching_cost").line, 5);
  EXPECT_EQ(issue_for(issues, "agency.cover_after_weeks").line, 7);
  // The exception's message lists them all, one per line (in key order,
  // not necessarily in line order).
  try {
    parse_scenario(kAuthority + "years = 1000\n[behaviour]\nexit_rate_per_yeer = 0.1\n", "t.toml");
    FAIL() << "no ScenarioError";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_TRUE(contains(what, "t.toml:2: years: ")) << what;
    EXPECT_TRUE(contains(what, "t.toml:4: behaviour.exit_rate_per_yeer: ")) << what;
    EXPECT_TRUE(contains(what, "\n")) << what;
  }
}

TEST(Scenario, MissingOrEmptyAuthoritiesAreReported) {
  const auto missing = issues_of("years = 3\n");
  EXPECT_TRUE(contains(issue_for(missing, "authorities").message, "missing")) << missing[0].message;
  const auto empty = issues_of("authorities = []\n");
  EXPECT_TRUE(contains(issue_for(empty, "authorities").message, "empty"));
  const auto wrong = issues_of("authorities = 3\n");
  EXPECT_EQ(issue_for(wrong, "authorities").line, 1);
}

TEST(Scenario, InconsistentRoleThresholdsAreReported) {
  const auto issues = issues_of(kAuthority +
                                "[pay.role_min_pqe_years]\n"
                                "social_worker = 6\n");  // above experienced (5)
  // Reported on the threshold the file sets, not on the default it contradicts.
  const ScenarioIssue i = issue_for(issues, "pay.role_min_pqe_years.social_worker");
  EXPECT_EQ(i.line, 3);
  EXPECT_TRUE(contains(i.message, "above the threshold of experienced (5)")) << i.message;
}

TEST(Scenario, DuplicateAuthorityNamesAreRejected) {
  const auto issues = issues_of(
      "authorities = [\n"
      "  { name = \"A\", region = \"London\", inpost_fte = 10, caseload = 15 },\n"
      "  { name = \"B\", region = \"London\", inpost_fte = 10, caseload = 15 },\n"
      "  { name = \"A\", region = \"London\", inpost_fte = 12, caseload = 16 },\n"  // line 4
      "]\n");
  ASSERT_EQ(issues.size(), 1u);
  const ScenarioIssue i = issue_for(issues, "authorities[2].name");
  EXPECT_EQ(i.line, 4);
  EXPECT_TRUE(contains(i.message, "duplicate")) << i.message;
  EXPECT_TRUE(contains(i.message, "'A'")) << i.message;
}

TEST(Scenario, SyntaxErrorIsReportedWithItsLine) {
  const auto issues = issues_of(kAuthority +        // 1
                                "years = 3\n"       // 2
                                "seed = = 4\n"      // 3
                                "name = \"x\"\n");  // 4
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].file, "test.toml");
  EXPECT_EQ(issues[0].line, 3);
  EXPECT_TRUE(contains(issues[0].message, "syntax")) << issues[0].message;
  EXPECT_TRUE(contains(issues[0].to_string(), "test.toml:3: ")) << issues[0].to_string();
  // A key given twice is a TOML error too.
  const auto twice = issues_of(kAuthority + "years = 3\nyears = 4\n");
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(twice[0].line, 3);
}

TEST(Scenario, OverridesApply) {
  const Scenario s =
      parse_scenario(kAuthority + "[behaviour]\nexit_rate_per_year = 0.2\n", "o.toml",
                     {{"behaviour.exit_rate_per_year", "0.1"},
                      {"years", "7"},
                      {"agency.cover_after_weeks", "2"},
                      {"pay.permanent_gbp_per_year.nqsw", "35000"},
                      {"name", "\"overridden\""}});
  EXPECT_EQ(s.behaviour.exit_rate_per_year, 0.1);  // file said 0.2
  EXPECT_EQ(s.years, 7);
  EXPECT_EQ(s.agency.cover_after_weeks, 2);
  EXPECT_EQ(s.pay.permanent_gbp_per_year[0], 35000);
  EXPECT_EQ(s.name, "overridden");
  // Overrides apply to the built-in scenario as well, leaving the rest.
  const Scenario b = builtin_default_scenario({{"behaviour.exit_rate_per_year", "0.1"}});
  EXPECT_EQ(b.behaviour.exit_rate_per_year, 0.1);
  EXPECT_EQ(b.authorities.size(), 34u);
  // The last of two overrides of one key wins.
  const Scenario twice = parse_scenario(kAuthority, "o.toml", {{"years", "2"}, {"years", "3"}});
  EXPECT_EQ(twice.years, 3);
}

TEST(Scenario, BadOverrideValuesAreReported) {
  // Not TOML at all.
  const auto not_toml = issues_of(kAuthority, {{"behaviour.exit_rate_per_year", "abc"}});
  ASSERT_EQ(not_toml.size(), 1u);
  const ScenarioIssue a = issue_for(not_toml, "behaviour.exit_rate_per_year");
  EXPECT_EQ(a.file, "--set");
  EXPECT_TRUE(contains(a.message, "abc")) << a.message;
  // TOML of the wrong type, out of range, and an unknown key.
  const auto issues = issues_of(kAuthority, {{"behaviour.switching_cost", "\"big\""},
                                             {"behaviour.exit_rate_per_year", "2"},
                                             {"behaviour.exit_rate_per_yeer", "0.1"}});
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_TRUE(contains(issue_for(issues, "behaviour.switching_cost").message, "expected a number"));
  EXPECT_TRUE(
      contains(issue_for(issues, "behaviour.exit_rate_per_year").message, "outside [0, 1]"));
  EXPECT_TRUE(contains(issue_for(issues, "behaviour.exit_rate_per_yeer").message,
                       "did you mean 'behaviour.exit_rate_per_year'"));
  // An include cannot come from --set (it was "unknown key (did you mean 'include'?)").
  const auto include = issues_of(kAuthority, {{"include", "\"base.toml\""}});
  ASSERT_EQ(include.size(), 1u);
  EXPECT_TRUE(contains(issue_for(include, "include").message, "cannot be given with --set"))
      << include[0].to_string();
  // Overriding into something that is not a table.
  const auto not_table = issues_of(kAuthority + "years = 3\n", {{"years.x", "1"}});
  const ScenarioIssue t = issue_for(not_table, "years.x");
  EXPECT_EQ(t.file, "--set");
  EXPECT_TRUE(contains(t.message, "not a table")) << t.message;
}

TEST(Scenario, BadOverrideIsAttributedToSetNotToTheFile) {
  // The file is fine; the bad value came from --set, so the report must
  // name --set (as it does for values that are not TOML), not the scenario
  // file, whose line 3 still says 0.2.
  const auto issues =
      issues_of(kAuthority + "[behaviour]\nexit_rate_per_year = 0.2\n",  // line 3 in the file
                {{"behaviour.exit_rate_per_year", "2"}});
  const ScenarioIssue i = issue_for(issues, "behaviour.exit_rate_per_year");
  EXPECT_NE(i.line, 3) << i.to_string();
  EXPECT_EQ(i.file.rfind("--set", 0), 0u) << i.to_string();
}

TEST(Scenario, LoadScenarioFile) {
  const pledgesim::test_util::ScopedTempDir dir("scenario_load");
  const fs::path good = dir / "good.toml";
  std::ofstream(good) << kAuthority << "years = 2\n";
  const Scenario s = load_scenario_file(good, {{"seed", "5"}});
  EXPECT_EQ(s.years, 2);
  EXPECT_EQ(s.seed, 5u);

  const fs::path bad = dir / "bad.toml";
  std::ofstream(bad) << kAuthority << "years = 0\n";
  try {
    load_scenario_file(bad);
    ADD_FAILURE() << "no ScenarioError";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].file, bad.string());  // the path, for file:line: key:
    EXPECT_EQ(e.issues()[0].line, 2);
  }
}

TEST(Scenario, LoadMissingFileThrowsScenarioError) {
  const fs::path missing = fs::temp_directory_path() / "pledgesim_no_such_dir" / "none.toml";
  try {
    load_scenario_file(missing);
    FAIL() << "no ScenarioError";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].file, missing.string());
    EXPECT_TRUE(contains(e.what(), missing.string())) << e.what();
  }
}

TEST(Scenario, IssueToStringOmitsUnknownParts) {
  EXPECT_EQ((ScenarioIssue{"f.toml", 12, "years", "too many"}).to_string(),
            "f.toml:12: years: too many");
  EXPECT_EQ((ScenarioIssue{"f.toml", 0, "years", "too many"}).to_string(),
            "f.toml: years: too many");
  EXPECT_EQ((ScenarioIssue{"f.toml", 3, "", "syntax"}).to_string(), "f.toml:3: syntax");
}

}  // namespace
}  // namespace pledgesim::models
