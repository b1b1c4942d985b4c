// Internal to the scenario loader (models/scenario*.cpp): scenario text from
// files, `include = "base.toml"` and command-line overrides (--set key=value).
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace pledgesim::models::detail {

// The TOML tree of `text`; throws ScenarioError on a syntax error.
toml::table parse_root(const std::string& text, const std::string& source_name);

// The text of `path` from `files`; throws naming the include at `line` of
// `from` (or the file itself when `from` is empty) when it cannot be read.
std::string read_scenario_text(const ScenarioFiles& files, const std::filesystem::path& path,
                               std::int64_t line, const std::string& from);

// Resolves `include = "base.toml"` (relative to the including file),
// recursively, refusing cycles; `chain` holds the files being read.
toml::table resolve_includes(toml::table root, const std::string& source_name,
                             std::vector<std::filesystem::path>& chain, const ScenarioFiles& files);

// Sets each `key.path=value` in `root`; returns the overrides it could not apply.
std::vector<ScenarioIssue> apply_overrides(toml::table& root,
                                           const std::vector<Override>& overrides);

}  // namespace pledgesim::models::detail
