#include "models/parameter_ensemble.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <variant>

#include "models/scenario_reader.hpp"
#include "models/scenario_schema.hpp"
#include "sim/io/input_file.hpp"

namespace pledgesim::models {

namespace fs = std::filesystem;

namespace {

const char* const kHeading = "invalid parameter ensemble";
// Far above any posterior sample (100,000 sets of 20 keys is ~40 MB):
// refusing a larger file keeps a wrong one from filling memory.
constexpr std::uintmax_t kMaxBytes = std::uintmax_t{64} << 20;

[[noreturn]] void fail(const fs::path& file, const std::string& message) {
  throw ScenarioError({{file.string(), 0, "", message}}, kHeading);
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(" \t") - first + 1));
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t from = 0;
  for (;;) {
    const std::size_t comma = line.find(',', from);
    fields.push_back(trim(std::string_view(line).substr(from, comma - from)));
    if (comma == std::string::npos) return fields;
    from = comma + 1;
  }
}

// The whole field as a finite number (from_chars: the exact nearest double,
// so 17 significant digits come back bit for bit).
std::optional<double> number(const std::string& field) {
  double x = 0;
  const char* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, x);
  if (field.empty() || ec != std::errc() || ptr != end || !std::isfinite(x)) return std::nullopt;
  return x;
}

// Why `key` is not a floating-point key of `scenario`; "" when it is one.
std::string key_problem(const std::string& key, const Scenario& scenario) {
  const ParamDef* def = find_param(key, scenario);
  if (!def) {
    if (param_form(key))
      return "names no shock, region or policy number of the scenario '" + scenario.name + "'";
    std::vector<std::string> known;
    for (const auto& p : scenario_params()) known.push_back(p.key);
    return "unknown key" + detail::did_you_mean(key, known);
  }
  Scenario copy = scenario;  // target() may add a regional key to what it is given
  if (!std::holds_alternative<double*>(def->target(copy)))
    return "an integer key cannot vary across an ensemble; set it in the scenario or with --set";
  return "";
}

// One column of the file: its key, and its definition once known good.
struct Column {
  std::string key;
  const ParamDef* def = nullptr;
};

class Reader {
 public:
  Reader(const fs::path& file, const Scenario& scenario) : file_(file.string()), s_(scenario) {}

  ParameterEnsemble read(const std::string& text) {
    std::istringstream lines(text);
    std::string line;
    std::int64_t line_no = 0;
    bool header = true;
    while (std::getline(lines, line)) {
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const std::string t = trim(line);
      if (t.empty() || t.front() == '#') continue;
      if (header)
        read_header(split_fields(line), line_no);
      else
        read_row(split_fields(line), line_no);
      header = false;
    }
    if (header)
      issues_.push_back({file_, 0, "", "no header line (weight,KEY,...)"});
    else if (e_.sets.empty() && issues_.empty())
      issues_.push_back(
          {file_, line_no, "", "no parameter sets (one line per set after the header)"});
    if (issues_.empty()) normalise(line_no);
    if (!issues_.empty()) throw ScenarioError(issues_, kHeading);
    return std::move(e_);
  }

 private:
  void issue(std::int64_t line, const std::string& key, const std::string& message) {
    issues_.push_back({file_, line, key, message});
  }

  void read_header(const std::vector<std::string>& fields, std::int64_t line) {
    if (fields.front() != "weight")
      issue(line, fields.front(), "the first column must be 'weight' (weight,KEY,...)");
    if (fields.size() < 2) issue(line, "", "no parameter columns after 'weight'");
    for (std::size_t c = 1; c < fields.size(); ++c) {
      Column col{fields[c], nullptr};
      if (col.key.empty())
        issue(line, "", "column " + std::to_string(c + 1) + " has no name");
      else if (std::count(fields.begin() + 1, fields.begin() + static_cast<std::ptrdiff_t>(c),
                          col.key) > 0)
        issue(line, col.key, "named twice");
      else if (const std::string why = key_problem(col.key, s_); !why.empty())
        issue(line, col.key, why);
      else
        col.def = find_param(col.key, s_);
      columns_.push_back(col);
      e_.keys.push_back(col.key);
    }
  }

  void read_row(const std::vector<std::string>& fields, std::int64_t line) {
    const std::size_t want = columns_.size() + 1;
    if (fields.size() != want) {
      // Name the first column without a value, if any.
      const std::string key = fields.size() < want ? columns_[fields.size() - 1].key : "";
      issue(line, key,
            std::to_string(fields.size()) + " fields, the header has " + std::to_string(want) +
                " (weight and " + std::to_string(columns_.size()) + " keys)");
      return;
    }
    const std::size_t before = issues_.size();
    const auto weight = number(fields[0]);
    if (!weight)
      issue(line, "weight", "'" + fields[0] + "' is not a finite number");
    else if (*weight < 0)
      issue(line, "weight", "weight " + detail::fmt(*weight) + " is negative");
    std::vector<double> values(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const Column& col = columns_[c];
      const auto x = number(fields[c + 1]);
      if (!x)
        issue(line, col.key, "'" + fields[c + 1] + "' is not a finite number");
      else if (col.def && !(*x >= col.def->min && *x <= col.def->max))
        issue(line, col.key,
              "value " + detail::fmt(*x) + " is outside " +
                  detail::range_text(col.def->min, col.def->max));
      else
        values[c] = *x;
    }
    if (issues_.size() != before) return;
    e_.weights.push_back(*weight);
    e_.sets.push_back(std::move(values));
  }

