#include "app/sweep_journal.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <sstream>

#include "sim/io/fingerprint.hpp"
#include "sim/io/input_file.hpp"
#include "sim/io/output_file.hpp"

namespace pledgesim::app {

namespace fs = std::filesystem;

namespace {

// An entry: magic, value count, FNV-1a of the values' bytes, the values.
constexpr char kEntryMagic[8] = {'P', 'S', 'J', 'R', 'U', 'N', '0', '1'};
constexpr std::size_t kHeaderBytes = sizeof kEntryMagic + 2 * sizeof(std::uint64_t);

// The manifest: one `key = "value"` line per fingerprint, in a fixed order.
struct Manifest {
  std::string sweep, scenario, version;
  std::size_t runs = 0;
  std::string sweep_file;
  std::string design;
  std::string text() const {
    return "# pledgesim sweep journal: the runs here belong to this sweep only\n"
           "sweep_fnv1a64 = \"" +
           sweep + "\"\nscenario_fnv1a64 = \"" + scenario + "\"\nsoftware_version = \"" + version +
           "\"\nruns = \"" + std::to_string(runs) + "\"\nsweep_file = \"" + sweep_file +
           "\"\ndesign_fnv1a64 = \"" + design + "\"\n";
  }
  static Manifest of(const SweepIdentity& id) {
    return {sim::fnv1a64_hex(id.sweep_text),
            sim::fnv1a64_hex(id.scenario_text),
            id.version,
            id.runs,
            id.sweep_file,
            sim::fnv1a64_hex(id.design_text)};
  }
};

}  // namespace

SweepJournal::SweepJournal(const fs::path& out, std::size_t values_per_run)
    : dir_(out.string() + ".runs"), values_per_run_(values_per_run) {}

fs::path SweepJournal::entry_path(std::size_t run) const {
  return dir_ / ("run-" + std::to_string(run) + ".bin");
}

std::optional<std::string> SweepJournal::open(const SweepIdentity& id) const {
  const Manifest want = Manifest::of(id);
  const fs::path manifest = dir_ / "journal.toml";
  const std::string afresh = "; to start afresh, remove " + dir_.string() +
                             " (its completed runs are lost) or choose another --out";
  std::error_code ec;
  if (!fs::exists(dir_, ec)) {
    fs::create_directories(dir_);
    sim::write_file_atomically(dir_ / "sweep.toml", id.sweep_text);
    sim::write_file_atomically(dir_ / "scenario.toml", id.scenario_text);
    if (!id.design_text.empty()) sim::write_file_atomically(dir_ / "design.csv", id.design_text);
    sim::write_file_atomically(manifest, want.text());
    return std::nullopt;
  }
  const sim::TextInput input = sim::read_text_input(manifest, 1 << 16);
  if (!input.text)
    return dir_.string() + " holds completed runs, but its manifest " + manifest.string() +
           " cannot be read (" + input.problem + "), so nothing says which sweep they belong to" +
           afresh;
  const auto sweep = sim::quoted_value(*input.text, "sweep_fnv1a64");
  const auto scenario = sim::quoted_value(*input.text, "scenario_fnv1a64");
  const auto version = sim::quoted_value(*input.text, "software_version");
  // A journal written before designs could come from a file has no design
  // line: its sweep made its own points, as an empty design text says.
  const std::string design =
      sim::quoted_value(*input.text, "design_fnv1a64").value_or(sim::fnv1a64_hex(""));
  if (!sweep || !scenario || !version)
    return manifest.string() + " is damaged (a fingerprint is missing)" + afresh;
  std::vector<std::string> changed;
  if (*sweep != want.sweep) changed.push_back("the sweep file");
  if (*scenario != want.scenario)
    changed.push_back("the base scenario (or a file it includes, or an inputs table)");
  if (design != want.design)
    changed.push_back(
        "the design's points file (design_file; the points the runs were made at "
        "are in " +
        (dir_ / "design.csv").string() + ")");
  if (*version != want.version)
    changed.push_back("the program (pledgesim " + *version + " made them, this is " + want.version +
                      ")");
  if (changed.empty()) return std::nullopt;
  std::string what;
  for (std::size_t i = 0; i < changed.size(); ++i)
    what += (i == 0 ? "" : i + 1 == changed.size() ? " and " : ", ") + changed[i];
  return dir_.string() + " holds runs of a different sweep: " + what +
         " changed since they were made (what they were made from is in " +
         (dir_ / "sweep.toml").string() + " and " + (dir_ / "scenario.toml").string() +
         "), and mixing the two would give a wrong result" + afresh;
}

bool SweepJournal::read(std::size_t run, std::vector<double>& values) const {
  const std::size_t payload = values_per_run_ * sizeof(double);
  const sim::TextInput input = sim::read_text_input(entry_path(run), kHeaderBytes + payload);
  if (!input.text || input.text->size() != kHeaderBytes + payload) return false;
  const char* bytes = input.text->data();
  std::uint64_t count = 0, checksum = 0;
  std::memcpy(&count, bytes + sizeof kEntryMagic, sizeof count);
  std::memcpy(&checksum, bytes + sizeof kEntryMagic + sizeof count, sizeof checksum);
  if (std::memcmp(bytes, kEntryMagic, sizeof kEntryMagic) != 0 || count != values_per_run_ ||
      checksum != sim::fnv1a64(std::string_view(bytes + kHeaderBytes, payload)))
    return false;
  values.resize(values_per_run_);
  std::memcpy(values.data(), bytes + kHeaderBytes, payload);
  return true;
}

void SweepJournal::write(std::size_t run, const std::vector<double>& values) const {
  const std::size_t payload = values.size() * sizeof(double);
  std::string bytes(kHeaderBytes + payload, '\0');
  const std::uint64_t count = values.size();
  const std::uint64_t checksum =
      sim::fnv1a64(std::string_view(reinterpret_cast<const char*>(values.data()), payload));
  std::memcpy(bytes.data(), kEntryMagic, sizeof kEntryMagic);
  std::memcpy(bytes.data() + sizeof kEntryMagic, &count, sizeof count);
  std::memcpy(bytes.data() + sizeof kEntryMagic + sizeof count, &checksum, sizeof checksum);
  std::memcpy(bytes.data() + kHeaderBytes, values.data(), payload);
  // Checked writes (a full disk is reported as such); the temporary name
  // holds the process id, as several MPI ranks share a journal.
  sim::write_file_atomically(entry_path(run), bytes, ".tmp" + std::to_string(::getpid()));
}

std::vector<std::size_t> SweepJournal::pending(std::size_t runs, std::size_t* damaged) const {
  std::vector<std::size_t> out;
  std::vector<double> values;
  std::size_t bad = 0;
  for (std::size_t r = 0; r < runs; ++r)
    if (!read(r, values)) {
      out.push_back(r);
      std::error_code ec;
      bad += fs::exists(entry_path(r), ec);
    }
  if (damaged) *damaged = bad;
  return out;
}

}  // namespace pledgesim::app
