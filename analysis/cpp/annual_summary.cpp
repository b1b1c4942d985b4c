#include "analysis/cpp/annual_summary.hpp"

#include <cstdio>

namespace pledgesim::analysis {

Summary summarize(const RunFile& run, const SummaryOptions& o) {
  Summary s;
  s.path = run.path;
  s.scenario_name = run.scenario_name;
  s.seed = run.seed;
  s.employers = run.employers();
  s.first_date = run.dates.front();
  s.last_date = run.dates.back();
  s.interval = o.interval.value_or(default_interval_kind(run.has_parameters()));
  if (run.has_parameters())
    s.parameter_source = run.parameter_source.empty() ? "(unnamed)" : run.parameter_source;
  s.table = compute_indicators(run, o.by, o.indicators);
  const auto& t = s.table;
  for (std::size_t i = 0; i < t.indicators.size(); ++i) {
    const std::size_t P = t.periods(t.indicators[i]).size();
    std::vector<Interval> v;
    for (std::size_t g = 0; g < t.groups.size(); ++g)
      for (std::size_t p = 0; p < P; ++p)
        v.push_back(interval_of(s.interval, t.replicates(i, g, p)));
    s.intervals.push_back(std::move(v));
  }
  return s;
}

std::string summary_interval_note(std::size_t replications, IntervalKind kind, bool parameters) {
  if (replications < 2)
    return "one replication: values of that run, no interval (an interval needs "
           "--replications R >= 2)";
  const std::string bounds = kind == IntervalKind::kMean ? "lo90/hi90" : "pi90_lo/pi90_hi";
  return "mean across " + std::to_string(replications) + " replications; " + bounds + " = " +
         interval_name(kind) + " (" + interval_scope(kind, parameters) + "; Student t, " +
         std::to_string(replications - 1) + " df)";
}

namespace {

std::string heading(PeriodKind k) {
  return k == PeriodKind::kYearToSeptember ? "Year to 30 September" : "Financial year (Apr-Mar)";
}

std::string period_header(const Period& p) {
  return p.complete() ? p.label() : p.label() + " (" + std::to_string(p.weeks()) + " wk)";
}

std::string table_format(const Summary& s) {
  const auto& t = s.table;
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%s (seed %llu): %zu employers, weeks from %s to %s\n",
                s.scenario_name.c_str(), static_cast<unsigned long long>(s.seed), s.employers,
                s.first_date.c_str(), s.last_date.c_str());
  out += line;
  const bool parameters = !s.parameter_source.empty();
  if (parameters)
    out += "Parameters: each replication ran a set of the ensemble " + s.parameter_source +
           " (/replications/parameters).\n";
  if (t.replications >= 2)
    out += "Cells: mean across " + std::to_string(t.replications) +
           " replications +/- half-width of the " + interval_name(s.interval) + " (" +
           interval_scope(s.interval, parameters) + "; Student t, " +
           std::to_string(t.replications - 1) + " df)" +
           (s.interval == IntervalKind::kPrediction ? ": where one more replication would fall.\n"
                                                    : ".\n");
  else
    out +=
        "Cells: values of the single replication (run with --replications R >= 2 for "
        "intervals).\n";
  for (std::size_t g = 0; g < t.groups.size(); ++g) {
    const Group& grp = t.groups[g];
    out += "\n== " + grp.name + " (" + grp.level + ", " + std::to_string(grp.members.size()) +
           (grp.members.size() == 1 ? " employer" : " employers") + ") ==\n";
    for (PeriodKind kind : {PeriodKind::kYearToSeptember, PeriodKind::kFinancialYear}) {
      const auto& periods = kind == PeriodKind::kYearToSeptember ? t.years : t.financial_years;
      std::vector<std::vector<std::string>> rows;
      std::vector<std::string> head = {heading(kind), "units"};
      for (const auto& p : periods) head.push_back(period_header(p));
      rows.push_back(head);
      for (std::size_t i = 0; i < t.indicators.size(); ++i) {
        const auto& d = t.indicators[i];
        if (d.kind != kind) continue;
        std::vector<std::string> r = {d.name, d.display_units};
        for (std::size_t p = 0; p < periods.size(); ++p) {
          const Interval& iv = s.at(i, g, p);
          std::string cell = fixed(iv.mean * d.display_scale, d.decimals);
          if (iv.defined()) cell += " +/-" + fixed((iv.hi - iv.mean) * d.display_scale, d.decimals);
          r.push_back(cell);
        }
        rows.push_back(r);
      }
      if (rows.size() == 1) continue;
      if (periods.empty()) {
        out += heading(kind) + ": no period closes within the run\n";
        continue;
      }
      out += align_columns(rows, 2);
    }
  }
  out +=
      "\nStocks at the week containing 30 September; flows summed over the weeks since the "
      "previous one;\ncosts summed over financial years (weeks up to the one containing 31 "
      "March); \"(N wk)\" marks a partial period.\n";
  if (!t.skipped.empty()) {
    out += "Not computed (series absent):";
    for (const auto& k : t.skipped) out += "\n  " + k;
    out += '\n';
  }
  return out;
}

std::string csv_format(const Summary& s) {
  const auto& t = s.table;
  // The bounds' names say the kind: lo90/hi90 (mean, as ever) or pi90_lo/pi90_hi.
  std::string out =
      "scenario,file,level,group,indicator,units,period_type,period,weeks,replications,mean," +
      std::string(s.interval == IntervalKind::kMean ? "lo90,hi90" : "pi90_lo,pi90_hi") + "\n";
  for (std::size_t g = 0; g < t.groups.size(); ++g)
    for (std::size_t i = 0; i < t.indicators.size(); ++i) {
      const auto& d = t.indicators[i];
      const auto& periods = t.periods(d);
      for (std::size_t p = 0; p < periods.size(); ++p) {
        const Interval& iv = s.at(i, g, p);
        out += csv_field(s.scenario_name) + ',' + csv_field(s.path) + ',' +
               csv_field(t.groups[g].level) + ',' + csv_field(t.groups[g].name) + ',' + d.name +
               ',' + csv_field(d.units) + ',' + period_kind_name(d.kind) + ',' +
               periods[p].label() + ',' + std::to_string(periods[p].weeks()) + ',' +
               std::to_string(iv.n) + ',' + csv_number(iv.mean) + ',' + csv_number(iv.lo) + ',' +
               csv_number(iv.hi) + '\n';
      }
    }
  return out;
}

std::string json_format(const Summary& s) {
  const auto& t = s.table;
  const bool mean = s.interval == IntervalKind::kMean;
  const std::string lo = mean ? "\"lo90\"" : "\"pi90_lo\"", hi = mean ? "\"hi90\"" : "\"pi90_hi\"";
  std::string out =
      "{\n  \"command\": \"summarize\",\n  \"file\": " + json_string(s.path) +
      ",\n  \"scenario\": " + json_string(s.scenario_name) +
      ",\n  \"seed\": " + std::to_string(s.seed) +
      ",\n  \"replications\": " + std::to_string(t.replications) +
      ",\n  \"interval_kind\": " + json_string(interval_kind_name(s.interval)) +
      ",\n  \"interval\": " +
      json_string(summary_interval_note(t.replications, s.interval, !s.parameter_source.empty())) +
      ",\n  \"parameters\": " +
      (s.parameter_source.empty() ? std::string("null") : json_string(s.parameter_source)) +
      ",\n  \"skipped\": [";
  for (std::size_t k = 0; k < t.skipped.size(); ++k)
    out += (k ? ", " : "") + json_string(t.skipped[k]);
  out += "],\n  \"rows\": [";
  bool first = true;
  for (std::size_t g = 0; g < t.groups.size(); ++g)
    for (std::size_t i = 0; i < t.indicators.size(); ++i) {
      const auto& d = t.indicators[i];
      const auto& periods = t.periods(d);
      for (std::size_t p = 0; p < periods.size(); ++p) {
        const Interval& iv = s.at(i, g, p);
        out +=
            std::string(first ? "" : ",") + "\n    {\"level\": " + json_string(t.groups[g].level) +
            ", \"group\": " + json_string(t.groups[g].name) +
            ", \"indicator\": " + json_string(d.name) + ", \"units\": " + json_string(d.units) +
            ", \"period_type\": " + json_string(period_kind_name(d.kind)) +
            ", \"period\": " + json_string(periods[p].label()) +
            ", \"weeks\": " + std::to_string(periods[p].weeks()) +
            ", \"replications\": " + std::to_string(iv.n) + ", \"mean\": " + json_number(iv.mean) +
            ", " + lo + ": " + json_number(iv.lo) + ", " + hi + ": " + json_number(iv.hi) + "}";
        first = false;
      }
    }
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace

std::string format_summary(const Summary& s, Format format) {
  switch (format) {
    case Format::kTable:
      return table_format(s);
    case Format::kCsv:
      return csv_format(s);
    case Format::kJson:
      return json_format(s);
  }
  return {};
}

}  // namespace pledgesim::analysis
