#include "models/toml_depth.hpp"

namespace pledgesim::models {

std::optional<TomlDepthProblem> toml_depth_problem(std::string_view text) {
  std::int64_t line = 1;
  int brackets = 0;
  // Dots since the last `=`, `,`, bracket or line break: in a key or a
  // header that is its nesting (a.b.c: 2); in a value at most 1 (1.5, a time).
  int dots = 0;
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[i];
    switch (c) {
      case '\n':
        ++line;
        dots = 0;
        break;
      case '#':  // a comment, to the end of the line
        while (i + 1 < n && text[i + 1] != '\n') ++i;
        break;
      case '"':
      case '\'': {
        // A string: basic ("...", escapes) or literal ('...'), single- or
        // multi-line (three quotes). Line breaks inside still count.
        const bool triple = i + 2 < n && text[i + 1] == c && text[i + 2] == c;
        const std::size_t open = triple ? 3 : 1;
        std::size_t j = i + open;
        for (; j < n; ++j) {
          if (text[j] == '\n') {
            ++line;
            if (!triple) break;  // unterminated: the parser reports it
          }
          if (c == '"' && text[j] == '\\') {
            if (j + 1 < n && text[j + 1] == '\n') ++line;
            ++j;
            continue;
          }
          if (text[j] == c && (!triple || (j + 2 < n && text[j + 1] == c && text[j + 2] == c)))
            break;
        }
        i = j + (triple ? 2 : 0);
        break;
      }
      case '[':
      case '{':
        if (++brackets > kMaxBracketDepth)
          return TomlDepthProblem{line, "arrays and inline tables nested more than " +
                                            std::to_string(kMaxBracketDepth) + " deep"};
        dots = 0;
        break;
      case ']':
      case '}':
        if (brackets > 0) --brackets;
        dots = 0;
        break;
      case '=':
      case ',':
        dots = 0;
        break;
      case '.':
        if (++dots >= kMaxKeyParts)
          return TomlDepthProblem{
              line, "a key with more than " + std::to_string(kMaxKeyParts) + " dotted parts"};
        break;
      default:
        break;
    }
  }
  return std::nullopt;
}

}  // namespace pledgesim::models
