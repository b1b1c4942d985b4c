#!/usr/bin/env bash
# Every option of every command checked: numeric ranges, input files that
# exist and can be read, output directories that take new files (checked
# before any simulation time is spent), and results never replaced without
# --force. Each refusal must exit 2, name the option, file or directory, and
# leave nothing behind.
# Usage: test_cli_options.sh PLEDGESIM_BINARY PYTHON
set -u
bin=$1
py=${2:-/usr/bin/python3}
src=$(cd "$(dirname "$0")/../.." && pwd)
source "$(dirname "$0")/../common/cli_helpers.sh"  # $work, check, run, status_is, ...
# refused NAME TEXT ARGS...: exit 2 and a message containing TEXT.
refused() {
  local name=$1 text=$2; shift 2
  run "$@"
  check "$name: exit 2" status_is 2
  check "$name: message names '$text'" err_has_text "$text"
}
# quick SECONDS ARGS...: a refusal that comes before any simulation time.
quick() {
  local limit=$1; shift
  local t0=$SECONDS
  timeout 60 "$bin" "$@" >"$work/out" 2>"$work/err"
  echo $? >"$work/status"
  [ $((SECONDS - t0)) -le "$limit" ]
}

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
"$bin" run "$work/three.toml" --out "$work/good.h5" -q --no-summary
echo "a file" >"$work/plain"
mkdir "$work/adir" "$work/x.h5.partial"
locked=/proc/self   # a directory that takes no new files, even from root

# --- run -----------------------------------------------------------------------
for v in 0 101 1.5 ten; do refused "run --years $v" "--years" run --years "$v" --out "$work/r.h5"; done
for v in -1 9200000000000000001 99999999999999999999 x; do
  refused "run --seed $v" "--seed" run --seed "$v" --out "$work/r.h5"
done
for v in -1 4097 two; do refused "run --threads $v" "--threads" run --threads "$v" --out "$work/r.h5"; done
for v in 0 10001 -3; do
  refused "run --replications $v" "--replications" run --replications "$v" --out "$work/r.h5"
done
check "no output left by refused run options" no_file "$work/r.h5"
refused "run with a missing scenario" "$work/missing.toml" run "$work/missing.toml" --out "$work/r.h5"
refused "run with a directory as scenario" "$work/adir" run "$work/adir" --out "$work/r.h5"
refused "run --set without =" "--set" run --set years --out "$work/r.h5"
refused "run --set unknown key" "behaviour.exit_rate" run --set behaviour.exit_rate=0.1 --out "$work/r.h5"
refused "run --set out of range" "outside" run --set years=0 --out "$work/r.h5"
refused "run --out a directory" "$work/adir is a directory" run --years 1 --out "$work/adir"
refused "run --out under a regular file" "$work/plain is not a directory" \
  run --years 1 --out "$work/plain/r.h5"
refused "run --out in a directory that takes no files" "directory $locked does not accept new files" \
  run --years 1 --out "$locked/r.h5"
refused "run --out whose .partial is a directory" "x.h5.partial (where it would be written first) is a directory" \
  run --years 1 --out "$work/x.h5"
cp "$work/good.h5" "$work/keep.h5"
refused "run over an existing result" "$work/good.h5 exists; use --force" \
  run "$work/three.toml" --out "$work/good.h5" --seed 4
check "run over an existing result: the file is unchanged" cmp -s "$work/good.h5" "$work/keep.h5"
check "run: an unwritable --out is refused before simulating 100 years (< 5 s)" \
  quick 5 run --years 100 --out "$locked/r.h5"
check "  ... with exit 2" status_is 2
check "run: an existing --out is refused before simulating 100 years (< 5 s)" \
  quick 5 run --years 100 --out "$work/good.h5"
check "  ... with exit 2" status_is 2
if [ "$(id -u)" != 0 ]; then
  mkdir "$work/ro" && chmod 555 "$work/ro"
  refused "run --out in a read-only directory" "directory $work/ro does not accept new files" \
    run --years 1 --out "$work/ro/r.h5"
  cp "$work/three.toml" "$work/noread.toml" && chmod 000 "$work/noread.toml"
  refused "validate an unreadable file" "noread.toml" validate "$work/noread.toml"
else
  echo "(as root: read-only directory and unreadable file checks use $locked instead)"
fi

