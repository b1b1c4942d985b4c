// Parameter ensembles (models/parameter_ensemble.hpp): the reader's errors
// name file, line and key; the CSV reads back bit for bit; sets are assigned
// to replications deterministically in proportion to their weights; the hook
// sets each replication's values, the same for any thread count.
#include "models/parameter_ensemble.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <fstream>
#include <memory>

#include "models/scenario_schema.hpp"
#include "sim/io/memory_recorder.hpp"
#include "tests/common/scenarios.hpp"
#include "tests/common/temp_dir.hpp"

namespace pledgesim::models {
namespace {

const Scenario& london() {
  static const Scenario s = test_util::london_scenario(1);
  return s;
}

// The issues of reading `text` as "ens.csv" (none: it read).
std::vector<ScenarioIssue> issues_of(const std::string& text) {
  try {
    parse_parameter_ensemble(text, "ens.csv", london());
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.heading(), "invalid parameter ensemble");
    return e.issues();
  }
  return {};
}

// `issues` has one at `line` for `key` whose message contains `words`.
::testing::AssertionResult has_issue(const std::vector<ScenarioIssue>& issues, std::int64_t line,
                                     const std::string& key, const std::string& words) {
  std::string all;
  for (const auto& i : issues) {
    if (i.file == "ens.csv" && i.line == line && i.key == key &&
        i.message.find(words) != std::string::npos)
      return ::testing::AssertionSuccess();
    all += "\n  " + i.to_string();
  }
  return ::testing::AssertionFailure()
         << "no issue ens.csv:" << line << ": " << key << ": ..." << words << "... among:" << all;
}

TEST(ParameterEnsembleReader, NamesFileLineAndKeyOfEveryProblem) {
  const auto issues = issues_of(
      "# made by hand\n"                                                        // 1
      "weight,behaviour.exit_rate_per_yeer,seed,behaviour.exit_rate_per_year,"  // 2
      "shocks.none.multiplier\n"
      "\n"                   // 3: blank lines are skipped, but counted
      "1,0.1,5,0.06,1\n"     // 4: fine but for the bad columns
      "-0.5,0.1,5,0.06,1\n"  // 5: negative weight
      "1,0.1,5,1.5,1\n"      // 6: out of [0, 1]
      "1,0.1,5\n"            // 7: too few fields
      "1,0.1,5,0.06,1,7\n"   // 8: too many
      "1,0.1,5,abc,1\n");    // 9: not a number
  EXPECT_TRUE(has_issue(issues, 2, "behaviour.exit_rate_per_yeer",
                        "unknown key (did you mean 'behaviour.exit_rate_per_year'?)"));
  EXPECT_TRUE(has_issue(issues, 2, "seed", "an integer key cannot vary"));
  EXPECT_TRUE(has_issue(issues, 2, "shocks.none.multiplier", "names no shock"));
  EXPECT_TRUE(has_issue(issues, 5, "weight", "weight -0.5 is negative"));
  EXPECT_TRUE(has_issue(issues, 6, "behaviour.exit_rate_per_year", "value 1.5 is outside [0, 1]"));
  EXPECT_TRUE(has_issue(issues, 7, "behaviour.exit_rate_per_year",
                        "3 fields, the header has 5 (weight and 4 keys)"));
  EXPECT_TRUE(has_issue(issues, 8, "", "6 fields, the header has 5"));
  EXPECT_TRUE(has_issue(issues, 9, "behaviour.exit_rate_per_year", "'abc' is not a finite number"));
  EXPECT_EQ(issues.size(), 8u);
}

TEST(ParameterEnsembleReader, RefusesBadHeadersAndWeights) {
  EXPECT_TRUE(has_issue(issues_of("w,behaviour.exit_rate_per_year\n1,0.1\n"), 1, "w",
                        "the first column must be 'weight'"));
  EXPECT_TRUE(has_issue(issues_of("weight\n1\n"), 1, "", "no parameter columns"));
  EXPECT_TRUE(has_issue(
      issues_of("weight,behaviour.exit_rate_per_year,behaviour.exit_rate_per_year\n1,0.1,0.1\n"), 1,
      "behaviour.exit_rate_per_year", "named twice"));
  EXPECT_TRUE(has_issue(issues_of("# only a comment\n"), 0, "", "no header line"));
  EXPECT_TRUE(
      has_issue(issues_of("weight,behaviour.exit_rate_per_year\n"), 1, "", "no parameter sets"));
  EXPECT_TRUE(has_issue(issues_of("weight,behaviour.exit_rate_per_year\n0,0.1\n0,0.2\n"), 3,
                        "weight", "the weights sum to 0"));
  EXPECT_TRUE(has_issue(issues_of("weight,behaviour.exit_rate_per_year\ninf,0.1\n"), 2, "weight",
                        "'inf' is not a finite number"));
  // A region the scenario has not: a key of the right form, but not of it.
  EXPECT_TRUE(has_issue(issues_of("weight,behaviour_by_region.Wales.exit_rate_per_year\n1,0.1\n"),
                        1, "behaviour_by_region.Wales.exit_rate_per_year",
                        "names no shock, region or policy"));
}

TEST(ParameterEnsembleReader, ReadsDynamicKeysAndNormalisesWeights) {
  const ParameterEnsemble e = parse_parameter_ensemble(
      "weight , behaviour_by_region.London.search_rate_per_year,behaviour.exit_rate_per_year\r\n"
      "  # a comment after the header\n"
      "2,0.25,0.05\r\n"
      "6,0.30,0.07\n",
      "ens.csv", london());
  EXPECT_EQ(e.keys, (std::vector<std::string>{"behaviour_by_region.London.search_rate_per_year",
                                              "behaviour.exit_rate_per_year"}));
  EXPECT_EQ(e.weights, (std::vector<double>{0.25, 0.75}));
  EXPECT_EQ(e.sets, (std::vector<std::vector<double>>{{0.25, 0.05}, {0.30, 0.07}}));
}

class ParameterEnsembleFile : public test_util::TempDirTest {};

TEST_F(ParameterEnsembleFile, RefusesWhatIsNotAnOrdinaryFile) {
  auto message = [&](const std::filesystem::path& p) {
    try {
      load_parameter_ensemble(p, london());
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.issues().front().file, p.string());
      return e.issues().front().message;
    }
    return std::string("(read)");
  };
  EXPECT_NE(message(dir_ / "missing.csv").find("no such file"), std::string::npos);
  EXPECT_NE(message(dir_).find("not a regular file"), std::string::npos);
  // A file over 64 MiB is refused before it is read (sparse: costs nothing).
  { std::ofstream(dir_ / "huge.csv") << "weight,behaviour.exit_rate_per_year\n"; }
  std::filesystem::resize_file(dir_ / "huge.csv", (std::uintmax_t{64} << 20) + 1);
  EXPECT_NE(message(dir_ / "huge.csv").find("at most 64 MiB"), std::string::npos);
  { std::ofstream(dir_ / "ok.csv") << "weight,behaviour.exit_rate_per_year\n1,0.06\n"; }
  EXPECT_EQ(load_parameter_ensemble(dir_ / "ok.csv", london()).sets.front().front(), 0.06);
}

