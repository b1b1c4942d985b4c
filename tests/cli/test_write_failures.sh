#!/usr/bin/env bash
# Write failures at the command line: with a file-size limit (ulimit -f, and
# SIGXFSZ ignored so that writes past it fail with EFBIG, "File too large",
# as they fail with ENOSPC on a full disk), `run`, `sweep` and `sensitivity`
# must say "cannot write FILE: File too large", exit 1, leave no partial
# file, and leave a complete earlier result under the final name byte for
# byte as it was (the new file is written as NAME.partial and renamed only
# when complete). No root, no special file system.
# Usage: test_write_failures.sh PLEDGESIM_BINARY
set -u
bin=$1
source "$(dirname "$0")/../common/cli_helpers.sh"  # $work, check, run, status_is, ...
# limited KIB ARGS...: runs pledgesim with files limited to KIB KiB; keeps
# status and stderr (through a pipe: a file would be limited too).
limited() {
  local kib=$1; shift
  ( trap '' XFSZ; ulimit -f "$kib"; exec "$bin" "$@" ) 2>&1 >/dev/null | cat >"$work/err"
  echo "${PIPESTATUS[0]}" >"$work/status"
}
clean_err() { ! grep -q -e "HDF5-DIAG" -e "internal error" "$work/err"; }
size_kib() { echo $(( ($(stat -c %s "$1") + 1023) / 1024 )); }

cat >"$work/three.toml" <<'EOF2'
name = "three"
start = 2017-10-01
years = 1
authorities = [
  { name = "A", region = "London", subregion = "East", inpost_fte = 120, vacancy_fte = 30, agency_fte = 25, caseload = 16 },
  { name = "B", region = "London", subregion = "West", inner_london = true, inpost_fte = 100, vacancy_fte = 25, agency_fte = 20, caseload = 15 },
  { name = "C", region = "South East", subregion = "Kent", inpost_fte = 90, vacancy_fte = 20, agency_fte = 10, caseload = 17 },
]
EOF2

# --- run ---------------------------------------------------------------------
"$bin" run "$work/three.toml" --replications 2 --out "$work/res.h5" -q --no-summary
cp "$work/res.h5" "$work/res.copy"
full=$(size_kib "$work/res.h5")
for kib in 8 $((full / 2)) $((full - 4)); do
  limited "$kib" run "$work/three.toml" --replications 2 --seed 9 --out "$work/res.h5" --force -q
  check "run, files limited to $kib KiB (of $full): exit 1" status_is 1
  check "run, $kib KiB: says 'cannot write FILE: File too large'" err_has "cannot write $work/res.h5: File too large"
  check "run, $kib KiB: no HDF5 error stack, no 'internal error'" clean_err
  check "run, $kib KiB: no partial file left" test ! -e "$work/res.h5.partial"
  check "run, $kib KiB: the earlier result is byte-identical" cmp -s "$work/res.h5" "$work/res.copy"
done
limited 8 run "$work/three.toml" --out "$work/new.h5" -q
check "run to a new file, 8 KiB: exit 1" status_is 1
check "run to a new file: nothing under the final name or .partial" \
  test ! -e "$work/new.h5" -a ! -e "$work/new.h5.partial"
# The same command without the limit works (the limit was the only problem).
"$bin" run "$work/three.toml" --replications 2 --seed 9 --out "$work/res.h5" --force -q --no-summary
check "run --force without the limit replaces the file" bash -c '! cmp -s "$0" "$1"' "$work/res.h5" "$work/res.copy"

# --- sweep -------------------------------------------------------------------
# A sweep's runs write nothing but their journal entries (a few KiB; the runs
# themselves stay in memory). Weekly outputs make the sweep file larger than
# a single run's file, so a limit between the two lets every entry through
# and fails only the final file; the journal must survive for a rerun.
{
  printf 'scenario = "three.toml"\nseed = 3\nreplications = 2\ndesign = "grid"\n'
  printf '[[parameters]]\nkey = "behaviour.exit_rate_per_year"\nvalues = [0.04, 0.08, 0.12]\n'
  printf '[[parameters]]\nkey = "behaviour.search_rate_per_year"\nvalues = [0.1, 0.2]\n'
  printf '[[outputs]]\nindicator = "agency_rate"\ngroup = "London"\nyear = 2018\n'
  for s in permanent_fte agency_fte vacancies starters leavers pay_cost_gbp agency_cost_gbp caseload; do
    for g in London all "South East" "Inner London" "Outer London"; do
      printf '[[outputs]]\nseries = "%s"\ngroup = "%s"\n' "$s" "$g"
    done
  done
} >"$work/sweep.toml"
"$bin" sweep "$work/sweep.toml" --out "$work/sw.h5" -q
check "reference sweep exits 0" test -f "$work/sw.h5"
cp "$work/sw.h5" "$work/sw.copy"
"$bin" run "$work/three.toml" --out "$work/one.h5" -q --no-summary
scratch=$(size_kib "$work/one.h5")
sweepsize=$(size_kib "$work/sw.h5")
check "the sweep file ($sweepsize KiB) is larger than a single run's file ($scratch KiB)" \
  test "$sweepsize" -gt $((scratch + 16))
