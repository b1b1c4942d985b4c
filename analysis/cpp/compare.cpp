#include "analysis/cpp/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace pledgesim::analysis {

namespace {

void check_compatible(const RunFile& a, const RunFile& b) {
  // Files of format 1 and 2 read the same (run_file.cpp), so they compare.
  if (a.format != b.format)
    throw CompareError("cannot compare files of different formats: " + a.path + " is " + a.format +
                       " format_version " + std::to_string(a.format_version) + ", " + b.path +
                       " is " + b.format + " format_version " + std::to_string(b.format_version));
  if (a.dates != b.dates) {
    std::string why;
    if (a.dates.size() != b.dates.size())
      why = std::to_string(a.dates.size()) + " weeks against " + std::to_string(b.dates.size());
    else
      for (std::size_t w = 0; w < a.dates.size(); ++w)
        if (a.dates[w] != b.dates[w]) {
          why = "week " + std::to_string(w) + " starts " + a.dates[w] + " against " + b.dates[w];
          break;
        }
    throw CompareError("calendars do not match: " + a.path + " (weeks from " + a.dates.front() +
                       " to " + a.dates.back() + ") and " + b.path + " (weeks from " +
                       b.dates.front() + " to " + b.dates.back() + "): " + why +
                       "; run both scenarios with the same start and --years");
  }
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// How the paired replications' parameters differ; "" when replication r ran
// the same values in both files for every r < pairs (or neither has any).
std::string parameter_mismatch(const RunFile& a, const RunFile& b, std::size_t pairs) {
  if (!a.has_parameters() && !b.has_parameters()) return "";
  if (a.has_parameters() != b.has_parameters()) {
    const RunFile& with = a.has_parameters() ? a : b;
    const RunFile& without = a.has_parameters() ? b : a;
    return with.path + " ran its replications on parameter sets (" +
           (with.parameter_source.empty() ? "/replications/parameters" : with.parameter_source) +
           ") and " + without.path + " on its scenario's own values";
  }
  for (const auto& key : b.parameter_keys)
    if (std::find(a.parameter_keys.begin(), a.parameter_keys.end(), key) == a.parameter_keys.end())
      return "parameter " + key + " varies in " + b.path + " but not in " + a.path;
  for (std::size_t ka = 0; ka < a.parameter_keys.size(); ++ka) {
    const std::string& key = a.parameter_keys[ka];
    const auto at = std::find(b.parameter_keys.begin(), b.parameter_keys.end(), key);
    if (at == b.parameter_keys.end())
      return "parameter " + key + " varies in " + a.path + " but not in " + b.path;
    const std::size_t kb = static_cast<std::size_t>(at - b.parameter_keys.begin());
    for (std::size_t r = 0; r < pairs; ++r)
      if (a.parameter(r, ka) != b.parameter(r, kb))
        return "replication " + std::to_string(r) + " ran " + key + " = " +
               number_text(a.parameter(r, ka)) + " in " + a.path + " and " +
               number_text(b.parameter(r, kb)) + " in " + b.path;
  }
  return "";
}

}  // namespace

Comparison compare_runs(const RunFile& a, const RunFile& b, const CompareOptions& o) {
  check_compatible(a, b);
  Comparison c;
  c.a_path = a.path;
  c.a_name = a.scenario_name;
  c.b_path = b.path;
  c.b_name = b.scenario_name;
  c.pairs = std::min(a.replications, b.replications);
  if (a.replications != b.replications)
    c.notes.push_back("the files hold " + std::to_string(a.replications) + " and " +
                      std::to_string(b.replications) + " replications: the first " +
                      std::to_string(c.pairs) + " of each are paired");
  // Only the paired replications count: a file with more replications than
  // the other still shares seeds with it over the first `pairs`.
  c.common_seeds = a.replication_seeds.size() >= c.pairs && b.replication_seeds.size() >= c.pairs &&
                   std::equal(a.replication_seeds.begin(),
                              a.replication_seeds.begin() + static_cast<std::ptrdiff_t>(c.pairs),
                              b.replication_seeds.begin());
  if (a.rng_contract != b.rng_contract) {
    c.common_seeds = false;
    c.notes.push_back("written under different random-number contracts (" +
                      std::to_string(a.rng_contract) + ", " + std::to_string(b.rng_contract) +
                      "): the same seed gives different draws, so the pairs share no random "
                      "numbers and the intervals are wider");
  } else {
    if (!c.common_seeds)
      c.notes.push_back(
          "replication seeds differ between the files: the pairs do not share random numbers "
          "(run both with the same --seed and --replications), so the intervals are wider");
    if (a.software_version != b.software_version)
      c.notes.push_back("written by different builds (" + a.software_version + ", " +
                        b.software_version + "): the same seed may not give common random numbers");
  }

  // Paired comparisons keep common parameters, as they keep common seeds.
  c.parameters = a.has_parameters() || b.has_parameters();
  const std::string mismatch = parameter_mismatch(a, b, c.pairs);
  c.common_parameters = c.parameters && mismatch.empty();
  if (!mismatch.empty()) {
    if (!o.allow_different_parameters)
      throw CompareError(
          "paired replications ran different parameters: " + mismatch +
          ". A paired comparison needs common parameters: run both scenarios with the same "
          "--parameters file and --replications (or pass --allow-different-parameters to pair "
          "them anyway)");
    c.notes.push_back("paired replications ran different parameters (" + mismatch +
                      "): the differences include the parameters' differences, not only the "
                      "scenarios'");
  }
  c.interval = o.interval.value_or(default_interval_kind(c.parameters));

  c.a = compute_indicators(a, o.by, o.indicators);
  c.b = compute_indicators(b, o.by, o.indicators);
  for (const auto& s : c.a.skipped)
    c.notes.push_back(std::find(c.b.skipped.begin(), c.b.skipped.end(), s) != c.b.skipped.end()
                          ? "not computed (series absent from both files): " + s
                          : a.path + ": not computed: " + s);
  for (const auto& s : c.b.skipped)
    if (std::find(c.a.skipped.begin(), c.a.skipped.end(), s) == c.a.skipped.end())
      c.notes.push_back(b.path + ": not computed: " + s);
  std::vector<std::string> unmatched;
  for (const auto& g : c.a.groups)
    if (std::none_of(c.b.groups.begin(), c.b.groups.end(),
                     [&](const Group& h) { return h.level == g.level && h.name == g.name; }))
      unmatched.push_back(g.name + " (only in " + a.path + ")");
  for (const auto& g : c.b.groups)
    if (std::none_of(c.a.groups.begin(), c.a.groups.end(),
                     [&](const Group& h) { return h.level == g.level && h.name == g.name; }))
      unmatched.push_back(g.name + " (only in " + b.path + ")");
  if (!unmatched.empty()) {
    std::string n = "groups not compared:";
    for (const auto& u : unmatched) n += " " + u + ";";
    n.pop_back();
    c.notes.push_back(n);
  }

  std::vector<double> d(c.pairs);
  for (std::size_t ga = 0; ga < c.a.groups.size(); ++ga) {
    const Group& g = c.a.groups[ga];
    const auto gb_it = std::find_if(c.b.groups.begin(), c.b.groups.end(), [&](const Group& h) {
      return h.level == g.level && h.name == g.name;
    });
    if (gb_it == c.b.groups.end()) continue;
    const std::size_t gb = static_cast<std::size_t>(gb_it - c.b.groups.begin());
    for (std::size_t ia = 0; ia < c.a.indicators.size(); ++ia) {
      const auto& def = c.a.indicators[ia];
      const auto ib_it = std::find_if(c.b.indicators.begin(), c.b.indicators.end(),
                                      [&](const IndicatorDef& e) { return e.name == def.name; });
      if (ib_it == c.b.indicators.end()) continue;
      const std::size_t ib = static_cast<std::size_t>(ib_it - c.b.indicators.begin());
      for (std::size_t p = 0; p < c.a.periods(def).size(); ++p) {
        const auto va = c.a.replicates(ia, ga, p);
        const auto vb = c.b.replicates(ib, gb, p);
        ComparisonRow row{ga, gb, ia, ib, p, 0, 0, {}};
        double sa = 0, sb = 0;
        std::size_t n = 0;
        for (std::size_t r = 0; r < c.pairs; ++r) {
          d[r] = vb[r] - va[r];  // NaN when either is undefined: left out of the interval
          if (std::isfinite(d[r])) {
            sa += va[r];
            sb += vb[r];
            ++n;
          }
        }
        row.a_mean = n ? sa / static_cast<double>(n) : std::nan("");
        row.b_mean = n ? sb / static_cast<double>(n) : std::nan("");
        row.diff = interval_of(c.interval, d);
        c.rows.push_back(row);
      }
    }
  }
  return c;
}

std::string compare_interval_note(std::size_t pairs, IntervalKind kind, bool parameters) {
  if (pairs < 2)
    return "one replication: the point difference B - A only; an interval needs "
           "--replications R >= 2";
  const std::string bounds = kind == IntervalKind::kMean ? "lo90/hi90" : "pi90_lo/pi90_hi";
  return "diff = mean of B - A over " + std::to_string(pairs) + " paired replications; " + bounds +
         " = " + interval_name(kind) + " of the paired differences (" +
         interval_scope(kind, parameters) + "; paired Student t, " + std::to_string(pairs - 1) +
         " df); excludes_zero = 1 when it excludes zero";
}

namespace {

std::string period_header(const Period& p) {
  return p.complete() ? p.label() : p.label() + " (" + std::to_string(p.weeks()) + " wk)";
}

std::string table_one(const Comparison& c) {
  std::string out =
      "B - A: " + c.b_name + " (" + c.b_path + ") minus " + c.a_name + " (" + c.a_path + ")\n";
  std::string shared = c.common_seeds ? "common random numbers" : "";
  if (c.common_parameters) shared += std::string(shared.empty() ? "" : ", ") + "common parameters";
  if (c.pairs >= 2)
    out += "Cells: mean difference over " + std::to_string(c.pairs) + " paired replications" +
           (shared.empty() ? "" : " (" + shared + ")") + " +/- half-width of its " +
           interval_name(c.interval) + " (" + interval_scope(c.interval, c.parameters) +
           "; paired Student t, " + std::to_string(c.pairs - 1) + " df)" +
           (c.interval == IntervalKind::kPrediction
                ? ": where the difference of one more paired replication would fall"
                : "") +
           "; * the interval excludes zero.\n";
  else
    out +=
        "Cells: the difference of the single replications; no interval (it needs "
        "--replications R >= 2).\n";
  for (const auto& n : c.notes) out += "Note: " + n + '\n';
  std::size_t r = 0;
  while (r < c.rows.size()) {
    const std::size_t ga = c.rows[r].group_a;
    const Group& g = c.a.groups[ga];
    out += "\n== " + g.name + " (" + g.level + ") ==\n";
    for (PeriodKind kind : {PeriodKind::kYearToSeptember, PeriodKind::kFinancialYear}) {
      const auto& periods = kind == PeriodKind::kYearToSeptember ? c.a.years : c.a.financial_years;
      std::vector<std::vector<std::string>> rows;
      std::vector<std::string> head = {kind == PeriodKind::kYearToSeptember
                                           ? "Year to 30 September"
                                           : "Financial year (Apr-Mar)",
                                       "units"};
      for (const auto& p : periods) head.push_back(period_header(p));
      rows.push_back(head);
      for (std::size_t k = r; k < c.rows.size() && c.rows[k].group_a == ga; ++k) {
        const ComparisonRow& row = c.rows[k];
        const auto& d = c.a.indicators[row.indicator_a];
        if (d.kind != kind) continue;
        if (row.period == 0)
          rows.push_back({d.name, d.display_units == "%" ? "pp" : d.display_units});
        std::string cell = fixed(row.diff.mean * d.display_scale, d.decimals, true);
        if (row.diff.defined())
          cell += " +/-" + fixed((row.diff.hi - row.diff.mean) * d.display_scale, d.decimals) +
                  (row.diff.excludes_zero() ? "*" : " ");
        rows.back().push_back(cell);
      }
      if (rows.size() > 1) out += align_columns(rows, 2);
    }
    while (r < c.rows.size() && c.rows[r].group_a == ga) ++r;
  }
  out += "(pp: percentage points)\n";
  return out;
}

}  // namespace

std::string format_comparisons(const std::vector<Comparison>& cs, Format format) {
  std::string out;
  if (format == Format::kTable) {
    for (std::size_t k = 0; k < cs.size(); ++k) out += (k ? "\n" : "") + table_one(cs[k]);
    return out;
  }
  // The bounds' names say the kind: lo90/hi90 (mean, as ever) or pi90_lo/pi90_hi.
  const bool mean = cs.empty() || cs.front().interval == IntervalKind::kMean;
  const std::string lo = mean ? "lo90" : "pi90_lo", hi = mean ? "hi90" : "pi90_hi";
  if (format == Format::kCsv) {
    out =
        "baseline,scenario,baseline_file,file,level,group,indicator,units,period_type,period,"
        "weeks,pairs,a_mean,b_mean,diff," +
        lo + ',' + hi + ",excludes_zero\n";
    for (const auto& c : cs)
      for (const auto& row : c.rows) {
        const auto& d = c.a.indicators[row.indicator_a];
        const Period& p = c.a.periods(d)[row.period];
        const Group& g = c.a.groups[row.group_a];
        out += csv_field(c.a_name) + ',' + csv_field(c.b_name) + ',' + csv_field(c.a_path) + ',' +
               csv_field(c.b_path) + ',' + csv_field(g.level) + ',' + csv_field(g.name) + ',' +
               d.name + ',' + csv_field(d.units) + ',' + period_kind_name(d.kind) + ',' +
               p.label() + ',' + std::to_string(p.weeks()) + ',' + std::to_string(row.diff.n) +
               ',' + csv_number(row.a_mean) + ',' + csv_number(row.b_mean) + ',' +
               csv_number(row.diff.mean) + ',' + csv_number(row.diff.lo) + ',' +
               csv_number(row.diff.hi) + ',' + (row.diff.excludes_zero() ? "1" : "0") + '\n';
      }
    return out;
  }
  out = "{\n  \"command\": \"compare\",\n  \"comparisons\": [";
  for (std::size_t k = 0; k < cs.size(); ++k) {
    const Comparison& c = cs[k];
    out += std::string(k ? "," : "") + "\n    {\n      \"baseline\": " + json_string(c.a_name) +
           ", \"baseline_file\": " + json_string(c.a_path) +
           ",\n      \"scenario\": " + json_string(c.b_name) +
           ", \"file\": " + json_string(c.b_path) +
           ",\n      \"pairs\": " + std::to_string(c.pairs) +
           ", \"common_random_numbers\": " + (c.common_seeds ? "true" : "false") +
           ", \"common_parameters\": " + (c.common_parameters ? "true" : "false") +
           ",\n      \"interval_kind\": " + json_string(interval_kind_name(c.interval)) +
           ",\n      \"interval\": " +
           json_string(compare_interval_note(c.pairs, c.interval, c.parameters)) +
           ",\n      \"notes\": [";
    for (std::size_t n = 0; n < c.notes.size(); ++n)
      out += (n ? ", " : "") + json_string(c.notes[n]);
    out += "],\n      \"rows\": [";
    for (std::size_t i = 0; i < c.rows.size(); ++i) {
      const auto& row = c.rows[i];
      const auto& d = c.a.indicators[row.indicator_a];
      const Period& p = c.a.periods(d)[row.period];
      const Group& g = c.a.groups[row.group_a];
      out +=
          std::string(i ? "," : "") + "\n        {\"level\": " + json_string(g.level) +
          ", \"group\": " + json_string(g.name) + ", \"indicator\": " + json_string(d.name) +
          ", \"units\": " + json_string(d.units) +
          ", \"period_type\": " + json_string(period_kind_name(d.kind)) +
          ", \"period\": " + json_string(p.label()) + ", \"weeks\": " + std::to_string(p.weeks()) +
          ", \"pairs\": " + std::to_string(row.diff.n) +
          ", \"a_mean\": " + json_number(row.a_mean) + ", \"b_mean\": " + json_number(row.b_mean) +
          ", \"diff\": " + json_number(row.diff.mean) + ", \"" + lo +
          "\": " + json_number(row.diff.lo) + ", \"" + hi + "\": " + json_number(row.diff.hi) +
          ", \"excludes_zero\": " + (row.diff.excludes_zero() ? "true" : "false") + "}";
    }
    out += "\n      ]\n    }";
  }
  out += "\n  ]\n}\n";
  return out;
}

std::vector<Comparison> compare_with_first(const std::vector<RunFile>& runs,
                                           CompareOptions options) {
  const bool parameters =
      std::any_of(runs.begin(), runs.end(), [](const RunFile& r) { return r.has_parameters(); });
  options.interval = options.interval.value_or(default_interval_kind(parameters));
  std::vector<Comparison> comparisons;
  for (std::size_t k = 1; k < runs.size(); ++k)
    comparisons.push_back(compare_runs(runs.front(), runs[k], options));
  return comparisons;
}

}  // namespace pledgesim::analysis
