#include "analysis/cpp/run_file.hpp"

#include <algorithm>

#include "sim/io/hdf5_util.hpp"

namespace pledgesim::analysis {

namespace h5 = sim::h5;

namespace {

h5::Handle open_hdf5(const std::string& file) {
  if (!std::filesystem::exists(file)) {
    // A run that was killed (or is still running) leaves only NAME.partial,
    // and with --checkpoint-every, NAME.ckpt.
    if (std::filesystem::exists(file + ".ckpt"))
      throw FileError(file + ": no such file, but its checkpoint " + file +
                      ".ckpt exists: an unfinished run; finish it with `pledgesim resume " + file +
                      ".ckpt`");
    if (std::filesystem::exists(file + ".partial"))
      throw FileError(file + ": no such file, but " + file +
                      ".partial exists: a run that was stopped or killed before it finished "
                      "(or is still running); run it again");
    throw FileError(file + ": no such file");
  }
  if (H5Fis_hdf5(file.c_str()) <= 0)
    throw FileError(file + ": not an HDF5 file" +
                    (file.ends_with(".partial")
                         ? std::string(" (a .partial file: the run writing it was killed before it "
                                       "finished; run it again)")
                         : std::string()));
  try {
    return h5::Handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + file);
  } catch (const h5::Hdf5Error&) {
    throw FileError(file + ": cannot be opened as HDF5");
  }
}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

std::vector<std::int64_t> read_int64s(hid_t parent, const std::string& name) {
  h5::Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name);
  h5::Handle space(H5Dget_space(ds), H5Sclose, "get space of " + name);
  if (H5Sget_simple_extent_ndims(space) != 1) throw FileError("/" + name + " is not 1-D");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  std::vector<std::int64_t> out(n);
  if (n > 0)
    h5::check(H5Dread(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
              "read " + name);
  return out;
}

}  // namespace

bool RunFile::has_series(const std::string& name) const {
  return std::find(series_names.begin(), series_names.end(), name) != series_names.end();
}

std::vector<double> RunFile::read_series(const std::string& name) const {
  if (!has_series(name)) throw FileError(path + ": no dataset /series/" + name);
  h5::QuietErrors quiet;
  h5::Handle f = open_hdf5(path);
  try {
    std::vector<hsize_t> dims;
    auto v = h5::read_doubles(f, "series/" + name, dims);
    const bool ok2 = dims.size() == 2 && replications == 1;
    const bool ok3 = dims.size() == 3 && dims[0] == replications;
    if (!(ok2 || ok3) || dims[dims.size() - 2] != weeks() || dims.back() != employers())
      throw FileError(path + ": /series/" + name + " does not have shape [" +
                      (replications > 1 ? std::to_string(replications) + ", " : "") +
                      std::to_string(weeks()) + ", " + std::to_string(employers()) +
                      "] ([replications,] weeks, employers)");
    return v;
  } catch (const h5::Hdf5Error& e) {
    throw FileError(path + ": " + e.what());
  }
}

