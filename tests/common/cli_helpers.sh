# Helpers shared by the shell CLI tests (tests/cli/*.sh), sourced after the
# test has set `bin` (the pledgesim program):
#
#   source "$(dirname "$0")/../common/cli_helpers.sh"
#
# It makes the test's temporary directory `$work` (removed on exit, made
# writable first so that tests may lock parts of it), zeroes the counters
# `passed` and `failed`, and defines the checks below. The tests run under
# `set -u` only, not `-e`: a command that fails is what many checks expect.

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
passed=0 failed=0

# check NAME CONDITION-COMMAND...: counts and prints "ok" or "FAIL" for NAME.
check() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; fi
}
# fail MESSAGE: counts and prints a failure found without `check`.
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

# run ARGS...: runs pledgesim, keeping its status, stdout and stderr in
# $work/status, $work/out and $work/err.
run() { "$bin" "$@" >"$work/out" 2>"$work/err"; echo $? >"$work/status"; }
status_is() { [ "$(cat "$work/status")" = "$1" ]; }
# err_has PATTERN: a line of the last run's stderr matches (grep pattern).
err_has() { grep -q -- "$1" "$work/err"; }
# err_has_text TEXT: the last run's stderr contains TEXT (a plain string).
err_has_text() { grep -qF -- "$1" "$work/err"; }
# no_file FILE.h5: neither the file nor its .partial exists.
no_file() { [ ! -e "$1" ] && [ ! -e "$1.partial" ]; }

# finish [PREFIX]: prints the counts and returns 1 if any check failed (the
# test's last command, so its exit status).
finish() {
  echo "${1:-}$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
