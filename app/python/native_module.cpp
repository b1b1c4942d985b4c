// pledgesim._native: the run library for Python (pybind11). Kept thin: the
// work is in memory_run.cpp and the libraries below it; the Python layer
// (pledgesim/*.py) makes xarray Datasets and pandas DataFrames of what this
// returns. See docs/python.md.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <toml++/toml.h>
#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <optional>
#include <sstream>
#include <thread>

#include "app/python/memory_run.hpp"
#include "models/scenario.hpp"
#include "sim/io/hdf5_recorder.hpp"

namespace py = pybind11;
namespace an = pledgesim::analysis;
namespace models = pledgesim::models;
namespace sim = pledgesim::sim;
using namespace pledgesim::app::python;

namespace {

// A loaded, checked scenario and its fully resolved TOML.
struct NativeScenario {
  models::Scenario scenario;
  std::string text;
};

std::vector<models::Override> to_overrides(
    const std::vector<std::pair<std::string, std::string>>& kv) {
  std::vector<models::Override> out;
  for (const auto& [key, value] : kv) out.push_back({key, value});
  return out;
}

// kind "file": `source` is a path; "text": TOML text named `name` in
// messages (includes relative to the working directory); "builtin": the
// built-in London scenario.
NativeScenario load_scenario(const std::string& kind, const std::string& source,
                             const std::string& name,
                             const std::vector<std::pair<std::string, std::string>>& overrides) {
  const auto o = to_overrides(overrides);
  NativeScenario s;
  if (kind == "file")
    s.scenario = models::load_scenario_file(source, o);
  else if (kind == "text")
    s.scenario = models::parse_scenario(source, name, o);
  else if (kind == "builtin")
    s.scenario = models::builtin_default_scenario(o);
  else
    throw std::invalid_argument("load_scenario: kind must be file, text or builtin");
  s.text = models::to_toml(s.scenario);
  return s;
}

// A Python value as a TOML node: what a dict scenario or an override holds.
std::unique_ptr<toml::node> to_toml_node(py::handle v, const std::string& where);

std::unique_ptr<toml::table> to_toml_table(const py::dict& d, const std::string& where) {
  auto t = std::make_unique<toml::table>();
  for (const auto& [k, v] : d) {
    if (!py::isinstance<py::str>(k))
      throw py::type_error(where + ": keys must be strings, not " +
                           std::string(py::str(py::type::of(k))));
    const auto key = k.cast<std::string>();
    const std::string path = where.empty() ? key : where + "." + key;
    auto node = to_toml_node(v, path);
    t->insert(key, std::move(*node));
  }
  return t;
}

std::unique_ptr<toml::node> to_toml_node(py::handle v, const std::string& where) {
  // bool before int: Python's bool is an int.
  if (py::isinstance<py::bool_>(v)) return std::make_unique<toml::value<bool>>(v.cast<bool>());
  if (py::isinstance<py::int_>(v)) {
    try {
      return std::make_unique<toml::value<std::int64_t>>(v.cast<std::int64_t>());
    } catch (const py::cast_error&) {
      throw py::value_error(where + ": integer out of the 64-bit range TOML holds");
    }
  }
  if (py::isinstance<py::float_>(v)) return std::make_unique<toml::value<double>>(v.cast<double>());
  if (py::isinstance<py::str>(v))
    return std::make_unique<toml::value<std::string>>(v.cast<std::string>());
  if (py::isinstance<py::dict>(v)) return to_toml_table(v.cast<py::dict>(), where);
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    auto a = std::make_unique<toml::array>();
    std::size_t i = 0;
    for (const auto& item : v) {
      auto node = to_toml_node(item, where + "[" + std::to_string(i++) + "]");
      a->push_back(std::move(*node));
    }
    return a;
  }
  // datetime.date (not datetime.datetime: scenarios hold dates only).
  const auto datetime = py::module_::import("datetime");
  if (py::isinstance(v, datetime.attr("date")) && !py::isinstance(v, datetime.attr("datetime")))
    return std::make_unique<toml::value<toml::date>>(toml::date{
        v.attr("year").cast<int>(), v.attr("month").cast<int>(), v.attr("day").cast<int>()});
  // numpy scalars and anything else that converts: by their Python value.
  if (py::hasattr(v, "item") && !py::isinstance<py::str>(v))
    return to_toml_node(v.attr("item")(), where);
  throw py::type_error(where + ": " + std::string(py::str(py::type::of(v))) +
                       " has no TOML form (use bool, int, float, str, datetime.date, list "
                       "or dict)");
}

