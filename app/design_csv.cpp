#include "app/design_csv.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <set>
#include <string_view>

#include "models/scenario.hpp"

namespace pledgesim::app {

namespace {

// Enough problems to see what is wrong with a file without flooding the
// terminal when every row is.
constexpr std::size_t kMaxIssues = 20;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

// The whole of `s` as a number (from_chars: the C locale, no leading '+').
std::optional<double> number(std::string_view s) {
  double x = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (error != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return x;
}

std::string quoted(std::string_view s) {
  constexpr std::size_t kShown = 40;
  // Appended piece by piece: "'" + std::string trips GCC 12's -Wrestrict.
  std::string out(1, '\'');
  out.append(s.substr(0, kShown));
  out.append(s.size() > kShown ? "...'" : "'");
  return out;
}

class Issues {
 public:
  explicit Issues(std::string file) : file_(std::move(file)) {}
  void add(std::int64_t line, std::string key, std::string message) {
    if (list_.size() < kMaxIssues)
      list_.push_back({file_, line, std::move(key), std::move(message)});
    else
      ++more_;
  }
  void throw_if_any() {
    if (list_.empty()) return;
    if (more_ > 0)
      list_.push_back({file_, 0, "", std::to_string(more_) + " more problems not listed"});
    throw models::ScenarioError(list_, "invalid design file");
  }

 private:
  std::string file_;
  std::vector<models::ScenarioIssue> list_;
  std::size_t more_ = 0;
};

}  // namespace

std::string column_label(const NumberTable& table, std::size_t column) {
  return "column " + std::to_string(column + 1) + " (" + table.header[column] + ")";
}

NumberTable parse_number_csv(const std::string& text, const std::string& file) {
  NumberTable table;
  Issues issues(file);
  std::string_view rest(text);
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
  std::int64_t line_number = 0;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.starts_with('#')) continue;
    const auto fields = split_fields(line);
    if (table.header_line == 0) {
      table.header_line = line_number;
      std::set<std::string_view> seen;
      for (std::size_t c = 0; c < fields.size(); ++c) {
        std::string_view name = fields[c];
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
          name = trim(name.substr(1, name.size() - 2));
        const std::string where = "column " + std::to_string(c + 1);
        if (name.empty())
          issues.add(line_number, where, "no name: the first line names the parameters");
        else if (number(name))
          issues.add(line_number, where,
                     "the first line must name the parameters (a header); " + quoted(name) +
                         " is a number");
        else if (!seen.insert(name).second)
          issues.add(line_number, where, quoted(name) + " names a column twice");
        table.header.emplace_back(name);
      }
      continue;
    }
    if (fields.size() != table.header.size()) {
      issues.add(line_number, "",
                 std::to_string(fields.size()) + " cells, but the header (line " +
                     std::to_string(table.header_line) + ") names " +
                     std::to_string(table.header.size()) + " columns");
      continue;
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      const auto x = number(fields[c]);
      const std::string where = column_label(table, c);
      if (fields[c].empty())
        issues.add(line_number, where, "empty cell: every point needs every parameter");
      else if (!x)
        issues.add(line_number, where, "not a number: " + quoted(fields[c]));
      else if (!std::isfinite(*x))
        issues.add(line_number, where, "not a finite number: " + quoted(fields[c]));
      table.cells.push_back(x && std::isfinite(*x) ? *x : 0.0);
    }
    table.lines.push_back(line_number);
  }
  if (table.header_line == 0)
    issues.add(0, "",
               "empty: expected a header line naming the parameters, then one row per point");
  else if (table.lines.empty())
    issues.add(table.header_line, "", "no points: the header has no rows of numbers under it");
  issues.throw_if_any();
  return table;
}

}  // namespace pledgesim::app
