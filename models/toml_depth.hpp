// A guard run on TOML text before it is parsed. toml++ 3.3 caps nested
// arrays and inline tables at 256 levels, but not dotted keys: a key such as
// `x.a.a.a...` of some tens of thousands of parts builds a table that deep,
// and toml++ recurses through it until the stack overflows (SIGSEGV). This
// scan refuses such text with a line number before toml++ sees it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pledgesim::models {

// More dotted parts in one key (or table header) than any scenario needs;
// with the bracket limit below it keeps every tree far shallower than the
// depth at which toml++ overflows the stack (tens of thousands of levels).
inline constexpr int kMaxKeyParts = 64;
// Arrays and inline tables open at once.
inline constexpr int kMaxBracketDepth = 64;

struct TomlDepthProblem {
  std::int64_t line;    // 1-based
  std::string message;  // e.g. "a key with more than 64 dotted parts"
};

// The first place where `text` nests deeper than the limits above, or
// nullopt. Strings and comments are skipped; the text need not be valid TOML
// (syntax errors are left to the parser).
std::optional<TomlDepthProblem> toml_depth_problem(std::string_view text);

}  // namespace pledgesim::models
