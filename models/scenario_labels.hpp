// What a scenario's text values may hold. A scenario's name becomes a file
// name (results/NAME.h5) and a label in tables and HDF5 attributes;
// authority, region and agency names become labels and CSV cells; the
// description is printed. None may carry what would break those uses: a NUL
// (which ends the string where the operating system reads it, so NAME.h5
// and NAME.h5.partial become one path), other control characters (terminal
// escape sequences, line breaks inside a table row), or, in the scenario's
// name, a path separator or a leading dot (a path outside results/).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pledgesim::models {

enum class TextUse {
  kFileName,     // the scenario's name
  kLabel,        // authority, region, sub-region and agency names
  kDescription,  // free text: tabs and line breaks allowed
};

// Why `text` cannot serve as `use`, or nullopt when it can (e.g. "contains a
// control character (U+001B) at byte 3; ...").
std::optional<std::string> text_problem(std::string_view text, TextUse use);

}  // namespace pledgesim::models
