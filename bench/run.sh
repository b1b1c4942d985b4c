#!/usr/bin/env bash
# Runs every benchmark and writes bench/README.md (figures against the
# targets of the performance issue). One command from a clean clone:
#   bash bench/run.sh            # 100k and 1M practitioners (~2 minutes on 2 cores)
#   PLEDGESIM_BENCH_FULL=1 bash bench/run.sh   # adds 10M practitioners (~24 GB machines: ~1 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target bench_step pledgesim
mkdir -p build
./build/release/bench/bench_step --benchmark_out=build/bench.json --benchmark_out_format=json
# Where the time goes: a profile of the built-in scenario's 10-year run on one
# thread (skipped where perf is not installed or not permitted).
profile=build/bench-profile.txt
rm -f "$profile"
if command -v perf >/dev/null &&
  perf record -q -o build/bench-perf.data ./build/release/app/pledgesim run --threads 1 \
    --years 10 --quiet --no-summary --force --out build/bench-profile.h5 >/dev/null 2>&1; then
  perf report -i build/bench-perf.data --stdio --no-children --sort symbol --percent-limit 1 \
    2>/dev/null | grep -E '^ +[0-9]' >"$profile" || true
fi
# Whole-process timings: the built-in 10-year run and a calibration evaluation.
/usr/bin/python3 bench/process_runs.py ./build/release/app/pledgesim build/bench-process.json
/usr/bin/python3 bench/make_readme.py build/bench.json bench/README.md "$profile" \
  build/bench-process.json
echo "bench/run.sh: wrote bench/README.md" >&2
