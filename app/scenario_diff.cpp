// Flattening resolved scenarios to dotted keys and comparing them
// (app/scenario_diff.hpp). The value text is meant to read the same as the
// report's Python version (scenario_diff.py): floats in Python's repr form.
#include "app/scenario_diff.hpp"

#include <toml++/toml.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

#include "analysis/cpp/format.hpp"
#include "models/scenario.hpp"

namespace pledgesim::app {

namespace {

bool is_bare_key(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!(std::isalnum(c) || c == '_' || c == '-')) return false;
  return true;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

std::string key_part(const std::string& s) {
  return is_bare_key(s) ? s : quoted(s);
}

// As Python's repr(float): shortest round trip, fixed notation between 1e-4
// and 1e16 with at least one decimal, scientific with a two-digit exponent
// outside.
std::string float_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const double a = std::fabs(v);
  const bool scientific = a != 0.0 && (a < 1e-4 || a >= 1e16);
  const auto r =
      std::to_chars(buf, buf + sizeof buf, v,
                    scientific ? std::chars_format::scientific : std::chars_format::fixed);
  std::string s(buf, r.ptr);
  if (!scientific && s.find('.') == std::string::npos) s += ".0";
  return s;
}

std::string value_text(const toml::node& node);

std::string array_text(const toml::array& array) {
  std::string out = "[";
  for (std::size_t i = 0; i < array.size(); ++i) out += (i ? ", " : "") + value_text(*array.get(i));
  return out + "]";
}

std::string value_text(const toml::node& node) {
  if (const auto* s = node.as_string()) return quoted(s->get());
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return float_text(f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* a = node.as_array()) return array_text(*a);
  std::ostringstream os;  // dates, times, inline tables inside arrays
  node.visit([&](const auto& n) { os << n; });
  return os.str();
}

bool is_array_of_tables(const toml::array& a) {
  if (a.empty()) return false;
  for (const auto& e : a)
    if (!e.is_table()) return false;
  return true;
}

void flatten(const toml::table& table, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  for (const auto& [k, node] : table) {
    const std::string key = prefix + (prefix.empty() ? "" : ".") + key_part(std::string(k.str()));
    if (const auto* t = node.as_table()) {
      flatten(*t, key, out);
    } else if (const auto* a = node.as_array(); a && is_array_of_tables(*a)) {
      for (std::size_t i = 0; i < a->size(); ++i)
        flatten(*a->get(i)->as_table(), key + "[" + std::to_string(i) + "]", out);
    } else {
      out[key] = value_text(node);
    }
  }
}

}  // namespace

std::map<std::string, std::string> flatten_toml(const std::string& text,
                                                const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw models::ScenarioError(
        {{source_name, static_cast<int>(e.source().begin.line), "", std::string(e.description())}});
  }
  std::map<std::string, std::string> out;
  flatten(root, "", out);
  return out;
}

std::vector<KeyDifference> diff_keys(const std::map<std::string, std::string>& a,
                                     const std::map<std::string, std::string>& b) {
  using Change = KeyDifference::Change;
  std::vector<KeyDifference> out;
  auto ia = a.begin();
  auto ib = b.begin();
  // Both maps are sorted by key: one merge pass.
  while (ia != a.end() || ib != b.end()) {
    if (ib == b.end() || (ia != a.end() && ia->first < ib->first)) {
      out.push_back({ia->first, Change::only_a, ia->second, ""});
      ++ia;
    } else if (ia == a.end() || ib->first < ia->first) {
      out.push_back({ib->first, Change::only_b, "", ib->second});
      ++ib;
    } else {
      if (ia->second != ib->second)
        out.push_back({ia->first, Change::differs, ia->second, ib->second});
      ++ia;
      ++ib;
    }
  }
  return out;
}

std::string change_name(KeyDifference::Change change) {
  switch (change) {
    case KeyDifference::Change::only_a:
      return "only in A";
    case KeyDifference::Change::only_b:
      return "only in B";
    case KeyDifference::Change::differs:
      return "differs";
  }
  return "";
}

namespace {

// Markdown cells: a pipe would end the cell.
std::string markdown_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out.empty() ? "" : "`" + out + "`";
}

}  // namespace

std::string format_diff(const std::vector<KeyDifference>& diffs, const std::string& format,
                        const std::string& label_a, const std::string& label_b) {
  std::string out;
  if (format == "csv") {
    out = "key,change,a,b\n";
    for (const auto& d : diffs)
      out += analysis::csv_field(d.key) + ',' + analysis::csv_field(change_name(d.change)) + ',' +
             analysis::csv_field(d.a) + ',' + analysis::csv_field(d.b) + '\n';
    return out;
  }
  if (format == "markdown") {
    out = "| key | change | A: " + label_a + " | B: " + label_b + " |\n|---|---|---|---|\n";
    for (const auto& d : diffs)
      out += "| " + markdown_cell(d.key) + " | " + change_name(d.change) + " | " +
             markdown_cell(d.a) + " | " + markdown_cell(d.b) + " |\n";
    return out;
  }
  if (diffs.empty()) return "The resolved scenarios are the same.\n";
  std::vector<std::vector<std::string>> rows{{"key", "change", "A: " + label_a, "B: " + label_b}};
  for (const auto& d : diffs)
    rows.push_back(
        {d.key, change_name(d.change), d.a.empty() ? "-" : d.a, d.b.empty() ? "-" : d.b});
  return analysis::align_columns(rows, 4) + std::to_string(diffs.size()) + " key" +
         (diffs.size() == 1 ? " differs.\n" : "s differ.\n");
}

}  // namespace pledgesim::app
