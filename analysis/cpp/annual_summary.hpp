// DfE-style annual indicators read back from a pledgesim HDF5 run file.
//
// Years run to the 30 September snapshot, as in the DfE children's social
// work workforce collection: stocks are taken in the week containing
// 30 September, flows and costs are summed over the weeks since the previous
// snapshot. Turnover = leavers / in post; agency rate = agency / (agency + in
// post); vacancy rate = vacancies / establishment.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace pledgesim::analysis {

struct AnnualRow {
  int year = 0;   // year of the 30 September snapshot
  int weeks = 0;  // weeks summed for flows (52 or 53; fewer for a partial first year)
  double inpost_fte = 0, agency_fte = 0, vacancies = 0, establishment = 0;
  double starters = 0, leavers = 0, moves_in = 0, perm_to_agency = 0;
  double caseload = 0;  // cases per (permanent + agency) FTE
  double pay_cost_gbp = 0, agency_cost_gbp = 0, agency_margin_gbp = 0, incentive_cost_gbp = 0;

  double agency_rate() const { return agency_fte / (agency_fte + inpost_fte); }
  double vacancy_rate() const { return vacancies / establishment; }
  double turnover_rate() const { return leavers / inpost_fte; }
  double total_cost_gbp() const { return pay_cost_gbp + agency_cost_gbp + incentive_cost_gbp; }
};

struct RunSummary {
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::size_t employers = 0;
  std::string first_date, last_date;
  std::vector<AnnualRow> years;  // all employers together
};

struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads `path`; throws FileError naming the file and what is missing.
RunSummary summarize_run(const std::filesystem::path& path);

// A fixed-width text table for the terminal.
std::string format_summary(const RunSummary& summary);

}  // namespace pledgesim::analysis
