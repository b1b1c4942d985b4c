#include "models/metrics.hpp"

namespace pledgesim::models {

const std::vector<sim::SeriesSpec>& metric_specs() {
  static const std::vector<sim::SeriesSpec> specs = [] {
    std::vector<sim::SeriesSpec> s;
    s.reserve(kMetricTable.size());
    for (const MetricDef& d : kMetricTable)
      s.push_back(
          {std::string(d.name), std::string(d.units), std::string(d.description), d.integer});
    return s;
  }();
  return specs;
}

}  // namespace pledgesim::models
