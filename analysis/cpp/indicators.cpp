#include "analysis/cpp/indicators.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace pledgesim::analysis {

namespace {

constexpr double kWeeksPerYear = 365.25 / 7.0;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double num, double den) {
  return den != 0 ? num / den : kNaN;
}

IndicatorDef def(std::string name, std::string units, PeriodKind kind, std::string description,
                 std::vector<std::string> needs, std::function<double(const GroupPeriod&)> f,
                 double scale, std::string display_units, int decimals,
                 std::vector<std::string> optional = {}) {
  IndicatorDef d;
  d.optional = std::move(optional);
  d.name = std::move(name);
  d.units = std::move(units);
  d.kind = kind;
  d.description = std::move(description);
  d.needs = std::move(needs);
  d.compute = std::move(f);
  d.display_scale = scale;
  d.display_units = std::move(display_units);
  d.decimals = decimals;
  return d;
}

std::vector<IndicatorDef> make_defs() {
  using P = const GroupPeriod&;
  const auto Y = PeriodKind::kYearToSeptember;
  const auto F = PeriodKind::kFinancialYear;
  auto stock = [](const char* s) { return [s](P g) { return g.stock(s); }; };
  auto flow = [](const char* s) { return [s](P g) { return g.flow(s); }; };
  std::vector<IndicatorDef> d;
  d.push_back(def("inpost_fte", "FTE", Y, "permanent FTE in post at 30 September",
                  {"permanent_fte"}, stock("permanent_fte"), 1, "FTE", 0));
  d.push_back(def("agency_fte", "FTE", Y, "agency FTE at 30 September", {"agency_fte"},
                  stock("agency_fte"), 1, "FTE", 0));
  d.push_back(def(
      "agency_rate", "%", Y, "agency FTE / (agency + in post FTE) at 30 September",
      {"agency_fte", "permanent_fte"},
      [](P g) {
        const double a = g.stock("agency_fte");
        return 100 * ratio(a, a + g.stock("permanent_fte"));
      },
      1, "%", 1));
  d.push_back(def("vacancies", "FTE", Y, "vacant FTE (establishment - in post) at 30 September",
                  {"vacancies"}, stock("vacancies"), 1, "FTE", 0));
  d.push_back(def(
      "vacancy_rate", "%", Y, "vacancies / (vacancies + in post FTE) at 30 September",
      {"vacancies", "permanent_fte"},
      [](P g) {
        const double v = g.stock("vacancies");
        return 100 * ratio(v, v + g.stock("permanent_fte"));
      },
      1, "%", 1));
  d.push_back(def("bank_fte", "FTE", Y, "in-house bank FTE at 30 September", {"bank_fte"},
                  stock("bank_fte"), 1, "FTE", 0));
  d.push_back(def("starters", "FTE", Y, "permanent starters in the year to 30 September",
                  {"starters"}, flow("starters"), 1, "FTE", 0));
  d.push_back(def("leavers", "FTE", Y, "permanent leavers in the year to 30 September", {"leavers"},
                  flow("leavers"), 1, "FTE", 0));
  d.push_back(def(
      "turnover_rate", "%", Y, "leavers in the year / FTE in post at 30 September (DfE turnover)",
      {"leavers", "permanent_fte"},
      [](P g) { return 100 * ratio(g.flow("leavers"), g.stock("permanent_fte")); }, 1, "%", 1));
  d.push_back(def("moves_in", "FTE", Y,
                  "permanent starters who came from another authority, in the year", {"moves_in"},
                  flow("moves_in"), 1, "FTE", 0));
  d.push_back(def("moves_out", "FTE", Y,
                  "permanent leavers who went to another authority, in the year", {"moves_out"},
                  flow("moves_out"), 1, "FTE", 0));
  d.push_back(def("perm_to_agency", "FTE", Y,
                  "permanent leavers who became agency workers, in the year", {"perm_to_agency"},
                  flow("perm_to_agency"), 1, "FTE", 0));
  d.push_back(def("agency_to_perm", "FTE", Y,
                  "permanent starters who were agency workers, in the year", {"agency_to_perm"},
                  flow("agency_to_perm"), 1, "FTE", 0));
  // Leavers and starters split as DfE reports them (leaving the sector,
  // going agency, moving to another council), as rates of in-post FTE.
  const auto share_of_in_post = [](std::function<double(P)> flow_of) {
    return [flow_of](P g) { return 100 * ratio(flow_of(g), g.stock("permanent_fte")); };
  };
  const auto out_of_sector = [](P g) {
    return g.flow("leavers") - g.flow("moves_out") - g.flow("perm_to_agency");
  };
  d.push_back(def("leavers_out_of_sector", "FTE", Y,
                  "permanent leavers who left council social work (the profession, a break or "
                  "other work), in the year",
                  {"leavers", "moves_out", "perm_to_agency"}, out_of_sector, 1, "FTE", 0));
  d.push_back(def("leaver_rate_out_of_sector", "%", Y,
                  "leavers_out_of_sector / FTE in post at 30 September",
                  {"leavers", "moves_out", "perm_to_agency", "permanent_fte"},
                  share_of_in_post(out_of_sector), 1, "%", 1));
  d.push_back(def("leaver_rate_to_agency", "%", Y, "perm_to_agency / FTE in post at 30 September",
                  {"perm_to_agency", "permanent_fte"},
                  share_of_in_post([](P g) { return g.flow("perm_to_agency"); }), 1, "%", 1));
  d.push_back(def("leaver_rate_to_other_council", "%", Y, "moves_out / FTE in post at 30 September",
                  {"moves_out", "permanent_fte"},
                  share_of_in_post([](P g) { return g.flow("moves_out"); }), 1, "%", 1));
  d.push_back(def(
      "starters_new_or_returning", "FTE", Y,
      "permanent starters who came neither from another council nor from agency "
      "work (newly qualified, returners), in the year",
      {"starters", "moves_in", "agency_to_perm"},
      [](P g) { return g.flow("starters") - g.flow("moves_in") - g.flow("agency_to_perm"); }, 1,
      "FTE", 0));
  d.push_back(def(
      "mean_tenure_years", "years", Y,
      "mean tenure of permanent staff in their post at 30 September (FTE-weighted)",
      {"mean_tenure_weeks", "permanent_fte"},
      [](P g) {
        return ratio(g.stock_weighted("mean_tenure_weeks", {"permanent_fte"}),
                     g.stock("permanent_fte")) /
               kWeeksPerYear;
      },
      1, "years", 2));
  d.push_back(def("caseload", "cases per FTE", Y,
                  "cases per (permanent + bank + agency) FTE at 30 September (FTE-weighted)",
                  {"caseload", "permanent_fte", "agency_fte"},
                  [](P g) {
                    return ratio(
                        g.stock_weighted("caseload", {"permanent_fte", "bank_fte", "agency_fte"}),
                        g.stock("permanent_fte") + g.stock_if("bank_fte") + g.stock("agency_fte"));
                  },
                  1, "cases", 1, {"bank_fte"}));

  d.push_back(def("pay_cost_gbp", "GBP", F, "permanent pay and on-costs in the financial year",
                  {"pay_cost_gbp"}, flow("pay_cost_gbp"), 1e-6, "GBPm", 2));
  d.push_back(def("agency_cost_gbp", "GBP", F,
                  "agency charges (pay, on-costs, agency margin, MSP fee) in the financial year",
                  {"agency_cost_gbp"}, flow("agency_cost_gbp"), 1e-6, "GBPm", 2));
  d.push_back(def("agency_margin_gbp", "GBP", F, "agency margin within the agency charges",
                  {"agency_margin_gbp"}, flow("agency_margin_gbp"), 1e-6, "GBPm", 2));
  d.push_back(def("msp_fee_gbp", "GBP", F, "managed service provider fee within the agency charges",
                  {"msp_fee_gbp"}, flow("msp_fee_gbp"), 1e-6, "GBPm", 2));
  d.push_back(
      def("incentive_cost_gbp", "GBP", F,
          "incentives (golden hellos, headhunting premiums, retention and relocation payments, "
          "progression pathway uplifts) in the financial year",
          {"incentive_cost_gbp"}, flow("incentive_cost_gbp"), 1e-6, "GBPm", 2));
  d.push_back(def("bank_cost_gbp", "GBP", F, "in-house bank pay and on-costs in the financial year",
                  {"bank_cost_gbp"}, flow("bank_cost_gbp"), 1e-6, "GBPm", 2));
  d.push_back(def("recruitment_cost_gbp", "GBP", F,
                  "recruitment costs of permanent starters in the financial year",
                  {"recruitment_cost_gbp"}, flow("recruitment_cost_gbp"), 1e-6, "GBPm", 2));
  const std::vector<std::string> extra_costs = {"bank_cost_gbp", "recruitment_cost_gbp"};
  auto total = [](P g) {
    return g.flow("pay_cost_gbp") + g.flow("agency_cost_gbp") + g.flow("incentive_cost_gbp") +
           g.flow_if("bank_cost_gbp") + g.flow_if("recruitment_cost_gbp");
  };
  auto filled_years = [](P g) {
    return (g.flow("permanent_fte") + g.flow_if("bank_fte") + g.flow("agency_fte")) / kWeeksPerYear;
  };
  d.push_back(def("total_cost_gbp", "GBP", F,
                  "pay and on-costs + agency charges + incentives (+ bank pay and recruitment "
                  "costs when recorded) in the financial year",
                  {"pay_cost_gbp", "agency_cost_gbp", "incentive_cost_gbp"}, total, 1e-6, "GBPm", 2,
                  extra_costs));
  d.push_back(def("filled_fte_years", "FTE-years", F,
                  "permanent + bank + agency FTE summed over the weeks of the financial year, in "
                  "years",
                  {"permanent_fte", "agency_fte"}, filled_years, 1, "FTE-yr", 0, {"bank_fte"}));
  d.push_back(
      def("cost_per_filled_fte_gbp", "GBP per FTE-year", F,
          "total cost / filled FTE-years in the financial year",
          {"pay_cost_gbp", "agency_cost_gbp", "incentive_cost_gbp", "permanent_fte", "agency_fte"},
          [total, filled_years](P g) { return ratio(total(g), filled_years(g)); }, 1e-3, "GBPk", 1,
          {"bank_cost_gbp", "recruitment_cost_gbp", "bank_fte"}));
  d.push_back(def(
      "agency_premium_gbp", "GBP per FTE-year", F,
      "agency charges per agency FTE-year minus pay and on-costs per permanent FTE-year",
      {"pay_cost_gbp", "agency_cost_gbp", "permanent_fte", "agency_fte"},
      [](P g) {
        return ratio(g.flow("agency_cost_gbp"), g.flow("agency_fte") / kWeeksPerYear) -
               ratio(g.flow("pay_cost_gbp"), g.flow("permanent_fte") / kWeeksPerYear);
      },
      1e-3, "GBPk", 1));
  return d;
}

