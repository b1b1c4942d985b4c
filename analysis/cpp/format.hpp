// Output helpers shared by the summary and comparison tables: the three
// formats, CSV quoting, JSON strings and numbers, aligned text columns.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pledgesim::analysis {

enum class Format { kTable, kCsv, kJson };
std::optional<Format> parse_format(const std::string& s);

std::string csv_field(const std::string& s);  // quoted when needed
std::string csv_number(double v);             // "" for NaN; shortest round-trip form
std::string json_string(const std::string& s);
std::string json_number(double v);                             // null for NaN/inf
std::string fixed(double v, int decimals, bool sign = false);  // "-" for NaN

// Text table: first `left` columns left-aligned, the rest right-aligned,
// columns separated by two spaces.
std::string align_columns(const std::vector<std::vector<std::string>>& rows, std::size_t left);

}  // namespace pledgesim::analysis
