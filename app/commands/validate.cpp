// `pledgesim validate`: check scenario files without running them. Each file
// gets its own verdict, so this command reports its files' problems itself
// (every one, exit 2) rather than stopping at the first.
#include <iostream>
#include <memory>

#include "app/commands/command.hpp"
#include "models/scenario.hpp"
#include "sim/core/printable.hpp"
#include "sim/io/input_file.hpp"

namespace pledgesim::app {

Command add_validate_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("validate",
                                 "Check scenario files without running them; every problem is "
                                 "reported as file:line: key: message");
  cmd->add_option("files", *files, "Scenario TOML files")->required();
  return {cmd, [files] {
            int status = 0;
            for (const auto& f : *files) {
              if (const auto problem = sim::input_file_problem(f, sim::kMaxTextInputBytes)) {
                std::cerr << f << ": " << *problem << '\n';
                status = 2;
                continue;
              }
              try {
                models::load_scenario_file(f);
                std::cout << f << ": ok\n";
              } catch (const models::ScenarioError& e) {
                std::cerr << sim::printable(e.what()) << '\n';
                status = 2;
              }
            }
            return status;
          }};
}

}  // namespace pledgesim::app