# --- validate --------------------------------------------------------------------
refused "validate a missing file" "$work/missing.toml" validate "$work/missing.toml"
refused "validate a directory" "$work/adir: not a regular file (a directory)" validate "$work/adir"
refused "validate with no file" "files" validate

# --- summarize and compare -------------------------------------------------------
refused "summarize a missing file" "$work/missing.h5: no such file" summarize "$work/missing.h5"
refused "summarize a directory" "$work/adir: is a directory" summarize "$work/adir"
refused "summarize --by a bad value" "--by" summarize "$work/good.h5" --by borough
refused "summarize --format a bad value" "--format" summarize "$work/good.h5" --format xml
refused "summarize --indicator unknown" "agency_rat" summarize "$work/good.h5" --indicator agency_rat
refused "compare with one file" "files" compare "$work/good.h5"
refused "compare with a missing second file" "$work/missing.h5: no such file" \
  compare "$work/good.h5" "$work/missing.h5"
refused "compare with a missing third file" "$work/missing.h5: no such file" \
  compare "$work/good.h5" "$work/good.h5" "$work/missing.h5"
check "  ... and prints no table" test ! -s "$work/out"
refused "compare --by a bad value" "--by" compare "$work/good.h5" "$work/good.h5" --by x
refused "compare --format a bad value" "--format" compare "$work/good.h5" "$work/good.h5" --format x

# --- calibrate ----------------------------------------------------------------
cat >"$work/targets.toml" <<'EOF2'
scenario = "three.toml"
years = 10
replications = 4
max_evaluations = 200
[[parameters]]
key = "behaviour.exit_rate_per_year"
min = 0.03
max = 0.1
[[targets]]
indicator = "agency_rate"
group = "London"
year = 2018
observed = 20
EOF2
refused "calibrate a missing targets file" "$work/missing.toml" calibrate "$work/missing.toml"
refused "calibrate a directory" "$work/adir" calibrate "$work/adir"
refused "calibrate --threads -1" "--threads" calibrate "$work/targets.toml" --threads -1
echo "# earlier result" >"$work/cal.toml"
check "calibrate over an existing result is refused before fitting (< 5 s)" \
  quick 5 calibrate "$work/targets.toml" --out "$work/cal.toml"
check "  ... with exit 2" status_is 2
check "  ... naming the file and --force" err_has_text "$work/cal.toml exists; use --force"
check "  ... leaving it as it was" grep -q "earlier result" "$work/cal.toml"
check "calibrate --out in a directory that takes no files is refused before fitting" \
  quick 5 calibrate "$work/targets.toml" --out "$locked/cal.toml"
check "  ... with exit 2" status_is 2
check "  ... naming the directory" err_has_text "directory $locked does not accept new files"
refused "calibrate --out a directory" "$work/adir is a directory" \
  calibrate "$work/targets.toml" --out "$work/adir"

# --- sweep --------------------------------------------------------------------
cat >"$work/sweep.toml" <<'EOF2'
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
sed 's/^samples = 2/samples = 500\nyears = 20/' "$work/sweep.toml" >"$work/long_sweep.toml"
refused "sweep a missing file" "$work/missing.toml" sweep "$work/missing.toml"
refused "sweep --max-runs 0" "--max-runs" sweep "$work/sweep.toml" --max-runs 0 --out "$work/s.h5"
refused "sweep --threads 5000" "--threads" sweep "$work/sweep.toml" --threads 5000 --out "$work/s.h5"
check "sweep --out in a directory that takes no files is refused before 2000 runs (< 5 s)" \
  quick 5 sweep "$work/long_sweep.toml" --out "$locked/s.h5"
check "  ... with exit 2" status_is 2
check "  ... naming the directory" err_has_text "directory $locked does not accept new files"
refused "sweep --out under a regular file" "$work/plain is not a directory" \
  sweep "$work/sweep.toml" --out "$work/plain/s.h5"
echo "not a directory" >"$work/j.h5.runs"
refused "sweep whose journal path is a file" "j.h5.runs (the journal of completed runs) exists and is not a directory" \
  sweep "$work/sweep.toml" --out "$work/j.h5"
"$bin" sweep "$work/sweep.toml" --out "$work/s.h5" -q
check "a small sweep exits 0" test -f "$work/s.h5"
cp "$work/s.h5" "$work/s.copy"
check "sweep over an existing result is refused before 2000 runs (< 5 s)" \
  quick 5 sweep "$work/long_sweep.toml" --out "$work/s.h5"
