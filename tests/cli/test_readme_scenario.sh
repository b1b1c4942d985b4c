#!/usr/bin/env bash
# The README's minimal scenario, taken from the README itself, stays a
# market where levers can act: over six years its agency share and vacancy
# rate stay in a London-like range instead of collapsing to zero (as they
# did with the default, London-sized, intake).
# Usage: test_readme_scenario.sh PLEDGESIM_BINARY README.md
set -u
bin=$1
readme=$2
source "$(dirname "$0")/../common/cli_helpers.sh"  # $work, check, run, status_is, ...

# The first ```toml block after "A minimal file".
awk '/A minimal file/ {found = 1} found && /^```toml/ {inside = 1; next}
     inside && /^```/ {exit} inside {print}' "$readme" >"$work/minimal.toml"
check "the README has a minimal scenario" grep -q '^name = "two_boroughs"' "$work/minimal.toml"
"$bin" run "$work/minimal.toml" --years 6 --replications 8 --out "$work/m.h5" -q >/dev/null 2>&1
check "it runs (exit 0)" [ $? -eq 0 ]
"$bin" summarize "$work/m.h5" --format csv --indicator agency_rate --indicator vacancy_rate \
  >"$work/m.csv" 2>/dev/null
# Every year's mean agency and vacancy rate between 5% and 40%.
check "agency and vacancy rates stay between 5% and 40% in every year" awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  $col["indicator"] ~ /^(agency_rate|vacancy_rate)$/ && $col["period_type"] == "year_to_30_sep" {
    n++; v = $col["mean"]; if (v < 5 || v > 40) { print "out of range:", $0; bad = 1 } }
  END { exit bad || n < 12 }' "$work/m.csv"
finish "readme scenario: "