  // Weights to sum to 1; left alone when they already do to rounding, so
  // that a file this program wrote reads back bit for bit.
  void normalise(std::int64_t last_line) {
    double sum = 0;
    for (double w : e_.weights) sum += w;
    if (!(sum > 0) || !std::isfinite(sum)) {
      issue(last_line, "weight", "the weights sum to " + detail::fmt(sum) + "; some must be > 0");
      return;
    }
    if (std::fabs(sum - 1) <= 1e-12) return;
    for (double& w : e_.weights) w /= sum;
  }

  std::string file_;
  const Scenario& s_;
  std::vector<Column> columns_;
  std::vector<ScenarioIssue> issues_;
  ParameterEnsemble e_;
};

std::string read_ensemble_file(const fs::path& file) {
  sim::TextInput input = sim::read_text_input(file, kMaxBytes);
  if (!input.text) fail(file, "cannot read parameter ensemble: " + input.problem);
  return std::move(*input.text);
}

}  // namespace

ParameterEnsemble parse_parameter_ensemble(const std::string& text, const fs::path& file,
                                           const Scenario& scenario) {
  return Reader(file, scenario).read(text);
}

ParameterEnsemble load_parameter_ensemble(const fs::path& file, const Scenario& scenario) {
  return parse_parameter_ensemble(read_ensemble_file(file), file, scenario);
}

std::string parameter_ensemble_csv(const ParameterEnsemble& e, const std::string& comment) {
  std::string out;
  if (!comment.empty()) {
    std::istringstream lines(comment);
    std::string line;
    while (std::getline(lines, line)) out += "# " + line + '\n';
  }
  out += "weight";
  for (const auto& k : e.keys) out += ',' + k;
  out += '\n';
  char buf[32];
  for (std::size_t i = 0; i < e.sets.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%.17g", e.weights[i]);
    out += buf;
    for (double v : e.sets[i]) {
      std::snprintf(buf, sizeof buf, ",%.17g", v);
      out += buf;
    }
    out += '\n';
  }
  return out;
}

std::vector<std::size_t> assign_sets(const ParameterEnsemble& e, std::size_t replications) {
  const std::size_t n = e.weights.size();
  if (n == 0) throw std::invalid_argument("assign_sets: an empty ensemble");
  std::vector<std::size_t> out(replications);
  const bool equal = std::all_of(e.weights.begin(), e.weights.end(),
                                 [&](double w) { return w == e.weights.front(); });
  if (equal && replications <= n) {
    for (std::size_t r = 0; r < replications; ++r) out[r] = r;
    return out;
  }
  // Systematic resampling, offset 1/2: replication r takes the set whose
  // cumulative weight first exceeds (r + 1/2) / R of the total, so set i is
  // taken floor or ceil of R w_i times, in set order.
  std::vector<double> cumulative(n);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) cumulative[i] = sum += e.weights[i];
  std::size_t last = n - 1;  // the last set of positive weight (rounding's fallback)
  while (last > 0 && !(e.weights[last] > 0)) --last;
  std::size_t i = 0;
  for (std::size_t r = 0; r < replications; ++r) {
    const double u = (static_cast<double>(r) + 0.5) / static_cast<double>(replications) * sum;
    while (i < last && !(cumulative[i] > u)) ++i;
    out[r] = i;
  }
  return out;
}

ReplicationParameters ensemble_parameters(const ParameterEnsemble& ensemble,
                                          std::size_t replications) {
  struct Shared {
    std::vector<std::string> keys;
    std::vector<std::vector<double>> values;  // by replication
  };
  auto shared = std::make_shared<Shared>();
  shared->keys = ensemble.keys;
  for (std::size_t set : assign_sets(ensemble, replications))
    shared->values.push_back(ensemble.sets[set]);
  return [shared](Scenario& s, std::size_t replication) {
    if (replication >= shared->values.size())
      throw std::out_of_range("ensemble_parameters: replication " + std::to_string(replication) +
                              " of " + std::to_string(shared->values.size()));
    for (std::size_t k = 0; k < shared->keys.size(); ++k) {
      const ParamDef* def = find_param(shared->keys[k], s);
      ParamDef::Target target = static_cast<double*>(nullptr);
      if (def) target = def->target(s);
      double* const* value = std::get_if<double*>(&target);
      if (!value || !*value)  // checked when the ensemble was read
        throw std::logic_error("ensemble key " + shared->keys[k] +
                               " is not a floating-point key of the scenario");
      **value = shared->values[replication][k];
    }
  };
}

sim::ParameterTable ensemble_table(const ParameterEnsemble& ensemble, const std::string& source,
                                   std::size_t replications) {
  sim::ParameterTable t;
  t.source = source;
  t.keys = ensemble.keys;
  for (std::size_t set : assign_sets(ensemble, replications)) {
    t.sets.push_back(static_cast<std::int64_t>(set));
    t.values.insert(t.values.end(), ensemble.sets[set].begin(), ensemble.sets[set].end());
  }
  return t;
}

}  // namespace pledgesim::models
