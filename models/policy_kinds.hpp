// The policy (lever) kinds as one table: each kind's value keys with their
// type, range and meaning, and its documentation. Reading [[policies]],
// writing them back (to_toml), the fields a sweep may vary and the key
// reference (`pledgesim keys`) all read this table, so a kind is declared once.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "models/policy.hpp"

namespace pledgesim::models {

// One value key of a policy kind.
struct PolicyField {
  // Where the value lives in a Policy (its getter and setter); the member's
  // type is the key's type: a number, a whole number, one number per role,
  // or a list of (whole) numbers.
  using Member = std::variant<double Policy::*, std::int64_t Policy::*,
                              std::array<double, kRoleCount> Policy::*,
                              std::vector<double> Policy::*, std::vector<std::int64_t> Policy::*>;
  std::string_view key{};
  Member member{};
  double min = 0;  // range of the value (of each role's, each entry's)
  double max = 0;
  std::string_view what{};     // its unit or meaning, as messages print it
  std::string_view example{};  // lists: a value such as "[0, 26, 78]"
  bool optional = false;       // absent: the Policy's default
  std::string_view missing = "missing: the lever's value";  // message when required and absent
};

struct PolicyKindDef {
  PolicyKind kind{};
  std::vector<PolicyField> fields{};  // required keys first, then optional ones
  std::string_view effect{};          // what the lever does (the key reference)
  // A check across the kind's values once each has been read: the problem
  // ("" when none), reported at `check_key`.
  std::string (*check)(const Policy&) = nullptr;
  std::string_view check_key{};
  std::string_view name() const { return kPolicyKindNames[static_cast<std::size_t>(kind)]; }
};

// Every kind, in PolicyKind order.
const std::vector<PolicyKindDef>& policy_kinds();
const PolicyKindDef& policy_kind(PolicyKind kind);

// A number a sweep may set in a policy: each kind's required numeric key,
// and "rate_scale", which multiplies a kind's rates by role.
struct PolicySweepField {
  std::string name;
  bool integer = false;  // whole numbers (values are rounded)
  std::string note;      // " (multiplies the rates)" or ""
};
// In kind order, each name once.
const std::vector<PolicySweepField>& policy_sweep_fields();
bool policy_has_sweep_field(PolicyKind kind, std::string_view field);
// Sets `field` of `policy` to x (rate_scale: `base`'s rates times x).
void set_policy_sweep_field(Policy& policy, const Policy& base, std::string_view field, double x);

}  // namespace pledgesim::models
