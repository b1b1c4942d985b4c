// `pledgesim compare`: paired differences between run files.
#include <iostream>
#include <memory>

#include "analysis/cpp/compare.hpp"
#include "app/commands/command.hpp"
#include "app/commands/table_options.hpp"

namespace pledgesim::app {

namespace an = pledgesim::analysis;

Command add_compare_command(CLI::App& app) {
  struct State {
    std::vector<std::string> files;
    TableOptions table;
  };
  auto s = std::make_shared<State>();
  auto* cmd = app.add_subcommand(
      "compare",
      "Per indicator and year, B - A with a 90% interval from paired replications (common "
      "random numbers), flagged when it excludes zero; each further file is compared with A");
  cmd->add_option("files", s->files,
                  "A.h5 (the baseline) then B.h5 [C.h5 ...], written by pledgesim run")
      ->required()
      ->expected(2, -1);
  add_table_options(cmd, s->table);
  return {cmd, [s] {
            an::CompareOptions o;
            o.by = *an::parse_grouping(s->table.by);
            o.indicators = s->table.indicators;
            const auto a = an::open_run_file(s->files.front());
            std::vector<an::Comparison> cs;
            for (std::size_t k = 1; k < s->files.size(); ++k)
              cs.push_back(an::compare_runs(a, an::open_run_file(s->files[k]), o));
            std::cout << an::format_comparisons(cs, *an::parse_format(s->table.format));
            if (s->table.format != "table")
              for (const auto& c : cs)
                for (const auto& n : c.notes) std::cerr << "pledgesim compare: note: " << n << '\n';
            return 0;
          }};
}

}  // namespace pledgesim::app
