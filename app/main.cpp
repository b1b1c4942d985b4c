// pledgesim: command-line entry point. Exit codes: 0 ok, 2 bad input,
// 1 internal error.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "analysis/cpp/annual_summary.hpp"
#include "analysis/cpp/compare.hpp"
#include "analysis/cpp/sensitivity_report.hpp"
#include "app/calibration.hpp"
#include "app/cli_checkpoint.hpp"
#include "app/metrics_reference.hpp"
#include "app/run_command.hpp"
#include "app/sweep.hpp"
#include "models/scenario.hpp"
#include "models/scenario_schema.hpp"
#include "sim/io/output_file.hpp"

namespace {

int validate_command(const std::vector<std::string>& files) {
  int status = 0;
  for (const auto& f : files) {
    if (const auto problem = pledgesim::sim::input_file_problem(f)) {
      std::cerr << *problem << '\n';
      status = 2;
      continue;
    }
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

namespace an = pledgesim::analysis;

struct TableOptions {
  std::string by = "total";
  std::string format = "table";
  std::vector<std::string> indicators;
};

void add_table_options(CLI::App* cmd, TableOptions& t) {
  cmd->add_option("--by", t.by,
                  "Groups of employers: total (London, when the run has other regions, and all), "
                  "region (each region, Inner/Outer London, all), subregion, or authority")
      ->check(CLI::IsMember({"total", "region", "subregion", "authority"}))
      ->capture_default_str();
  cmd->add_option("--format", t.format, "table (terminal), csv, or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--indicator", t.indicators,
                  "Only these indicators (repeatable; default all), e.g. --indicator agency_rate");
}

int summarize_command(const std::string& file, const TableOptions& t) {
  try {
    an::SummaryOptions o;
    o.by = *an::parse_grouping(t.by);
    o.indicators = t.indicators;
    const auto s = an::summarize(an::open_run_file(file), o);
    std::cout << an::format_summary(s, *an::parse_format(t.format));
    if (t.format != "table")
      for (const auto& k : s.table.skipped)
        std::cerr << "pledgesim summarize: not computed: " << k << '\n';
    return 0;
  } catch (const an::FileError& e) {
    std::cerr << "pledgesim summarize: " << e.what() << '\n';
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "pledgesim summarize: " << e.what() << '\n';
    return 2;
  }
}

int compare_command(const std::vector<std::string>& files, const TableOptions& t) {
  try {
    an::CompareOptions o;
    o.by = *an::parse_grouping(t.by);
    o.indicators = t.indicators;
    const auto a = an::open_run_file(files.front());
    std::vector<an::Comparison> cs;
    for (std::size_t k = 1; k < files.size(); ++k)
      cs.push_back(an::compare_runs(a, an::open_run_file(files[k]), o));
    std::cout << an::format_comparisons(cs, *an::parse_format(t.format));
    if (t.format != "table")
      for (const auto& c : cs)
        for (const auto& n : c.notes) std::cerr << "pledgesim compare: note: " << n << '\n';
    return 0;
  } catch (const an::FileError& e) {
    std::cerr << "pledgesim compare: " << e.what() << '\n';
    return 2;
  } catch (const an::CompareError& e) {
    std::cerr << "pledgesim compare: " << e.what() << '\n';
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "pledgesim compare: " << e.what() << '\n';
    return 2;
  }
}

struct CalibrateOptions {
  std::string targets;
  std::string out;
  std::size_t threads = 0;
  bool quiet = false;
  bool force = false;
};

int calibrate_command(const CalibrateOptions& o) {
  namespace pa = pledgesim::app;
  pa::CalibrationSpec spec;
  try {
    spec = pa::load_calibration_spec(o.targets);
  } catch (const pledgesim::models::ScenarioError& e) {
    std::cerr << "pledgesim calibrate: invalid targets file\n" << e.what() << '\n';
    return 2;
  }
  const std::string out =
      o.out.empty()
          ? "results/calibration_" + std::filesystem::path(o.targets).stem().string() + ".toml"
          : o.out;
  if (const auto problem = pledgesim::sim::output_file_problem(out, o.force)) {
    std::cerr << "pledgesim calibrate: " << *problem << '\n';
    return 2;
  }
  const auto progress = [&](int k, const pa::CalibrationPoint& point,
                            const pa::CalibrationPoint& best) {
    if (o.quiet) return;
    std::fprintf(stderr, "pledgesim calibrate: evaluation %d/%d  objective %.4g  best %.4g\n", k,
                 spec.max_evaluations, point.objective, best.objective);
  };
  const pa::CalibrationResult result = pa::calibrate(spec, o.threads, progress);
  const std::string text = pa::calibration_result_toml(spec, result);
  pledgesim::sim::write_file_atomically(out, text);  // WriteError: exit 1
  std::cout << pa::format_fit_table(spec, result);
  if (!o.quiet) std::cerr << "pledgesim calibrate: wrote " << out << '\n';
  return 0;
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
  std::int64_t seed = 0;  // stored as int64 in the files (R has no unsigned 64-bit type)
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
  auto* seed_opt =
      run_cmd
          ->add_option("--seed", seed,
                       "Random seed (overrides the scenario); same seed = same output, bit for bit")
          // The scenario key's range (models/scenario_schema.cpp): below 2^63.
          ->check(CLI::Range(std::int64_t{0}, std::int64_t{9'200'000'000'000'000'000}));
  run_cmd->add_option("--threads", run.threads, "Worker threads; 0 = all cores (default)")
      ->check(CLI::Range(0, 4096));
  run_cmd
      ->add_option("--replications", run.replications,
                   "Replications, run in parallel into one file ([replications, weeks, "
                   "employers] series when more than 1); replication 0 uses the seed itself, "
                   "the others seeds derived from it, so two scenarios run with the same "
                   "--seed and --replications share random numbers")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  run_cmd->add_option("--out", run.out,
                      "Output HDF5 file (default results/<scenario name>.h5); written as "
                      "FILE.partial and renamed when complete");
  run_cmd->add_option("--set", run.set,
                      "Override a scenario key, e.g. --set behaviour.exit_rate_per_year=0.06 "
                      "(repeatable; values are TOML)");
  run_cmd->add_flag("--quiet,-q", run.quiet, "No progress line or messages on stderr");
  run_cmd->add_flag("--force", run.force, "Overwrite the output file if it exists");
  run_cmd->add_flag("--check", run.check,
                    "Verify the market's invariants every week (conservation, stocks and flows, "
                    "valid employers, non-negative costs); exit 1 on the first violation");
  run_cmd->add_flag("--print-scenario", run.print_scenario,
                    "Print the fully resolved scenario (every key, defaults included) and exit");
  bool no_summary = false;
  run_cmd->add_flag("--no-summary", no_summary, "Do not print the annual summary table");
  pledgesim::app::add_checkpoint_options(run_cmd, run);
  pledgesim::app::ResumeCli resume;
  auto* resume_cmd = pledgesim::app::add_resume_command(app, resume);

  std::vector<std::string> validate_files;
  auto* validate_cmd =
      app.add_subcommand("validate",
                         "Check scenario files without running them; every problem is reported as "
                         "file:line: key: message");
  validate_cmd->add_option("files", validate_files, "Scenario TOML files")->required();

  std::string summarize_file;
  TableOptions summarize_opts;
  auto* summarize_cmd = app.add_subcommand(
      "summarize",
      "Print the DfE-style annual indicators (30 September snapshots, financial-year costs) of a "
      "run file: means across replications with 90% intervals");
  // (Files are checked by the readers, which also recognise NAME.partial.)
  summarize_cmd->add_option("file", summarize_file, "HDF5 file written by pledgesim run")
      ->required();
  add_table_options(summarize_cmd, summarize_opts);

  std::vector<std::string> compare_files;
  TableOptions compare_opts;
  auto* compare_cmd = app.add_subcommand(
      "compare",
      "Per indicator and year, B - A with a 90% interval from paired replications (common "
      "random numbers), flagged when it excludes zero; each further file is compared with A");
  compare_cmd
      ->add_option("files", compare_files,
                   "A.h5 (the baseline) then B.h5 [C.h5 ...], written by pledgesim run")
      ->required()
      ->expected(2, -1);
  add_table_options(compare_cmd, compare_opts);

  CalibrateOptions calibrate_opts;
  auto* calibrate_cmd = app.add_subcommand(
      "calibrate",
      "Fit behavioural parameters to observed indicators by the method of simulated moments "
      "(Nelder-Mead, replications with common random numbers); prints the fit table");
  calibrate_cmd
      ->add_option("targets", calibrate_opts.targets,
                   "Targets file (TOML): scenario, [[parameters]] with bounds, [[targets]] with "
                   "observed values; see docs/calibration.md")
      ->required()
      ->check(CLI::ExistingFile);
  calibrate_cmd->add_option("--out", calibrate_opts.out,
                            "Result file (TOML; default results/calibration_<targets name>.toml)");
  calibrate_cmd->add_option("--threads", calibrate_opts.threads, "Worker threads; 0 = all cores")
      ->check(CLI::Range(0, 4096));
  calibrate_cmd->add_flag("--quiet,-q", calibrate_opts.quiet, "No progress lines on stderr");
  calibrate_cmd->add_flag("--force", calibrate_opts.force,
                          "Overwrite the result file if it exists");

  pledgesim::app::SweepOptions sweep_opts;
  auto* sweep_cmd = app.add_subcommand(
      "sweep",
      "Run a base scenario at the points of a design (grid, Latin hypercube, Saltelli, Morris) "
      "with replications, in parallel (or across MPI ranks under mpirun), into one HDF5 file of "
      "annual outcomes per run; rerunning an interrupted sweep resumes it");
  sweep_cmd->add_option("sweep", sweep_opts.sweep_file, "Sweep file (TOML); see docs/sweeps.md")
      ->required()
      ->check(CLI::ExistingFile);
  sweep_cmd->add_option("--out", sweep_opts.out,
                        "Output HDF5 file (default results/<sweep name>.h5); completed runs are "
                        "kept in OUT.runs/ until the file is written");
  sweep_cmd
      ->add_option("--threads", sweep_opts.threads,
                   "Worker threads (per MPI rank); 0 = all cores (shared among local ranks)")
      ->check(CLI::Range(0, 4096));
  sweep_cmd->add_flag("--quiet,-q", sweep_opts.quiet, "No progress or messages on stderr");
  sweep_cmd->add_flag("--force", sweep_opts.force, "Overwrite the output file if it exists");
  sweep_cmd
      ->add_option("--max-runs", sweep_opts.max_runs,
                   "Stop after this many runs (e.g. to fit a batch slot); run the same command "
                   "again to continue")
      ->check(CLI::Range(1, 1000000000));

  std::string sensitivity_file;
  pledgesim::analysis::SensitivityOptions sensitivity_opts;
  bool sensitivity_no_write = false;
  auto* sensitivity_cmd = app.add_subcommand(
      "sensitivity",
      "Sensitivity indices of a sweep's outcomes: Morris elementary effects (mu*, sigma) for a "
      "morris design, Sobol first- and total-order indices with 90% bootstrap intervals for a "
      "saltelli design; printed and stored in the file under /sensitivity");
  sensitivity_cmd->add_option("file", sensitivity_file, "HDF5 file written by pledgesim sweep")
      ->required()
      ->check(CLI::ExistingFile);
  sensitivity_cmd->add_option("--outcome", sensitivity_opts.outcomes,
                              "Only these outcomes (repeatable; default all), e.g. "
                              "--outcome agency_rate.London.2022");
  sensitivity_cmd
      ->add_option("--bootstrap", sensitivity_opts.bootstrap,
                   "Bootstrap resamples for the Sobol intervals (0: none)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  sensitivity_cmd->add_option("--format", sensitivity_opts.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  sensitivity_cmd->add_flag("--no-write", sensitivity_no_write,
                            "Do not store the indices in the file");
  sensitivity_cmd->add_flag("--force", sensitivity_opts.force,
                            "Replace indices stored in the file that were computed otherwise "
                            "(another method or --bootstrap count)");

  app.add_subcommand("keys", "Print the reference of every scenario key (Markdown table)")
      ->callback([] { std::cout << pledgesim::models::scenario_keys_markdown(); });
  app.add_subcommand("metrics",
                     "Print the reference of the output series and indicators (Markdown tables)")
      ->callback([] { std::cout << pledgesim::app::metrics_reference_markdown(); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A first word that is no command: name it (CLI11 only says one is needed).
    std::string commands;
    bool known = false;
    for (const auto* c : app.get_subcommands({})) {
      commands += (commands.empty() ? "" : ", ") + c->get_name();
      known = known || (argc > 1 && c->get_name() == argv[1]);
    }
    if (argc > 1 && argv[1][0] != '-' && !known) {
      std::cerr << "pledgesim: unknown command '" << argv[1] << "' (commands: " << commands
                << ")\nRun with --help for usage.\n";
      return 2;
    }
    std::cerr << "pledgesim: " << e.what() << "\nRun with --help for usage.\n";
    return 2;
  }

  try {
    if (*run_cmd) {
      if (*years_opt) run.years = years;
      if (*seed_opt) run.seed = static_cast<std::uint64_t>(seed);
      run.summary = !no_summary;
      return pledgesim::app::run_command(run);
    }
    if (*resume_cmd) {
      resume.options.summary = !resume.no_summary;
      return pledgesim::app::resume_command(resume.checkpoint, resume.options);
    }
    if (*validate_cmd) return validate_command(validate_files);
    if (*summarize_cmd) return summarize_command(summarize_file, summarize_opts);
    if (*compare_cmd) return compare_command(compare_files, compare_opts);
    if (*calibrate_cmd) return calibrate_command(calibrate_opts);
    if (*sweep_cmd) return pledgesim::app::sweep_command(sweep_opts);
    if (*sensitivity_cmd) {
      sensitivity_opts.write_back = !sensitivity_no_write;
      try {
        std::cout << pledgesim::analysis::sensitivity_report(sensitivity_file, sensitivity_opts);
        return 0;
      } catch (const pledgesim::analysis::FileError& e) {
        std::cerr << "pledgesim sensitivity: " << e.what() << '\n';
        return 2;
      } catch (const std::invalid_argument& e) {
        std::cerr << "pledgesim sensitivity: " << e.what() << '\n';
        return 2;
      }
    }
    return 0;  // keys, metrics: printed by their callbacks
  } catch (const pledgesim::sim::WriteError& e) {
    std::cerr << "pledgesim: " << e.what() << '\n';  // disk full, file too large, I/O error
    std::cout.flush();
    pledgesim::sim::exit_after_write_error(1);
  } catch (const std::exception& e) {
    std::cerr << "pledgesim: internal error: " << e.what() << '\n';
    return 1;
  }
}
