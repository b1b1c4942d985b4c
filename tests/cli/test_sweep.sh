#!/usr/bin/env bash
# pledgesim sweep: a small grid sweep, its file layout, a resumed sweep equal
# to an uninterrupted one (bit for bit), bad sweep files, and (when an MPI
# launcher is given) mpirun -n 2 equal to the single process.
# Usage: test_sweep.sh PLEDGESIM_BINARY [MPIRUN]
set -u
bin=$1
mpirun=${2:-}
source "$(dirname "$0")/../common/cli_helpers.sh"  # $work, check, run, status_is, ...

cp "$(dirname "$0")/../common/two_authorities.toml" "$work/two.toml"
cat >"$work/sweep.toml" <<'EOF2'
scenario = "two.toml"
seed = 3
replications = 2
design = "grid"

[[parameters]]
key = "behaviour.exit_rate_per_year"
values = [0.04, 0.08, 0.12]

[[parameters]]
policy = 0
field = "weeks"
min = 0
max = 26
levels = 2

[[parameters]]
signatory_share_of = "London"
values = [0.0, 1.0]

[[outputs]]
indicator = "agency_rate"
group = "London"
year = 2018

[[outputs]]
indicator = "leavers"
group = "all"
year = 2018

[[outputs]]
series = "agency_fte"
group = "London"
EOF2

"$bin" sweep "$work/sweep.toml" --out "$work/full.h5" --quiet
check "sweep exits 0" [ $? -eq 0 ]
check "sweep writes the file and removes its journal" test -f "$work/full.h5" -a ! -e "$work/full.h5.runs"
h5ls -r "$work/full.h5" >"$work/ls"
check "design table: 12 points x 3 parameters" grep -q "/design/value .*Dataset {12, 3}" "$work/ls"
check "runs: 24 = 12 points x 2 replications" grep -q "/runs/seed .*Dataset {24}" "$work/ls"
check "outcomes named indicator.group.year" grep -q "/outcomes/agency_rate.London.2018 .*Dataset {24}" "$work/ls"
check "weekly series: [runs, weeks] under /weekly (a year = 53 weekly steps)" grep -q "/weekly/agency_fte.London .*Dataset {24, 53}" "$work/ls"
check "with their dates" grep -q "/time/date .*Dataset {53}" "$work/ls"
h5dump -d /runs/seed -y -w 0 "$work/full.h5" | sed -n '/DATA {/,/}/p' | grep -v '[{}]' |
  tr ', ' '\n\n' | grep -v '^$' >"$work/seeds"
check "24 seeds listed" test "$(wc -l <"$work/seeds")" -eq 24
check "common random numbers: the same 2 seeds repeat at every point" \
  test "$(sort -u "$work/seeds" | wc -l)" -eq 2

"$bin" sweep "$work/sweep.toml" --out "$work/resumed.h5" --quiet --max-runs 7
check "--max-runs stops early without the final file" test ! -e "$work/resumed.h5"
check "--max-runs keeps 7 completed runs in the journal" \
  test "$(ls "$work/resumed.h5.runs" | grep -c '^run-')" -eq 7
"$bin" sensitivity "$work/resumed.h5" >"$work/out" 2>"$work/err"
check "sensitivity of an unfinished sweep: exit 2" [ $? -eq 2 ]
check "and says how far it got and how to continue" grep -qF \
  "no such file yet: an unfinished sweep, 7 of 24 runs done (kept in $work/resumed.h5.runs); run \`pledgesim sweep $work/sweep.toml --out $work/resumed.h5\` again to continue" "$work/err"
"$bin" sweep "$work/sweep.toml" --out "$work/resumed.h5" --quiet
check "a resumed sweep equals an uninterrupted one" h5diff -q "$work/full.h5" "$work/resumed.h5"

"$bin" sweep "$work/sweep.toml" --out "$work/full.h5" --quiet 2>"$work/err"
check "an existing sweep file is refused without --force (exit 2)" [ $? -eq 2 ]
"$bin" sweep "$work/sweep.toml" --out "$work/t1.h5" --quiet --threads 1
check "1 thread equals all threads" h5diff -q "$work/full.h5" "$work/t1.h5"

# Ctrl-C during a sweep: exit 130 with the completed runs kept (or 0 if it
# finished first); either way a rerun gives the uninterrupted file.
sed 's/^seed = 3/seed = 3\nyears = 3/' "$work/sweep.toml" >"$work/long.toml"
"$bin" sweep "$work/long.toml" --out "$work/long_ref.h5" --quiet
"$bin" sweep "$work/long.toml" --out "$work/long.h5" 2>"$work/err" &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
status=$?
check "SIGINT stops a sweep with exit 130 (or it had finished: 0)" [ $status -eq 130 -o $status -eq 0 ]
[ $status -eq 130 ] && check "and says how to continue" grep -q "Run the same command again" "$work/err"
"$bin" sweep "$work/long.toml" --out "$work/long.h5" --quiet
check "the sweep continued after SIGINT equals an uninterrupted one" h5diff -q "$work/long_ref.h5" "$work/long.h5"

