// `pledgesim keys`: the scenario key reference (docs/scenario-keys.md is its output).
#include <iostream>

#include "app/commands/command.hpp"
#include "models/scenario_schema.hpp"

namespace pledgesim::app {

Command add_keys_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("keys", "Print the reference of every scenario key (Markdown table)");
  return {cmd, [] {
            std::cout << models::scenario_keys_markdown();
            return 0;
          }};
}

}  // namespace pledgesim::app
