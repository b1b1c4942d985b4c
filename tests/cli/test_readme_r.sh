#!/usr/bin/env bash
# The README's R snippet ("Output (HDF5)" -> "Reading it"), taken from
# README.md and run with Rscript and hdf5r on run files with one and with
# three replications (the snippet branches on the replication dimension),
# reading a count series and a float64 one: its data frame must hold every
# cell of the series with the value h5py reads for that (replication,) week
# and employer, dates parsed as Date and the units attribute kept.
# Usage: test_readme_r.sh PLEDGESIM_BINARY README.md PYTHON
set -u
bin=$1
readme=$2
python=$3
here=$(dirname "$0")
source "$here/../common/cli_helpers.sh"  # $work, check, run, status_is, ...

if ! command -v Rscript >/dev/null; then
  echo "FAIL Rscript with hdf5r is needed (Debian: r-cran-hdf5r, see scripts/install-deps.sh)"
  exit 1
fi

# The first ```r block after "### Reading it".
awk '/^### Reading it/ {found = 1} found && /^```r/ {inside = 1; next}
     inside && /^```/ {exit} inside {print}' "$readme" >"$work/snippet.R"
check "the README has the R snippet" grep -q 'library(hdf5r)' "$work/snippet.R"
check "it reads results/london_baseline.h5" grep -q 'results/london_baseline.h5' "$work/snippet.R"
check "it reads series/agency_fte into agency_fte" \
  bash -c "grep -q 'series/agency_fte' '$work/snippet.R' && grep -q '^agency_fte <- ' '$work/snippet.R'"

cat >"$work/scenario.toml" <<'EOF'
name = "r_snippet"
start = 2017-10-01
authorities = [
  { name = "Barnet", region = "London", subregion = "North", inpost_fte = 60, vacancy_fte = 12, agency_fte = 10, caseload = 16 },
  { name = "Camden", region = "London", subregion = "North", inner_london = true, inpost_fte = 80, vacancy_fte = 15, agency_fte = 20, caseload = 15 },
  { name = "Ealing", region = "London", subregion = "West", inpost_fte = 70, vacancy_fte = 10, agency_fte = 12, caseload = 17 },
]

[population]
nqsw_intake_per_year = 12
EOF

# Each case: replications and the metric read (a count and a float64 series),
# in a directory where results/london_baseline.h5 is its run file.
cases=("1 agency_fte" "3 agency_fte" "3 mean_stress")
dirs=() checker_args=()
for case in "${cases[@]}"; do
  set -- $case
  replications=$1 metric=$2
  dir="$work/r$replications-$metric"
  mkdir -p "$dir/results"
  "$bin" run "$work/scenario.toml" --years 1 --replications "$replications" \
    --out "$dir/results/london_baseline.h5" -q >/dev/null 2>&1
  check "$replications replication(s): the run file is written" [ -f "$dir/results/london_baseline.h5" ]
  # The snippet with its series swapped for METRIC, then lines that write
  # the frame (frame.csv) and its column classes and units (meta.txt).
  sed "s/agency_fte/$metric/g" "$work/snippet.R" >"$dir/snippet.R"
  cat >>"$dir/snippet.R" <<EOF
write.csv($metric, "frame.csv", row.names = FALSE)
writeLines(c(paste(names($metric), sapply($metric, function(column) class(column)[1])),
             paste("units", attr($metric, "units"))), "meta.txt")
EOF
  dirs+=("$dir") checker_args+=("$dir" "$metric")
done

# One R process runs every case's snippet in its own directory (loading
# hdf5r costs about a second of CPU); r.ok marks the cases that ran.
cat >"$work/cases.R" <<'EOF'
for (dir in commandArgs(trailingOnly = TRUE)) {
  ran <- tryCatch({
    setwd(dir)
    source("snippet.R", local = new.env())
    TRUE
  }, error = function(e) {
    message(dir, ": ", conditionMessage(e))
    FALSE
  })
  if (ran) file.create(file.path(dir, "r.ok"))
}
EOF
Rscript "$work/cases.R" "${dirs[@]}" >"$work/r.out" 2>&1
"$python" "$here/readme_r_check.py" "${checker_args[@]}" >"$work/check.out" 2>&1
for i in "${!cases[@]}"; do
  set -- ${cases[$i]}
  dir=${dirs[$i]}
  check "$1 replication(s), $2: the R snippet runs" [ -f "$dir/r.ok" ]
  check "$1 replication(s), $2: every row equals h5py's value" grep -q '^match: ' "$dir/check.out"
  cat "$dir/check.out" 2>/dev/null
done
if [ "$failed" -ne 0 ]; then
  echo "--- Rscript:"; cat "$work/r.out"
  echo "--- checker:"; cat "$work/check.out"
fi
finish "readme R snippet: "