sed 's/seed = 3/seed = 4/' "$work/sweep.toml" >"$work/other.toml"
cp "$work/two.toml" "$work/two_copy.toml"
"$bin" sweep "$work/sweep.toml" --out "$work/j.h5" --quiet --max-runs 1
"$bin" sweep "$work/other.toml" --out "$work/j.h5" --quiet 2>"$work/err"
check "a journal of another sweep is refused (exit 2)" [ $? -eq 2 ]
check "and the message says the sweep file changed" grep -q "different sweep: the sweep file changed" "$work/err"

# The journal belongs to one sweep: an edited base scenario, or an edited
# file it includes, refuses the rerun instead of mixing old and new runs.
cp "$work/two.toml" "$work/two_saved.toml"
"$bin" sweep "$work/sweep.toml" --out "$work/edit.h5" --quiet --max-runs 3
sed -i 's/nqsw_intake_per_year = 20/nqsw_intake_per_year = 40/' "$work/two.toml"
"$bin" sweep "$work/sweep.toml" --out "$work/edit.h5" --quiet 2>"$work/err"
check "a rerun after the base scenario was edited is refused (exit 2)" [ $? -eq 2 ]
check "and the message says the base scenario changed and how to start afresh" \
  grep -q "the base scenario .* changed since they were made.*to start afresh, remove" "$work/err"
check "and the journal is left as it was" \
  test "$(ls "$work/edit.h5.runs" | grep -c '^run-')" -eq 3
cp "$work/two_saved.toml" "$work/two.toml"
printf 'include = "two.toml"\nname = "inc"\n' >"$work/inc.toml"
sed 's/^scenario = "two.toml"/scenario = "inc.toml"/' "$work/sweep.toml" >"$work/inc_sweep.toml"
"$bin" sweep "$work/inc_sweep.toml" --out "$work/inc.h5" --quiet --max-runs 3
sed -i 's/weeks = 26/weeks = 13/' "$work/two.toml"
"$bin" sweep "$work/inc_sweep.toml" --out "$work/inc.h5" --quiet 2>"$work/err"
check "a rerun after an included file was edited is refused (exit 2)" [ $? -eq 2 ]
check "and the message names the base scenario" grep -q "the base scenario" "$work/err"
cp "$work/two_saved.toml" "$work/two.toml"
"$bin" sweep "$work/inc_sweep.toml" --out "$work/inc.h5" --quiet
check "with the include restored, the same sweep continues" [ $? -eq 0 ]

# Journal entries carry their length and a checksum: an edited or truncated
# entry is made again, never copied into the result.
"$bin" sweep "$work/sweep.toml" --out "$work/bad_entry.h5" --quiet --max-runs 6
printf '\x7f' | dd of="$work/bad_entry.h5.runs/run-0.bin" bs=1 seek=40 conv=notrunc 2>/dev/null
truncate -s 20 "$work/bad_entry.h5.runs/run-1.bin"
printf 'garbage' >"$work/bad_entry.h5.runs/run-2.bin"
"$bin" sweep "$work/sweep.toml" --out "$work/bad_entry.h5" 2>"$work/err" >/dev/null
check "a sweep with damaged journal entries completes (exit 0)" [ $? -eq 0 ]
check "and says 3 entries were damaged and made again" grep -q "3 entries in .* are damaged" "$work/err"
check "and its file equals the uninterrupted sweep's" h5diff -q "$work/full.h5" "$work/bad_entry.h5"

cat >"$work/bad.toml" <<'EOF2'
scenario = "two.toml"
design = "grdi"
[[parameters]]
key = "behaviour.exit_rate"
min = 0.01
max = 0.1
[[outputs]]
indicator = "agency_rate"
group = "Londn"
year = 2018
EOF2
"$bin" sweep "$work/bad.toml" --out "$work/bad.h5" 2>"$work/err"
check "bad sweep file exits 2" [ $? -eq 2 ]
check "names the bad design" grep -q "bad.toml:2: design: expected" "$work/err"
check "names the bad key with a hint" grep -q "did you mean 'behaviour.exit_rate_per_year'" "$work/err"
check "no output for a bad sweep" test ! -e "$work/bad.h5" -a ! -e "$work/bad.h5.runs"

# The library's sweep file loads and runs (one run, then stop).
"$bin" sweep "$(dirname "$0")/../../scenarios/sweeps/pledge_levers.toml" --out "$work/pl.h5" \
  --quiet --max-runs 1
check "scenarios/sweeps/pledge_levers.toml runs" [ $? -eq 0 ]

# sensitivity of a grid sweep: regression measures (printed only here, so
# that the file stays comparable with the mpirun one below).
"$bin" sensitivity "$work/full.h5" --no-write >"$work/out" 2>"$work/err"
check "sensitivity of a grid design exits 0" [ $? -eq 0 ]
check "with regression measures of its 12 points" \
  grep -q "regression measures (grid design, 12 points" "$work/out"
check "SRC and PRCC per parameter" grep -q "parameter .* SRC .* PRCC" "$work/out"

if [ -n "$mpirun" ]; then
  "$mpirun" --allow-run-as-root --oversubscribe -n 2 "$bin" sweep "$work/sweep.toml" \
    --out "$work/mpi.h5" --quiet
  check "mpirun -n 2 exits 0" [ $? -eq 0 ]
  check "mpirun -n 2 equals the single process, bit for bit" h5diff -q "$work/full.h5" "$work/mpi.h5"
fi

finish
