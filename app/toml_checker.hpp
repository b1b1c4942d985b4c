// Shared by the readers of the command files (calibration targets, sweeps):
// parsing a TOML file and collecting every problem as file:line: key:
// message, with "did you mean" hints, as the scenario loader does.
#pragma once

#include <toml++/toml.h>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace pledgesim::app {

// Reads `file` (a `what`, e.g. "sweep file"); throws models::ScenarioError
// when it cannot be opened.
std::string read_text_file(const std::filesystem::path& file, const std::string& what);
// Parses `text`, read from `file`; throws models::ScenarioError (file, line)
// when it is not TOML.
toml::table parse_toml_text(const std::string& text, const std::filesystem::path& file);

class TomlChecker {
 public:
  explicit TomlChecker(std::string file) : file_(std::move(file)) {}
  const std::vector<models::ScenarioIssue>& issues() const { return issues_; }

 protected:
  void issue(const toml::node* n, const std::string& key, const std::string& message);
  static std::string hint(const std::string& key, const std::vector<std::string>& known);
  // An integer in [min, max]; reports otherwise and returns min.
  std::int64_t integer(const toml::node& n, const std::string& key, double min, double max);
  // The keys of a file that runs a scenario: `scenario` (a file name,
  // relative to `file`), `years` and `seed`, each left as it is when absent.
  void read_run_keys(const toml::table& root, const std::filesystem::path& file,
                     std::filesystem::path& scenario, std::optional<std::int64_t>& years,
                     std::uint64_t& seed);
  // Reports keys of `t` not in `fields` (`where` prefixes them; "" at the top).
  void unknown_fields(const toml::table& t, const std::string& where,
                      const std::vector<std::string>& fields);
  // Calls f(table, "name[i]") for each entry of the [[name]] list; reports a
  // missing or empty list, or an entry that is not a table.
  template <class F>
  void each_table(const toml::table& root, const std::string& name, F&& f) {
    const toml::node* n = root.get(name);
    const toml::array* list = n ? n->as_array() : nullptr;
    if (!list || list->empty()) {
      issue(n, name, "expected at least one [[" + name + "]] table");
      return;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string where = name + "[" + std::to_string(i) + "]";
      if (const toml::table* t = list->get(i)->as_table())
        f(*t, where);
      else
        issue(list->get(i), where, "expected a table");
    }
  }

  std::vector<models::ScenarioIssue> issues_;

 private:
  std::string file_;
};

}  // namespace pledgesim::app
