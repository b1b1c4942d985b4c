#include "app/toml_checker.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "models/scenario_schema.hpp"
#include "models/toml_depth.hpp"
#include "sim/io/input_file.hpp"

namespace pledgesim::app {

std::string read_text_file(const std::filesystem::path& file, const std::string& what) {
  sim::TextInput input = sim::read_text_input(file);
  if (!input.text)
    throw models::ScenarioError(
        {{file.string(), 0, "", "cannot open " + what + ": " + input.problem}});
  return std::move(*input.text);
}

toml::table parse_toml_text(const std::string& text, const std::filesystem::path& file) {
  if (const auto deep = models::toml_depth_problem(text))
    throw models::ScenarioError(
        {{file.string(), deep->line, "", "nested too deep: " + deep->message}});
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    throw models::ScenarioError({{file.string(), static_cast<std::int64_t>(e.source().begin.line),
                                  "", "TOML syntax error: " + std::string(e.description())}});
  }
}

void TomlChecker::issue(const toml::node* n, const std::string& key, const std::string& message) {
  issues_.push_back(
      {file_, n ? static_cast<std::int64_t>(n->source().begin.line) : 0, key, message});
}

std::string TomlChecker::hint(const std::string& key, const std::vector<std::string>& known) {
  const std::string h = models::closest_key(key, known);
  return h.empty() ? "" : " (did you mean '" + h + "'?)";
}

std::int64_t TomlChecker::integer(const toml::node& n, const std::string& key, double min,
                                  double max) {
  const auto v = n.value_exact<std::int64_t>();
  if (!v || static_cast<double>(*v) < min || static_cast<double>(*v) > max) {
    std::ostringstream m;
    m << "expected an integer in [" << min << ", " << max << "]";
    issue(&n, key, m.str());
    return static_cast<std::int64_t>(min);
  }
  return *v;
}

void TomlChecker::unknown_fields(const toml::table& t, const std::string& where,
                                 const std::vector<std::string>& fields) {
  for (const auto& [k, v] : t) {
    const std::string key(k.str());
    if (std::find(fields.begin(), fields.end(), key) == fields.end())
      issue(&v, where.empty() ? key : where + "." + key, "unknown key" + hint(key, fields));
  }
}

void TomlChecker::read_run_keys(const toml::table& root, const std::filesystem::path& file,
                                std::filesystem::path& scenario, std::optional<std::int64_t>& years,
                                std::uint64_t& seed) {
  if (const auto* n = root.get("scenario")) {
    if (auto s = n->value<std::string>())
      scenario = file.parent_path() / *s;
    else
      issue(n, "scenario", "expected a file name, relative to this file");
  }
  if (const auto* n = root.get("years"))
    years = integer(*n, "years", models::kMinYears, models::kMaxYears);
  if (const auto* n = root.get("seed"))
    seed =
        static_cast<std::uint64_t>(integer(*n, "seed", 0, static_cast<double>(models::kMaxSeed)));
}

}  // namespace pledgesim::app
