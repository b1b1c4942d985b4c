#include "sim/io/fingerprint.hpp"

#include <cstdio>

namespace pledgesim::sim {

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string fnv1a64_hex(std::string_view bytes) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(bytes)));
  return buf;
}

std::optional<std::string> quoted_value(std::string_view text, std::string_view key) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.size() >= key.size() + 5 && line.starts_with(key) &&
        line.substr(key.size()).starts_with(" = \"") && line.back() == '"')
      return std::string(line.substr(key.size() + 4, line.size() - key.size() - 5));
  }
  return std::nullopt;
}

}  // namespace pledgesim::sim
