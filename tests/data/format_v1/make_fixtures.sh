#!/bin/sh
# Writes the format-1 fixtures of this directory with a pledgesim built
# before format 2 (commit 25d4dae): PLEDGESIM=path/to/old/pledgesim sh make_fixtures.sh
# The tests (tests/python/test_dataset.py) run
# the same commands with the current build and compare the values.
set -eu
cd "$(dirname "$0")"
"$PLEDGESIM" run three.toml --seed 5 --events --compress -q --no-summary --out one.h5
"$PLEDGESIM" run three.toml --seed 5 --replications 2 --parameters ens.csv --compress -q \
  --no-summary --out replicated.h5
"$PLEDGESIM" sweep sweep.toml --out sweep.h5 -q
rm -rf sweep.h5.runs
