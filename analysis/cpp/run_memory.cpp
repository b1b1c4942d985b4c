#include "analysis/cpp/run_memory.hpp"

#include <algorithm>

#include "sim/io/hdf5_recorder.hpp"

namespace pledgesim::analysis {

namespace {

class MemorySeries final : public SeriesSource {
 public:
  explicit MemorySeries(const sim::MemoryRecorder& recorder) : recorder_(recorder) {}
  std::vector<double> read(const std::string& name) const override {
    const auto& specs = recorder_.info().series;
    for (std::size_t s = 0; s < specs.size(); ++s)
      if (specs[s].name == name) return recorder_.series(s);
    throw FileError("<memory>: no series " + name);
  }

 private:
  const sim::MemoryRecorder& recorder_;
};

template <class Column>
const auto& column(const std::vector<std::pair<std::string, Column>>& columns,
                   const std::string& name) {
  const auto it =
      std::find_if(columns.begin(), columns.end(), [&](const auto& c) { return c.first == name; });
  if (it == columns.end()) throw FileError("<memory>: the run has no employer column " + name);
  return it->second;
}

}  // namespace

RunFile run_in_memory(const sim::MemoryRecorder& recorder) {
  const sim::RunInfo& info = recorder.info();
  if (!recorder.complete())
    throw FileError("<memory>: run " + info.scenario_name + " did not complete");
  RunFile r;
  r.path = "<memory: " + info.scenario_name + ">";
  r.format = "pledgesim";
  r.format_version = sim::kFormatVersion;
  r.software_version = info.software_version;
  r.rng_contract = info.rng_contract;
  r.scenario_name = info.scenario_name;
  r.seed = info.seed;
  r.replication_seeds = info.replication_seeds.empty() ? std::vector<std::uint64_t>{info.seed}
                                                       : info.replication_seeds;
  r.replications = info.replications();
  r.dates = recorder.dates();
  const sim::EntityTable& employers = info.entities;
  r.employer_name = column(employers.strings, "name");
  r.employer_region = column(employers.strings, "region");
  r.employer_subregion = column(employers.strings, "subregion");
  r.employer_inner_london = column(employers.integers, "inner_london");
  for (const auto& s : info.series) r.series_names.push_back(s.name);
  r.source = std::make_shared<MemorySeries>(recorder);
  return r;
}

}  // namespace pledgesim::analysis