check "  ... with exit 2 and --force named" bash -c "[ \$(cat '$work/status') = 2 ] && grep -qF 'exists; use --force' '$work/err'"
check "  ... leaving it as it was and no journal" bash -c "cmp -s '$work/s.h5' '$work/s.copy' && [ ! -e '$work/s.h5.runs' ]"

# --- sensitivity -----------------------------------------------------------------
refused "sensitivity of a missing file" "$work/missing.h5" sensitivity "$work/missing.h5"
refused "sensitivity --bootstrap -1" "--bootstrap" sensitivity "$work/s.h5" --bootstrap -1
refused "sensitivity --bootstrap 1000001" "--bootstrap" sensitivity "$work/s.h5" --bootstrap 1000001
refused "sensitivity --format xml" "--format" sensitivity "$work/s.h5" --format xml
refused "sensitivity --outcome unknown" "no outcome /outcomes/agency_rate.all.2018" \
  sensitivity "$work/s.h5" --outcome agency_rate.all.2018
check "refused sensitivity options leave the file unchanged" cmp -s "$work/s.h5" "$work/s.copy"
run sensitivity "$work/s.h5" --no-write --bootstrap 20
check "sensitivity --no-write exits 0" status_is 0
check "  ... and leaves the file unchanged" cmp -s "$work/s.h5" "$work/s.copy"
run sensitivity "$work/s.h5" --bootstrap 20
check "sensitivity stores its indices (exit 0)" status_is 0
check "  ... leaving no partial copy" test ! -e "$work/s.h5.partial"
cp "$work/s.h5" "$work/s.stored"
run sensitivity "$work/s.h5" --bootstrap 20
check "sensitivity again with the same options rewrites them (exit 0)" status_is 0
refused "sensitivity with another --bootstrap over stored indices" \
  "/sensitivity/leavers.all.2018 already holds indices computed by sobol with --bootstrap 20; use --force" \
  sensitivity "$work/s.h5" --bootstrap 30
check "  ... prints no table" test ! -s "$work/out"
check "  ... and leaves the stored indices" h5diff -q "$work/s.h5" "$work/s.stored"
run sensitivity "$work/s.h5" --bootstrap 30 --force
check "sensitivity --force replaces them (exit 0)" status_is 0
check "  ... with the new bootstrap count" bash -c \
  "h5dump -a /sensitivity/leavers.all.2018/bootstrap '$work/s.h5' | grep -q '(0): 30'"

# --- keys, and the command line itself ----------------------------------------
refused "keys with an argument" "extra" keys extra
refused "an unknown command" "frobnicate" frobnicate
run
check "no command: exit 2" status_is 2

# --- the Python report -------------------------------------------------------
# (One interpreter for the four cases: importing the report's plotting
# libraries takes a second or two.)
mkdir "$work/rep" && echo "<html>old</html>" >"$work/rep/report.html"
PYTHONPATH="$src/analysis" "$py" - "$work" "$locked" <<'EOF2'
import contextlib, io, sys
from pledgesim_analysis.report import main
work, locked = sys.argv[1], sys.argv[2]
cases = {
    "existing": [f"{work}/good.h5", "--out", f"{work}/rep"],
    "force": [f"{work}/missing.h5", "--out", f"{work}/rep", "--force"],
    "plain": [f"{work}/good.h5", "--out", f"{work}/plain"],
    "locked": [f"{work}/good.h5", "--out", f"{locked}/rep"],
}
for name, argv in cases.items():
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(argv)
    with open(f"{work}/report_{name}", "w") as f:
        f.write(f"{code}\n{err.getvalue()}")
EOF2
rep() { head -1 "$work/report_$1" | grep -qx "$2" && grep -qF -- "$3" "$work/report_$1"; }
check "report over an existing report: exit 2 naming it and --force" \
  rep existing 2 "$work/rep/report.html exists; use --force"
check "  ... leaving it as it was" grep -q "old" "$work/rep/report.html"
check "report --force gets past that check (then refuses the missing file: exit 2)" \
  rep force 2 "$work/missing.h5: no such file"
check "report --out a regular file: exit 2 naming it" rep plain 2 "$work/plain exists and is not a directory"
check "report --out where no directory can be made: exit 2 naming it" rep locked 2 "cannot write $locked/rep"

finish
