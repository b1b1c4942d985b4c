// Practitioner statuses and roles: the domain's vocabulary.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace pledgesim::models {

enum class Status : std::uint8_t {
  permanent = 0,  // directly employed in a post at an authority
  trainee = 1,    // in a post, in the assessed first year (ASYE): no agency or bank work yet
  bank = 2,       // in an authority's in-house bank, covering vacancies without an agency
  agency = 3,     // placed at an authority by an agency
  inactive = 4,   // out of authority work, able to return (incl. newly qualified job seekers)
  exited = 5,     // left the profession for good
};
inline constexpr int kStatusCount = 6;
inline constexpr std::array<std::string_view, kStatusCount> kStatusNames = {
    "permanent", "trainee", "bank", "agency", "inactive", "exited"};

// Holds one of an authority's funded posts (counts against its vacancies).
constexpr bool holds_post(Status s) {
  return s == Status::permanent || s == Status::trainee;
}
// Covers a vacancy for an authority without holding the post.
constexpr bool covers_vacancy(Status s) {
  return s == Status::bank || s == Status::agency;
}
constexpr bool in_work(Status s) {
  return holds_post(s) || covers_vacancy(s);
}

enum class Role : std::uint8_t { nqsw, social_worker, experienced, senior, advanced, team_manager };
inline constexpr int kRoleCount = 6;
inline constexpr std::array<std::string_view, kRoleCount> kRoleNames = {
    "nqsw", "social_worker", "experienced", "senior", "advanced", "team_manager"};

inline constexpr int kWeeksPerYear = 52;
inline constexpr std::uint16_t kAsyeWeeks = 52;  // the assessed first year in practice
inline constexpr std::int16_t kNoEmployer = -1;

}  // namespace pledgesim::models
