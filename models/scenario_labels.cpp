#include "models/scenario_labels.hpp"
#include "sim/core/printable.hpp"

#include <cstdio>

namespace pledgesim::models {

namespace {

constexpr std::size_t kMaxFileName = 100;  // bytes; with ".h5.partial" under NAME_MAX
constexpr std::size_t kMaxLabel = 200;
constexpr std::size_t kMaxDescription = 4000;

std::string code_point(unsigned cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", cp);
  return buf;
}

}  // namespace

std::optional<std::string> text_problem(std::string_view text, TextUse use) {
  const std::size_t limit = use == TextUse::kFileName ? kMaxFileName
                            : use == TextUse::kLabel  ? kMaxLabel
                                                      : kMaxDescription;
  if (text.size() > limit)
    return "is " + std::to_string(text.size()) + " bytes long; at most " + std::to_string(limit);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto control = sim::control_character_at(text, i);
    if (!control) continue;
    const unsigned cp = control->code_point;
    if (use == TextUse::kDescription && (cp == '\n' || cp == '\t')) continue;
    return "contains a control character (" + code_point(cp) + ") at byte " + std::to_string(i) +
           (use == TextUse::kDescription ? "; only tabs and line breaks are allowed"
                                         : "; use printable characters only");
  }
  if (use == TextUse::kFileName) {
    if (text.empty()) return "is empty";
    if (text.find('/') != std::string_view::npos)
      return "contains a path separator ('/'); it becomes the file name results/NAME.h5";
    if (text.front() == '.')
      return "starts with '.'; it becomes the file name results/NAME.h5 (a hidden or "
             "parent path)";
    if (text.front() == '-') return "starts with '-'; it would read as an option in commands";
  }
  return std::nullopt;
}

}  // namespace pledgesim::models