RunFile open_run_file(const std::filesystem::path& p) {
  RunFile r;
  r.path = p.string();
  const std::string& file = r.path;
  h5::QuietErrors quiet;
  h5::Handle f = open_hdf5(file);
  try {
    if (H5Aexists(f, "format") > 0 &&
        h5::read_string_attribute(f, "format") == "pledgesim-checkpoint")
      throw FileError(file +
                      ": a checkpoint of an unfinished run, not a result; finish the run with "
                      "`pledgesim resume " +
                      file + "`, then use its output");
    if (!H5Aexists(f, "format") || h5::read_string_attribute(f, "format") != "pledgesim")
      throw FileError(file +
                      ": not a pledgesim file (root attribute 'format' is not \"pledgesim\")");
    r.format = "pledgesim";
    // A run stopped by Ctrl-C keeps its weeks done in NAME.partial, marked
    // incomplete: its later weeks are empty, so no table may be made from it.
    if (H5Aexists(f, "incomplete") > 0 && h5::read_int_attribute(f, "incomplete") != 0)
      throw FileError(file + ": an incomplete run (stopped after " +
                      (H5Aexists(f, "complete_weeks") > 0
                           ? std::to_string(h5::read_int_attribute(f, "complete_weeks")) + " weeks"
                           : std::string("an unknown number of weeks")) +
                      "); run it again to get a complete file");
    for (const char* a : {"format_version", "seed"})
      if (!H5Aexists(f, a)) throw FileError(file + ": root attribute '" + a + "' is missing");
    r.format_version = h5::read_int_attribute(f, "format_version");
    r.seed = static_cast<std::uint64_t>(h5::read_int_attribute(f, "seed"));
    if (H5Aexists(f, "software_version"))
      r.software_version = h5::read_string_attribute(f, "software_version");
    if (H5Aexists(f, "scenario_name"))
      r.scenario_name = h5::read_string_attribute(f, "scenario_name");

    for (const char* d : {"time/date", "employers/name", "series"})
      if (!h5::exists(f, d)) throw FileError(file + ": /" + d + " is missing");
    r.dates = h5::read_strings(f, "time/date");
    if (r.dates.empty()) throw FileError(file + ": /time/date is empty");
    r.employer_name = h5::read_strings(f, "employers/name");
    const std::size_t n = r.employer_name.size();
    auto strings_or = [&](const char* path, const std::string& fill) {
      if (!h5::exists(f, path)) return std::vector<std::string>(n, fill);
      auto v = h5::read_strings(f, path);
      if (v.size() != n)
        throw FileError(file + ": /" + path + " has " + std::to_string(v.size()) +
                        " rows but /employers/name has " + std::to_string(n));
      return v;
    };
    r.employer_region = strings_or("employers/region", "");
    r.employer_subregion = strings_or("employers/subregion", "");
    r.employer_inner_london.assign(n, 0);
    if (h5::exists(f, "employers/inner_london")) {
      std::vector<hsize_t> dims;
      const auto v = h5::read_doubles(f, "employers/inner_london", dims);
      if (v.size() != n) throw FileError(file + ": /employers/inner_london has the wrong length");
      for (std::size_t e = 0; e < n; ++e) r.employer_inner_london[e] = v[e] != 0 ? 1 : 0;
    }

    h5::Handle series(H5Gopen2(f, "series", H5P_DEFAULT), H5Gclose, "open /series");
    h5::check(
        H5Literate(series, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &r.series_names),
        "list /series");
    if (r.series_names.empty()) throw FileError(file + ": /series holds no datasets");

    // Replications: the leading dimension of the series when they are 3-D.
    {
      h5::Handle ds(H5Dopen2(f, ("series/" + r.series_names.front()).c_str(), H5P_DEFAULT),
                    H5Dclose, "open /series/" + r.series_names.front());
      h5::Handle space(H5Dget_space(ds), H5Sclose, "get space");
      const int rank = H5Sget_simple_extent_ndims(space);
      hsize_t dims[3] = {0, 0, 0};
      if (rank == 3) {
        H5Sget_simple_extent_dims(space, dims, nullptr);
        r.replications = dims[0];
      } else if (rank != 2) {
        throw FileError(file + ": /series/" + r.series_names.front() +
                        " is neither [weeks, employers] nor [replications, weeks, employers]");
      }
    }
    if (r.replications == 0) throw FileError(file + ": the run holds no replications");
    if (h5::exists(f, "replications/seed")) {
      for (std::int64_t s : read_int64s(f, "replications/seed"))
        r.replication_seeds.push_back(static_cast<std::uint64_t>(s));
      if (r.replication_seeds.size() != r.replications)
        throw FileError(file + ": /replications/seed has " +
                        std::to_string(r.replication_seeds.size()) + " entries for " +
                        std::to_string(r.replications) + " replications");
    } else if (r.replications == 1) {
      r.replication_seeds = {r.seed};  // files written before /replications existed
    }
  } catch (const h5::Hdf5Error& e) {
    throw FileError(file + ": " + e.what());
  }
  return r;
}

}  // namespace pledgesim::analysis
