#include "analysis/cpp/run_file.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "analysis/cpp/h5_read.hpp"
#include "sim/core/calendar.hpp"
#include "sim/io/hdf5_recorder.hpp"

namespace pledgesim::analysis {

namespace h5 = sim::h5;

namespace {

// The oldest run-file format this build reads.
constexpr std::int64_t kOldestFormatVersion = 1;

void check_format(const InputFile& f, RunFile& r) {
  if (!f.has_attribute("", "format"))
    f.fail(
        "not a pledgesim file (root attribute 'format' is missing: written by another program?)");
  const std::string format = f.string_attribute("", "format");
  if (format == "pledgesim-checkpoint")
    f.fail(
        "a checkpoint of an unfinished run, not a result; finish the run with `pledgesim "
        "resume " +
        r.path + "`, then use its output");
  if (format == "pledgesim-sweep")
    f.fail("a pledgesim sweep file, not a run file (`pledgesim sensitivity` reads sweep files)");
  if (format != "pledgesim")
    f.fail("not a pledgesim file (root attribute 'format' is \"" + format +
           "\", not \"pledgesim\")");
  r.format = format;
  // A run stopped by Ctrl-C keeps its weeks done in NAME.partial, marked
  // incomplete: its later weeks are empty, so no table may be made from it.
  if (f.has_attribute("", "incomplete") && f.int_attribute("", "incomplete") != 0)
    f.fail("an incomplete run (stopped after " +
           (f.has_attribute("", "complete_weeks")
                ? std::to_string(f.int_attribute("", "complete_weeks")) + " weeks"
                : std::string("an unknown number of weeks")) +
           "); run it again to get a complete file");
  // Format 1 differs from 2 only in where the series' dimensions live
  // (docs/output-format.md#versions): both are read.
  r.format_version = f.int_attribute("", "format_version");
  const std::string readable = "format_version " + std::to_string(kOldestFormatVersion) + " to " +
                               std::to_string(sim::kFormatVersion);
  if (r.format_version < kOldestFormatVersion)
    f.fail("format_version " + std::to_string(r.format_version) +
           " is older than this pledgesim reads (" + readable +
           "); run the scenario again to rewrite it");
  if (r.format_version > sim::kFormatVersion)
    f.fail("format_version " + std::to_string(r.format_version) +
           " is newer than this pledgesim reads (" + readable +
           "); read it with a newer pledgesim");
  const std::int64_t seed = f.int_attribute("", "seed");
  if (seed < 0) f.fail("root attribute 'seed' is negative (" + std::to_string(seed) + ")");
  r.seed = static_cast<std::uint64_t>(seed);
  r.software_version = f.string_attribute("", "software_version");
  r.rng_contract = f.has_attribute("", "rng_contract") ? f.int_attribute("", "rng_contract") : 0;
  r.scenario_name = f.string_attribute("", "scenario_name");
}

void read_time(const InputFile& f, RunFile& r) {
  f.require_group("time");
  r.dates = f.strings("time/date");
  if (r.dates.empty()) f.fail("/time/date is empty (a run of no weeks)");
  std::optional<sim::Date> previous;
  for (std::size_t w = 0; w < r.dates.size(); ++w) {
    const auto d = sim::Date::parse(r.dates[w]);
    if (!d)
      f.fail("/time/date[" + std::to_string(w) + "] is \"" + r.dates[w] +
             "\", not an ISO date (YYYY-MM-DD)");
    if (previous && !(previous->plus_days(7) == *d))
      f.fail("/time/date[" + std::to_string(w) + "] is " + r.dates[w] + ", not 7 days after " +
             "/time/date[" + std::to_string(w - 1) + "] (" + r.dates[w - 1] +
             "): the weeks are not consecutive");
    previous = d;
  }
  const auto week = f.integers("time/week");
  if (week.size() != r.dates.size())
    f.fail("/time/week has " + std::to_string(week.size()) + " rows but /time/date has " +
           std::to_string(r.dates.size()));
  for (std::size_t w = 0; w < week.size(); ++w)
    if (week[w] != static_cast<std::int64_t>(w))
      f.fail("/time/week[" + std::to_string(w) + "] is " + std::to_string(week[w]) + ", not " +
             std::to_string(w) + " (weeks since the start)");
}

void read_employers(const InputFile& f, RunFile& r) {
  f.require_group("employers");
  r.employer_name = f.strings("employers/name");
  const std::size_t n = r.employer_name.size();
  if (n == 0) f.fail("/employers/name is empty (a run of no employers)");
  std::set<std::string> seen;
  for (std::size_t e = 0; e < n; ++e) {
    if (r.employer_name[e].empty())
      f.fail("/employers/name[" + std::to_string(e) + "] is an empty name");
    if (!seen.insert(r.employer_name[e]).second)
      f.fail("/employers/name lists \"" + r.employer_name[e] + "\" twice");
  }
  auto column = [&](const char* name) {
    const std::string path = std::string("employers/") + name;
    f.require_dataset(path);
    const auto shape = f.shape(path);
    if (shape.size() == 1 && shape[0] != n)
      f.fail("/" + path + " has " + std::to_string(shape[0]) + " rows but /employers/name has " +
             std::to_string(n) + ": the employers table is inconsistent");
    return path;
  };
  r.employer_region = f.strings(column("region"), n);
  for (std::size_t e = 0; e < n; ++e)
    if (r.employer_region[e].empty())
      f.fail("/employers/region[" + std::to_string(e) + "] (employer \"" + r.employer_name[e] +
             "\") is empty");
  r.employer_subregion = f.strings(column("subregion"), n);
  const auto inner = f.integers(column("inner_london"), n);
  r.employer_inner_london.assign(n, 0);
  for (std::size_t e = 0; e < n; ++e) {
    if (inner[e] != 0 && inner[e] != 1)
      f.fail("/employers/inner_london[" + std::to_string(e) + "] is " + std::to_string(inner[e]) +
             ", not 0 or 1");
    r.employer_inner_london[e] = static_cast<std::int32_t>(inner[e]);
  }
}

void read_series_layout(const InputFile& f, RunFile& r) {
  f.require_group("series");
  // From format 2, /series also holds its dimensions and their coordinates.
  for (auto& name : f.members("series")) {
    const bool coordinate =
        r.format_version >= 2 &&
        std::find(std::begin(sim::kSeriesCoordinates), std::end(sim::kSeriesCoordinates), name) !=
            std::end(sim::kSeriesCoordinates);
    if (!coordinate) r.series_names.push_back(std::move(name));
  }
  if (r.series_names.empty()) f.fail("/series holds no datasets");
  const std::size_t W = r.weeks(), E = r.employers();
  std::optional<std::size_t> rank;
  for (const auto& name : r.series_names) {
    const std::string path = "series/" + name;
    if (!f.is_dataset(path)) f.fail("/" + path + " is not a dataset");
    const H5T_class_t c = f.type_class(path);
    if (c != H5T_INTEGER && c != H5T_FLOAT)
      f.fail("/" + path + " is not numeric (series hold integers or floating-point numbers)");
    const auto dims = f.shape(path);
    if (dims.size() != 2 && dims.size() != 3)
      f.fail("/" + path + " has shape " + InputFile::shape_text(dims) +
             ", neither [weeks, employers] nor [replications, weeks, employers]");
    if (!rank) {
      rank = dims.size();
      r.replications = dims.size() == 3 ? dims[0] : 1;
      if (r.replications == 0) f.fail("/" + path + " holds no replications (shape [0, ...])");
    }
    const bool ok = dims.size() == *rank && (*rank == 2 || dims[0] == r.replications) &&
                    dims[dims.size() - 2] == W && dims.back() == E;
    if (!ok) {
      std::vector<hsize_t> want = {W, E};
      if (*rank == 3) want.insert(want.begin(), r.replications);
      f.fail("/" + path + " has shape " + InputFile::shape_text(dims) + ", not " +
             InputFile::shape_text(want) +
             " ([replications,] weeks as in /time/date, employers as in /employers/name)");
    }
  }
  if (f.has("replications/seed")) {
    for (std::int64_t s : f.integers("replications/seed", r.replications))
      r.replication_seeds.push_back(static_cast<std::uint64_t>(s));
  } else if (r.replications == 1) {
    r.replication_seeds = {r.seed};  // files written before /replications existed
  } else {
    f.fail("/replications/seed is missing (the seed of each of the " +
           std::to_string(r.replications) + " replications)");
  }
}

// /replications/parameters [replications, keys] with its keys (optional).
void read_parameters(const InputFile& f, RunFile& r) {
  if (!f.has("replications/parameters")) return;
  r.parameter_keys = f.strings("replications/parameter_keys");
  const std::size_t K = r.parameter_keys.size();
  if (K == 0) f.fail("/replications/parameter_keys is empty");
  std::vector<hsize_t> dims;
  r.parameters = f.numbers("replications/parameters", dims);
  if (dims.size() != 2 || dims[0] != r.replications || dims[1] != K)
    f.fail("/replications/parameters has shape " + InputFile::shape_text(dims) + ", not [" +
           std::to_string(r.replications) + ", " + std::to_string(K) +
           "] (replications, keys of /replications/parameter_keys)");
  for (std::size_t i = 0; i < r.parameters.size(); ++i)
    if (!std::isfinite(r.parameters[i]))
      f.fail("/replications/parameters holds a value that is not finite (replication " +
             std::to_string(i / K) + ", key " + r.parameter_keys[i % K] + ")");
  if (f.has_attribute("replications/parameters", "source"))
    r.parameter_source = f.string_attribute("replications/parameters", "source");
}

}  // namespace

bool RunFile::has_series(const std::string& name) const {
  return std::find(series_names.begin(), series_names.end(), name) != series_names.end();
}

std::vector<double> RunFile::read_series(const std::string& name) const {
  if (!has_series(name)) throw FileError(path + ": no dataset /series/" + name);
  if (source) return source->read(name);
  const InputFile f(path, true);
  const std::string ds = "series/" + name;
  std::vector<hsize_t> dims;
  auto v = f.numbers(ds, dims);
  const bool ok2 = dims.size() == 2 && replications == 1;
  const bool ok3 = dims.size() == 3 && dims[0] == replications;
  if (!(ok2 || ok3) || dims[dims.size() - 2] != weeks() || dims.back() != employers())
    f.fail("/series/" + name + " has shape " + InputFile::shape_text(dims) +
           ", not [[replications,] weeks, employers] = [" +
           (replications > 1 ? std::to_string(replications) + ", " : std::string()) +
           std::to_string(weeks()) + ", " + std::to_string(employers()) + "]");
  // Values: counts, money and means (caseload, tenure, stress; 0 for an
  // employer with nobody) are all finite and not negative, as pledgesim
  // writes them.
  const std::size_t W = weeks(), E = employers();
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double x = v[i];
    if (std::isfinite(x) && x >= 0) continue;
    const std::size_t rep = i / (W * E), w = (i / E) % W, e = i % E;
    const std::string value = std::isnan(x)   ? std::string("NaN")
                              : std::isinf(x) ? std::string(x > 0 ? "infinity" : "-infinity")
                                              : "the negative value " + std::to_string(x);
    f.fail("/series/" + name + " holds " + value + " at week " + std::to_string(w) + " (" +
           dates[w] + "), employer \"" + employer_name[e] + "\"" +
           (replications > 1 ? ", replication " + std::to_string(rep) : std::string()) +
           ": its values must be finite and not negative");
  }
  return v;
}

RunFile open_run_file(const std::filesystem::path& p) {
  RunFile r;
  r.path = p.string();
  const InputFile f(p, true);
  check_format(f, r);
  read_time(f, r);
  read_employers(f, r);
  read_series_layout(f, r);
  read_parameters(f, r);
  return r;
}

}  // namespace pledgesim::analysis
