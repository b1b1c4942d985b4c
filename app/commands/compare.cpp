// `pledgesim compare`: paired differences between run files.
#include <algorithm>
#include <iostream>
#include <memory>

#include "analysis/cpp/compare.hpp"
#include "app/commands/command.hpp"
#include "app/commands/table_options.hpp"
#include "sim/core/printable.hpp"

namespace pledgesim::app {

namespace an = pledgesim::analysis;

Command add_compare_command(CLI::App& app) {
  struct State {
    std::vector<std::string> files;
    TableOptions table;
    bool allow_different_parameters = false;
  };
  auto s = std::make_shared<State>();
  auto* cmd = app.add_subcommand(
      "compare",
      "Per indicator and year, B - A with a 90% interval from paired replications (common "
      "random numbers and, with run --parameters, common parameters), flagged when it excludes "
      "zero; each further file is compared with A");
  cmd->add_option("files", s->files,
                  "A.h5 (the baseline) then B.h5 [C.h5 ...], written by pledgesim run")
      ->required()
      ->expected(2, -1);
  add_table_options(cmd, s->table);
  cmd->add_flag("--allow-different-parameters", s->allow_different_parameters,
                "Pair replications that ran different parameter values (run --parameters with "
                "different files, or in one run only) instead of refusing: the differences then "
                "mix the scenarios' effect with the parameters'");
  return {
      cmd, [s] {
        an::CompareOptions o;
        o.by = *an::parse_grouping(s->table.by);
        o.indicators = s->table.indicators;
        o.allow_different_parameters = s->allow_different_parameters;
        std::vector<an::RunFile> runs;
        for (const auto& f : s->files) runs.push_back(an::open_run_file(f));
        o.interval = interval_option(s->table);
        const std::vector<an::Comparison> cs = an::compare_with_first(runs, o);
        std::cout << sim::printable(an::format_comparisons(cs, *an::parse_format(s->table.format)));
        if (s->table.format != "table")
          for (const auto& c : cs)
            for (const auto& n : c.notes) std::cerr << "pledgesim compare: note: " << n << '\n';
        return 0;
      }};
}

}  // namespace pledgesim::app
