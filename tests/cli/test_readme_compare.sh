#!/usr/bin/env bash
# The README's "Comparing scenarios" section, run as written: every ```sh
# block of that section (up to the next "## " heading) is taken from
# README.md itself, so a change to the README changes what is run, and run
# with bash -e in a scratch copy of the clone's scenarios/ and analysis/,
# with `pledgesim` on PATH as the built program. Any command that fails, or
# a section without such blocks, fails the test.
# Usage: test_readme_compare.sh PLEDGESIM_BINARY README.md
set -euo pipefail
bin=$(realpath "$1")
readme=$(realpath "$2")
src=$(dirname "$readme")
source "$(dirname "$0")/../common/cli_helpers.sh"  # $work, check, finish

# The sh blocks of the section, each followed by a line "#--- end of block".
awk '
  /^## / { in_section = ($0 == "## Comparing scenarios") ; next }
  in_section && /^```sh[ \t]*$/ { in_block = 1; next }
  in_section && in_block && /^```[ \t]*$/ { in_block = 0; print "#--- end of block"; next }
  in_section && in_block { print }
' "$readme" >"$work/blocks.sh"
blocks=$(grep -c '^#--- end of block$' "$work/blocks.sh" || true)
check "README.md has a 'Comparing scenarios' section with sh blocks ($blocks)" [ "$blocks" -ge 1 ]
check "its blocks run pledgesim" grep -q '^pledgesim ' "$work/blocks.sh"

# `pledgesim` on PATH: a link to the built program, first on PATH.
mkdir "$work/bin" "$work/clone"
ln -s "$bin" "$work/bin/pledgesim"
export PATH="$work/bin:$PATH"
check "pledgesim on PATH is the built program" \
  [ "$(realpath "$(command -v pledgesim)")" = "$bin" ]

# A scratch copy of what the commands read (paths relative to the clone).
cp -r "$src/scenarios" "$src/analysis" "$work/clone/"
find "$work/clone" -name __pycache__ -prune -exec rm -rf {} +

# Each block in turn, as a script (continuation lines kept), stopping at the
# first command that fails.
n=0
block=""
while IFS= read -r line; do
  if [ "$line" = "#--- end of block" ]; then
    n=$((n + 1))
    printf '%s\n' "$block" >"$work/block_$n.sh"
    echo "--- block $n:"
    sed 's/^/    /' "$work/block_$n.sh"
    t0=$SECONDS
    check "block $n runs with exit 0" \
      bash -c 'cd "$1" && bash -euo pipefail "$2" >"$3.out" 2>&1' _ \
      "$work/clone" "$work/block_$n.sh" "$work/block_$n"
    echo "     ($((SECONDS - t0)) s)"
    sed 's/^/    | /' "$work/block_$n.out" | tail -40
    block=""
  else
    block+="$line"$'\n'
  fi
done <"$work/blocks.sh"

finish
