#include "analysis/cpp/annual_summary.hpp"

#include <cstdio>
#include <map>

#include "sim/core/calendar.hpp"
#include "sim/io/hdf5_util.hpp"

namespace pledgesim::analysis {

namespace h5 = sim::h5;

RunSummary summarize_run(const std::filesystem::path& path) {
  const std::string file = path.string();
  h5::QuietErrors quiet;
  if (!std::filesystem::exists(path)) throw FileError(file + ": no such file");
  if (H5Fis_hdf5(file.c_str()) <= 0) throw FileError(file + ": not an HDF5 file");
  h5::Handle f;
  try {
    f = h5::Handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + file);
  } catch (const h5::Hdf5Error& e) {
    throw FileError(file + ": cannot be opened as HDF5");
  }
  RunSummary s;
  try {
    if (!H5Aexists(f, "format") || h5::read_string_attribute(f, "format") != "pledgesim")
      throw FileError(file + ": not a pledgesim file (root attribute 'format' missing)");
    s.scenario_name = h5::read_string_attribute(f, "scenario_name");
    s.seed = static_cast<std::uint64_t>(h5::read_int_attribute(f, "seed"));
    const auto dates = h5::read_strings(f, "time/date");
    if (dates.empty()) throw FileError(file + ": /time/date is empty");
    s.first_date = dates.front();
    s.last_date = dates.back();

    const char* needed[] = {"permanent_fte",     "agency_fte",      "vacancies",
                            "establishment",     "starters",        "leavers",
                            "moves_in",          "perm_to_agency",  "caseload",
                            "pay_cost_gbp",      "agency_cost_gbp", "agency_margin_gbp",
                            "incentive_cost_gbp"};
    std::map<std::string, std::vector<double>> series;
    std::size_t employers = 0;
    for (const char* name : needed) {
      const std::string p = std::string("series/") + name;
      if (!h5::exists(f, p)) throw FileError(file + ": missing dataset /" + p);
      std::vector<hsize_t> dims;
      series[name] = h5::read_doubles(f, p, dims);
      if (dims.size() != 2 || dims[0] != dates.size())
        throw FileError(file + ": /" + p + " does not have shape [weeks, employers]");
      employers = dims[1];
    }
    s.employers = employers;

    const std::size_t W = dates.size();
    auto col_sum = [&](const std::string& m, std::size_t w) {
      double t = 0;
      for (std::size_t e = 0; e < employers; ++e) t += series[m][w * employers + e];
      return t;
    };
    std::size_t year_first = 0;
    for (std::size_t w = 0; w < W; ++w) {
      const auto d = sim::Date::parse(dates[w]);
      if (!d) throw FileError(file + ": /time/date[" + std::to_string(w) + "] is not a date");
      const sim::Date snapshot = sim::Date::from_ymd(d->plus_days(6).year(), 9, 30);
      if (!(*d <= snapshot && snapshot < d->plus_days(7))) continue;
      AnnualRow row;
      row.year = snapshot.year();
      row.weeks = static_cast<int>(w + 1 - year_first);
      row.inpost_fte = col_sum("permanent_fte", w);
      row.agency_fte = col_sum("agency_fte", w);
      row.vacancies = col_sum("vacancies", w);
      row.establishment = col_sum("establishment", w);
      double cases = 0;
      for (std::size_t e = 0; e < employers; ++e) {
        const std::size_t k = w * employers + e;
        cases += series["caseload"][k] * (series["permanent_fte"][k] + series["agency_fte"][k]);
      }
      row.caseload = cases / (row.inpost_fte + row.agency_fte);
      for (std::size_t v = year_first; v <= w; ++v) {
        row.starters += col_sum("starters", v);
        row.leavers += col_sum("leavers", v);
        row.moves_in += col_sum("moves_in", v);
        row.perm_to_agency += col_sum("perm_to_agency", v);
        row.pay_cost_gbp += col_sum("pay_cost_gbp", v);
        row.agency_cost_gbp += col_sum("agency_cost_gbp", v);
        row.agency_margin_gbp += col_sum("agency_margin_gbp", v);
        row.incentive_cost_gbp += col_sum("incentive_cost_gbp", v);
      }
      s.years.push_back(row);
      year_first = w + 1;
    }
  } catch (const h5::Hdf5Error& e) {
    throw FileError(file + ": " + e.what());
  }
  return s;
}

std::string format_summary(const RunSummary& s) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%s (seed %llu): %zu employers, weeks from %s to %s\n",
                s.scenario_name.c_str(), static_cast<unsigned long long>(s.seed), s.employers,
                s.first_date.c_str(), s.last_date.c_str());
  out += line;
  out +=
      "Year to 30 Sep  weeks  in post  agency  agency%  turnover%  vacancy%  caseload  "
      "starters  leavers  cost GBPm  agency GBPm\n";
  for (const auto& r : s.years) {
    std::snprintf(
        line, sizeof line,
        "%-14d  %5d  %7.0f  %6.0f  %7.1f  %9.1f  %8.1f  %8.1f  %8.0f  %7.0f  %9.1f  %11.1f\n",
        r.year, r.weeks, r.inpost_fte, r.agency_fte, 100 * r.agency_rate(),
        100 * r.turnover_rate() * 52.0 / r.weeks, 100 * r.vacancy_rate(), r.caseload, r.starters,
        r.leavers, r.total_cost_gbp() / 1e6, r.agency_cost_gbp / 1e6);
    out += line;
  }
  if (s.years.empty()) out += "(the run did not reach a 30 September snapshot)\n";
  out +=
      "Stocks at the week containing 30 September; flows and costs summed over the weeks "
      "since the last one;\nturnover% = leavers / in post, scaled to 52 weeks.\n";
  return out;
}

}  // namespace pledgesim::analysis
