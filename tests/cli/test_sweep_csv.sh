#!/usr/bin/env bash
# pledgesim sweep with design = "csv": the runs are exactly the file's rows,
# with the values as given; a csv design equals a grid sweep over the same
# points bit for bit; it resumes; each malformed design file is refused with
# file:line and the column (exit 2); a design file changed between a stopped
# and a resumed sweep is refused; sensitivity gives a csv design regression
# measures, the same as the grid's over the same points.
# Usage: test_sweep_csv.sh PLEDGESIM_BINARY PYTHON
set -u
bin=$1
python=$2
source "$(dirname "$0")/../common/cli_helpers.sh"  # $work, check, run, status_is, ...

cp "$(dirname "$0")/../common/two_authorities.toml" "$work/two.toml"
# The shared part of the sweeps below: seed, replications, outputs.
outputs='seed = 5
replications = 2

[[outputs]]
indicator = "agency_rate"
group = "London"
year = 2018

[[outputs]]
series = "agency_fte"
group = "London"'
cat >"$work/grid.toml" <<EOF2
scenario = "two.toml"
design = "grid"
$outputs

[[parameters]]
key = "behaviour.exit_rate_per_year"
values = [0.04, 0.12]

[[parameters]]
policy = 0
field = "weeks"
values = [0, 26]

[[parameters]]
signatory_share_of = "London"
values = [0.0, 1.0]
EOF2
csv_sweep() {  # csv_sweep FILE DESIGN_FILE [EXTRA TOML for the weeks parameter]
  cat >"$1" <<EOF2
scenario = "two.toml"
design = "csv"
design_file = "$2"
$outputs

[[parameters]]
key = "behaviour.exit_rate_per_year"

[[parameters]]
policy = 0
field = "weeks"
${3:-}

[[parameters]]
signatory_share_of = "London"
EOF2
}
csv_sweep "$work/csv.toml" points.csv
# The grid's 8 points in its row order (last parameter fastest), columns in
# another order than the sweep's parameters.
cat >"$work/points.csv" <<'EOF2'
signatory_share.London,behaviour.exit_rate_per_year,policies[0].weeks
0,0.04,0
1,0.04,0
0,0.04,26
1,0.04,26
0,0.12,0
1,0.12,0
0,0.12,26
1,0.12,26
EOF2

# Compares datasets of two sweep files bit for bit: h5_equal A B PATH...
h5_equal() {
  "$python" - "$@" <<'EOF2'
import sys, h5py, numpy as np
a, b, *paths = sys.argv[1:]
with h5py.File(a) as fa, h5py.File(b) as fb:
    for p in paths:
        x, y = fa[p][()], fb[p][()]
        if x.dtype.kind == "O":  # strings: compare the text, not the objects' addresses
            x, y = np.array(x.tolist()), np.array(y.tolist())
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            sys.exit(f"{p} differs")
EOF2
}

"$bin" sweep "$work/grid.toml" --out "$work/grid.h5" --quiet
check "the grid sweep runs" [ $? -eq 0 ]
"$bin" sweep "$work/csv.toml" --out "$work/csv.h5" --quiet
check "the csv sweep runs" [ $? -eq 0 ]
h5ls -r "$work/csv.h5" >"$work/ls"
check "a csv design runs its 8 rows x 2 replications = 16 runs" grep -q "/runs/seed .*Dataset {16}" "$work/ls"
check "/design.kind is csv" [ "$("$python" -c 'import h5py,sys; print(h5py.File(sys.argv[1])["design"].attrs["kind"])' "$work/csv.h5")" = csv ]
check "a csv design equals the grid sweep over the same points, bit for bit" \
  h5_equal "$work/grid.h5" "$work/csv.h5" /design/value /design/parameter /runs/run /runs/point \
  /runs/replication /runs/seed /runs/behaviour.exit_rate_per_year "/runs/policies[0].weeks" \
  /runs/signatory_share.London /outcomes/agency_rate.London.2018 /weekly/agency_fte.London
# h5_equal must be able to fail: the grid's unit coordinates are not the csv's.
differs() { ! h5_equal "$@" 2>/dev/null; }
check "(the comparison tells files apart: /design/unit differs)" \
  differs "$work/grid.h5" "$work/csv.h5" /design/unit

# Values used exactly as written (not snapped to a grid or range), rows in
# file order; a BOM, CRLF line ends, comments and blank lines are accepted.
printf '\xef\xbb\xbf# made elsewhere\r\nbehaviour.exit_rate_per_year, policies[0].weeks ,signatory_share.London\r\n\r\n0.0731,3,0.37\r\n# a comment between rows\r\n0.1,17,0.9\r\n0.05,0,0\r\n' \
  >"$work/odd.csv"
