// `pledgesim metrics`: the reference of a run's output, generated from the
// tables the program itself uses (models::kMetricTable and
// analysis::indicator_defs()), so docs/output-reference.md cannot drift.
#pragma once

#include <string>

namespace pledgesim::app {

// Markdown: the weekly series (name, units, stock or flow, integer or float,
// description) and the indicators of `pledgesim summarize` (name, units,
// period, description, the series each reads).
std::string metrics_reference_markdown();

}  // namespace pledgesim::app
