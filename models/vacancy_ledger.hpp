// Per-authority record of how long vacancies have been open.
//
// Authorities ask agencies for cover only once a vacancy has been open for
// `cover_after_weeks`. The ledger keeps the vacancies opened in each of the
// last N weeks in a ring; older ones are "long". Hires fill the oldest first.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace pledgesim::models {

class VacancyLedger {
 public:
  VacancyLedger(std::int64_t cover_after_weeks, std::int64_t initial_vacancies)
      : recent_(static_cast<std::size_t>(cover_after_weeks), 0), total_(initial_vacancies) {}

  // Start of week `week`: vacancies opened N weeks ago become long.
  void begin_week(std::int64_t week) {
    if (recent_.empty()) return;
    cursor_ = static_cast<std::size_t>(week % static_cast<std::int64_t>(recent_.size()));
    recent_[cursor_] = 0;
  }

  // End of week: `filled` vacancies filled (oldest first), `opened` new ones.
  void end_week(std::int64_t filled, std::int64_t opened) {
    filled = std::clamp<std::int64_t>(filled, 0, total_);
    std::int64_t from_recent = std::max<std::int64_t>(0, filled - long_open());
    // The oldest recent slot is the one after the cursor.
    for (std::size_t k = 1; k <= recent_.size() && from_recent > 0; ++k) {
      auto& slot = recent_[(cursor_ + k) % recent_.size()];
      const std::int64_t take = std::min(slot, from_recent);
      slot -= take;
      from_recent -= take;
    }
    total_ += opened - filled;
    if (!recent_.empty()) recent_[cursor_] += opened;
  }

  std::int64_t total() const { return total_; }

  // Posts funded or cut (the establishment changed): new vacancies open
  // this week; cuts close the longest open first.
  void set_total(std::int64_t total) {
    if (total > total_) {
      if (!recent_.empty()) recent_[cursor_] += total - total_;
      total_ = total;
    } else if (total < total_) {
      end_week(total_ - total, 0);
    }
  }

  // Checkpoints: the whole state, and putting it back.
  const std::vector<std::int64_t>& recent() const { return recent_; }
  std::size_t cursor() const { return cursor_; }
  // False (and no change) when `recent` has another length or `cursor` is out of range.
  bool restore(const std::vector<std::int64_t>& recent, std::size_t cursor, std::int64_t total) {
    if (recent.size() != recent_.size() || (cursor != 0 && cursor >= recent_.size())) return false;
    recent_ = recent;
    cursor_ = cursor;
    total_ = total;
    return true;
  }
  std::int64_t long_open() const {
    std::int64_t recent = 0;
    for (auto r : recent_) recent += r;
    return total_ - recent;
  }

 private:
  std::vector<std::int64_t> recent_;
  std::size_t cursor_ = 0;
  std::int64_t total_;
};

}  // namespace pledgesim::models
