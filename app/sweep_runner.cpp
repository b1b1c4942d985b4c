// Running a sweep: the journal of completed runs (so an interrupted sweep
// resumes), the single-process driver (oneTBB across runs), the MPI driver
// (ranks take runs from a shared counter), and the output file.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "analysis/cpp/indicators.hpp"
#include "app/run_command.hpp"
#include "app/sweep.hpp"
#include "app/sweep_journal.hpp"
#include "models/market.hpp"
#include "models/metrics.hpp"
#include "sim/core/calendar.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/progress.hpp"
#include "sim/core/version.hpp"
#include "sim/io/hdf5_dimensions.hpp"
#include "sim/io/hdf5_util.hpp"
#include "sim/io/output_file.hpp"
#include "sim/io/output_lock.hpp"

#ifdef PLEDGESIM_WITH_MPI
#include <mpi.h>
#endif

namespace pledgesim::app {

namespace fs = std::filesystem;
namespace an = pledgesim::analysis;
namespace h5 = pledgesim::sim::h5;

namespace {

struct Plan {
  SweepSpec spec;
  models::Scenario base;
  an::Design design;
  std::vector<std::vector<double>> values;  // per point
  std::size_t runs() const { return design.points() * spec.replications; }
  std::size_t weeks() const { return static_cast<std::size_t>(base.weeks()); }
  // Values a run produces: one per annual output, `weeks` per weekly one.
  std::size_t values_per_run() const {
    std::size_t n = 0;
    for (const auto& o : spec.outputs) n += o.weekly() ? weeks() : 1;
    return n;
  }
};

void do_run(const Plan& plan, std::size_t run, const SweepJournal& journal) {
  const std::size_t point = run / plan.spec.replications;
  const std::size_t replication = run % plan.spec.replications;
  models::Scenario s = scenario_at(plan.base, plan.spec, plan.values[point]);
  s.seed = run_seed(plan.spec, point, replication);
  journal.write(run, run_outcomes(plan.spec, s));
}

// Sweep file format: 2 labels /outcomes and /weekly for xarray (the
// dimension `run` with the /runs columns as coordinates, and `week` with
// `date`, inside each group); 1 had them unlabelled.
constexpr std::int64_t kSweepFormatVersion = 2;

// The /runs columns but `run`: coordinates of the run dimension.
struct RunColumns {
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> integers;
  std::vector<std::pair<std::string, std::vector<double>>> doubles;
};

// The dimensions written into a group of outputs, to attach to each output.
struct LabelledGroup {
  std::vector<h5::Handle> datasets;  // scales and coordinates, kept open
  std::vector<hid_t> scales;
  std::vector<std::string> labels, coordinates;
  void label(hid_t ds, std::size_t rank) const {
    h5::attach_dimensions(ds, {scales.begin(), scales.begin() + static_cast<std::ptrdiff_t>(rank)},
                          {labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(rank)});
    std::vector<std::string> used;
    for (const auto& c : coordinates)
      if (rank > 1 || c != "date") used.push_back(c);
    h5::write_coordinates_attribute(ds, used);
  }
};

// Writes into `group` the dimension `run` (0..runs-1) with the /runs columns
// attached, and with `dates` also `week` and its `date` (CF days since the
// first week), as the run file's /series has them.
LabelledGroup label_group(hid_t group, const RunColumns& columns,
                          const std::vector<std::string>* dates) {
  LabelledGroup d;
  const std::size_t runs = columns.integers.front().second.size();
  std::vector<std::int64_t> run(runs);
  for (std::size_t r = 0; r < runs; ++r) run[r] = static_cast<std::int64_t>(r);
  auto scale = [&](h5::Handle ds, const std::string& name) {
    h5::make_dimension(ds, name);
    d.scales.push_back(ds.get());
    d.labels.push_back(name);
    d.datasets.push_back(std::move(ds));
    return d.scales.back();
  };
  auto coordinate = [&](h5::Handle ds, hid_t on, const std::string& label,
                        const std::string& name) {
    h5::attach_dimensions(ds, {on}, {label});
    d.coordinates.push_back(name);
    d.datasets.push_back(std::move(ds));
  };
  const hid_t run_scale = scale(h5::write_int64s(group, "run", run), "run");
  for (const auto& [name, values] : columns.integers)
    coordinate(h5::write_int64s(group, name, values), run_scale, "run", name);
  for (const auto& [name, values] : columns.doubles)
    coordinate(h5::write_doubles(group, name, values, {runs}), run_scale, "run", name);
  if (dates) {
    std::vector<std::int32_t> week(dates->size()), days(dates->size());
    for (std::size_t w = 0; w < week.size(); ++w) {
      week[w] = static_cast<std::int32_t>(w);
      days[w] = static_cast<std::int32_t>(7 * w);
    }
    const hid_t week_scale = scale(h5::write_int32s(group, "week", week), "week");
    h5::Handle date = h5::write_int32s(group, "date", days);
    h5::write_string_attribute(date, "units", "days since " + dates->front());
    h5::write_string_attribute(date, "calendar", "proleptic_gregorian");
    h5::write_string_attribute(date, "description", "first day of each week");
    coordinate(std::move(date), week_scale, "week", "date");
  }
  return d;
}

void write_sweep_file(const Plan& plan, const SweepJournal& journal, const fs::path& out) {
  const std::size_t R = plan.runs(), V = plan.values_per_run(), T = plan.weeks();
  const std::size_t P = plan.design.points(), D = plan.spec.parameters.size();
  std::vector<double> all(R * V), y;  // [run][value]
  for (std::size_t r = 0; r < R; ++r) {
    if (!journal.read(r, y))
      throw std::runtime_error("run " + std::to_string(r) + " is missing from " +
                               journal.dir().string() + " or damaged; run the sweep again");
    std::copy(y.begin(), y.end(), all.begin() + static_cast<std::ptrdiff_t>(r * V));
  }
  if (out.has_parent_path()) fs::create_directories(out.parent_path());
  const fs::path partial = out.string() + ".partial";
  // A failed write (disk full, file too large) removes the partial file and
  // leaves any file under the final name as it was; the journal is kept.
  try {
    h5::QuietErrors quiet;
    h5::Handle file(H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                    "create " + partial.string());
    h5::write_string_attribute(file, "format", "pledgesim-sweep");
    h5::write_int_attribute(file, "format_version", kSweepFormatVersion);
    h5::write_string_attribute(file, "software_version", sim::kSoftwareVersion);
    h5::write_int_attribute(file, "rng_contract", models::kRngContract);
    h5::write_int_attribute(file, "seed", static_cast<std::int64_t>(plan.spec.seed));
    h5::write_string_attribute(file, "seed_policy",
                               plan.spec.common_random_numbers ? "common" : "independent");
    {
      auto g = h5::create_group(file, "sweep");
      h5::write_scalar_string(g, "text", plan.spec.text);
    }
    {
      auto g = h5::create_group(file, "scenario");
      h5::write_scalar_string(g, "text", models::to_toml(plan.base));
    }
    {
      auto g = h5::create_group(file, "design");
      h5::write_string_attribute(g, "kind", an::design_kind_name(plan.design.kind));
      h5::write_int_attribute(g, "dimensions", static_cast<std::int64_t>(D));
      h5::write_int_attribute(g, "samples", static_cast<std::int64_t>(plan.design.samples));
      h5::write_int_attribute(g, "morris_levels",
                              static_cast<std::int64_t>(plan.design.morris_levels));
      std::vector<std::string> names;
      for (const auto& p : plan.spec.parameters) names.push_back(p.name());
      h5::write_strings(g, "parameter", names);
      h5::write_doubles(g, "unit", plan.design.unit, {P, D});
      std::vector<double> values;
      for (const auto& v : plan.values) values.insert(values.end(), v.begin(), v.end());
      h5::write_doubles(g, "value", values, {P, D});
    }
    RunColumns columns;
    {
      auto g = h5::create_group(file, "runs");
      std::vector<std::int64_t> run(R), point(R), replication(R), seed(R);
      for (std::size_t r = 0; r < R; ++r) {
        run[r] = static_cast<std::int64_t>(r);
        point[r] = static_cast<std::int64_t>(r / plan.spec.replications);
        replication[r] = static_cast<std::int64_t>(r % plan.spec.replications);
        seed[r] = static_cast<std::int64_t>(
            run_seed(plan.spec, r / plan.spec.replications, r % plan.spec.replications));
      }
      columns.integers = {{"point", point}, {"replication", replication}, {"seed", seed}};
      h5::write_int64s(g, "run", run);
      for (const auto& [name, values] : columns.integers) h5::write_int64s(g, name, values);
      // Every varied parameter, per run, for readers that want a flat table.
      for (std::size_t d = 0; d < D; ++d) {
        std::vector<double> col(R);
        for (std::size_t r = 0; r < R; ++r) col[r] = plan.values[r / plan.spec.replications][d];
        h5::write_doubles(g, plan.spec.parameters[d].name(), col, {R});
        columns.doubles.emplace_back(plan.spec.parameters[d].name(), std::move(col));
      }
    }
    {
      // Annual outcomes: one value per run (what `sensitivity` reads);
      // weekly series: [runs, weeks] under /weekly, with /time/date.
      auto annual = h5::create_group(file, "outcomes");
      const LabelledGroup annual_dims = label_group(annual, columns, nullptr);
      std::optional<h5::Handle> weekly;
      std::optional<LabelledGroup> weekly_dims;
      std::size_t offset = 0;
      for (const auto& o : plan.spec.outputs) {
        const std::size_t n = o.weekly() ? T : 1;
        std::vector<double> block(R * n);
        for (std::size_t r = 0; r < R; ++r)
          for (std::size_t k = 0; k < n; ++k) block[r * n + k] = all[r * V + offset + k];
        offset += n;
        if (!o.weekly()) {
          auto ds = h5::write_doubles(annual, o.name(), block, {R});
          annual_dims.label(ds, 1);
          const an::IndicatorDef* def = an::find_indicator(o.indicator);
          h5::write_string_attribute(ds, "units", def ? def->units : "");
          h5::write_string_attribute(ds, "description",
                                     (def ? def->description : o.indicator) + "; group " + o.group +
                                         ", year " + std::to_string(o.year));
          continue;
        }
        if (!weekly) {
          weekly = h5::create_group(file, "weekly");
          auto time = h5::create_group(file, "time");
          const sim::WeeklyClock clock(plan.base.start);
          std::vector<std::string> dates;
          for (std::size_t w = 0; w < T; ++w)
            dates.push_back(clock.week_start(static_cast<std::int64_t>(w)).iso());
          h5::write_strings(time, "date", dates);
          weekly_dims.emplace(label_group(*weekly, columns, &dates));
        }
        auto ds = h5::write_doubles(*weekly, o.name(), block, {R, T});
        weekly_dims->label(ds, 2);
        for (const auto& m : models::metric_specs())
          if (m.name == o.series) {
            h5::write_string_attribute(ds, "units", m.units);
            h5::write_string_attribute(ds, "description",
                                       m.description + "; summed over group " + o.group +
                                           "; [runs, weeks] (weeks as in /time/date)");
          }
      }
    }
    file.close("close " + partial.string());
  } catch (const h5::Hdf5Error& e) {
    std::error_code ec;
    fs::remove(partial, ec);
    throw sim::WriteError(out, e.reason.empty() ? e.what() : e.reason,
                          "the completed runs are kept in " + journal.dir().string() +
                              ": make room and run the same command again to write the file");
  }
  std::error_code ec;
  fs::rename(partial, out, ec);
  if (ec) {
    fs::remove(partial, ec);
    throw sim::WriteError(out, ec.message(),
                          "the completed runs are kept in " + journal.dir().string());
  }
}

#ifdef PLEDGESIM_WITH_MPI
bool launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK");
}
#endif

}  // namespace