std::string dict_to_toml(const py::dict& d) {
  std::ostringstream out;
  out << toml::toml_formatter{*to_toml_table(d, "")};
  return out.str();
}

// One override's value as TOML text (`--set key=VALUE`).
std::string value_to_toml(const py::handle& v, const std::string& key) {
  if (py::isinstance<py::dict>(v))
    throw py::type_error(key + ": give a table's keys one by one ('" + key + ".name': value)");
  const auto node = to_toml_node(v, key);
  std::ostringstream out;
  node->visit([&out](const auto& n) { out << toml::toml_formatter{n}; });
  return out.str();
}

// Runs with the GIL released, on a worker thread, while this thread checks
// for Ctrl-C (Python's signal handlers run only on the main thread, with the
// GIL): a KeyboardInterrupt stops the run at the end of the week and is
// raised here once the worker has finished.
std::unique_ptr<sim::MemoryRecorder> run_interruptibly(const NativeScenario& s,
                                                       const MemoryRunRequest& request) {
  std::atomic<bool> stop{false};
  bool interrupted = false;
  std::unique_ptr<sim::MemoryRecorder> recorder;
  {
    py::gil_scoped_release release;
    std::packaged_task<std::unique_ptr<sim::MemoryRecorder>()> task(
        [&] { return run_in_memory(s.scenario, request, stop); });
    auto result = task.get_future();
    std::thread worker(std::move(task));
    while (result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      py::gil_scoped_acquire acquire;
      if (PyErr_CheckSignals() != 0) {
        interrupted = true;  // the exception stays set for this thread
        stop = true;
      }
    }
    worker.join();
    if (!interrupted) recorder = result.get();  // rethrows the run's exception
  }
  if (interrupted) throw py::error_already_set();
  return recorder;
}

// A series [replication][week][employer] as a numpy array of that shape.
py::array series_array(const std::vector<double>& values, std::size_t R, std::size_t W,
                       std::size_t E, bool integer) {
  const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(R), static_cast<py::ssize_t>(W),
                                       static_cast<py::ssize_t>(E)};
  if (!integer) {
    py::array_t<double> a(shape);
    std::copy(values.begin(), values.end(), a.mutable_data());
    return a;
  }
  py::array_t<std::int64_t> a(shape);
  std::int64_t* out = a.mutable_data();
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<std::int64_t>(values[i]);
  return a;
}

// The event table of a run with events (None without): each column as a
// numpy array of its stored type (codes as stored, led by `week`), and the
// name tables of the coded columns (e.g. kind_names), as /events holds them.
py::object events_contents(const sim::MemoryRecorder& recorder) {
  const std::optional<sim::EventTableSpec>& spec = recorder.info().events;
  if (!spec) return py::none();
  const sim::MemoryRecorder::Events& events = recorder.events(0);
  const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(events.rows())};
  py::dict columns;
  // int32, as /events/week is stored.
  py::array_t<std::int32_t> week(shape);
  std::transform(events.week.begin(), events.week.end(), week.mutable_data(),
                 [](std::int64_t w) { return static_cast<std::int32_t>(w); });
  columns["week"] = week;
  for (std::size_t c = 0; c < spec->columns.size(); ++c) {
    const sim::EventColumnSpec& column = spec->columns[c];
    // Without a base object pybind11 copies the bytes into the new array.
    columns[py::str(column.name)] =
        py::array(py::dtype(std::string(sim::column_type_name(column.type))), shape,
                  events.columns[c].data());
  }
  py::dict labels;
  for (const auto& [name, names] : spec->labels) labels[py::str(name)] = names;
  py::dict out;
  out["columns"] = columns;
  out["labels"] = labels;
  return out;
}