csv_sweep "$work/odd.toml" odd.csv 'min = 0
max = 26'
"$bin" sweep "$work/odd.toml" --out "$work/odd.h5" --quiet
check "a csv file with a BOM, CRLF, comments and blank lines runs" [ $? -eq 0 ]
"$python" - "$work/odd.h5" <<'EOF2'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    want = np.array([[0.0731, 3, 0.37], [0.1, 17, 0.9], [0.05, 0, 0]])
    assert np.array_equal(f["design/value"][()], want), f["design/value"][()]
    # Unit coordinates where a range is given (weeks: [0, 26]), NaN elsewhere.
    unit = f["design/unit"][()]
    assert np.array_equal(unit[:, 1], want[:, 1] / 26), unit
    assert np.isnan(unit[:, [0, 2]]).all(), unit
    point = f["runs/point"][()]
    assert list(point) == [0, 0, 1, 1, 2, 2], point
    assert np.array_equal(f["runs/behaviour.exit_rate_per_year"][()], want[point, 0])
EOF2
check "/design/value and /runs hold the file's values exactly, in row order; /design/unit scales by a range" [ $? -eq 0 ]

# Resume: stopped after 5 runs, continued, equal to the uninterrupted file.
"$bin" sweep "$work/csv.toml" --out "$work/resumed.h5" --quiet --max-runs 5
check "--max-runs keeps 5 runs in the journal" test "$(ls "$work/resumed.h5.runs" | grep -c '^run-')" -eq 5
check "the journal keeps a copy of the design file" cmp -s "$work/points.csv" "$work/resumed.h5.runs/design.csv"
"$bin" sweep "$work/csv.toml" --out "$work/resumed.h5" --quiet
check "a resumed csv sweep equals an uninterrupted one" h5diff -q "$work/csv.h5" "$work/resumed.h5"

# A design file changed between a stopped and a resumed sweep is refused.
"$bin" sweep "$work/csv.toml" --out "$work/changed.h5" --quiet --max-runs 3
cp "$work/points.csv" "$work/points_saved.csv"
sed -i 's/^1,0.12,26$/1,0.11,26/' "$work/points.csv"
run sweep "$work/csv.toml" --out "$work/changed.h5" --quiet
check "a rerun after the design file changed is refused (exit 2)" status_is 2
check "and says the design's points file changed" err_has "different sweep: the design's points file"
check "and the journal is left as it was" test "$(ls "$work/changed.h5.runs" | grep -c '^run-')" -eq 3
cp "$work/points_saved.csv" "$work/points.csv"
run sweep "$work/csv.toml" --out "$work/changed.h5" --quiet
check "with the design file restored, the same sweep continues" status_is 0

# Malformed design files: each refused, exit 2, file:line: column, nothing written.
bad() {  # bad NAME CONTENT EXPECTED-TEXT [WEEKS-EXTRA]
  printf '%b' "$2" >"$work/$1.csv"
  csv_sweep "$work/$1.toml" "$1.csv" "${4:-}"
  run sweep "$work/$1.toml" --out "$work/$1.h5" --quiet
  check "$1: exit 2" status_is 2
  check "$1: says '$3'" err_has_text "$3"
  check "$1: nothing written" test ! -e "$work/$1.h5" -a ! -e "$work/$1.h5.runs"
}
h='behaviour.exit_rate_per_year,policies[0].weeks,signatory_share.London\n'
bad empty '' "empty.csv: empty: expected a header line naming the parameters"
bad only_header "# no rows\n$h" "only_header.csv:2: no points"
bad unknown_column "weight,behaviour.exit_rate_per_year,policies[0].weeks,signatory_share.London,behaviour.exit_rate_per_yer\n1,0.1,0,0,1\n" \
  "unknown_column.csv:1: column 5: 'behaviour.exit_rate_per_yer' is not a parameter of $work/unknown_column.toml (did you mean 'behaviour.exit_rate_per_year'?)"
check "unknown_column: the sweep's parameters listed once, at the first unknown column" \
  test "$(grep -c "its \[\[parameters\]\] are" "$work/err")" -eq 1 -a \
  "$(grep -c "column 1: 'weight' is not a parameter .*; its \[\[parameters\]\] are behaviour.exit_rate_per_year, policies\[0\].weeks, signatory_share.London$" "$work/err")" -eq 1
bad missing_column "behaviour.exit_rate_per_year,signatory_share.London\n0.1,0\n" \
  "missing_column.csv:1: no column for parameters[1] (policies[0].weeks)"
bad repeated_column "behaviour.exit_rate_per_year,policies[0].weeks,policies[0].weeks,signatory_share.London\n0.1,0,0,0\n" \
  "repeated_column.csv:1: column 3: 'policies[0].weeks' names a column twice"
bad not_a_number "${h}0.1,0,0\n0.1,x1,0\n" \
  "not_a_number.csv:3: column 2 (policies[0].weeks): not a number: 'x1'"
