#!/usr/bin/env bash
# `run --parameters` and the interval kinds of summarize and compare: a bad
# ensemble is refused (exit 2) naming file:line: key; the output is the same,
# bit for bit, for 1 or 2 threads and after a stop or a kill and a resume;
# two scenarios run with one ensemble give replication r the same set
# (/replications/parameters); an ensemble's values are what the run uses;
# summarize and compare default to prediction intervals and say so; compare
# refuses runs whose paired replications ran different parameters unless
# --allow-different-parameters. Runs of one simulated year.
# Usage: test_parameters.sh PLEDGESIM_BINARY PYTHON
set -u
bin=$(realpath "$1")
py=${2:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
scenarios="$here/../../scenarios"
source "$here/../common/cli_helpers.sh"  # $work, check, run, status_is, ...

# Same file but for created_utc (every object, type, shape, bits, attribute).
same_file() { "$py" "$here/h5_same.py" "$1" "$2" --ignore created_utc; }
# out_has TEXT: the last run's stdout contains TEXT.
out_has() { grep -qF -- "$1" "$work/out"; }

cd "$work" || exit 1
cat >ens.csv <<'EOF'
# three sets, the last twice as likely
weight,behaviour_by_region.London.exit_rate_per_year,behaviour.inactive_rate_per_year
1,0.04,0.02
1,0.05,0.03
2,0.06,0.025
EOF
common=(--years 1 --seed 7 --replications 4 --no-summary -q)

# --- bad input ---------------------------------------------------------------
printf 'weight,behaviour.inactive_rate_per_year\n1,0.02\n1,2\n' >bad.csv
run run "${common[@]}" --parameters bad.csv --out bad.h5
check "bad ensemble: exit 2" status_is 2
check "bad ensemble: file:line: key: message" \
  err_has_text "bad.csv:3: behaviour.inactive_rate_per_year: value 2 is outside [0, 1]"
check "bad ensemble: no output file" no_file bad.h5
printf 'weight,seed\n1,3\n' >int.csv
run run "${common[@]}" --parameters int.csv --out bad.h5
check "an integer key is refused (exit 2, file:line: key)" \
  bash -c "[ \"\$(cat '$work/status')\" = 2 ] && grep -qF 'int.csv:1: seed: an integer key' '$work/err'"
run run "${common[@]}" --parameters "$work" --out bad.h5
check "a directory is refused (exit 2)" status_is 2
check "... saying it is not a regular file" err_has_text "not a regular file"

# --- the same output for any thread count and after a resume ------------------
run run "${common[@]}" --parameters ens.csv --threads 1 --out t1.h5
check "run --parameters exits 0" status_is 0
run run "${common[@]}" --parameters ens.csv --threads 2 --out t2.h5
check "1 and 2 threads: the same file" same_file t1.h5 t2.h5
# Stopped (as Ctrl-C) in replication 1 on one thread, resumed on two.
run run "${common[@]}" --parameters ens.csv --threads 1 --checkpoint-every 13 \
  --stop-after-weeks 70 --out stop.h5
check "stopped run: exit 130 and a checkpoint" \
  bash -c "[ \"\$(cat '$work/status')\" = 130 ] && [ -f '$work/stop.h5.ckpt' ]"
run resume stop.h5.ckpt --threads 2 -q --no-summary
check "resume of a stop exits 0" status_is 0
check "stop and resume: the same file" same_file t1.h5 stop.h5
# Killed (kill -9) in the first batch of two replications, resumed on one.
run run "${common[@]}" --parameters ens.csv --threads 2 --checkpoint-every 13 \
  --kill-after-weeks 30 --out kill.h5
run resume kill.h5.ckpt --threads 1 -q --no-summary
check "resume of a kill exits 0" status_is 0
check "kill and resume: the same file" same_file t1.h5 kill.h5
# The checkpoint holds the ensemble: changing the file does not change the resume.
run run "${common[@]}" --parameters ens.csv --threads 1 --checkpoint-every 13 \
  --stop-after-weeks 70 --out edit.h5
sed -i 's/^2,0.06/2,0.08/' ens.csv
run resume edit.h5.ckpt -q --no-summary
sed -i 's/^2,0.08/2,0.06/' ens.csv
check "resume uses the checkpoint's ensemble, not the file's" same_file t1.h5 edit.h5
# An edited ensemble in a checkpoint is refused, as an edited scenario is.
run run "${common[@]}" --parameters ens.csv --threads 1 --checkpoint-every 13 \
  --stop-after-weeks 70 --out tamper.h5
"$py" -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as f:
    text = f['parameters/text'][()].decode().replace('0.059999999999999998', '0.07')
    del f['parameters/text']
    f['parameters'].create_dataset('text', data=text, dtype=h5py.string_dtype())
" tamper.h5.ckpt
run resume tamper.h5.ckpt -q --no-summary
check "resume refuses an edited ensemble (exit 2)" status_is 2
check "... naming the checkpoint and the fingerprint" \
  err_has_text "tamper.h5.ckpt: /parameters/text does not match its fingerprint"

# --- replication r runs the same set in every scenario -------------------------
run run "$scenarios/london_competitive.toml" "${common[@]}" --parameters ens.csv --out comp.h5
run run "$scenarios/london_pledge_2022.toml" "${common[@]}" --parameters ens.csv --out pledge.h5
check "two scenarios: the same /replications/parameters" \
  bash -c "h5diff -q comp.h5 pledge.h5 /replications/parameters /replications/parameters &&
           h5diff -q comp.h5 pledge.h5 /replications/parameter_set /replications/parameter_set"
check "sets 0, 1, 2, 2 for weights 1:1:2 and 4 replications, with their values" "$py" -c "
import h5py, sys
f = h5py.File(sys.argv[1], 'r')
g = f['replications']
assert [k.decode() for k in g['parameter_keys'][()]] == [
    'behaviour_by_region.London.exit_rate_per_year', 'behaviour.inactive_rate_per_year']
assert g['parameter_set'][()].tolist() == [0, 1, 2, 2], g['parameter_set'][()]
assert g['parameters'][()].tolist() == [[0.04, 0.02], [0.05, 0.03], [0.06, 0.025], [0.06, 0.025]]
assert g['parameters'].attrs['source'] in ('ens.csv', b'ens.csv')
" pledge.h5

# --- the values are the ones the run uses ---------------------------------------
printf 'weight,behaviour_by_region.London.exit_rate_per_year,behaviour.inactive_rate_per_year\n1,0.06,0.025\n' >one.csv
run run --years 1 --seed 7 --replications 2 --no-summary -q --parameters one.csv --out one.h5
run run --years 1 --seed 7 --replications 2 --no-summary -q --out set.h5 \
  --set behaviour_by_region.London.exit_rate_per_year=0.06 --set behaviour.inactive_rate_per_year=0.025
check "a one-set ensemble gives the series of --set with its values" \
  h5diff -q one.h5 set.h5 /series /series
run run --years 1 --seed 7 --replications 2 --no-summary -q --out plain.h5
check "... which differ from the scenario's own" bash -c "! h5diff -q one.h5 plain.h5 /series /series"

# --- summarize ----------------------------------------------------------------------
run summarize t1.h5 --indicator agency_rate
check "summarize: prediction intervals by default, said in the header" \
  out_has "90% prediction interval (parameters and chance; Student t, 3 df)"
check "summarize: names the ensemble" out_has "ensemble ens.csv"
run summarize t1.h5 --indicator agency_rate --format csv
check "summarize csv: pi90_lo, pi90_hi" grep -q ",mean,pi90_lo,pi90_hi$" "$work/out"
run summarize t1.h5 --indicator agency_rate --format csv --interval mean
check "summarize --interval mean: lo90, hi90" grep -q ",mean,lo90,hi90$" "$work/out"
run summarize plain.h5 --indicator agency_rate --format json
check "summarize without parameters: the mean interval by default" \
  out_has '"interval_kind": "mean"'
run summarize t1.h5 --interval confidence
check "summarize --interval confidence: exit 2" status_is 2

# --- compare ---------------------------------------------------------------------------
run compare comp.h5 pledge.h5 --indicator agency_rate
check "compare, one ensemble: exit 0" status_is 0
check "compare: common parameters and the prediction interval, said in the header" \
  out_has "(common random numbers, common parameters) +/- half-width of its 90% prediction interval (parameters and chance"
run compare comp.h5 pledge.h5 --indicator agency_rate --format csv --interval mean
check "compare --interval mean: lo90, hi90" grep -q ",diff,lo90,hi90,excludes_zero$" "$work/out"
run run "$scenarios/london_pledge_2022.toml" "${common[@]}" --out pledge_plain.h5
run compare comp.h5 pledge_plain.h5 --indicator agency_rate
check "compare with a run without parameters: exit 2" status_is 2
check "... saying why" err_has_text "paired replications ran different parameters"
check "... and naming the override" err_has_text "--allow-different-parameters"
check "... and printing no table" test ! -s "$work/out"
sed 's/^2,0.06/2,0.07/' ens.csv >other.csv
run run "$scenarios/london_pledge_2022.toml" "${common[@]}" --parameters other.csv --out pledge_other.h5
run compare comp.h5 pledge_other.h5 --indicator agency_rate
check "compare with another ensemble: exit 2" status_is 2
check "... naming the replication and key" \
  err_has_text "replication 2 ran behaviour_by_region.London.exit_rate_per_year = 0.059999999999999998 in comp.h5 and 0.070000000000000007 in pledge_other.h5"
run compare comp.h5 pledge_other.h5 --indicator agency_rate --format csv --allow-different-parameters
check "compare --allow-different-parameters: exit 0" status_is 0
check "... with a note on stderr" err_has_text "note: paired replications ran different parameters"

finish
