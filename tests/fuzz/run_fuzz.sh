#!/usr/bin/env bash
# Fuzzes the readers of scenario, sweep and calibration targets files with
# libFuzzer (clang, AddressSanitizer, UndefinedBehaviorSanitizer). See
# docs/fuzzing.md.
#
# Usage: tests/fuzz/run_fuzz.sh [--build-only | --no-build] [TARGET...]
#   TARGET: scenario, sweep or calibration (default: all three, in turn)
#   --build-only  configure and build build/fuzz, run nothing
#   --no-build    use the targets already built
# Environment:
#   PLEDGESIM_FUZZ_SECONDS    fuzzing time per target, seconds (default 60)
#   PLEDGESIM_FUZZ_BUILD_DIR  build directory (default build/fuzz)
#   PLEDGESIM_FUZZ_TOML_HEADER_ONLY=ON  compile toml++ into the targets
#                             (instrumented) instead of linking Debian's
#                             library; finds toml++ 3.3.0's own known bugs
#
# Each run starts from build/fuzz/corpus/TARGET (inputs found by earlier
# runs, kept), a fresh copy of the seeds (build/fuzz/seeds/TARGET) and the
# regression inputs (tests/fuzz/regressions/TARGET, so each is replayed
# under the sanitizers first). A crash, sanitizer report, property
# violation, slow input (-timeout) or memory blow-up (-rss_limit_mb) stops
# the run, leaves the input in build/fuzz/crashes/TARGET/ and fails (exit 1).
# Every run's figures are appended to build/fuzz/runs.tsv.
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${PLEDGESIM_FUZZ_BUILD_DIR:-$src/build/fuzz}
seconds=${PLEDGESIM_FUZZ_SECONDS:-60}
all_targets=(scenario sweep calibration)

die() {
  echo "run_fuzz: $*" >&2
  exit 1
}

do_build=1 do_run=1 targets=()
for arg in "$@"; do
  case $arg in
    --build-only) do_run=0 ;;
    --no-build) do_build=0 ;;
    scenario | sweep | calibration) targets+=("$arg") ;;
    *) die "unknown argument '$arg' (usage: run_fuzz.sh [--build-only | --no-build] [scenario|sweep|calibration]...)" ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || die "PLEDGESIM_FUZZ_SECONDS must be a whole number of seconds, not '$seconds'"

if [[ $do_build -eq 1 ]]; then
  # No clang is a failure, not a skip: CI installs it (scripts/install-deps.sh).
  if ! command -v clang++ >/dev/null || ! command -v clang >/dev/null; then
    die "clang/clang++ not found: the fuzz targets need clang with libFuzzer (Debian package 'clang'; bash scripts/install-deps.sh installs it)"
  fi
  mkdir -p "$build"
  # The sanitizer and libFuzzer runtimes are a separate package, only
  # recommended by clang's.
  if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
    clang++ -x c++ -fsanitize=fuzzer,address,undefined -o "$build/probe" - >"$build/probe.log" 2>&1; then
    cat "$build/probe.log" >&2
    die "clang++ cannot link a libFuzzer program (above): install the Debian package 'libclang-rt-dev' (bash scripts/install-deps.sh does)"
  fi
  flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined"
  start=$(date +%s)
  if ! cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DPLEDGESIM_TOML_HEADER_ONLY="${PLEDGESIM_FUZZ_TOML_HEADER_ONLY:-OFF}" \
    -DPLEDGESIM_FUZZ=ON -DPLEDGESIM_WITH_MPI=OFF >"$build/configure.log" 2>&1; then
    cat "$build/configure.log" >&2
    die "configuring the fuzz build in $build failed (log above)"
  fi
  if ! cmake --build "$build" --target "${all_targets[@]/#/fuzz_}" >"$build/build.log" 2>&1; then
    tail -n 60 "$build/build.log" >&2
    die "building the fuzz targets failed (end of $build/build.log above)"
  fi
  echo "run_fuzz: fuzz targets built in $build ($(($(date +%s) - start)) s)"
fi
[[ $do_run -eq 1 ]] || exit 0

# Seeds of each target (files or directories; *.toml files are taken).
seeds_of() {
  case $1 in
    scenario) echo "$src/scenarios $src/tests/scenarios/malformed $src/tests/fuzz/seeds/scenario" ;;
    sweep) echo "$src/scenarios/sweeps/pledge_levers.toml $src/tests/fuzz/seeds/sweep" ;;
    calibration) echo "$src/scenarios/calibration $src/tests/fuzz/seeds/calibration" ;;
  esac
}

status=0
for t in "${targets[@]}"; do
  exe=$build/tests/fuzz/fuzz_$t
  [[ -x $exe ]] || die "$exe is not built (run without --no-build)"
  corpus=$build/corpus/$t seeds=$build/seeds/$t crashes=$build/crashes/$t
  regressions=$src/tests/fuzz/regressions/$t
  log=$build/logs/$t.log
  rm -rf "$seeds"
  mkdir -p "$corpus" "$seeds" "$crashes" "$build/logs" "$regressions"
  # shellcheck disable=SC2046
  for path in $(seeds_of "$t"); do
    find "$path" -name '*.toml' -type f | while read -r f; do
      rel=${f#"$src"/}
      cp "$f" "$seeds/${rel//\//_}"
    done
  done
  nseeds=$(find "$seeds" -type f | wc -l)
  nregressions=$(find "$regressions" -name '*.toml' -type f | wc -l)
  echo "run_fuzz: $t: fuzzing for $seconds s from $(find "$corpus" -type f | wc -l) corpus inputs," \
    "$nseeds seeds and $nregressions regression inputs"
  set +e
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$exe" "$corpus" "$seeds" "$regressions" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -dict="$src/tests/fuzz/toml.dict" -artifact_prefix="$crashes/" \
    -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  # The last status line, e.g. "#123456 DONE cov: 2345 ft: 9876 corp: 812/312Kb ... exec/s: 2057".
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  ncorpus=$(find "$corpus" -type f | wc -l)
  if [[ $rc -eq 0 ]]; then
    result=ok
  else
    result=FINDING
  fi
  echo "run_fuzz: $t: $result: ${execs:-?} executions in $seconds s (${rate:-?}/s)," \
    "coverage ${cov:-?} edges (${ft:-?} features), corpus $ncorpus inputs (log: $log)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$t" "$seconds" \
    "${execs:-}" "${rate:-}" "${cov:-}" "${ft:-}" "$ncorpus" "$nseeds" "$result" >>"$build/runs.tsv"
  if [[ $rc -ne 0 ]]; then
    status=1
    echo "---- end of the libFuzzer log ----"
    tail -n 80 "$log"
    echo "----"
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    echo "run_fuzz: $t: FINDING (libFuzzer exit $rc); the input is ${input:-in $crashes/}"
    echo "  reproduce: $exe ${input:-CRASH_FILE}"
    echo "  replay in the normal build: build/release/tests/fuzz/fuzz_${t}_replay ${input:-CRASH_FILE}"
    echo "  then fix it, and keep it as a regression test: copy it to" \
      "tests/fuzz/regressions/$t/NAME.toml with a line in tests/fuzz/regressions/README.md"
  fi
done
exit $status
