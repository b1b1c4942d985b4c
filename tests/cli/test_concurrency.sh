#!/usr/bin/env bash
# Several processes told to write one output at once: runs, resumes of one
# checkpoint, sweeps. Exactly one writes a complete, correct result; every
# other one exits 2 at once with a message naming the writer, and touches
# nothing (sim/io/output_lock.hpp). Also: `summarize` tells a live run's
# .partial from a dead one's, and a killed writer's stale lock file does not
# block the next run.
# Usage: test_concurrency.sh PLEDGESIM_BINARY PYTHON
set -u
bin=$1
python=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common/cli_helpers.sh"

# wait_for FILE: up to 30 s for FILE to appear.
wait_for() {
  for _ in $(seq 300); do [ -e "$1" ] && return 0; sleep 0.1; done
  return 1
}
# A run long enough to be caught in progress: about 2 s on one thread in a
# release build (the competitors below give up within a fraction of that),
# ten times more under AddressSanitizer. Longer runs only slow the suite.
long=(run --years 20 --replications 6 --threads 1 --quiet --no-summary)

# --- Two (here four) runs to one output -----------------------------------
"$bin" "${long[@]}" --seed 1 --out "$work/same.h5" >/dev/null 2>"$work/first.err" &
first=$!
check "the first run takes the output's lock" wait_for "$work/same.h5.lock"
for k in 2 3 4; do
  "$bin" run --seed "$k" --years 3 --out "$work/same.h5" --force >"$work/out$k" 2>"$work/err$k" &
  pids[$k]=$!
done
for k in 2 3 4; do
  wait "${pids[$k]}"
  status=$?
  check "competing run $k exits 2" [ "$status" -eq 2 ]
  check "competing run $k names the writer" \
    grep -q "same.h5 is being written by another pledgesim process (pid $first" "$work/err$k"
done
check "the first run is still going after the others gave up" kill -0 "$first"
check "its .partial is untouched" test -s "$work/same.h5.partial"

run summarize "$work/same.h5"
check "summarize of a live run's output: exit 2" status_is 2
check "... says the run is still going, with its pid" err_has "still going (pid $first"
run summarize "$work/same.h5.partial"
check "summarize of a live run's .partial: exit 2" status_is 2
check "... says to wait, not to run it again" err_has "wait for it to finish"

wait "$first"
check "the first run completes (exit 0)" [ $? -eq 0 ]
check "its result is in place, nothing else is left" \
  bash -c '[ -f "$1" ] && [ ! -e "$1.partial" ] && [ ! -e "$1.lock" ]' _ "$work/same.h5"
"$bin" run --years 20 --replications 6 --seed 1 --quiet --out "$work/ref.h5" >/dev/null 2>&1
check "and equals the same run made alone" "$python" "$here/h5_same.py" "$work/ref.h5" "$work/same.h5" --ignore created_utc

# --- A killed writer leaves a stale lock file, which blocks nothing ---------
"$bin" "${long[@]}" --seed 1 --out "$work/killed.h5" >/dev/null 2>&1 &
victim=$!
wait_for "$work/killed.h5.partial"
sleep 0.3
kill -9 "$victim"
wait "$victim" 2>/dev/null
check "kill -9 leaves the .partial and the lock file" \
  bash -c '[ -e "$1.partial" ] && [ -e "$1.lock" ]' _ "$work/killed.h5"
run summarize "$work/killed.h5"
check "summarize of a dead run's output: exit 2" status_is 2
check "... says no process is writing it and to run it again" err_has "no process is writing it now"
run run --years 1 --out "$work/killed.h5"
check "the next run to that output is not blocked by the stale lock" status_is 0
check "... and leaves only its result" \
  bash -c '[ -f "$1" ] && [ ! -e "$1.partial" ] && [ ! -e "$1.lock" ]' _ "$work/killed.h5"

# --- Two resumes of one checkpoint ----------------------------------------
run run --years 20 --replications 4 --threads 1 --seed 5 --checkpoint-every 52 \
  --stop-after-weeks 26 --out "$work/ck.h5"
check "a checkpointed run stopped at week 26 (exit 130)" status_is 130
"$bin" resume "$work/ck.h5.ckpt" --threads 1 --quiet >/dev/null 2>"$work/r1.err" &
r1=$!
wait_for "$work/ck.h5.lock"
"$bin" resume "$work/ck.h5.ckpt" --threads 1 --quiet >/dev/null 2>"$work/r2.err"
check "a second resume of the same checkpoint exits 2" [ $? -eq 2 ]
check "... naming the first" grep -q "being written by another pledgesim process (pid $r1" "$work/r2.err"
wait "$r1"
check "the first resume completes (exit 0)" [ $? -eq 0 ]
"$bin" run --years 20 --replications 4 --seed 5 --quiet --out "$work/ck_ref.h5" >/dev/null 2>&1
check "its result equals the uninterrupted run" "$python" "$here/h5_same.py" "$work/ck_ref.h5" "$work/ck.h5" --ignore created_utc

# --- Two sweeps to one output ---------------------------------------------
cat >"$work/sweep.toml" <<'EOF2'
seed = 3
years = 10
replications = 4
design = "grid"

[[parameters]]
key = "behaviour.exit_rate_per_year"
values = [0.04, 0.08, 0.12]

[[outputs]]
indicator = "agency_rate"
group = "London"
year = 2018
EOF2
"$bin" sweep "$work/sweep.toml" --out "$work/sw.h5" --threads 1 --quiet >/dev/null 2>"$work/s1.err" &
s1=$!
wait_for "$work/sw.h5.lock"
"$bin" sweep "$work/sweep.toml" --out "$work/sw.h5" --threads 1 --quiet >/dev/null 2>"$work/s2.err"
check "a second sweep to the same output exits 2" [ $? -eq 2 ]
check "... naming the first" grep -q "being written by another pledgesim process (pid $s1" "$work/s2.err"
wait "$s1"
check "the first sweep completes (exit 0)" [ $? -eq 0 ]
"$bin" sweep "$work/sweep.toml" --out "$work/sw_ref.h5" --quiet >/dev/null 2>&1
check "its file equals the same sweep made alone" h5diff -q "$work/sw_ref.h5" "$work/sw.h5"

finish