int sweep_command(const SweepOptions& o) {
  int rank = 0, ranks = 1;
#ifdef PLEDGESIM_WITH_MPI
  const bool mpi = launched_by_mpirun();
  struct Session {
    bool on;
    explicit Session(bool on_) : on(on_) {
      int provided = 0;  // rank 0's request server calls MPI from its own thread
      if (on) MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
    }
    ~Session() {
      if (on) MPI_Finalize();
    }
  } session(mpi);
  if (mpi) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  }
#endif
  const bool lead = rank == 0;
  // Ctrl-C from the start (a sweep spends a while reading its file and
  // checking its design): no run starts once it came, completed runs stay in
  // the journal. (Under MPI the launcher's default handling applies; the
  // journal is kept too.)
  std::optional<sim::InterruptGuard> interrupt_guard;
  if (ranks == 1) interrupt_guard.emplace();
  Plan plan;
  try {
    plan.spec = load_sweep_spec(o.sweep_file);
  } catch (const sim::InputError&) {
    if (lead) throw;  // reported once, by rank 0
    return 2;
  }
  plan.base = load_sweep_base(plan.spec);
  plan.design = an::make_design(plan.spec.design);
  for (std::size_t p = 0; p < plan.design.points(); ++p)
    plan.values.push_back(point_values(plan.spec, plan.design, p));

  const fs::path out = o.out.empty()
                           ? fs::path("results") / (fs::path(o.sweep_file).stem().string() + ".h5")
                           : fs::path(o.out);
  const SweepJournal journal(out, plan.values_per_run());
  const fs::path& dir = journal.dir();
  // Before any run (sim/io/output_file.hpp): the file, and its journal.
  std::optional<std::string> problem = sim::output_file_problem(out, o.force);
  if (!problem && fs::exists(dir) && !fs::is_directory(dir))
    problem = dir.string() + " (the journal of completed runs) exists and is not a directory";
  if (problem) {
    if (lead) throw sim::InputError(*problem);
    return 2;
  }
  // The lead holds the output's lock (sim/io/output_lock.hpp) for the whole
  // sweep: a second sweep to the same file refuses before touching the
  // journal. The journal must belong to this very sweep (app/sweep_journal.hpp).
  // The outcome reaches the other ranks as one flag.
  std::unique_ptr<sim::OutputLock> lock;
  std::string journal_problem;
  int journal_ok = 1;
  if (lead) {
    try {
      lock = std::make_unique<sim::OutputLock>(out, "pledgesim sweep " + o.sweep_file);
      if (const auto again = sim::output_file_problem(out, o.force)) journal_problem = *again;
    } catch (const sim::InputError& e) {
      journal_problem = e.what();
    }
    if (journal_problem.empty())
      if (const auto mismatch =
              journal.open({plan.spec.text, models::to_toml(plan.base), sim::kSoftwareVersion,
                            plan.runs(), o.sweep_file, plan.spec.design_text}))
        journal_problem = *mismatch;
    journal_ok = journal_problem.empty() ? 1 : 0;
  }
