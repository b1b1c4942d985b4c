#!/usr/bin/env bash
# Command-line behaviour of pledgesim: exit codes, messages, no half-written
# output, determinism across thread counts, reproducing a run from its file.
# Usage: test_cli.sh PLEDGESIM_BINARY PYTHON
set -u
bin=$1
py=${2:-/usr/bin/python3}
source "$(dirname "$0")/../common/cli_helpers.sh"  # $work, check, run, status_is, ...

run --help
check "--help exits 0 and lists commands" status_is 0
run run --help
check "run --help explains --threads" grep -q -- "--threads" "$work/out"
check "run --help explains --compress" grep -q -- "--compress" "$work/out"
run resume "$work/none.h5.ckpt" --compress
check "resume takes --compress from the checkpoint, not the command line (exit 2)" status_is 2
check "  ... naming the option" err_has "compress"

run run --bogus --out "$work/a.h5"
check "unknown option exits 2" status_is 2
check "unknown option names the option" err_has "bogus"
check "unknown option leaves no output" no_file "$work/a.h5"

run run --years 0 --out "$work/a.h5"
check "--years 0 exits 2" status_is 2
check "--years 0 leaves no output" no_file "$work/a.h5"

run run --threads -1 --out "$work/a.h5"
check "--threads -1 exits 2" status_is 2

run run "$work/missing.toml" --out "$work/a.h5"
check "missing scenario exits 2" status_is 2
check "missing scenario is named" err_has "missing.toml"
check "missing scenario leaves no output" no_file "$work/a.h5"

"$bin" run --print-scenario >"$work/good.toml"
sed 's/^exit_rate_per_year = .*/exit_rate_per_yeer = 0.05/' "$work/good.toml" >"$work/bad.toml"
line=$(grep -n '^exit_rate_per_yeer' "$work/bad.toml" | cut -d: -f1)
run run "$work/bad.toml" --out "$work/a.h5"
check "unknown scenario key exits 2" status_is 2
check "message gives file:line: key" err_has "bad.toml:$line: behaviour.exit_rate_per_yeer: unknown key"
check "message suggests the right key" err_has "did you mean 'behaviour.exit_rate_per_year'"
check "bad scenario leaves no output" no_file "$work/a.h5"

run validate "$work/bad.toml" "$work/good.toml"
check "validate exits 2 on a bad file" status_is 2
check "validate reports the good file ok" grep -q "good.toml: ok" "$work/out"

run run --set behaviour.exit_rate_per_year=2 --out "$work/a.h5"
check "out-of-range --set exits 2" status_is 2
check "out-of-range --set is explained" err_has "outside"

echo "not hdf5" >"$work/fake.h5"
run summarize "$work/fake.h5"
check "summarize of a non-HDF5 file exits 2" status_is 2
check "summarize names the file" err_has "fake.h5"

run run --years 1 --seed 5 --threads 1 --out "$work/new/dir/t1.h5" -q
check "run creates the output directory and exits 0" status_is 0
check "run leaves no .partial" no_file "$work/new/dir/t1.h5.partial"
check "run prints the annual summary" grep -q "Year to 30 Sep" "$work/out"
run run --years 1 --seed 5 --threads 2 --out "$work/t2.h5" -q --no-summary
check "second run exits 0" status_is 0
check "1 and 2 threads give identical series" h5diff -q "$work/new/dir/t1.h5" "$work/t2.h5" /series /series
check "1 and 2 threads give identical employers" h5diff -q "$work/new/dir/t1.h5" "$work/t2.h5" /employers /employers

# Reproduce the run from the scenario text stored in its own output.
"$py" -c "import h5py,sys; f=h5py.File(sys.argv[1]); sys.stdout.write(f['scenario/text'][()].decode())" \
  "$work/t2.h5" >"$work/resolved.toml"
run run "$work/resolved.toml" --out "$work/t3.h5" -q --no-summary
check "the stored scenario runs" status_is 0
check "the stored scenario reproduces the run bit for bit" h5diff -q "$work/t2.h5" "$work/t3.h5" /series /series

run run --years 1 --seed 6 --out "$work/t4.h5" -q --no-summary
check "another seed gives other series" bash -c "! h5diff -q '$work/t2.h5' '$work/t4.h5' /series /series >/dev/null 2>&1"