// GroupPeriod over the raw series of one replication.
class Sums final : public GroupPeriod {
 public:
  Sums(const std::map<std::string, std::vector<double>>& series, std::size_t weeks,
       std::size_t employers)
      : series_(series), weeks_(weeks), employers_(employers) {}
  void set(std::size_t replication, const Group& group, const Period& period) {
    r_ = replication;
    group_ = &group;
    period_ = &period;
  }

  bool has(const std::string& s) const override { return series_.count(s) > 0; }
  double stock(const std::string& s) const override {
    const double* v = at(s, period_->last_week);
    double t = 0;
    for (std::size_t e : group_->members) t += v[e];
    return t;
  }
  double flow(const std::string& s) const override {
    double t = 0;
    for (std::size_t w = period_->first_week; w <= period_->last_week; ++w) {
      const double* v = at(s, w);
      for (std::size_t e : group_->members) t += v[e];
    }
    return t;
  }
  double stock_weighted(const std::string& a,
                        const std::vector<std::string>& weights) const override {
    const double* va = at(a, period_->last_week);
    double t = 0;
    for (std::size_t e : group_->members) {
      double wsum = 0;
      for (const auto& w : weights)
        if (has(w)) wsum += at(w, period_->last_week)[e];
      if (wsum != 0) t += va[e] * wsum;  // a mean over nobody (NaN or 0) weighs nothing
    }
    return t;
  }

