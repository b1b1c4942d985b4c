// Text from files (names, descriptions, keys, attribute values) reaches the
// terminal in tables and messages. A terminal escape sequence in it could
// clear the screen, recolour or retitle the terminal, or hide what follows;
// printable() shows such characters as \xNN instead.
#pragma once

#include <string>
#include <string_view>

namespace pledgesim::sim {

// `text` with every C0 control character except line feed and tab, DEL, and
// every C1 control (U+0080..U+009F) written as \xNN (C1 as \u0080..\u009f).
std::string printable(std::string_view text);

}  // namespace pledgesim::sim
