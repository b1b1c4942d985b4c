// pledgesim: command-line entry point. Exit codes: 0 ok, 2 bad input,
// 1 internal error.
#include <CLI/CLI.hpp>

#include <iostream>

#include "analysis/cpp/annual_summary.hpp"
#include "models/scenario.hpp"
#include "models/scenario_schema.hpp"
#include "sim/app/run_command.hpp"

namespace {

int validate_command(const std::vector<std::string>& files) {
  int status = 0;
  for (const auto& f : files) {
    try {
      pledgesim::models::load_scenario_file(f);
      std::cout << f << ": ok\n";
    } catch (const pledgesim::models::ScenarioError& e) {
      std::cerr << e.what() << '\n';
      status = 2;
    }
  }
  return status;
}

int summarize_command(const std::string& file) {
  try {
    std::cout << pledgesim::analysis::format_summary(pledgesim::analysis::summarize_run(file));
    return 0;
  } catch (const pledgesim::analysis::FileError& e) {
    std::cerr << "pledgesim summarize: " << e.what() << '\n';
    return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "pledgesim: an agent-based simulator of the labour market for children's social workers.\n"
      "Run `pledgesim <command> --help` for each command's options."};
  app.require_subcommand(1);
  app.set_version_flag("--version", PLEDGESIM_VERSION);

  pledgesim::app::RunOptions run;
  std::int64_t years = 0;
  std::uint64_t seed = 0;
  auto* run_cmd = app.add_subcommand(
      "run",
      "Simulate a scenario and write its weekly series to an HDF5 file, then print a "
      "DfE-style annual summary.");
  run_cmd
      ->add_option("scenario", run.scenario_path,
                   "Scenario TOML file; without one, the built-in London baseline")
      ->check(CLI::ExistingFile);
  auto* years_opt =
      run_cmd->add_option("--years", years, "Simulated years (overrides the scenario)")
          ->check(CLI::Range(1, 100));
  auto* seed_opt = run_cmd->add_option(
      "--seed", seed, "Random seed (overrides the scenario); same seed = same output, bit for bit");
  run_cmd->add_option("--threads", run.threads, "Worker threads; 0 = all cores (default)")
      ->check(CLI::Range(0, 4096));
  run_cmd->add_option("--out", run.out,
                      "Output HDF5 file (default results/<scenario name>.h5); written as "
                      "FILE.partial and renamed when complete");
  run_cmd->add_option("--set", run.set,
                      "Override a scenario key, e.g. --set behaviour.exit_rate_per_year=0.06 "
                      "(repeatable; values are TOML)");
  run_cmd->add_flag("--quiet,-q", run.quiet, "No progress line or messages on stderr");
  run_cmd->add_flag("--print-scenario", run.print_scenario,
                    "Print the fully resolved scenario (every key, defaults included) and exit");
  bool no_summary = false;
  run_cmd->add_flag("--no-summary", no_summary, "Do not print the annual summary table");

  std::vector<std::string> validate_files;
  auto* validate_cmd =
      app.add_subcommand("validate",
                         "Check scenario files without running them; every problem is reported as "
                         "file:line: key: message");
  validate_cmd->add_option("files", validate_files, "Scenario TOML files")->required();

  std::string summarize_file;
  auto* summarize_cmd = app.add_subcommand(
      "summarize", "Print the DfE-style annual indicators (30 September snapshots) of a run file");
  summarize_cmd->add_option("file", summarize_file, "HDF5 file written by pledgesim run")
      ->required()
      ->check(CLI::ExistingFile);

  app.add_subcommand("keys", "Print the reference of every scenario key (Markdown table)")
      ->callback([] { std::cout << pledgesim::models::scenario_keys_markdown(); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "pledgesim: " << e.what() << "\nRun with --help for usage.\n";
    return 2;
  }

  try {
    if (*run_cmd) {
      if (*years_opt) run.years = years;
      if (*seed_opt) run.seed = seed;
      run.summary = !no_summary;
      return pledgesim::app::run_command(run);
    }
    if (*validate_cmd) return validate_command(validate_files);
    if (*summarize_cmd) return summarize_command(summarize_file);
    return 0;  // keys: printed by its callback
  } catch (const std::exception& e) {
    std::cerr << "pledgesim: internal error: " << e.what() << '\n';
    return 1;
  }
}
