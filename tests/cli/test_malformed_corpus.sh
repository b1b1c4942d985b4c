#!/usr/bin/env bash
# Every case of the malformed-scenario corpus through the command line:
# `pledgesim validate CASE` exits 2 and prints each `# expect:` line of the
# case (and nothing else) on stderr; `pledgesim run CASE` exits 2 and leaves
# no output file. See tests/scenarios/malformed/README.md.
# Usage: test_malformed_corpus.sh PLEDGESIM_BINARY CORPUS_DIR
set -u
bin=$1
corpus=$(cd "$2" && pwd)
source "$(dirname "$0")/../common/cli_helpers.sh"  # $work, check, run, status_is, ...
cases=0

# has_line FILE HEAD FRAGMENT: a line of FILE starts with HEAD and contains
# FRAGMENT after it (plain strings, no patterns).
has_line() {
  HEAD=$2 FRAG=$3 awk 'index($0, ENVIRON["HEAD"]) == 1 &&
    index(substr($0, length(ENVIRON["HEAD"]) + 1), ENVIRON["FRAG"]) > 0 { found = 1 }
    END { exit !found }' "$1"
}

for f in "$corpus"/*.toml; do
  case $f in *.part.toml) continue ;; esac
  cases=$((cases + 1))
  name=$(basename "$f")
  ok=1
  "$bin" validate "$f" >"$work/out" 2>"$work/err"
  status=$?
  [ "$status" = 2 ] || { fail "$name: validate exits $status, not 2"; ok=0; }
  [ -s "$work/out" ] && { fail "$name: validate printed on stdout: $(head -1 "$work/out")"; ok=0; }
  expects=0
  while IFS= read -r line; do
    expects=$((expects + 1))
    e=${line#\# expect: }
    e=${e//\{file\}/$f}
    e=${e//\{dir\}/$corpus}
    first=${e%%: *}              # FILE or FILE:LINE
    rest=${e#*: }
    head="$first: ${rest%%: *}: " # ... and the key
    frag=${rest#*: }
    has_line "$work/err" "$head" "$frag" || { fail "$name: no line '$e'"; ok=0; }
  done < <(grep '^# expect: ' "$f")
  [ "$expects" -gt 0 ] || { fail "$name: no '# expect:' line"; ok=0; }
  reported=$(grep -c . "$work/err")
  [ "$reported" = "$expects" ] || { fail "$name: $reported lines on stderr, $expects expected"; ok=0; }
  [ "$ok" = 0 ] && sed 's/^/     | /' "$work/err"

  "$bin" run "$f" --out "$work/out.h5" -q >/dev/null 2>&1
  status=$?
  [ "$status" = 2 ] || { fail "$name: run exits $status, not 2"; ok=0; }
  if [ -e "$work/out.h5" ] || [ -e "$work/out.h5.partial" ]; then
    fail "$name: run left an output file"; ok=0
    rm -f "$work/out.h5" "$work/out.h5.partial"
  fi
  [ "$ok" = 1 ] && passed=$((passed + 1))
done

[ "$cases" -ge 30 ] || fail "only $cases cases in $corpus (at least 30 wanted)"
finish "$cases cases: "
