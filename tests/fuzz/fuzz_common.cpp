#include "tests/fuzz/fuzz_common.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace pledgesim::fuzz {

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string key_of(const fs::path& path) {
  return path.lexically_normal().generic_string();
}

}  // namespace

SandboxFiles::SandboxFiles() {
  const fs::path source(PLEDGESIM_SOURCE_DIR);
  const fs::path library = source / "scenarios";
  const fs::path malformed = source / "tests" / "scenarios" / "malformed";
  // The scenarios, and the tables they read (data/inputs_2017_2021.csv, ...).
  for (const auto& entry : fs::recursive_directory_iterator(library))
    if (entry.is_regular_file() &&
        (entry.path().extension() == ".toml" || entry.path().extension() == ".csv"))
      files_[key_of(entry.path().lexically_relative(library))] = slurp(entry.path());
  for (const auto& entry : fs::directory_iterator(malformed))
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      files_[key_of(entry.path().filename())] = slurp(entry.path());
  // An include chain longer than the loader allows (32 files):
  // chain/00.toml -> chain/01.toml -> ... -> chain/40.toml, a small scenario.
  for (int k = 0; k <= kChainLast; ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "chain/%02d.toml", k);
    char next[64];
    std::snprintf(next, sizeof next, "include = \"%02d.toml\"\ndescription = \"chain %d\"\n", k + 1,
                  k);
    files_[name] = k < kChainLast
                       ? std::string(next)
                       : "name = \"chain_end\"\nyears = 1\nauthorities = [\n  { name = \"A\", "
                         "region = \"R\", inpost_fte = 10, vacancy_fte = 2, agency_fte = 1, "
                         "caseload = 16 },\n]\n";
  }
  if (!files_.count("london_baseline.toml") || !files_.count("base.part.toml"))
    fail("fuzz sandbox: scenario files not found under " + source.string());
}

const SandboxFiles& SandboxFiles::instance() {
  static const SandboxFiles files;
  return files;
}

fs::path SandboxFiles::identity(const fs::path& path) const {
  return key_of(path);
}

std::optional<std::string> SandboxFiles::read(const fs::path& path) const {
  const auto it = files_.find(key_of(path));
  if (it == files_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> SandboxFiles::lines(const fs::path& path) const {
  const auto it = files_.find(key_of(path));
  if (it == files_.end()) return std::nullopt;
  return count_lines(it->second);
}

std::int64_t count_lines(const std::string& text) {
  std::int64_t n = 0;
  for (char c : text) n += c == '\n';
  return n + (!text.empty() && text.back() != '\n');
}

std::vector<models::Override> leading_overrides(const std::string& text) {
  static const std::string marker = "#--set ";
  std::vector<models::Override> out;
  std::size_t at = 0;
  while (text.compare(at, marker.size(), marker) == 0) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string line = text.substr(at + marker.size(), end - at - marker.size());
    const std::size_t eq = line.find('=');
    if (eq != std::string::npos && eq > 0) out.push_back({line.substr(0, eq), line.substr(eq + 1)});
    if (end == text.size()) break;
    at = end + 1;
  }
  return out;
}

void fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "\n*** fuzz property violated: %s\n", what.c_str());
  if (!detail.empty()) std::fprintf(stderr, "%s\n", detail.c_str());
  std::fflush(stderr);
  std::abort();
}

void check_error(const models::ScenarioError& error, const std::string& input_name,
                 std::int64_t input_lines, const std::vector<models::Override>& overrides) {
  if (error.issues().empty()) fail("a ScenarioError without any issue", error.what());
  for (const auto& issue : error.issues()) {
    const std::string text = issue.to_string();
    if (issue.file.empty()) fail("an issue without a file", text);
    if (issue.message.empty()) fail("an issue without a message", text);
    std::optional<std::int64_t> lines;
    if (issue.file == input_name)
      lines = input_lines;
    else if (issue.file == "--set")
      lines = 0;
    else if (issue.file.rfind("--set ", 0) == 0)
      for (const auto& o : overrides)
        if (issue.file == "--set " + o.key) lines = count_lines("value = " + o.value);
    if (!lines) lines = SandboxFiles::instance().lines(issue.file);
    if (!lines)
      fail("an issue in a file that is neither the input, an override nor a sandbox file", text);
    // A syntax error at the very end of a file may point at the line after it.
    if (issue.line < 0 || issue.line > *lines + 1)
      fail("an issue whose line is outside its file (" + std::to_string(*lines) + " lines)", text);
  }
}

void check_round_trip(const models::Scenario& s, const std::string& what) {
  const std::string text = models::to_toml(s);
  models::Scenario again;
  try {
    again = models::parse_scenario(text, "<round trip>", {}, SandboxFiles::instance());
  } catch (const models::ScenarioError& e) {
    fail(what + " does not load again after to_toml",
         std::string(e.what()) + "\n--- to_toml wrote:\n" + text);
  }
  if (!(again == s))
    fail(what + " changes when written by to_toml and read back",
         "--- to_toml wrote:\n" + text + "\n--- read back and written again:\n" +
             models::to_toml(again));
  if (models::to_toml(again) != text)
    fail(what + ": to_toml of the scenario read back differs", "--- first:\n" + text);
}

}  // namespace pledgesim::fuzz
