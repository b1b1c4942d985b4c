#include "sim/core/printable.hpp"

#include <cstdio>

namespace pledgesim::sim {

std::optional<ControlCharacter> control_character_at(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x20 || c == 0x7f) return ControlCharacter{c, 1};
  if (c == 0xc2 && i + 1 < text.size()) {
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if (next >= 0x80 && next <= 0x9f) return ControlCharacter{next, 2};
  }
  return std::nullopt;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char buf[8];
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto control = control_character_at(text, i);
    if (!control || control->code_point == '\n' || control->code_point == '\t') {
      out += text[i];
      continue;
    }
    std::snprintf(buf, sizeof buf, control->bytes == 1 ? "\\x%02x" : "\\u%04x",
                  control->code_point);
    out += buf;
    i += control->bytes - 1;
  }
  return out;
}

}  // namespace pledgesim::sim
