#!/usr/bin/env bash
# Checkpoints, `pledgesim resume` and `run --events`: a run stopped (as by
# Ctrl-C) or killed (as by kill -9) at weeks 1, 13, 40, 100, 103 and 104 of
# 105 (checkpoints every 13 weeks) and resumed on another
# thread count ends with the file of the uninterrupted run; events are the
# same for any thread count; nothing that looks complete is ever left under
# the final name; bad checkpoints are refused (exit 2) with a message naming
# the file; a run's --compress is kept by its resume. Usage:
# test_checkpoint.sh PLEDGESIM_BINARY PYTHON
set -u
bin=$1
py=${2:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
source "$(dirname "$0")/../common/cli_helpers.sh"  # $work, check, run, status_is, ...
# The same file as the uninterrupted run: h5diff finds no difference but in
# created_utc (the time the run started; it counts the characters that
# differ), and nothing it cannot compare (objects, attributes or types in
# one file only make it exit 1 with no difference listed).
same_run() {
  local d status
  d=$(h5diff "$1" "$2")
  status=$?
  [ $status -eq 0 ] && return 0
  if [ $status -eq 1 ] && [ "$(echo "$d" | wc -l)" -eq 2 ] &&
    [ "$(echo "$d" | head -1)" = "attribute: <created_utc of </>> and <created_utc of </>>" ] &&
    echo "$d" | tail -1 | grep -qE '^[0-9]+ differences found$'; then
    return 0
  fi
  echo "h5diff $1 $2:"; echo "$d" | head -5
  return 1
}
# The same, also by our own walk of both files (every object, dataset type,
# shape and bits, every attribute; tests/cli/h5_same.py).
same_run_deep() {
  same_run "$1" "$2" && "$py" "$here/h5_same.py" "$1" "$2" --ignore created_utc
}
# An integer root attribute (h5dump is quicker to start than Python).
attr() { h5dump -A -a "/$2" "$1" 2>/dev/null | sed -n 's/.*(0): \(-\{0,1\}[0-9]*\).*/\1/p'; }

common=(--years 2 --seed 5 --no-summary)

# References: uninterrupted runs (105 weeks), with and without events.
run run "${common[@]}" -q --threads 1 --events --out "$work/ref_ev.h5"
check "reference run with --events exits 0" status_is 0
run run "${common[@]}" -q --threads 1 --out "$work/ref.h5"
check "reference run exits 0" status_is 0
run run "${common[@]}" -q --threads 2 --events --out "$work/ev2.h5"
run run "${common[@]}" -q --threads 8 --events --out "$work/ev8.h5"
check "--events: 1 and 2 threads give the same file" same_run_deep "$work/ref_ev.h5" "$work/ev2.h5"
check "--events: 1 and 8 threads give the same file" same_run "$work/ref_ev.h5" "$work/ev8.h5"
check "--events: h5diff finds /events equal across threads" h5diff -q "$work/ref_ev.h5" "$work/ev8.h5" /events /events
check "events and series: starts equal /series/starters, week by week and authority" "$py" -c "
import h5py, numpy as np, sys
f = h5py.File(sys.argv[1], 'r')
e = {k: f['events'][k][()] for k in ('week', 'kind', 'from_status', 'to_status', 'from_employer', 'to_employer')}
kinds = [k.decode() if isinstance(k, bytes) else k for k in f['events/kind_names'][()]]
statuses = [s.decode() if isinstance(s, bytes) else s for s in f['events/status_names'][()]]
post = np.isin(e['to_status'], [statuses.index('permanent'), statuses.index('trainee')])
was_post = np.isin(e['from_status'], [statuses.index('permanent'), statuses.index('trainee')])
asye = e['kind'] == kinds.index('asye_complete')
W, E = f['series/starters'].shape
starters = np.zeros((W, E), np.int64); leavers = np.zeros((W, E), np.int64)
np.add.at(starters, (e['week'][post & ~asye], e['to_employer'][post & ~asye]), 1)
np.add.at(leavers, (e['week'][was_post & ~asye], e['from_employer'][was_post & ~asye]), 1)
assert len(e['week']) > 10000 and starters.sum() > 1000
assert np.array_equal(starters, f['series/starters'][()]), 'starters'
assert np.array_equal(leavers, f['series/leavers'][()]), 'leavers'
assert np.all(np.diff(e['week']) >= 0)
" "$work/ref_ev.h5"
check "--events adds /events and changes nothing else" bash -c \
  "h5diff -q '$work/ref.h5' '$work/ref_ev.h5' /series /series && h5diff -q '$work/ref.h5' '$work/ref_ev.h5' /time /time"

# interrupt NAME REF EVENTS(0/1) RUN_THREADS HOW(stop|kill) WEEKS CKPT_WEEK RESUME_THREADS
# Stops a run with checkpoints every 13 weeks after WEEKS weeks, as Ctrl-C
# (stop: a checkpoint at that week) or kill -9 (kill: the last one stays),
# then resumes it on another thread count and compares with REF.
interrupt() {
  local name=$1 ref=$2 ev=$3 t_run=$4 how=$5 weeks=$6 at=$7 t_resume=$8
  local out="$work/$name.h5" flags=() compare=same_run
  [ "$name" = stop1 ] || [ "$name" = kill100 ] && compare=same_run_deep
  [ "$ev" = 1 ] && flags=(--events)
  run run "${common[@]}" -q "${flags[@]}" --threads "$t_run" --checkpoint-every 13 \
    --out "$out" "--$how-after-weeks" "$weeks"
  if [ "$how" = stop ]; then
    check "$name: stopped with exit 130" status_is 130
  else
    check "$name: killed (exit 137)" status_is 137
  fi
  check "$name: nothing under the final name" test ! -e "$out"
  check "$name: the checkpoint holds week $at" test "$(attr "$out.ckpt" weeks_done)" = "$at"
  run resume "$out.ckpt" --threads "$t_resume" --no-summary -q
  check "$name: resume on $t_resume threads exits 0" status_is 0
  check "$name: resumed file equals the uninterrupted run" "$compare" "$ref" "$out"
  check "$name: the checkpoint is removed when the run completes" test ! -e "$out.ckpt"
  check "$name: no .partial left" test ! -e "$out.partial"
}
interrupt stop1 "$work/ref_ev.h5" 1 1 stop 1 1 8
interrupt kill13 "$work/ref_ev.h5" 1 2 kill 13 13 1
interrupt kill100 "$work/ref_ev.h5" 1 1 kill 100 91 8
interrupt stop104 "$work/ref_ev.h5" 1 8 stop 104 104 2
interrupt kill103 "$work/ref.h5" 0 1 kill 103 91 8
interrupt stop40 "$work/ref.h5" 0 2 stop 40 40 1

# What Ctrl-C (here --stop-after-weeks, the same path) says.
run run "${common[@]}" --checkpoint-every 13 --out "$work/msg.h5" --stop-after-weeks 20
sed 's/^/    /' "$work/err"
check "a stopped run names its checkpoint and the resume command" \
  err_has "pledgesim resume $work/msg.h5.ckpt"
check "a stopped run says the week" err_has "holds the run at week 20"
run summarize "$work/msg.h5.ckpt"
check "summarize of a checkpoint exits 2" status_is 2
check "and says it is a checkpoint and how to resume" err_has "a checkpoint of an unfinished run, not a result; finish the run with \`pledgesim resume"
run compare "$work/ref.h5" "$work/msg.h5.ckpt"
check "compare with a checkpoint exits 2" status_is 2
check "and says it is a checkpoint" err_has "msg.h5.ckpt: a checkpoint of an unfinished run"
run summarize "$work/msg.h5"
check "summarize of the unfinished output exits 2" status_is 2
check "and points to the checkpoint" err_has "msg.h5.ckpt exists: an unfinished run; finish it with"
run run "${common[@]}" --checkpoint-every 13 --out "$work/msg.h5"
check "a new run over an unfinished one is refused (exit 2)" status_is 2
check "and says how to resume" err_has "exists: a checkpoint of an unfinished run of this output"
check "and keeps the checkpoint" test -e "$work/msg.h5.ckpt"
run run "${common[@]}" --stop-after-weeks 20 --out "$work/nockpt.h5"
check "without checkpoints, a stopped run says to run again" err_has "run the same command again"
check "and writes no checkpoint" test ! -e "$work/nockpt.h5.ckpt"

# Killed before the first checkpoint: nothing to resume, nothing final.
run run "${common[@]}" --checkpoint-every 13 --out "$work/early.h5" --kill-after-weeks 5
check "killed before any checkpoint: no checkpoint" test ! -e "$work/early.h5.ckpt"
check "killed before any checkpoint: nothing under the final name" test ! -e "$work/early.h5"
run resume "$work/early.h5.ckpt"
check "resume of a missing checkpoint exits 2" status_is 2
check "and names it" err_has "early.h5.ckpt: no such file"

# Killed while writing a checkpoint (its temporary file complete, not yet
# renamed): the previous checkpoint stays whole and resumes.
run run "${common[@]}" --events --checkpoint-every 13 --out "$work/mid.h5" --kill-in-checkpoint 3
check "killed while writing the 3rd checkpoint (exit 137)" status_is 137
check "the last complete checkpoint (week 26) is kept" test "$(attr "$work/mid.h5.ckpt" weeks_done)" = 26
check "the unfinished one is only a .tmp" test -e "$work/mid.h5.ckpt.tmp"
run resume "$work/mid.h5.ckpt" --threads 2 --no-summary -q
check "it resumes" status_is 0
check "to the uninterrupted file" same_run_deep "$work/ref_ev.h5" "$work/mid.h5"
check "and the .tmp is cleaned up" test ! -e "$work/mid.h5.ckpt.tmp"

# A resumed run killed in turn resumes from its own checkpoint.
run run "${common[@]}" --checkpoint-every 13 --out "$work/twice.h5" --kill-after-weeks 30
run resume "$work/twice.h5.ckpt" --threads 1 -q --no-summary --kill-after-weeks 50
check "a resumed run killed again: exit 137" status_is 137
check "its checkpoint moved on (26 + 50 weeks: week 65)" test "$(attr "$work/twice.h5.ckpt" weeks_done)" = 65
run resume "$work/twice.h5.ckpt" --threads 2 -q --no-summary --out "$work/twice_elsewhere.h5"
check "resumed again into another file" status_is 0
check "equal to the uninterrupted run" same_run "$work/ref.h5" "$work/twice_elsewhere.h5"
check "a checkpoint not beside the new output is kept" test -e "$work/twice.h5.ckpt"
run resume "$work/twice.h5.ckpt" -q --no-summary --out "$work/twice_elsewhere.h5"
check "resume over an existing output is refused (exit 2)" status_is 2
check "naming --force" err_has "exists; use --force"

# stored_as FILE gzip|none: every series and event column has exactly that
# filter (gzip level 1, no shuffle; or none) and /time none.
stored_as() {
  "$py" -c "
import h5py, sys
f = h5py.File(sys.argv[1], 'r')
want = None if sys.argv[2] == 'none' else sys.argv[2]
# The series (2-D); /series' dimensions and coordinates (1-D) are never filtered.
cols = [d for d in f['series'].values() if d.ndim >= 2]
assert all(d.compression is None for d in f['series'].values() if d.ndim == 1)
if 'events' in f:
    cols += [f['events'][k] for k in f['events'] if not k.endswith('_names')]
assert len(cols) > 20, len(cols)
for d in cols:
    assert d.compression == want and not d.shuffle, (d.name, d.compression, d.shuffle)
    assert want is None or d.compression_opts == 1, (d.name, d.compression_opts)
for d in (f['time/week'], f['time/date']):
    assert d.compression is None, d.name
" "$1" "$2"
}

# --compress (deflate) changes how the file is stored, never a value; the
# choice travels in the checkpoint, so a resumed run is stored as the
# uninterrupted one.
check "by default series and events are stored uncompressed" stored_as "$work/ref_ev.h5" none
run run "${common[@]}" -q --threads 1 --events --compress --out "$work/ref_gz.h5"
check "run --compress exits 0" status_is 0
check "--compress: series and events deflated" stored_as "$work/ref_gz.h5" gzip
check "--compress: the same values (h5diff of /series, /time, /events, /employers)" bash -c \
  "for g in /series /time /events /employers; do h5diff -q '$work/ref_ev.h5' '$work/ref_gz.h5' \$g \$g || exit 1; done"
check "--compress: the file is at least 3 times smaller" \
  test $(($(stat -c %s "$work/ref_gz.h5") * 3)) -lt "$(stat -c %s "$work/ref_ev.h5")"
run run "${common[@]}" --events --compress --threads 2 --checkpoint-every 13 --out "$work/gz.h5" \
  --stop-after-weeks 40
check "--compress: stopped at week 40 (exit 130)" status_is 130
check "--compress: the checkpoint records compress = 1" test "$(attr "$work/gz.h5.ckpt" compress)" = 1
run resume "$work/gz.h5.ckpt" --threads 1 --no-summary -q
check "--compress: it resumes" status_is 0
check "--compress: to the uninterrupted --compress file" same_run_deep "$work/ref_gz.h5" "$work/gz.h5"
check "--compress: stored deflated as that file is" stored_as "$work/gz.h5" gzip
check "without --compress, the checkpoint records compress = 0" \
  test "$(attr "$work/twice.h5.ckpt" compress)" = 0
check "and the resumed file is uncompressed" stored_as "$work/twice_elsewhere.h5" none

# Replications: a checkpoint holds the batch in progress (2 markets on 2
# threads); resumed on 1 thread, the file equals the uninterrupted one.
rep=(--years 1 --seed 5 --replications 3 --no-summary -q)
run run "${rep[@]}" --threads 1 --out "$work/rep_ref.h5"
run run "${rep[@]}" --threads 2 --checkpoint-every 13 --out "$work/rep_a.h5" --kill-after-weeks 30
check "replications: checkpoint of the first batch (2 replications at week 26)" \
  test "$(attr "$work/rep_a.h5.ckpt" batch_size),$(attr "$work/rep_a.h5.ckpt" weeks_done)" = "2,26"
run resume "$work/rep_a.h5.ckpt" --threads 1 -q --no-summary
check "replications: resumed" status_is 0
check "replications: equal to the uninterrupted run" same_run_deep "$work/rep_ref.h5" "$work/rep_a.h5"
run run "${rep[@]}" --threads 2 --checkpoint-every 13 --out "$work/rep_b.h5" --kill-after-weeks 68
check "replications: checkpoint in the second batch (replication 2)" \
  test "$(attr "$work/rep_b.h5.ckpt" batch_first),$(attr "$work/rep_b.h5.ckpt" weeks_done)" = "2,13"
run resume "$work/rep_b.h5.ckpt" --threads 8 -q --no-summary
check "replications: resumed in the second batch equals too" same_run "$work/rep_ref.h5" "$work/rep_b.h5"
run run "${rep[@]}" --events --out "$work/rep_ev.h5"
check "--events with --replications 3 exits 2" status_is 2
check "and explains" err_has "events of one replication"
check "and writes nothing" test ! -e "$work/rep_ev.h5" -a ! -e "$work/rep_ev.h5.partial"

# Bad checkpoints: exit 2, the file named, no output written.
run run "${common[@]}" --events --checkpoint-every 13 --out "$work/bad.h5" --stop-after-weeks 40
cp "$work/bad.h5.ckpt" "$work/good.ckpt"
head -c 100000 "$work/good.ckpt" >"$work/trunc.ckpt"
run resume "$work/trunc.ckpt" --out "$work/x.h5"
check "truncated checkpoint: exit 2" status_is 2
check "truncated checkpoint: named" err_has "trunc.ckpt: cannot be opened as HDF5 (truncated or damaged)"
check "truncated checkpoint: no output" test ! -e "$work/x.h5" -a ! -e "$work/x.h5.partial"
run resume "$work/ref.h5" --out "$work/x.h5"
check "a run file is not a checkpoint: exit 2" status_is 2
check "and is named" err_has "ref.h5: not a pledgesim checkpoint"
cp "$work/good.ckpt" "$work/version.ckpt"
"$py" -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as f: f.attrs['software_version'] = '0.0.1+gdeadbeef'
" "$work/version.ckpt"
run resume "$work/version.ckpt" --out "$work/x.h5"
check "another program's checkpoint: exit 2" status_is 2
check "and says which wrote it" err_has "version.ckpt: written by pledgesim 0.0.1+gdeadbeef"
check "another program's checkpoint: no output" test ! -e "$work/x.h5" -a ! -e "$work/x.h5.partial"
cp "$work/good.ckpt" "$work/edited.ckpt"
"$py" -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as f:
    t = f['scenario/text'][()].decode().replace('inpost_fte = ', 'inpost_fte = 1', 1)
    del f['scenario/text']; f['scenario/text'] = t
" "$work/edited.ckpt"
run resume "$work/edited.ckpt" --out "$work/x.h5"
check "an edited scenario: exit 2" status_is 2
check "and says it no longer matches" err_has "edited.ckpt: /scenario/text does not match its fingerprint"
# The same edit with its fingerprint updated: the state then does not fit.
"$py" -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as f:
    h = 0xcbf29ce484222325
    for c in f['scenario/text'][()]:
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    f.attrs['scenario_fnv1a64'] = '%016x' % h
" "$work/edited.ckpt"
run resume "$work/edited.ckpt" --out "$work/x.h5"
sed 's/^/    /' "$work/err"
check "a scenario that does not fit the state: exit 2" status_is 2
check "and names the checkpoint and what differs" err_has "edited.ckpt:/state/replication_0: population has 15773 rows, fewer than the 16873 the scenario starts with"
check "no output for a bad checkpoint" test ! -e "$work/x.h5" -a ! -e "$work/x.h5.partial"
# An edited root attribute (replications = 1e9 used to allocate without end).
cp "$work/good.ckpt" "$work/fields.ckpt"
"$py" -c "
import h5py, sys, numpy
with h5py.File(sys.argv[1], 'r+') as f:
    f.attrs['replications'] = numpy.int64(10**9)
" "$work/fields.ckpt"
run resume "$work/fields.ckpt" --out "$work/x.h5"
check "an edited root attribute: exit 2" status_is 2
check "and says the attributes were edited" err_has "fields.ckpt: its root attributes do not match their fingerprint"
check "no output for an edited checkpoint" test ! -e "$work/x.h5" -a ! -e "$work/x.h5.partial"
run resume "$work/good.ckpt" --out "$work/x.h5" --threads 2 -q --no-summary
check "the untouched copy still resumes" status_is 0
check "to the uninterrupted run" same_run "$work/ref_ev.h5" "$work/x.h5"

# Ctrl-C for real: exit 130 within moments, a checkpoint to resume from.
"$bin" run --years 100 --checkpoint-every 52 --out "$work/sig.h5" --no-summary 2>"$work/err" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
echo $? >"$work/status"
check "SIGINT stops a checkpointed run with exit 130" status_is 130
check "SIGINT says how to resume" err_has "pledgesim resume $work/sig.h5.ckpt"
check "SIGINT leaves a checkpoint at the week reached" test "$(attr "$work/sig.h5.ckpt" weeks_done)" -gt 0
check "SIGINT leaves nothing under the final name" test ! -e "$work/sig.h5"
run resume "$work/sig.h5.ckpt" -q --stop-after-weeks 3
check "its checkpoint resumes (stopped again 3 weeks on)" status_is 130

# kill -9 for real, at moments that fall anywhere (simulating, writing the
# output, writing a checkpoint): either the run had finished (the file is
# the uninterrupted one) or nothing is under the final name, and a
# checkpoint, if any, resumes to the uninterrupted file.
for delay in 0.15 0.3 0.45 0.6; do
  out="$work/k9_$delay.h5"
  "$bin" run "${common[@]}" -q --threads 2 --events --checkpoint-every 5 --out "$out" &
  pid=$!
  sleep "$delay"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  if [ -e "$out" ]; then
    check "kill -9 after ${delay}s: the run had finished, and its file is whole" same_run "$work/ref_ev.h5" "$out"
  elif [ -e "$out.ckpt" ]; then
    at=$(attr "$out.ckpt" weeks_done)
    run resume "$out.ckpt" -q --no-summary
    check "kill -9 after ${delay}s (checkpoint at week $at): resumes" status_is 0
    check "kill -9 after ${delay}s: to the uninterrupted file" same_run "$work/ref_ev.h5" "$out"
  else
    check "kill -9 after ${delay}s, before any checkpoint: nothing under the final name" test ! -e "$out"
  fi
done

# Help explains the new options.
run run --help
check "run --help explains --checkpoint-every" grep -q -- "--checkpoint-every" "$work/out"
check "run --help explains --events" grep -q -- "--events" "$work/out"
check "run --help hides the testing options" bash -c "! grep -q -- '--kill-after-weeks' '$work/out'"
run resume --help
check "resume --help exits 0" status_is 0

finish