# Every shipped scenario is valid.
run validate "$(dirname "$0")"/../../scenarios/*.toml "$(dirname "$0")"/../../scenarios/sweeps/pledge_base.toml
check "every file in scenarios/ validates" status_is 0

# The key reference in docs/ is the program's own.
docs=$(dirname "$0")/../../docs/scenario-keys.md
"$bin" keys >"$work/keys.md"
check "docs/scenario-keys.md matches 'pledgesim keys'" bash -c "tail -n +\$(( \$(grep -n '^| key | default' '$docs' | cut -d: -f1) )) '$docs' | diff -q - '$work/keys.md' >/dev/null"

# So is the output reference (series and indicators).
docs=$(dirname "$0")/../../docs/output-reference.md
"$bin" metrics >"$work/metrics.md"
check "docs/output-reference.md matches 'pledgesim metrics'" bash -c "tail -n +\$(( \$(grep -n '^## Weekly series' '$docs' | cut -d: -f1) )) '$docs' | diff -q - '$work/metrics.md' >/dev/null"

# Replications: deterministic for any thread count, replication 0 = the plain
# run of the seed, seeds recorded.
run run --years 1 --seed 5 --replications 3 --threads 1 --out "$work/r1.h5" -q --no-summary
check "run --replications 3 exits 0" status_is 0
run run --years 1 --seed 5 --replications 3 --threads 2 --out "$work/r2.h5" -q --no-summary
check "replications: 1 and 2 threads give identical series" h5diff -q "$work/r1.h5" "$work/r2.h5" /series /series
check "replication 0 is the plain run of the seed, bit for bit" "$py" -c "
import h5py, numpy as np, sys
a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')
assert a['series/agency_fte'].shape[0] == 3
assert all(np.array_equal(a['series'][m][0], b['series'][m][()]) for m in b['series'] if b['series'][m].ndim == 2)
assert not np.array_equal(a['series/agency_fte'][1], a['series/agency_fte'][0])
s = a['replications/seed'][()]
assert s[0] == 5 and len(set(s.tolist())) == 3 and a.attrs['seed'] == 5
" "$work/r1.h5" "$work/new/dir/t1.h5"
run run --replications 0 --out "$work/r0.h5"
check "--replications 0 exits 2" status_is 2
check "--replications 0 leaves no output" no_file "$work/r0.h5"

# summarize: formats and groupings.
run summarize "$work/r1.h5" --format csv
check "summarize --format csv exits 0" status_is 0
check "summarize csv names the interval bounds" grep -q "^scenario,file,level,group,indicator,units,period_type,period,weeks,replications,mean,lo90,hi90$" "$work/out"
run summarize "$work/r1.h5" --format json --by region
check "summarize --format json is valid JSON with rows" "$py" -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['replications']==3 and any(r['group']=='Inner London' for r in d['rows'])" "$work/out"
run summarize "$work/r1.h5" --by authority --indicator agency_rate
check "summarize --by authority lists boroughs" grep -q "== Camden (authority" "$work/out"
check "summarize table shows intervals" grep -q "+/-" "$work/out"
run summarize "$work/r1.h5" --by borough
check "summarize --by with a bad value exits 2" status_is 2
run summarize "$work/r1.h5" --indicator agency_rat
check "summarize with an unknown indicator exits 2" status_is 2
check "unknown indicator is named" err_has "agency_rat"

# compare: B - A with paired intervals, and its refusals.
run run "$(dirname "$0")"/../../scenarios/london_pledge_2022.toml --years 1 --seed 5 --replications 3 --out "$work/p1.h5" -q --no-summary
run compare "$work/r1.h5" "$work/p1.h5"
check "compare exits 0" status_is 0
check "compare prints B - A" grep -q "^B - A: london_pledge_2022" "$work/out"
check "compare flags intervals that exclude zero" grep -q '\*' "$work/out"
run compare "$work/r1.h5" "$work/p1.h5" --format csv --by region
check "compare csv names lo90, hi90 and the flag" grep -q ",diff,lo90,hi90,excludes_zero$" "$work/out"
run compare "$work/r1.h5" "$work/r1.h5" --format csv
check "compare of a file with itself: all differences zero, none flagged" "$py" -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and all(float(r['diff']) == 0 and r['excludes_zero'] == '0' for r in rows if r['diff'])
" "$work/out"
run run --years 2 --seed 5 --out "$work/y2.h5" -q --no-summary
run compare "$work/new/dir/t1.h5" "$work/y2.h5"
check "compare refuses other calendars (exit 2)" status_is 2
check "compare says the calendars do not match" err_has "calendars do not match"
"$py" -c "
import h5py, sys
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['format'] = 'netcdf-thing'
" "$work/foreign.h5"
run compare "$work/new/dir/t1.h5" "$work/foreign.h5"
check "compare refuses a foreign file (exit 2)" status_is 2
check "compare names the foreign file" err_has "foreign.h5: not a pledgesim file"
cp "$work/new/dir/t1.h5" "$work/v9.h5"
"$py" -c "
import h5py, numpy as np, sys
with h5py.File(sys.argv[1], 'r+') as f:
    f.attrs['format_version'] = np.int64(9)
" "$work/v9.h5"
run compare "$work/new/dir/t1.h5" "$work/v9.h5"
check "compare refuses another format_version (exit 2)" status_is 2
check "compare explains the format mismatch" err_has "v9.h5: format_version 9 is newer than this pledgesim reads"
cp "$work/new/dir/t1.h5" "$work/contract1.h5"
"$py" -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as f: del f.attrs['rng_contract']
" "$work/contract1.h5"
run compare "$work/new/dir/t1.h5" "$work/contract1.h5" --format csv
check "compare reads a file of an earlier random-number contract (exit 0)" status_is 0
check "and notes that the pairs share no random numbers" err_has "different random-number contracts (3, 0)"
run compare "$work/new/dir/t1.h5"
check "compare with one file exits 2" status_is 2

# calibrate: a bad targets file is reported with file, line and key (exit 2,
# no result written); a tiny fit runs end to end and writes its result.
cat >"$work/targets_bad.toml" <<'EOF2'
replications = 3
[[parameters]]
key = "behaviour.exit_rate"
min = 0.01
max = 0.2
[[targets]]
indicator = "agency_rate"
group = "London"
year = 2018
observed = 25
EOF2
run calibrate "$work/targets_bad.toml" --out "$work/cal.toml"
check "calibrate: bad targets file exits 2" status_is 2
check "calibrate: names file, line and key" err_has "targets_bad.toml:3: parameters\[0\].key: not a numeric scenario key"
check "calibrate: no result file for bad input" no_file "$work/cal.toml"
# Targets the run does not produce, or that cannot inform the fit, are
# refused when the file is read: at once, not after the first simulation
# (here 16 replications of 30 years of the built-in scenario).
cat >"$work/targets_unfit.toml" <<'EOF2'
years = 30
noise_replications = 16
[[parameters]]
key = "behaviour.exit_rate_per_year"
min = 0.03
max = 0.1
[[targets]]
indicator = "agency_rate"
group = "London"
year = 2016
observed = 25
[[targets]]
indicator = "agency_rate"
group = "London"
year = 2018
observed = 25
sd = 1e-9
EOF2
t0=$SECONDS
timeout 60 "$bin" calibrate "$work/targets_unfit.toml" --out "$work/cal.toml" >"$work/out" 2>"$work/err"
echo $? >"$work/status"
check "calibrate: a target year before the run exits 2 (not 'internal error')" status_is 2
check "calibrate: ... before any simulation (< 5 s)" test $((SECONDS - t0)) -le 5
check "calibrate: names the year's line, key and the simulated years" \
  err_has "targets_unfit.toml:10: targets\[0\].year: 2016 is not simulated: the built-in scenario runs 30 years from 2017-10-01 and reports the years to 30 September 2018 to 2047"
check "calibrate: names the tiny sd's line and key, and the floor" \
  err_has "targets_unfit.toml:17: targets\[1\].sd: 1e-09 is below 0.01, the smallest sd a target may have"
check "calibrate: no result file for unfit targets" no_file "$work/cal.toml"
cat >"$work/targets_ok.toml" <<'EOF2'
years = 2
replications = 2
noise_replications = 3
max_evaluations = 3
[posterior]
particles = 4
max_evaluations = 12
[[parameters]]
key = "behaviour.exit_rate_per_year"
min = 0.03
max = 0.1
[[targets]]
indicator = "agency_rate"
group = "London"
year = 2018
observed = 25.7
[[targets]]
indicator = "agency_rate"
group = "London"
year = 2019
observed = 26.5
EOF2
run calibrate "$work/targets_ok.toml" --out "$work/cal.toml" --quiet
check "calibrate: a small fit exits 0" status_is 0
check "calibrate: prints the fit table" grep -q "| agency_rate | London | 2018 | 25.7 |" "$work/out"
check "calibrate: prints the parameter table with intervals" \
  grep -q "| parameter | prior | start | best fit | posterior median | 90% interval |" "$work/out"
check "calibrate: reports the optimiser's stages" grep -q "global (CRS2-LM): " "$work/out"
check "calibrate: writes the fitted value" grep -q "exit_rate_per_year = " "$work/cal.toml"
check "calibrate: writes the ensemble beside the result" \
  grep -q "^weight,behaviour.exit_rate_per_year$" "$work/cal.ensemble.csv"
check "calibrate: the ensemble has one row per particle" \
  test "$(grep -vc '^#' "$work/cal.ensemble.csv")" -eq 5
check "calibrate: leaves no partial result" test ! -e "$work/cal.toml.partial"
run backtest "$work/targets_ok.toml" --fit-until 2018 --out "$work/bt.toml" --quiet
check "backtest: exits 0" status_is 0
check "backtest: predicts the held-out year" \
  grep -q "| agency_rate | London | 2019 | 26.5 | " "$work/out"
check "backtest: reports coverage" grep -q "within their 90% prediction interval" "$work/out"
run backtest "$work/targets_ok.toml" --fit-until 2019 --out "$work/bt2.toml" --quiet
check "backtest: nothing left to predict exits 2" status_is 2
check "backtest: says why" err_has "nothing is left to predict"
check "backtest: no result file" no_file "$work/bt2.toml"

run run --years 1 --check --out "$work/checked.h5" -q --no-summary
check "run --check passes on the built-in scenario" status_is 0

# A run killed before it finished leaves only NAME.partial: reported as such.
touch "$work/killed.h5.partial"
run summarize "$work/killed.h5"
check "summarize of a killed run exits 2" status_is 2
check "and reports the .partial file" err_has "killed.h5.partial exists: a run that was stopped or killed"

# An existing result is never overwritten without --force.
cp "$work/y2.h5" "$work/keep.h5"
run run --years 1 --seed 9 --out "$work/y2.h5" -q --no-summary
check "an existing output is refused (exit 2)" status_is 2
check "the refusal names --force" err_has "exists; use --force"
check "and leaves the file as it was" cmp -s "$work/y2.h5" "$work/keep.h5"
run run --years 1 --seed 9 --out "$work/y2.h5" -q --no-summary --force
check "--force overwrites" status_is 0
check "with the new run" bash -c '! cmp -s "$0" "$1"' "$work/y2.h5" "$work/keep.h5"

# Ctrl-C during a run: exit 130 within moments, the weeks done kept in
# FILE.partial marked incomplete, nothing under the final name.
"$bin" run --years 100 --out "$work/int.h5" --no-summary 2>"$work/err" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
echo $? >"$work/status"
check "SIGINT stops a run with exit 130" status_is 130
check "SIGINT leaves no file under the final name" test ! -e "$work/int.h5"
check "SIGINT says where the weeks done are" err_has "interrupted at week"
check "the partial file is marked incomplete" "$py" -c "
import h5py, sys
f = h5py.File(sys.argv[1], 'r')
assert f.attrs['incomplete'] == 1 and 0 < f.attrs['complete_weeks'] < 5218
" "$work/int.h5.partial"
run summarize "$work/int.h5.partial"
check "summarize refuses an incomplete run (exit 2)" status_is 2
check "and says it is incomplete" err_has "an incomplete run (stopped after"
check "the Python reader refuses it too" "$py" -c "
import sys
sys.path.insert(0, sys.argv[2])
import pledgesim_analysis as pa
try:
    pa.read_run(sys.argv[1])
except ValueError as e:
    assert 'incomplete run' in str(e), e
else:
    raise SystemExit('opened an incomplete run')
" "$work/int.h5.partial" "$(dirname "$0")/../../analysis"

# diff with one scenario compares it with the built-in London scenario, and
# --set changes B as `run --set` would: the built-in printed as a file is the
# same scenario; overriding two keys of it makes exactly those two differ.
"$bin" run --print-scenario >"$work/builtin.toml"
run diff "$work/builtin.toml"
check "diff FILE: the built-in printed as a file is the built-in (exit 0)" status_is 0
check "... saying so" grep -q "The resolved scenarios are the same" "$work/out"
run diff "$work/builtin.toml" --set behaviour.exit_rate_per_year=0.07 --set years=3 --format csv
check "diff --set: the overridden keys differ (exit 1)" status_is 1
check "... exactly those two, with B's values" bash -c \
  '[ "$(tail -n +2 "$1" | cut -d, -f1,2,4 | tr "\n" " ")" = "behaviour.exit_rate_per_year,differs,0.07 years,differs,3 " ]' \
  _ "$work/out"
run diff "$work/builtin.toml" "$work/builtin.toml" --set years=3
check "diff A A --set: only the override differs" bash -c \
  'grep -q "^years  *differs" "$1" && grep -q "^1 key differs" "$1"' _ "$work/out"
run diff "$work/builtin.toml" --set behaviour.exit_rat=0.07
check "diff with an unknown --set key: exit 2" status_is 2
check "... naming the key" err_has "behaviour.exit_rat: unknown key"

finish
