// The CSV reader of designs made elsewhere (app/design_csv) and the csv
// design kind (analysis/cpp/design): numbers read exactly, every malformed
// file refused with its line and column.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "analysis/cpp/design.hpp"
#include "app/design_csv.hpp"
#include "models/scenario.hpp"

namespace pa = pledgesim::app;
namespace an = pledgesim::analysis;

namespace {

// The issues of a refused file, one per line.
std::string problems(const std::string& text) {
  try {
    pa::parse_number_csv(text, "d.csv");
  } catch (const pledgesim::models::ScenarioError& e) {
    std::string out;
    for (const auto& i : e.issues()) out += i.to_string() + "\n";
    return out;
  }
  return "";
}

}  // namespace

TEST(DesignCsv, ReadsNumbersExactlyInFileOrder) {
  const auto t = pa::parse_number_csv("a,b\n0.1,3\n1e-3,-2.5\n0.30000000000000004,7\n", "d.csv");
  ASSERT_EQ(t.header, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t.rows(), 3u);
  EXPECT_EQ(t.at(0, 0), 0.1);
  EXPECT_EQ(t.at(1, 0), 1e-3);
  EXPECT_EQ(t.at(1, 1), -2.5);
  EXPECT_EQ(t.at(2, 0), 0.1 + 0.2);  // the shortest text of a double reads back as it
  EXPECT_EQ(t.lines, (std::vector<std::int64_t>{2, 3, 4}));
}

TEST(DesignCsv, AcceptsWhatSpreadsheetsAndScriptsWrite) {
  // A byte order mark, CRLF, spaces around cells, quoted names, comments and
  // blank lines; no newline after the last row.
  const auto t = pa::parse_number_csv(
      "\xEF\xBB\xBF# from SALib\r\n\"a\" , b\r\n\r\n 1 , 2 \r\n# between\r\n3,4", "d.csv");
  ASSERT_EQ(t.header, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t.header_line, 2);
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.at(0, 1), 2.0);
  EXPECT_EQ(t.at(1, 0), 3.0);
  EXPECT_EQ(t.lines, (std::vector<std::int64_t>{4, 6}));
}

TEST(DesignCsv, RefusesEachMalformedFileWithLineAndColumn) {
  EXPECT_EQ(problems("a,b\n1,2\n"), "");
  EXPECT_EQ(problems(""),
            "d.csv: empty: expected a header line naming the parameters, then one row per point\n");
  EXPECT_EQ(problems("# only a comment\n\n"), problems(""));
  EXPECT_EQ(problems("a,b\n"), "d.csv:1: no points: the header has no rows of numbers under it\n");
  EXPECT_EQ(problems("a,,b\n1,2,3\n"),
            "d.csv:1: column 2: no name: the first line names the parameters\n");
  EXPECT_EQ(problems("a,a\n1,2\n"), "d.csv:1: column 2: 'a' names a column twice\n");
  EXPECT_EQ(problems("0.5,1\n1,2\n"),
            "d.csv:1: column 1: the first line must name the parameters (a header); '0.5' is a "
            "number\nd.csv:1: column 2: the first line must name the parameters (a header); '1' "
            "is a number\n");
  EXPECT_EQ(problems("a,b\n1,2\n3\n4,5,6\n"),
            "d.csv:3: 1 cells, but the header (line 1) names 2 columns\n"
            "d.csv:4: 3 cells, but the header (line 1) names 2 columns\n");
  EXPECT_EQ(problems("a,b\n1,\n"),
            "d.csv:2: column 2 (b): empty cell: every point needs every parameter\n");
  EXPECT_EQ(problems("a,b\n1,2x\n"), "d.csv:2: column 2 (b): not a number: '2x'\n");
  EXPECT_EQ(problems("a,b\n1,\"2\"\n"), "d.csv:2: column 2 (b): not a number: '\"2\"'\n");
  EXPECT_EQ(problems("a,b\nNaN,1\n1,-inf\n1e999,1\n"),
            "d.csv:2: column 1 (a): not a finite number: 'NaN'\n"
            "d.csv:3: column 2 (b): not a finite number: '-inf'\n"
            "d.csv:4: column 1 (a): not a number: '1e999'\n");
}

TEST(DesignCsv, ListsAtMostTwentyProblemsAndCountsTheRest) {
  std::string text = "a\n";
  for (int i = 0; i < 25; ++i) text += "x\n";
  const std::string p = problems(text);
  EXPECT_EQ(std::count(p.begin(), p.end(), '\n'), 21);
  EXPECT_NE(p.find("d.csv:21: column 1 (a): not a number: 'x'\n"), std::string::npos);
  EXPECT_NE(p.find("d.csv: 5 more problems not listed\n"), std::string::npos);
}

TEST(CsvDesign, KeepsTheGivenPointsAndChecksTheirShape) {
  an::DesignSpec spec;
  spec.kind = an::DesignKind::csv;
  spec.dimensions = 2;
  spec.samples = 3;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  spec.given = {0.25, nan, 1.0, nan, 0.0, nan};
  EXPECT_EQ(an::design_points(spec), 3u);
  const an::Design d = an::make_design(spec);
  EXPECT_EQ(d.kind, an::DesignKind::csv);
  EXPECT_EQ(d.points(), 3u);
  EXPECT_EQ(d.at(1, 0), 1.0);
  EXPECT_TRUE(std::isnan(d.at(2, 1)));
  EXPECT_EQ(std::string(an::design_kind_name(an::DesignKind::csv)), "csv");
  EXPECT_EQ(an::parse_design_kind("csv"), an::DesignKind::csv);
  spec.given.pop_back();
  EXPECT_THROW(an::design_points(spec), std::invalid_argument);
  spec.samples = 0;
  spec.given.clear();
  EXPECT_THROW(an::design_points(spec), std::invalid_argument);
}
