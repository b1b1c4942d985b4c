// `pledgesim summarize`: the annual indicators of a run file.
#include <iostream>
#include <memory>

#include "analysis/cpp/annual_summary.hpp"
#include "app/commands/command.hpp"
#include "app/commands/table_options.hpp"
#include "sim/core/printable.hpp"

namespace pledgesim::app {

namespace an = pledgesim::analysis;

Command add_summarize_command(CLI::App& app) {
  struct State {
    std::string file;
    TableOptions table;
  };
  auto s = std::make_shared<State>();
  auto* cmd = app.add_subcommand(
      "summarize",
      "Print the DfE-style annual indicators (30 September snapshots, financial-year costs) of a "
      "run file: means across replications with 90% intervals (prediction intervals, which "
      "include parameter uncertainty, for a run --parameters)");
  // (Files are checked by the readers, which also recognise NAME.partial.)
  cmd->add_option("file", s->file, "HDF5 file written by pledgesim run")->required();
  add_table_options(cmd, s->table);
  return {cmd, [s] {
            an::SummaryOptions o;
            o.by = *an::parse_grouping(s->table.by);
            o.indicators = s->table.indicators;
            o.interval = interval_option(s->table);
            const auto summary = an::summarize(an::open_run_file(s->file), o);
            std::cout << sim::printable(
                an::format_summary(summary, *an::parse_format(s->table.format)));
            if (s->table.format != "table")
              for (const auto& k : summary.table.skipped)
                std::cerr << "pledgesim summarize: not computed: " << k << '\n';
            return 0;
          }};
}

}  // namespace pledgesim::app
