#!/usr/bin/env bash
# The main job, from a fresh clone: install what is missing, build (Release),
# run the built-in London scenario, write results/london_baseline.h5 and print
# its annual summary. Extra arguments go to `pledgesim run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --parallel "$(nproc)"
./build/release/app/pledgesim run --out results/london_baseline.h5 --force "$@"
