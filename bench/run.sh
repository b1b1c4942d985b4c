#!/usr/bin/env bash
# Runs every benchmark and writes bench/README.md (figures against the
# targets of the performance issue). One command from a clean clone:
#   bash bench/run.sh            # 100k and 1M practitioners (~2 minutes on 2 cores)
#   PLEDGESIM_BENCH_FULL=1 bash bench/run.sh   # adds 10M practitioners (~24 GB machines: ~1 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target bench_step
mkdir -p build
./build/release/bench/bench_step --benchmark_out=build/bench.json --benchmark_out_format=json
/usr/bin/python3 bench/make_readme.py build/bench.json bench/README.md
echo "bench/run.sh: wrote bench/README.md" >&2