// Bit patterns, so that -0.0 and 0.0 (or a last-bit difference) differ.
std::vector<std::uint64_t> bits(const ParameterEnsemble& e) {
  std::vector<std::uint64_t> out;
  for (double w : e.weights) out.push_back(std::bit_cast<std::uint64_t>(w));
  for (const auto& set : e.sets)
    for (double v : set) out.push_back(std::bit_cast<std::uint64_t>(v));
  return out;
}

TEST(ParameterEnsembleCsv, ReadsBackBitForBit) {
  ParameterEnsemble e;
  e.keys = {"behaviour.exit_rate_per_year", "behaviour.return_rate_per_year",
            "behaviour_by_region.London.search_rate_per_year"};
  // Weights that need all 17 digits, summing to 1 only to rounding.
  std::uint64_t state = 7;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  double sum = 0;
  for (int i = 0; i < 50; ++i) {
    e.weights.push_back(next() + 1e-3);
    sum += e.weights.back();
    e.sets.push_back({next(), 52 * next(), 0.1 / 3 + next() * 1e-300});
  }
  for (double& w : e.weights) w /= sum;
  e.sets[3][0] = 0.0;
  e.sets[4][0] = 1.0;
  e.sets[5][1] = 5e-324;  // the smallest subnormal
  const std::string csv = parameter_ensemble_csv(e, "from a test\nsecond line");
  EXPECT_EQ(csv.rfind("# from a test\n# second line\nweight,behaviour.exit_rate_per_year,", 0), 0u);
  const ParameterEnsemble back = parse_parameter_ensemble(csv, "ens.csv", london());
  EXPECT_EQ(back.keys, e.keys);
  EXPECT_EQ(bits(back), bits(e));
  EXPECT_EQ(parameter_ensemble_csv(back, "from a test\nsecond line"), csv);

  // A file that needed normalising reads back as it was read.
  const ParameterEnsemble raw = parse_parameter_ensemble(
      "weight,behaviour.exit_rate_per_year\n3,0.1\n7,0.2\n11,0.3\n", "raw.csv", london());
  EXPECT_EQ(bits(parse_parameter_ensemble(parameter_ensemble_csv(raw), "ens.csv", london())),
            bits(raw));
}

// One key, set i's value 0.01 (i + 1). (Not the exit rate: the built-in
// scenario sets London's own, which would override it there.)
ParameterEnsemble weighted(std::vector<double> weights) {
  ParameterEnsemble e;
  e.keys = {"behaviour.inactive_rate_per_year"};
  for (std::size_t i = 0; i < weights.size(); ++i)
    e.sets.push_back({0.01 * static_cast<double>(i + 1)});
  e.weights = std::move(weights);
  return e;
}

std::vector<std::size_t> counts(const std::vector<std::size_t>& assigned, std::size_t sets) {
  std::vector<std::size_t> c(sets);
  for (std::size_t s : assigned) ++c.at(s);
  return c;
}

