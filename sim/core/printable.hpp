// Text from files (names, descriptions, keys, attribute values) reaches the
// terminal in tables and messages. A terminal escape sequence in it could
// clear the screen, recolour or retitle the terminal, or hide what follows;
// printable() shows such characters as \xNN instead.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pledgesim::sim {

// A control character in UTF-8 text: C0 (U+0000..U+001F, line feed and tab
// included), DEL, or a C1 control (U+0080..U+009F, bytes C2 80..C2 9F).
struct ControlCharacter {
  unsigned code_point = 0;
  std::size_t bytes = 1;  // its length in the text
};
// The control character starting at text[i], if one does.
std::optional<ControlCharacter> control_character_at(std::string_view text, std::size_t i);

// `text` with every C0 control character except line feed and tab, DEL, and
// every C1 control (U+0080..U+009F) written as \xNN (C1 as \u0080..\u009f).
std::string printable(std::string_view text);

}  // namespace pledgesim::sim
