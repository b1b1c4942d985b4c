// Replays inputs through a fuzz target's LLVMFuzzerTestOneInput without
// libFuzzer, so that the normal (g++) build runs every regression input and
// the seed corpus on each ctest run. A finding aborts (or throws out of
// main), which fails the test; the input being replayed is printed first.
//
// Usage: fuzz_TARGET_replay PATH...   (a file, or a directory: every *.toml
// file in it and its subdirectories, in name order; a directory may have
// none, but every path must exist and at least one input must be found)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
    return 2;
  }
  std::size_t replayed = 0;
  for (int a = 1; a < argc; ++a) {
    const fs::path arg(argv[a]);
    std::vector<fs::path> inputs;
    if (fs::is_directory(arg)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg))
        if (entry.is_regular_file() && entry.path().extension() == ".toml")
          inputs.push_back(entry.path());
      std::sort(inputs.begin(), inputs.end());
    } else if (fs::is_regular_file(arg)) {
      inputs.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: %s: no such file or directory\n", argv[a]);
      return 2;
    }
    for (const auto& path : inputs) {
      std::fprintf(stderr, "replay: %s\n", path.string().c_str());
      std::ifstream in(path, std::ios::binary);
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++replayed;
    }
  }
  if (replayed == 0) {
    std::fprintf(stderr, "replay: no *.toml input in any of the paths given\n");
    return 2;
  }
  std::fprintf(stderr, "replay: %zu inputs, no finding\n", replayed);
  return 0;
}
