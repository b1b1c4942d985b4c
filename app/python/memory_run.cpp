#include "app/python/memory_run.hpp"

#include <utility>

#include "analysis/cpp/annual_summary.hpp"
#include "analysis/cpp/compare.hpp"
#include "analysis/cpp/run_memory.hpp"
#include "models/parameter_ensemble.hpp"
#include "models/runner.hpp"

namespace pledgesim::app::python {

namespace an = pledgesim::analysis;

std::unique_ptr<sim::MemoryRecorder> run_in_memory(const models::Scenario& scenario,
                                                   const MemoryRunRequest& request,
                                                   const std::atomic<bool>& stop) {
  auto recorder = std::make_unique<sim::MemoryRecorder>();
  models::RunSettings settings;
  settings.replications = request.replications;
  settings.threads = request.threads;
  settings.record_events = request.events;
  if (!request.parameters.empty()) {
    const models::ParameterEnsemble ensemble =
        models::load_parameter_ensemble(request.parameters, scenario);
    settings.replication_parameters = models::ensemble_parameters(ensemble, request.replications);
    settings.parameter_table =
        models::ensemble_table(ensemble, request.parameters, request.replications);
  }
  // Python owns SIGINT: the binding turns Ctrl-C into `stop`, polled weekly.
  settings.stop_requested = [&stop](std::int64_t) { return stop.load(); };
  const models::RunOutcome outcome = models::run_scenario(scenario, *recorder, settings);
  if (outcome.status == models::RunOutcome::Status::kStopped) return nullptr;
  return recorder;
}

namespace {

// Series held as vectors, by name: a run rebuilt from arrays.
class ArraySeries final : public an::SeriesSource {
 public:
  explicit ArraySeries(std::map<std::string, std::vector<double>> series)
      : series_(std::move(series)) {}
  std::vector<double> read(const std::string& name) const override {
    const auto it = series_.find(name);
    if (it == series_.end()) throw an::FileError("<arrays>: no series " + name);
    return it->second;
  }

 private:
  std::map<std::string, std::vector<double>> series_;
};

an::SummaryOptions summary_options(const TableRequest& request) {
  an::SummaryOptions o;
  const auto by = an::parse_grouping(request.by);
  if (!by)
    throw sim::InputError("by: '" + request.by +
                          "' is not a grouping (total, region, subregion, authority)");
  o.by = *by;
  o.indicators = request.indicators;
  if (!request.interval.empty()) {
    o.interval = an::parse_interval_kind(request.interval);
    if (!o.interval)
      throw sim::InputError("interval: '" + request.interval +
                            "' is not an interval kind (mean, prediction)");
  }
  return o;
}

}  // namespace

an::RunFile run_from_arrays(an::RunFile run, std::map<std::string, std::vector<double>> series) {
  const std::size_t cells = run.replications * run.weeks() * run.employers();
  run.series_names.clear();
  for (const auto& [name, values] : series) {
    if (values.size() != cells)
      throw an::FileError("<arrays>: series " + name + " has " + std::to_string(values.size()) +
                          " values; replications x weeks x employers is " + std::to_string(cells));
    run.series_names.push_back(name);
  }
  if (run.replication_seeds.size() != run.replications)
    throw an::FileError("<arrays>: " + std::to_string(run.replication_seeds.size()) +
                        " replication seeds for " + std::to_string(run.replications) +
                        " replications");
  run.source = std::make_shared<ArraySeries>(std::move(series));
  return run;
}

CsvTable summary_csv(const an::RunFile& run, const TableRequest& request) {
  const an::Summary summary = an::summarize(run, summary_options(request));
  CsvTable t{an::format_summary(summary, an::Format::kCsv), {}};
  for (const auto& k : summary.table.skipped) t.notes.push_back("not computed: " + k);
  return t;
}

CsvTable comparison_csv(const std::vector<an::RunFile>& runs, const TableRequest& request) {
  const an::SummaryOptions s = summary_options(request);
  an::CompareOptions o;
  o.by = s.by;
  o.indicators = s.indicators;
  o.interval = s.interval;
  o.allow_different_parameters = request.allow_different_parameters;
  const std::vector<an::Comparison> comparisons = an::compare_with_first(runs, o);
  CsvTable t{an::format_comparisons(comparisons, an::Format::kCsv), {}};
  for (const auto& c : comparisons) t.notes.insert(t.notes.end(), c.notes.begin(), c.notes.end());
  return t;
}

}  // namespace pledgesim::app::python
