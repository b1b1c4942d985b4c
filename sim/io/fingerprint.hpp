// Fingerprints and the small `key = "value"` text files that hold them (the
// sweep journal's manifest, the checkpoint's attributes): 64-bit FNV-1a, to
// tell a changed or damaged input from the one recorded. Not a cryptographic
// hash: it catches accidents, not forgery.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pledgesim::sim {

// 64-bit FNV-1a of `bytes`.
std::uint64_t fnv1a64(std::string_view bytes);
// The same as 16 lower-case hex digits.
std::string fnv1a64_hex(std::string_view bytes);

// The value of the first line `key = "value"` in `text` (no escapes: values
// are written without quotes or newlines); nullopt when there is none.
std::optional<std::string> quoted_value(std::string_view text, std::string_view key);

}  // namespace pledgesim::sim
