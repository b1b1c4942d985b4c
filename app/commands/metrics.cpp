// `pledgesim metrics`: the output reference (docs/output-reference.md is its output).
#include <iostream>

#include "app/commands/command.hpp"
#include "app/metrics_reference.hpp"

namespace pledgesim::app {

Command add_metrics_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "metrics", "Print the reference of the output series and indicators (Markdown tables)");
  return {cmd, [] {
            std::cout << metrics_reference_markdown();
            return 0;
          }};
}

}  // namespace pledgesim::app
