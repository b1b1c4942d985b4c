// Practitioner statuses and roles: the domain's vocabulary.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace pledgesim::models {

enum class Status : std::uint8_t {
  permanent = 0,  // directly employed by an authority
  agency = 1,     // placed at an authority by an agency
  inactive = 2,   // out of authority work, able to return (incl. newly qualified job seekers)
  exited = 3,     // left the profession for good
};
inline constexpr int kStatusCount = 4;
inline constexpr std::array<std::string_view, kStatusCount> kStatusNames = {"permanent", "agency",
                                                                            "inactive", "exited"};

enum class Role : std::uint8_t { nqsw, social_worker, experienced, senior, advanced, team_manager };
inline constexpr int kRoleCount = 6;
inline constexpr std::array<std::string_view, kRoleCount> kRoleNames = {
    "nqsw", "social_worker", "experienced", "senior", "advanced", "team_manager"};

inline constexpr int kWeeksPerYear = 52;
inline constexpr std::int16_t kNoEmployer = -1;

}  // namespace pledgesim::models