// Everything a run file holds of a run, as Python objects (the Python layer
// builds the xarray Dataset from it, as from a file).
py::dict run_contents(const sim::MemoryRecorder& recorder) {
  const sim::RunInfo& info = recorder.info();
  const std::size_t R = info.replications(), W = recorder.weeks(), E = recorder.entities();
  py::dict series, units, descriptions;
  for (std::size_t s = 0; s < info.series.size(); ++s) {
    const sim::SeriesSpec& spec = info.series[s];
    series[py::str(spec.name)] = series_array(recorder.series(s), R, W, E, spec.integer);
    units[py::str(spec.name)] = spec.units;
    descriptions[py::str(spec.name)] = spec.description;
  }
  py::dict employers;
  for (const auto& [name, column] : info.entities.strings) employers[py::str(name)] = column;
  for (const auto& [name, column] : info.entities.integers) employers[py::str(name)] = column;
  std::vector<std::uint64_t> seeds = info.replication_seeds;
  if (seeds.empty()) seeds.push_back(info.seed);
  py::dict attrs;
  attrs["format"] = "pledgesim";
  attrs["format_version"] = sim::kFormatVersion;
  attrs["software_version"] = info.software_version;
  attrs["rng_contract"] = info.rng_contract;
  attrs["seed"] = info.seed;
  attrs["scenario_name"] = info.scenario_name;
  attrs["created_utc"] = info.created_utc;
  attrs["scenario_text"] = info.scenario_text;
  py::dict out;
  out["series"] = series;
  out["units"] = units;
  out["descriptions"] = descriptions;
  out["dates"] = recorder.dates();
  out["employers"] = employers;
  out["replication_seeds"] = seeds;
  out["attrs"] = attrs;
  const sim::ParameterTable& p = info.parameters;
  if (!p.empty()) {
    py::array_t<double> values(std::vector<py::ssize_t>{static_cast<py::ssize_t>(R),
                                                        static_cast<py::ssize_t>(p.keys.size())});
    std::copy(p.values.begin(), p.values.end(), values.mutable_data());
    py::dict parameters;
    parameters["keys"] = p.keys;
    parameters["values"] = values;
    parameters["sets"] = p.sets;
    parameters["source"] = p.source;
    out["parameters"] = parameters;
  } else {
    out["parameters"] = py::none();
  }
  out["events"] = events_contents(recorder);
  return out;
}

// A run for the tables: a file's path, or (metadata dict, {name: float64
// array [replication, week, employer]}) from an xarray Dataset.
an::RunFile to_run(const py::handle& run) {
  if (py::isinstance<py::str>(run)) return an::open_run_file(run.cast<std::string>());
  const auto pair = run.cast<py::tuple>();
  const auto meta = pair[0].cast<py::dict>();
  an::RunFile r;
  r.path = meta["path"].cast<std::string>();
  r.format = "pledgesim";
  r.format_version = sim::kFormatVersion;
  r.software_version = meta["software_version"].cast<std::string>();
  r.rng_contract = meta["rng_contract"].cast<std::int64_t>();
  r.scenario_name = meta["scenario_name"].cast<std::string>();
  r.seed = meta["seed"].cast<std::uint64_t>();
  r.replication_seeds = meta["replication_seeds"].cast<std::vector<std::uint64_t>>();
  r.replications = r.replication_seeds.size();
  r.dates = meta["dates"].cast<std::vector<std::string>>();
  r.employer_name = meta["employer_name"].cast<std::vector<std::string>>();
  r.employer_region = meta["employer_region"].cast<std::vector<std::string>>();
  r.employer_subregion = meta["employer_subregion"].cast<std::vector<std::string>>();
  r.employer_inner_london = meta["employer_inner_london"].cast<std::vector<std::int32_t>>();
  r.parameter_keys = meta["parameter_keys"].cast<std::vector<std::string>>();
  r.parameters = meta["parameters"].cast<std::vector<double>>();
  r.parameter_source = meta["parameter_source"].cast<std::string>();
  std::map<std::string, std::vector<double>> series;
  for (const auto& [name, values] : pair[1].cast<py::dict>()) {
    const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(values);
    if (!a) throw py::type_error("series " + name.cast<std::string>() + " is not numeric");
    series[name.cast<std::string>()].assign(a.data(), a.data() + a.size());
  }
  return run_from_arrays(std::move(r), std::move(series));
}

