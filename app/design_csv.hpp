// A table of numbers in CSV form: the points of a design made elsewhere
// (SALib, the EMA Workbench, a spreadsheet), one column per parameter and
// one row per point. Deliberately small: a header line of names, then rows
// of numbers separated by commas; blank lines and lines starting with '#'
// are skipped; a UTF-8 byte order mark and "\r\n" line ends (spreadsheets
// write both) are accepted; no quoting in the numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pledgesim::app {

struct NumberTable {
  std::vector<std::string> header;  // column names, in file order
  std::int64_t header_line = 0;     // line of the header in the file (from 1)
  std::vector<double> cells;        // row-major [rows][columns], every one finite
  std::vector<std::int64_t> lines;  // line of each row in the file
  std::size_t rows() const { return lines.size(); }
  double at(std::size_t row, std::size_t column) const {
    return cells[row * header.size() + column];
  }
};

// Where a cell sits, for messages: "column 2 (behaviour.exit_rate_per_year)".
std::string column_label(const NumberTable& table, std::size_t column);

// Parses `text`, read from `file`. Throws models::ScenarioError listing every
// problem (up to a limit) as `file:line: column C (NAME): message`: an empty
// file, a missing, empty or repeated column name, a header of numbers (no
// header), no rows, a row with more or fewer cells than the header, an empty
// cell, a cell that is not a number, NaN or infinity.
NumberTable parse_number_csv(const std::string& text, const std::string& file);

}  // namespace pledgesim::app
