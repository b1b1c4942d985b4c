#include "app/metrics_reference.hpp"

#include <algorithm>
#include <sstream>
#include <string_view>
#include <vector>

#include "analysis/cpp/indicators.hpp"
#include "models/metrics.hpp"

namespace pledgesim::app {

namespace {

// Text for a Markdown table cell: '|' would end the cell.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

const models::MetricDef* find_metric(const std::string& name) {
  const auto& table = models::kMetricTable;
  const auto it = std::find_if(table.begin(), table.end(),
                               [&](const models::MetricDef& d) { return d.name == name; });
  return it == table.end() ? nullptr : &*it;
}

// The period an indicator covers. In the year to 30 September, an indicator
// of stocks only is the 30 September snapshot, one of flows only the sum
// over the year, and one of both (a rate) mixes them.
std::string period_of(const analysis::IndicatorDef& d) {
  if (d.kind == analysis::PeriodKind::kFinancialYear) return "financial year (April to March)";
  bool stocks = false, flows = false;
  for (const auto& s : d.needs) {
    const models::MetricDef* m = find_metric(s);
    if (!m) continue;
    (m->aggregation == models::kStock ? stocks : flows) = true;
  }
  if (stocks && !flows) return "year to 30 September: snapshot at 30 September";
  if (flows && !stocks) return "year to 30 September: sum over the year";
  return "year to 30 September: flows over the year, stocks at 30 September";
}

std::string series_list(const analysis::IndicatorDef& d) {
  std::string out;
  for (const auto& s : d.needs) out += (out.empty() ? "`" : ", `") + s + "`";
  if (!d.optional.empty()) {
    out += " (and ";
    for (std::size_t k = 0; k < d.optional.size(); ++k)
      out += (k == 0 ? "`" : ", `") + d.optional[k] + "`";
    out += " when recorded)";
  }
  return out;
}

}  // namespace

std::string metrics_reference_markdown() {
  std::ostringstream out;
  out << "## Weekly series\n\n"
      << "`/series/<name>`: one value per authority per week, in this order. A *stock* is a "
         "level at the end of the week, a *flow* a sum over the week.\n\n"
      << "| series | units | stock or flow | type | description |\n|---|---|---|---|---|\n";
  for (const models::MetricDef& d : models::kMetricTable)
    out << "| `" << d.name << "` | " << cell(d.units) << " | "
        << (d.aggregation == models::kStock ? "stock" : "flow") << " | "
        << (d.integer ? "integer" : "float") << " | " << cell(d.description) << " |\n";

  out << "\n## Indicators of `pledgesim summarize`\n\n"
      << "Per group of authorities and period, from the weekly series; an indicator whose "
         "series the file lacks is skipped.\n\n"
      << "| indicator | units | period | description | series read |\n|---|---|---|---|---|\n";
  for (const analysis::IndicatorDef& d : analysis::indicator_defs())
    out << "| `" << d.name << "` | " << cell(d.units) << " | " << period_of(d) << " | "
        << cell(d.description) << " | " << series_list(d) << " |\n";
  return out.str();
}

}  // namespace pledgesim::app
