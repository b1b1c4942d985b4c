#include "analysis/cpp/grouping.hpp"

#include <algorithm>
#include <numeric>

namespace pledgesim::analysis {

std::optional<Grouping> parse_grouping(const std::string& s) {
  if (s == "total") return Grouping::kTotal;
  if (s == "region") return Grouping::kRegion;
  if (s == "subregion") return Grouping::kSubregion;
  if (s == "authority") return Grouping::kAuthority;
  return std::nullopt;
}

const char* grouping_name(Grouping g) {
  switch (g) {
    case Grouping::kTotal:
      return "total";
    case Grouping::kRegion:
      return "region";
    case Grouping::kSubregion:
      return "subregion";
    case Grouping::kAuthority:
      return "authority";
  }
  return "?";
}

namespace {

// Groups by a key per employer, in order of first appearance.
std::vector<Group> by_key(const std::vector<std::string>& keys, const std::string& level) {
  std::vector<Group> out;
  for (std::size_t e = 0; e < keys.size(); ++e) {
    auto it =
        std::find_if(out.begin(), out.end(), [&](const Group& g) { return g.name == keys[e]; });
    if (it == out.end()) {
      out.push_back({level, keys[e], {}});
      it = out.end() - 1;
    }
    it->members.push_back(e);
  }
  return out;
}

}  // namespace

std::vector<Group> make_groups(const RunFile& run, Grouping by) {
  const std::size_t n = run.employers();
  Group all{"total", "all", std::vector<std::size_t>(n)};
  std::iota(all.members.begin(), all.members.end(), std::size_t{0});
  Group london{"region", "London", {}}, inner{"inner_outer", "Inner London", {}},
      outer{"inner_outer", "Outer London", {}};
  for (std::size_t e = 0; e < n; ++e)
    if (run.employer_region[e] == "London") {
      london.members.push_back(e);
      (run.employer_inner_london[e] ? inner : outer).members.push_back(e);
    }

  std::vector<Group> out;
  switch (by) {
    case Grouping::kTotal:
      if (!london.members.empty() && london.members.size() < n) out.push_back(london);
      break;
    case Grouping::kRegion:
      out = by_key(run.employer_region, "region");
      if (!inner.members.empty()) out.push_back(inner);
      if (!outer.members.empty()) out.push_back(outer);
      break;
    case Grouping::kSubregion: {
      std::vector<std::string> keys(n);
      for (std::size_t e = 0; e < n; ++e)
        keys[e] =
            run.employer_subregion[e].empty() ? run.employer_region[e] : run.employer_subregion[e];
      out = by_key(keys, "subregion");
      break;
    }
    case Grouping::kAuthority:
      out = by_key(run.employer_name, "authority");
      break;
  }
  out.push_back(std::move(all));
  return out;
}

}  // namespace pledgesim::analysis
