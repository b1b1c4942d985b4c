// Scenario files and the text they include, and --set overrides.
#include "models/scenario_include.hpp"

#include <algorithm>

#include "models/toml_depth.hpp"
#include "sim/io/input_file.hpp"

namespace pledgesim::models {

namespace fs = std::filesystem;

namespace detail {

namespace {
// A file including a file including ...: real scenarios use two or three.
constexpr std::size_t kMaxIncludeDepth = 32;
}  // namespace

std::vector<ScenarioIssue> apply_overrides(toml::table& root,
                                           const std::vector<Override>& overrides) {
  std::vector<ScenarioIssue> issues;
  for (const auto& o : overrides) {
    toml::table fragment;
    if (const auto deep = toml_depth_problem(o.key + " = " + o.value)) {
      const std::string key = o.key.size() > 60 ? o.key.substr(0, 60) + "..." : o.key;
      issues.push_back({"--set", 0, key, "nested too deep: " + deep->message});
      continue;
    }
    try {
      fragment = toml::parse("value = " + o.value, std::string_view("--set " + o.key));
    } catch (const toml::parse_error& e) {
      issues.push_back({"--set", 0, o.key,
                        "value '" + o.value + "' is not TOML: " + std::string(e.description())});
      continue;
    }
    // "value = 1\ny = 2" parses, and would drop y without a word.
    if (fragment.size() != 1 || !fragment.get("value")) {
      issues.push_back(
          {"--set", 0, o.key,
           "value '" + o.value + "' is more than one TOML value; give one value per --set"});
      continue;
    }
    toml::table* table = &root;
    std::string path = o.key;
    std::size_t dot;
    bool bad = false;
    while ((dot = path.find('.')) != std::string::npos) {
      const std::string part = path.substr(0, dot);
      path = path.substr(dot + 1);
      toml::node* child = table->get(part);
      if (!child) {
        table->insert(part, toml::table{});
        child = table->get(part);
      }
      if (!child->is_table()) {
        issues.push_back({"--set", 0, o.key, "'" + part + "' is not a table"});
        bad = true;
        break;
      }
      table = child->as_table();
    }
    if (bad) continue;
    table->insert_or_assign(path, std::move(*fragment.get("value")));  // a move keeps the source
  }
  return issues;
}

toml::table parse_root(const std::string& text, const std::string& source_name) {
  if (const auto deep = toml_depth_problem(text))
    throw ScenarioError({{source_name, deep->line, "", "nested too deep: " + deep->message}});
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw ScenarioError({{source_name, static_cast<std::int64_t>(e.source().begin.line), "",
                          "TOML syntax error: " + std::string(e.description())}});
  }
}

// The text of `path` from `files`; throws naming the include (or the file
// itself when `from` is empty) when it cannot be read.
std::string read_scenario_text(const ScenarioFiles& files, const fs::path& path, std::int64_t line,
                               const std::string& from) {
  std::optional<std::string> text = files.read(path);
  if (!text) {
    const std::string why = files.why_unreadable(path);
    if (from.empty())
      throw ScenarioError({{path.string(), 0, "", "cannot open scenario file: " + why}});
    throw ScenarioError({{from, line, "include",
                          "included file '" + path.string() + "' cannot be opened: " + why}});
  }
  return std::move(*text);
}

namespace {

// Keys of `overlay` replace those of `base`; tables merge key by key, so an
// including file changes only what it names. Lists (authorities, policies)
// are replaced whole.
void merge_into(toml::table& base, toml::table&& overlay) {
  for (auto&& [key, value] : overlay) {
    toml::node* existing = base.get(key);
    if (value.is_table() && existing && existing->is_table())
      merge_into(*existing->as_table(), std::move(*value.as_table()));
    else
      base.insert_or_assign(key, std::move(value));
  }
}

}  // namespace

// Resolves `include = "base.toml"` (relative to the including file),
// recursively, refusing cycles.
toml::table resolve_includes(toml::table root, const std::string& source_name,
                             std::vector<fs::path>& chain, const ScenarioFiles& files) {
  const toml::node* include = root.get("include");
  if (!include) return root;
  const auto target = include->value<std::string>();
  const std::int64_t line = include->source().begin.line;
  if (!target)
    throw ScenarioError(
        {{source_name, line, "include", "expected a file name, e.g. \"base.toml\""}});
  const fs::path path = fs::path(source_name).parent_path() / *target;
  const fs::path canonical = files.identity(path);
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    std::string cycle;
    for (const auto& p : chain) cycle += p.filename().string() + " -> ";
    throw ScenarioError({{source_name, line, "include",
                          "include cycle: " + cycle + canonical.filename().string()}});
  }
  if (chain.size() >= kMaxIncludeDepth)
    throw ScenarioError({{source_name, line, "include",
                          "includes nested more than " + std::to_string(kMaxIncludeDepth) +
                              " deep (" + chain.front().filename().string() + " -> ... -> " +
                              canonical.filename().string() + ")"}});
  chain.push_back(canonical);
  toml::table base = resolve_includes(
      parse_root(read_scenario_text(files, path, line, source_name), path.string()), path.string(),
      chain, files);
  chain.pop_back();
  root.erase("include");
  merge_into(base, std::move(root));
  return base;
}

}  // namespace detail

namespace {

class DiskFiles : public ScenarioFiles {
 public:
  fs::path identity(const fs::path& path) const override {
    // No exception for a name the system refuses (too long, say): the
    // include is then reported as a file that cannot be opened.
    std::error_code error;
    fs::path canonical = fs::weakly_canonical(path, error);
    return error ? path.lexically_normal() : canonical;
  }
  std::optional<std::string> read(const fs::path& path) const override {
    return sim::read_text_input(path).text;
  }
  std::string why_unreadable(const fs::path& path) const override {
    return sim::read_text_input(path).problem;
  }
};

}  // namespace

const ScenarioFiles& disk_files() {
  static const DiskFiles files;
  return files;
}

}  // namespace pledgesim::models