TableRequest table_request(const std::string& by, const std::vector<std::string>& indicators,
                           const std::string& interval, bool allow_different_parameters) {
  return TableRequest{by, indicators, interval, allow_different_parameters};
}

py::tuple as_tuple(const CsvTable& t) {
  return py::make_tuple(t.csv, t.notes);
}

}  // namespace

PYBIND11_MODULE(_native, m) {
  m.doc() = "pledgesim's run library (use the pledgesim package, not this module)";

  // Bad input, as the program reports it with exit status 2. A scenario's
  // problems come as its `file:line: key: message` lines.
  static py::exception<sim::InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<models::ScenarioError> scenario_error(m, "ScenarioError", input_error.ptr());
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const models::ScenarioError& e) {
      scenario_error((e.heading() + ":\n" + e.what()).c_str());
    } catch (const sim::InputError& e) {
      input_error(
          (e.heading().empty() ? std::string(e.what()) : e.heading() + ":\n" + e.what()).c_str());
    }
  });

  py::class_<NativeScenario>(m, "NativeScenario")
      .def_property_readonly("name", [](const NativeScenario& s) { return s.scenario.name; })
      .def_property_readonly("description",
                             [](const NativeScenario& s) { return s.scenario.description; })
      .def_property_readonly("years", [](const NativeScenario& s) { return s.scenario.years; })
      .def_property_readonly("seed", [](const NativeScenario& s) { return s.scenario.seed; })
      .def_property_readonly("toml", [](const NativeScenario& s) { return s.text; });

  m.def("load_scenario", &load_scenario, py::arg("kind"), py::arg("source"), py::arg("name"),
        py::arg("overrides"));
  m.def("dict_to_toml", &dict_to_toml, py::arg("scenario"));
  m.def("value_to_toml", &value_to_toml, py::arg("value"), py::arg("key"));
  m.def(
      "run",
      [](const NativeScenario& s, std::size_t replications, std::size_t threads,
         const std::string& parameters, bool events) {
        if (replications < 1) throw py::value_error("replications must be at least 1");
        const auto recorder =
            run_interruptibly(s, MemoryRunRequest{replications, threads, parameters, events});
        return run_contents(*recorder);
      },
      py::arg("scenario"), py::arg("replications"), py::arg("threads"), py::arg("parameters"),
      py::arg("events"));
  m.def(
      "summarize",
      [](const py::handle& run, const std::string& by, const std::vector<std::string>& indicators,
         const std::string& interval) {
        const an::RunFile r = to_run(run);
        CsvTable t;
        {
          py::gil_scoped_release release;
          t = summary_csv(r, table_request(by, indicators, interval, false));
        }
        return as_tuple(t);
      },
      py::arg("run"), py::arg("by"), py::arg("indicators"), py::arg("interval"));
  m.def(
      "compare",
      [](const py::list& runs, const std::string& by, const std::vector<std::string>& indicators,
         const std::string& interval, bool allow_different_parameters) {
        std::vector<an::RunFile> rs;
        for (const auto& r : runs) rs.push_back(to_run(r));
        CsvTable t;
        {
          py::gil_scoped_release release;
          t = comparison_csv(rs,
                             table_request(by, indicators, interval, allow_different_parameters));
        }
        return as_tuple(t);
      },
      py::arg("runs"), py::arg("by"), py::arg("indicators"), py::arg("interval"),
      py::arg("allow_different_parameters"));
  m.attr("format_version") = sim::kFormatVersion;
}
