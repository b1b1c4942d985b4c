#!/usr/bin/env bash
# Command-line behaviour of pledgesim: exit codes, messages, no half-written
# output, determinism across thread counts, reproducing a run from its file.
# Usage: test_cli.sh PLEDGESIM_BINARY PYTHON
set -u
bin=$1
py=${2:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

check() {  # check NAME CONDITION-COMMAND...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; fi
}
# Runs pledgesim, keeping status, stdout and stderr.
run() { "$bin" "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/status"; }
status_is() { [ "$(cat "$work/status")" = "$1" ]; }
err_has() { grep -q -- "$1" "$work/err"; }
no_file() { [ ! -e "$1" ] && [ ! -e "$1.partial" ]; }

run --help
check "--help exits 0 and lists commands" status_is 0
run run --help
check "run --help explains --threads" grep -q -- "--threads" "$work/out"

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
run validate "$(dirname "$0")"/../../scenarios/*.toml
check "every file in scenarios/ validates" status_is 0

# The key reference in docs/ is the program's own.
docs=$(dirname "$0")/../../docs/scenario-keys.md
"$bin" keys >"$work/keys.md"
check "docs/scenario-keys.md matches 'pledgesim keys'" bash -c "tail -n +\$(( \$(grep -n '^| key | default' '$docs' | cut -d: -f1) )) '$docs' | diff -q - '$work/keys.md' >/dev/null"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