TEST(AssignSets, EqualWeightsGiveReplicationRSetR) {
  const ParameterEnsemble e = weighted(std::vector<double>(10, 0.1));
  for (std::size_t R : {1, 3, 10}) {
    const auto a = assign_sets(e, R);
    ASSERT_EQ(a.size(), R);
    for (std::size_t r = 0; r < R; ++r) EXPECT_EQ(a[r], r);
  }
  // More replications than sets: each set as often, give or take one.
  EXPECT_EQ(counts(assign_sets(e, 30), 10), std::vector<std::size_t>(10, 3));
  for (std::size_t c : counts(assign_sets(e, 25), 10)) EXPECT_TRUE(c == 2 || c == 3);
}

TEST(AssignSets, UnequalWeightsGiveProportionalCounts) {
  EXPECT_EQ(counts(assign_sets(weighted({0.5, 0.25, 0.25, 0}), 8), 4),
            (std::vector<std::size_t>{4, 2, 2, 0}));
  EXPECT_EQ(counts(assign_sets(weighted({0.7, 0.2, 0.1}), 10), 3),
            (std::vector<std::size_t>{7, 2, 1}));
  // Zero weight is never drawn, even last; a count is floor or ceil of R w.
  std::uint64_t state = 99;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> w(7);
    double sum = 0;
    for (double& x : w) sum += x = next() < 0.2 ? 0.0 : next();
    if (sum == 0) continue;
    for (double& x : w) x /= sum;
    const ParameterEnsemble e = weighted(w);
    for (std::size_t R : {1, 5, 13, 100}) {
      const auto a = assign_sets(e, R);
      EXPECT_EQ(a, assign_sets(e, R));  // deterministic
      EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
      const auto c = counts(a, w.size());
      for (std::size_t i = 0; i < w.size(); ++i) {
        const double want = static_cast<double>(R) * w[i];
        EXPECT_LE(std::fabs(static_cast<double>(c[i]) - want), 1.0)
            << trial << " " << R << " " << i;
        if (w[i] == 0) {
          EXPECT_EQ(c[i], 0u);
        }
      }
    }
  }
}

TEST(EnsembleParameters, SetsEachReplicationsValues) {
  ParameterEnsemble e = weighted({0.25, 0.25, 0.25, 0.25});
  e.keys.push_back("behaviour_by_region.London.search_rate_per_year");
  for (std::size_t i = 0; i < 4; ++i) e.sets[i].push_back(0.2 + 0.01 * static_cast<double>(i));
  const ReplicationParameters hook = ensemble_parameters(e, 3);
  for (std::size_t r = 0; r < 3; ++r) {
    Scenario s = london();
    hook(s, r);
    EXPECT_EQ(s.behaviour.inactive_rate_per_year, e.sets[r][0]);
    EXPECT_EQ(behaviour_in_region(s, "London").search_rate_per_year, e.sets[r][1]);
  }
  Scenario s = london();
  EXPECT_THROW(hook(s, 3), std::out_of_range);
}

// All series of replication r of a run held in memory, one after another.
std::vector<double> replication_values(const sim::MemoryRecorder& rec, std::size_t r) {
  const std::size_t n = rec.weeks() * rec.entities();
  std::vector<double> out;
  for (std::size_t i = 0; i < rec.info().series.size(); ++i) {
    const auto& s = rec.series(i);
    out.insert(out.end(), s.begin() + static_cast<std::ptrdiff_t>(r * n),
               s.begin() + static_cast<std::ptrdiff_t>((r + 1) * n));
  }
  return out;
}

// The run library with the hook: replication r runs set r's values on r's
// seed, the same for 1 thread or 2.
TEST(EnsembleParameters, ReplicationRRunsSetRForAnyThreadCount) {
  const Scenario base = test_util::london_scenario(1, 5);
  const ParameterEnsemble e = weighted({1, 1, 1});
  auto run = [&](std::size_t threads, const ReplicationParameters& hook) {
    auto rec = std::make_unique<sim::MemoryRecorder>();
    RunSettings settings;
    settings.replications = 3;
    settings.threads = threads;
    settings.replication_parameters = hook;
    EXPECT_EQ(run_scenario(base, *rec, settings).status, RunOutcome::Status::kCompleted);
    return rec;
  };
  const auto one = run(1, ensemble_parameters(e, 3));
  const auto two = run(2, ensemble_parameters(e, 3));
  for (std::size_t r = 0; r < 3; ++r)
    EXPECT_EQ(replication_values(*one, r), replication_values(*two, r)) << r;
  // Every replication on set 2's value by hand: replication 2 is the same,
  // replication 1 (another value on the same seed) is not.
  const auto by_hand = run(
      1, [&](Scenario& sc, std::size_t) { sc.behaviour.inactive_rate_per_year = e.sets[2][0]; });
  EXPECT_EQ(replication_values(*by_hand, 2), replication_values(*one, 2));
  EXPECT_NE(replication_values(*by_hand, 1), replication_values(*one, 1));
}

}  // namespace
}  // namespace pledgesim::models
