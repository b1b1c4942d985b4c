// Whole-number options read as decimal. CLI11 reads integers with base
// detection, so `--years 010` meant 8 and `--seed 0x10` meant 16; a user
// who types leading zeros means a decimal number.
#pragma once

#include <CLI/CLI.hpp>

namespace pledgesim::app {

// For every integer option of every command of `app`: leading zeros are
// dropped ("010" is 10), and a prefix of another base (0x, 0b, 0o) is refused.
void read_integers_as_decimal(CLI::App& app);

}  // namespace pledgesim::app
