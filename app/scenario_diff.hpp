// The keys where two resolved scenarios differ (`pledgesim diff`, and the
// report's "what differs" table, which computes the same in Python from
// /scenario/text: analysis/pledgesim_analysis/scenario_diff.py).
//
// Both scenarios are written as fully resolved TOML (models::to_toml) and
// flattened to dotted keys: tables by name (parts that are not bare TOML keys
// are quoted), arrays of tables by index (policies[0].kind), any other value
// (numbers, strings, dates, arrays of values) as one leaf written as TOML.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace pledgesim::app {

// Dotted key -> the value as TOML text, of a TOML document.
std::map<std::string, std::string> flatten_toml(const std::string& text,
                                                const std::string& source_name);

struct KeyDifference {
  enum class Change { only_a, only_b, differs };
  std::string key;
  Change change;
  std::string a;  // empty when only in B
  std::string b;  // empty when only in A
};

// Every key only in A, only in B, or with different values, in key order.
std::vector<KeyDifference> diff_keys(const std::map<std::string, std::string>& a,
                                     const std::map<std::string, std::string>& b);

// "only in A", "only in B", "differs".
std::string change_name(KeyDifference::Change change);

// The differences as a table: "text" (aligned columns), "csv" (key,change,a,b)
// or "markdown"; `label_a`/`label_b` head the value columns.
std::string format_diff(const std::vector<KeyDifference>& diffs, const std::string& format,
                        const std::string& label_a, const std::string& label_b);

}  // namespace pledgesim::app
