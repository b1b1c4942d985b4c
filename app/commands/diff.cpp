// `pledgesim diff [A] B [--set KEY=VALUE ...]`: the keys where two
// scenarios differ, once each is resolved as `pledgesim run` resolves it
// (includes, inputs table and defaults applied; app/scenario_diff.hpp).
// Without A, A is the built-in London scenario (what `run` runs without a
// scenario); --set overrides keys of B as `run --set` does. Exit status as
// diff(1): 0 the resolved scenarios are the same, 1 they differ, 2 a file
// or an override cannot be read.
#include <iostream>
#include <memory>

#include "app/commands/command.hpp"
#include "app/run_command.hpp"
#include "app/scenario_diff.hpp"
#include "sim/core/printable.hpp"

namespace pledgesim::app {

Command add_diff_command(CLI::App& app) {
  struct State {
    std::vector<std::string> files;
    std::vector<std::string> set;
    std::string format = "text";
  };
  auto s = std::make_shared<State>();
  auto* cmd = app.add_subcommand(
      "diff",
      "Compare two scenarios key by key after resolving each as `pledgesim run` does (includes, "
      "inputs and defaults applied): list the keys only in A, only in B, and those whose values "
      "differ (arrays of tables by index, e.g. policies[0].kind). With one scenario, A is the "
      "built-in London scenario. Exit status 0 when the resolved scenarios are the same, 1 when "
      "they differ, 2 when a file or override cannot be read");
  cmd->add_option("scenarios", s->files,
                  "Scenarios A and B (TOML files); with B alone, A is the built-in London "
                  "scenario")
      ->required()
      ->expected(1, 2)
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", s->set,
                  "Override a key of B, as `run --set` does, e.g. --set "
                  "behaviour.exit_rate_per_year=0.06 (repeatable; values are TOML)");
  cmd->add_option("--format", s->format,
                  "text (aligned columns), csv (key,change,a,b; values as TOML), or markdown")
      ->check(CLI::IsMember({"text", "csv", "markdown"}))
      ->capture_default_str();
  return {cmd, [s] {
            RunOptions oa, ob;
            if (s->files.size() == 2) oa.scenario_path = s->files.front();
            ob.scenario_path = s->files.back();
            ob.set = s->set;
            const auto sa = resolve_scenario(oa);
            const auto sb = resolve_scenario(ob);
            const std::string where_a =
                oa.scenario_path.empty() ? std::string("built-in") : oa.scenario_path;
            std::string where_b = ob.scenario_path;
            for (const auto& kv : s->set) where_b += " --set " + kv;
            const auto diffs = diff_keys(flatten_toml(models::to_toml(sa), where_a),
                                         flatten_toml(models::to_toml(sb), where_b));
            std::cout << sim::printable(format_diff(
                diffs, s->format, sa.name + " (" + where_a + ")", sb.name + " (" + where_b + ")"));
            return diffs.empty() ? 0 : 1;
          }};
}

}  // namespace pledgesim::app
