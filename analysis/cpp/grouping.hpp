// Groups of employers that indicators are reported for.
//
//   total      "London" (employers whose region is London) when the run also
//              has employers elsewhere, then "all" employers
//   region     each region (in the order employers list them), then "Inner
//              London" and "Outer London" (London employers by their
//              inner_london flag), then "all"
//   subregion  each sub-region (the region where an employer has none), then "all"
//   authority  each employer, then "all"
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cpp/run_file.hpp"

namespace pledgesim::analysis {

enum class Grouping { kTotal, kRegion, kSubregion, kAuthority };

std::optional<Grouping> parse_grouping(const std::string& s);
const char* grouping_name(Grouping g);

struct Group {
  std::string level;  // "authority", "subregion", "region", "inner_outer" or "total"
  std::string name;
  std::vector<std::size_t> members;  // employer indices
};

std::vector<Group> make_groups(const RunFile& run, Grouping by);

}  // namespace pledgesim::analysis