#ifdef PLEDGESIM_WITH_MPI
  if (mpi) MPI_Bcast(&journal_ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
  if (!journal_ok) {
    if (lead) throw sim::InputError(journal_problem);
    return 2;
  }
  std::size_t damaged = 0;
  std::vector<std::size_t> pending = journal.pending(plan.runs(), &damaged);
  if (lead && damaged > 0)
    std::fprintf(stderr,
                 "pledgesim sweep: %zu entries in %s are damaged (wrong length or checksum); "
                 "those runs are made again\n",
                 damaged, dir.string().c_str());
  const std::size_t done_before = plan.runs() - pending.size();
  const bool stop_early = o.max_runs > 0 && o.max_runs < pending.size();
  if (stop_early) pending.resize(o.max_runs);
#ifdef PLEDGESIM_WITH_MPI
  if (mpi) MPI_Barrier(MPI_COMM_WORLD);  // every rank has listed the same pending runs
#endif
  if (lead && !o.quiet)
    std::fprintf(stderr,
                 "pledgesim sweep: %zu points x %zu replications = %zu runs (%zu done before)%s\n",
                 plan.design.points(), plan.spec.replications, plan.runs(), done_before,
                 ranks > 1 ? (" on " + std::to_string(ranks) + " MPI ranks").c_str() : "");

  const auto t0 = std::chrono::steady_clock::now();
  sim::Progress progress("pledgesim sweep", static_cast<std::int64_t>(pending.size()),
                         o.quiet || !lead);
  std::mutex progress_mutex;
  std::int64_t completed = 0;
  auto tick = [&] {
    std::lock_guard<std::mutex> lock(progress_mutex);
    progress.update(++completed);
  };
  try {
    if (ranks == 1) {
      // Ctrl-C: no new runs start, runs in progress stop at their next week;
      // completed runs stay in the journal for the next attempt.
      sim::ThreadLimit threads(o.threads);
      std::atomic<bool> stopped{false};
      sim::for_each_index(pending.size(), [&](std::size_t k) {
        if (sim::interrupted()) return void(stopped = true);
        try {
          do_run(plan, pending[k], journal);
          tick();
        } catch (const SweepInterrupted&) {
          stopped = true;
        }
      });
      if (stopped || sim::interrupted()) {
        progress.finish();
        const std::size_t left = journal.pending(plan.runs()).size();
        std::fprintf(stderr,
                     "pledgesim sweep: interrupted with %zu of %zu runs left; the others are "
                     "kept in %s. Run the same command again to continue.\n",
                     left, plan.runs(), dir.string().c_str());
        return kInterruptedExit;
      }
    }
#ifdef PLEDGESIM_WITH_MPI
    else {
      // Dynamic load balancing: runs are handed out one at a time from a
      // counter on rank 0, so fast ranks take more. Rank 0 computes too; a
      // small thread there answers the other ranks' requests (polling, so it
      // does not spin a core), and it alone calls MPI during the loop.
      const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
      const std::size_t per_rank_threads =
          o.threads ? o.threads
                    : std::max<std::size_t>(
                          1, sim::max_concurrency() /
                                 static_cast<std::size_t>(local ? std::atoi(local) : ranks));
      sim::ThreadLimit threads(per_rank_threads);
      const auto total = static_cast<std::int64_t>(pending.size());
      constexpr int kRequest = 1, kReply = 2;
      if (lead) {
        std::atomic<std::int64_t> next{0};
        std::thread server([&] {
          int finished = 0;
          while (finished < ranks - 1) {
            int dummy = 0, flag = 0;
            MPI_Status status;
            MPI_Request request;
            MPI_Irecv(&dummy, 1, MPI_INT, MPI_ANY_SOURCE, kRequest, MPI_COMM_WORLD, &request);
            while (!flag) {
              MPI_Test(&request, &flag, &status);
              if (!flag) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            const std::int64_t k = next.fetch_add(1);
            MPI_Send(&k, 1, MPI_INT64_T, status.MPI_SOURCE, kReply, MPI_COMM_WORLD);
            if (k >= total) ++finished;
          }
        });
        for (std::int64_t k; (k = next.fetch_add(1)) < total;) {
          do_run(plan, pending[static_cast<std::size_t>(k)], journal);
          tick();
        }
        server.join();
      } else {
        for (;;) {
          int dummy = 0;
          std::int64_t k = 0;
          MPI_Send(&dummy, 1, MPI_INT, 0, kRequest, MPI_COMM_WORLD);
          MPI_Recv(&k, 1, MPI_INT64_T, 0, kReply, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          if (k >= total) break;
          do_run(plan, pending[static_cast<std::size_t>(k)], journal);
        }
      }
      MPI_Barrier(MPI_COMM_WORLD);  // every run is in the journal
    }
#endif
    progress.finish();
    if (lead && !stop_early) {
      write_sweep_file(plan, journal, out);
      fs::remove_all(dir);
    }
  } catch (const sim::WriteError&) {
    throw;  // reported by main (exit 1)
  } catch (const std::exception& e) {
    std::cerr << "pledgesim sweep: " << e.what() << '\n';
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (lead && !o.quiet) {
    std::fprintf(stderr, "pledgesim sweep: %zu runs in %.1f s (%.2f runs/s); ", pending.size(),
                 seconds, static_cast<double>(pending.size()) / seconds);
    if (stop_early)
      std::fprintf(stderr, "stopped at --max-runs with %zu runs left; run again to continue\n",
                   plan.runs() - done_before - pending.size());
    else
      std::fprintf(stderr, "wrote %s\n", out.string().c_str());
  }
  return 0;
}

}  // namespace pledgesim::app
