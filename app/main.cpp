// pledgesim: the command-line program. Each command lives in its own file
// under app/commands/; this file parses the command line, runs the chosen
// command and maps what escapes it to an exit status, in this one place:
//   0 done; 2 bad input (sim::InputError, a bad option); 1 a failed write or
//   an internal error; 130 stopped by Ctrl-C or SIGTERM (from the command).
#include <CLI/CLI.hpp>

#include <iostream>
#include <vector>

#include "app/commands/command.hpp"
#include "app/commands/decimal_options.hpp"
#include "sim/core/input_error.hpp"
#include "sim/core/printable.hpp"
#include "sim/core/version.hpp"
#include "sim/io/output_file.hpp"

namespace {

// CLI11 says only that a command is needed: name an unknown first word.
int report_parse_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  std::string commands;
  bool known = false;
  for (const auto* c : app.get_subcommands({})) {
    commands += (commands.empty() ? "" : ", ") + c->get_name();
    known = known || (argc > 1 && c->get_name() == argv[1]);
  }
  if (argc > 1 && argv[1][0] != '-' && !known) {
    std::cerr << "pledgesim: unknown command '" << pledgesim::sim::printable(argv[1])
              << "' (commands: " << commands << ")\nRun with --help for usage.\n";
    return 2;
  }
  std::cerr << "pledgesim: " << pledgesim::sim::printable(e.what())
            << "\nRun with --help for usage.\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  namespace pa = pledgesim::app;
  CLI::App app{
      "pledgesim: an agent-based simulator of the labour market for children's social workers.\n"
      "Run `pledgesim <command> --help` for each command's options."};
  app.require_subcommand(1);
  app.set_version_flag("--version", pledgesim::sim::kSoftwareVersion);
  const std::vector<pa::Command> commands = {
      pa::add_run_command(app),         pa::add_resume_command(app),
      pa::add_validate_command(app),    pa::add_summarize_command(app),
      pa::add_compare_command(app),     pa::add_calibrate_command(app),
      pa::add_backtest_command(app),    pa::add_sweep_command(app),
      pa::add_sensitivity_command(app), pa::add_keys_command(app),
      pa::add_metrics_command(app),     pa::add_diff_command(app),
  };
  pa::read_integers_as_decimal(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return report_parse_error(app, e, argc, argv);
  }

  for (const auto& command : commands) {
    if (!*command.cli) continue;
    const std::string who = "pledgesim " + command.cli->get_name();
    try {
      return command.run();
    } catch (const pledgesim::sim::InputError& e) {
      // Messages quote text from files: no escape sequence reaches the terminal.
      std::cerr << who << ": " << (e.heading().empty() ? "" : e.heading() + "\n")
                << pledgesim::sim::printable(e.what()) << '\n';
      return 2;
    } catch (const pledgesim::sim::WriteError& e) {
      std::cerr << "pledgesim: " << pledgesim::sim::printable(e.what())
                << '\n';  // disk full, file too large, I/O error
      std::cout.flush();
      pledgesim::sim::exit_after_write_error(1);
    } catch (const std::exception& e) {
      std::cerr << "pledgesim: internal error: " << pledgesim::sim::printable(e.what()) << '\n';
      return 1;
    }
  }
  return 0;
}
