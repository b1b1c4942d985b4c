// Internal to the scenario loader (models/scenario*.cpp): the reader that
// turns a scenario's TOML tree into a Scenario, collecting every problem as
// an issue, and the text helpers its messages share.
#pragma once

#include <toml++/toml.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "models/policy_kinds.hpp"
#include "models/scenario.hpp"
#include "models/scenario_schema.hpp"

namespace pledgesim::models::detail {

// " (did you mean 'x'?)" when a known name is close to `name`, else "".
std::string did_you_mean(const std::string& name, const std::vector<std::string>& known);
// A number as the messages print it (as in the ranges: 0.5, 1e+06).
std::string fmt(double x);
// "[min, max]" as the messages print it.
std::string range_text(double min, double max);
// "a string", "an integer", ...: what a TOML value is, for "expected X, not Y".
std::string type_name(const toml::node& node);
std::string join_names(const std::vector<std::string>& names);

class ScenarioReader {
 public:
  // `issues`: problems found before reading (in --set overrides).
  // `files`: where inputs.table is read from.
  explicit ScenarioReader(std::string file, std::vector<ScenarioIssue> issues = {},
                          const ScenarioFiles& files = disk_files())
      : file_(std::move(file)), issues_(std::move(issues)), files_(&files) {}

  void issue(const toml::node* node, const std::string& key, const std::string& message);
  bool ok() const { return issues_.empty(); }
  // Issues in file and line order (tables iterate in key order, not line order).
  std::vector<ScenarioIssue> take_issues();

  void read(toml::table& root, Scenario& s);

 private:
  // Calls f(dotted_key, node) for each value; descends into tables, except
  // those under a key for which is_value(key) holds (f reports those).
  template <class IsValue, class F>
  void walk(const toml::table& table, const std::string& prefix, const IsValue& is_value, F&& f);

  // A TOML date (2017-10-01) or an ISO date string; reports and returns none otherwise.
  std::optional<sim::Date> read_date(const toml::node& node, const std::string& key);

  // Calls f(item, table, "name[i]") for each table in the list `node`;
  // reports a value that is not a list, or an entry that is not a table.
  // Returns the number of entries (0 when not a list).
  template <class F>
  std::size_t for_each_listed_table(const toml::node& node, const std::string& name,
                                    const std::string& expected, F&& f) {
    const toml::array* list = node.as_array();
    if (!list) {
      issue(&node, name, expected);
      return 0;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      const toml::node& item = *list->get(i);
      const std::string where = name + "[" + std::to_string(i) + "]";
      if (const toml::table* t = item.as_table())
        f(item, *t, where);
      else
        issue(&item, where, "expected a table");
    }
    return list->size();
  }

  // A number in [min, max] (an integer when `integral`); reports otherwise.
  bool read_number(const toml::node& v, const std::string& key, double min, double max,
                   const std::string& what, double& out, bool integral = false);
  void read_param(const ParamDef& def, const toml::node& node, Scenario& s);
  void read_authorities(const toml::node& node, Scenario& s);
  void read_agencies(const toml::node& node, Scenario& s);
  void check_consistency(const Scenario& s, const toml::table& root);

  // [inputs] (models/scenario_inputs.cpp): the keys other than the
  // projection rates, which are parameters; rows are checked against the
  // authorities by check_inputs() once those are read.
  void read_inputs_key(const std::string& key, const toml::node& node, Scenario& s);
  void read_input_table(const toml::node& node, Scenario& s);
  void read_input_rows(const toml::node& node, Scenario& s);
  void check_inputs(const Scenario& s);
  // One row's fields as text (from the CSV file) or TOML values, checked;
  // false (reported at `where`) when it is not valid.
  bool parse_input_row(const ScenarioIssue& where, const std::string& scope,
                       const std::string& date, const std::string& variable, double value,
                       const std::string& source, InputRow& row);

  // [shocks.NAME] (models/scenario_shocks.cpp), after the authorities (scopes name them).
  void read_shocks(const toml::node& node, Scenario& s);
  void read_behaviour_by_region(const toml::node& node, Scenario& s);

  // [[policies]] (models/scenario_policies.cpp), by the table of policy kinds.
  void read_policies(const toml::node& node, Scenario& s);
  // One value key of a policy; false (reported) when it is not valid.
  bool read_policy_value(const PolicyField& field, const toml::node& v, const std::string& key,
                         Policy& policy);
  // A table with one number per role, every role present.
  bool read_role_table(const toml::node& node, const std::string& key,
                       std::array<double, kRoleCount>& out, double min, double max,
                       const std::string& what);
  // "all", "signatories", "region:NAME", or a list of authority names.
  void read_scope(const toml::node& node, const std::string& key, const Scenario& s,
                  PolicyScope& scope);

  std::string file_;
  std::vector<ScenarioIssue> issues_;
  const ScenarioFiles* files_;
  std::vector<ScenarioIssue> row_where_;  // where each of inputs.rows came from
};

}  // namespace pledgesim::models::detail