kib=$(( (scratch + sweepsize) / 2 ))
limited "$kib" sweep "$work/sweep.toml" --out "$work/sw.h5" --force -q
check "sweep, files limited to $kib KiB: exit 1" status_is 1
check "sweep: says 'cannot write FILE: File too large'" err_has "cannot write $work/sw.h5: File too large"
check "sweep: says the completed runs are kept" err_has "the completed runs are kept in $work/sw.h5.runs"
check "sweep: no HDF5 error stack, no 'internal error'" clean_err
check "sweep: no partial file left" test ! -e "$work/sw.h5.partial"
check "sweep: the earlier result is byte-identical" cmp -s "$work/sw.h5" "$work/sw.copy"
check "sweep: the journal holds all 12 runs" test "$(ls "$work/sw.h5.runs" | grep -c '^run-.*\.bin$')" -eq 12
"$bin" sweep "$work/sweep.toml" --out "$work/sw.h5" --force -q
check "sweep rerun without the limit exits 0" [ $? -eq 0 ]
check "and writes the same file from the journal" h5diff -q "$work/sw.h5" "$work/sw.copy"
check "and removes the journal" test ! -e "$work/sw.h5.runs"

# --- sensitivity (writes the indices into the sweep file) ---------------------
cat >"$work/salt.toml" <<'EOF2'
scenario = "three.toml"
seed = 3
design = "saltelli"
samples = 2
[[parameters]]
key = "behaviour.exit_rate_per_year"
min = 0.04
max = 0.12
[[parameters]]
key = "behaviour.search_rate_per_year"
min = 0.1
max = 0.3
[[outputs]]
indicator = "leavers"
group = "all"
year = 2018
EOF2
"$bin" sweep "$work/salt.toml" --out "$work/salt.h5" -q
cp "$work/salt.h5" "$work/salt.copy"
limited 8 sensitivity "$work/salt.h5" --bootstrap 10

check "sensitivity, files limited to 8 KiB: exit 1" status_is 1
check "sensitivity: says 'cannot write FILE: File too large'" err_has "cannot write $work/salt.h5: File too large; the file is unchanged"
check "sensitivity: no partial file left" test ! -e "$work/salt.h5.partial"
check "sensitivity: the sweep file is byte-identical" cmp -s "$work/salt.h5" "$work/salt.copy"
"$bin" sensitivity "$work/salt.h5" --bootstrap 10 >/dev/null
h5ls "$work/salt.h5/sensitivity/leavers.all.2018/first" >/dev/null 2>&1
check "sensitivity without the limit stores the indices" [ $? -eq 0 ]

# --- calibrate (its evaluations run in memory; the result is a TOML file) ----
{
  cat <<'EOF2'
scenario = "three.toml"
years = 1
replications = 2
noise_replications = 2
max_evaluations = 3
[posterior]
particles = 0
[[parameters]]
key = "behaviour.exit_rate_per_year"
min = 0.03
max = 0.1
EOF2
  # Enough targets that the result (about 3 KiB) exceeds a 1 KiB file limit.
  for g in London "Inner London" "Outer London"; do
    for i in agency_rate vacancy_rate turnover_rate; do
      printf '[[targets]]\nindicator = "%s"\ngroup = "%s"\nyear = 2018\nobserved = 20\n' "$i" "$g"
    done
  done
} >"$work/targets.toml"
echo "# an earlier calibration result" >"$work/cal.toml"
cp "$work/cal.toml" "$work/cal.copy"
limited 1 calibrate "$work/targets.toml" --out "$work/cal.toml" --force --quiet
check "calibrate, files limited to 1 KiB: exit 1" status_is 1
check "calibrate: says which file it cannot write and why" \
  grep -q "cannot write .*cal.toml: File too large" "$work/err"
check "calibrate: no HDF5 error stack, no 'internal error'" clean_err
check "calibrate: the earlier result is byte-identical" cmp -s "$work/cal.toml" "$work/cal.copy"
check "calibrate: no partial result left" test ! -e "$work/cal.toml.partial"
"$bin" calibrate "$work/targets.toml" --out "$work/cal_free.toml" --quiet >/dev/null 2>&1
check "calibrate without the limit writes a result over 1 KiB" \
  test "$(stat -c %s "$work/cal_free.toml")" -gt 1024

finish