bad ragged "${h}0.1,0,0\n0.1,0\n" "ragged.csv:3: 2 cells, but the header (line 1) names 3 columns"
bad empty_cell "${h}0.1,,0\n" "empty_cell.csv:2: column 2 (policies[0].weeks): empty cell"
bad nan "${h}nan,0,0\n" "nan.csv:2: column 1 (behaviour.exit_rate_per_year): not a finite number: 'nan'"
bad inf "${h}0.1,0,inf\n" "inf.csv:2: column 3 (signatory_share.London): not a finite number: 'inf'"
bad whole "${h}0.1,2.5,0\n" "whole.csv:2: column 2 (policies[0].weeks): 2.5: parameters[1] takes whole numbers"
bad out_of_range "${h}0.1,20,0\n0.1,27,0\n" \
  "out_of_range.csv:3: column 2 (policies[0].weeks): 27 is outside the range [0, 26]" 'min = 0
max = 26'
bad key_limit "${h}0.1,0,0\n-0.5,0,0\n" \
  "key_limit.csv:3: column 1 (behaviour.exit_rate_per_year): at -0.5: outside the key's range"
bad share_limit "${h}0.1,0,1.5\n" \
  "share_limit.csv:2: column 3 (signatory_share.London): at 1.5: a share must lie within [0, 1]"
bad no_header "0.1,0,0\n" "no_header.csv:1: column 1: the first line must name the parameters (a header); '0.1' is a number"

csv_sweep "$work/absent.toml" absent.csv
run sweep "$work/absent.toml" --out "$work/absent.h5" --quiet
check "a design file that does not exist: exit 2" status_is 2
check "named at the sweep file's design_file line" err_has "absent.toml:3: design_file: '.*absent.csv' cannot be read"
sed 's/^design = "csv"/design = "csv"\nsamples = 4/' "$work/csv.toml" >"$work/samples.toml"
run sweep "$work/samples.toml" --out "$work/samples.h5" --quiet
check "samples with a csv design is refused (exit 2)" status_is 2
check "saying the rows are the points" err_has_text "samples: a csv design has one point per row of its design_file"
sed 's/^field = "weeks"/field = "weeks"\nvalues = [0, 26]/' "$work/csv.toml" >"$work/values.toml"
run sweep "$work/values.toml" --out "$work/values.h5" --quiet
check "a values list with a csv design is refused (exit 2)" status_is 2
check "saying where the values come from" err_has_text "parameters[1].values: a csv design takes its values from design_file"
sed 's/^design = "grid"/design = "grid"\ndesign_file = "points.csv"/' "$work/grid.toml" >"$work/gridfile.toml"
run sweep "$work/gridfile.toml" --out "$work/gridfile.h5" --quiet
check "design_file with another design is refused (exit 2)" status_is 2
check "saying it is for csv designs" err_has_text 'design_file: only for design = "csv"'

# sensitivity: a csv design gets regression measures (SRC, PRCC) from the
# values its runs used, so the same points give the same measures as the grid.
run sensitivity "$work/csv.h5" --no-write --format csv
check "sensitivity of a csv sweep: exit 0" status_is 0
cp "$work/out" "$work/csv_measures.csv"
check "... SRC and PRCC with intervals, R2 and points" \
  grep -qxF "outcome,units,parameter,src,src_lo90,src_hi90,prcc,prcc_lo90,prcc_hi90,r_squared,rank_r_squared,points" "$work/out"
run sensitivity "$work/grid.h5" --no-write --format csv
check "... equal to the grid sweep's over the same points" cmp -s "$work/out" "$work/csv_measures.csv"
run sensitivity "$work/csv.h5"
check "the table names the method and warns of 8 points for 3 parameters" \
  bash -c 'grep -q "regression measures (csv design, 8 points" "$1" && grep -q "8 points for 3 parameters are few for regression measures" "$1"' _ "$work/out"
check "... and stores them: /sensitivity/<outcome>.method is regression" \
  "$python" -c 'import h5py,sys; g=h5py.File(sys.argv[1])["sensitivity/agency_rate.London.2018"]; sys.exit(g.attrs["method"] != "regression" or g["prcc"].shape != (3,))' "$work/csv.h5"
# Three points cannot fit three parameters.
head -4 "$work/points.csv" >"$work/three.csv"
csv_sweep "$work/three.toml" three.csv
"$bin" sweep "$work/three.toml" --out "$work/three.h5" --quiet
run sensitivity "$work/three.h5"
check "sensitivity of 3 points for 3 parameters: exit 2" status_is 2
check "... saying how many points it needs" \
  err_has_text "its csv design supports no regression measures: 3 points are too few for 2 varying parameters (at least 4 are needed)"

finish