 private:
  const double* at(const std::string& s, std::size_t week) const {
    const auto it = series_.find(s);
    if (it == series_.end()) throw std::logic_error("indicator reads unloaded series " + s);
    return it->second.data() + (r_ * weeks_ + week) * employers_;
  }
  const std::map<std::string, std::vector<double>>& series_;
  std::size_t weeks_, employers_;
  std::size_t r_ = 0;
  const Group* group_ = nullptr;
  const Period* period_ = nullptr;
};

}  // namespace

const std::vector<IndicatorDef>& indicator_defs() {
  static const std::vector<IndicatorDef> defs = make_defs();
  return defs;
}

const IndicatorDef* find_indicator(const std::string& name) {
  for (const auto& d : indicator_defs())
    if (d.name == name) return &d;
  return nullptr;
}

std::span<const double> IndicatorTable::replicates(std::size_t i, std::size_t g,
                                                   std::size_t p) const {
  const std::size_t P = periods(indicators[i]).size();
  return std::span<const double>(values[i]).subspan((g * P + p) * replications, replications);
}

IndicatorTable compute_indicators(const RunFile& run, Grouping by,
                                  const std::vector<std::string>& only) {
  for (const auto& name : only)
    if (!find_indicator(name)) {
      std::string known;
      for (const auto& d : indicator_defs()) known += (known.empty() ? "" : ", ") + d.name;
      throw sim::InputError("unknown indicator '" + name + "' (known: " + known + ")");
    }
  IndicatorTable t;
  t.path = run.path;
  t.scenario_name = run.scenario_name;
  t.replications = run.replications;
  t.groups = make_groups(run, by);
  try {
    t.years = make_periods(run.dates, PeriodKind::kYearToSeptember);
    t.financial_years = make_periods(run.dates, PeriodKind::kFinancialYear);
  } catch (const std::invalid_argument& e) {
    throw FileError(run.path + ": " + e.what());
  }

  std::map<std::string, std::vector<double>> series;
  for (const auto& d : indicator_defs()) {
    if (!only.empty() && std::find(only.begin(), only.end(), d.name) == only.end()) continue;
    std::string missing;
    for (const auto& s : d.needs)
      if (!run.has_series(s)) missing += (missing.empty() ? "" : ", ") + ("/series/" + s);
    if (!missing.empty()) {
      t.skipped.push_back(d.name + " (no " + missing + " in the file)");
      continue;
    }
    for (const auto& s : d.needs)
      if (!series.count(s)) series[s] = run.read_series(s);
    for (const auto& s : d.optional)
      if (run.has_series(s) && !series.count(s)) series[s] = run.read_series(s);
    t.indicators.push_back(d);
  }

  Sums sums(series, run.weeks(), run.employers());
  const std::size_t R = run.replications;
  for (const auto& d : t.indicators) {
    const auto& periods = t.periods(d);
    std::vector<double> v(t.groups.size() * periods.size() * R);
    for (std::size_t g = 0; g < t.groups.size(); ++g)
      for (std::size_t p = 0; p < periods.size(); ++p)
        for (std::size_t r = 0; r < R; ++r) {
          sums.set(r, t.groups[g], periods[p]);
          v[(g * periods.size() + p) * R + r] = d.compute(sums);
        }
    t.values.push_back(std::move(v));
  }
  return t;
}

std::optional<std::span<const double>> find_replicates(const IndicatorTable& table,
                                                       const std::string& indicator,
                                                       const std::string& group, int year) {
  std::size_t i = 0;
  while (i < table.indicators.size() && table.indicators[i].name != indicator) ++i;
  std::size_t g = 0;
  while (g < table.groups.size() && table.groups[g].name != group) ++g;
  if (i == table.indicators.size() || g == table.groups.size()) return std::nullopt;
  const auto& periods = table.periods(table.indicators[i]);
  std::size_t p = 0;
  while (p < periods.size() && periods[p].year != year) ++p;
  if (p == periods.size()) return std::nullopt;
  return table.replicates(i, g, p);
}

}  // namespace pledgesim::analysis
