#!/usr/bin/env bash
# Text inputs that are not regular files, too big, or nested too deep:
# scenario, include, inputs table, sweep, targets and parameter files given
# as a FIFO, a device or a directory, a 17 MiB scenario, deep TOML in a file,
# an include and --set, an include chain of 40 files, and --set values that
# are not one TOML value. Each must exit 2 within a few seconds (a FIFO used
# to block forever, /dev/zero to fill memory, deep keys to crash toml++),
# print the reason, and write no output.
# Usage: test_hostile_inputs.sh PLEDGESIM_BINARY
set -u
bin=$1
source "$(dirname "$0")/../common/cli_helpers.sh"  # $work, check, run, status_is, ...

# refused NAME PATTERN ARGS...: exit 2 within 5 s, PATTERN on stderr, nothing
# on stdout, no output file.
refused() {
  local name=$1 pattern=$2; shift 2
  timeout 5 "$bin" "$@" >"$work/out" 2>"$work/err"
  local status=$?
  check "$name: exit 2 (not blocked or crashed: $status)" [ $status -eq 2 ]
  check "$name: says '$pattern'" grep -qF -- "$pattern" "$work/err"
  check "$name: nothing on stdout" [ ! -s "$work/out" ]
  check "$name: no output written" no_file "$work/o.h5"
}

cd "$work" || exit 1
mkfifo fifo.toml
mkdir adir
cat >good.toml <<'EOF2'
name = "good"
years = 1
authorities = [
  { name = "A", region = "London", inpost_fte = 50, vacancy_fte = 10, caseload = 16 },
]
EOF2
printf 'include = "/dev/zero"\n' >inc_zero.toml
printf 'include = "fifo.toml"\n' >inc_fifo.toml
printf 'include = "adir"\n' >inc_dir.toml
printf 'include = "good.toml"\ninputs.table = "fifo.toml"\n' >table_fifo.toml

refused "scenario is a FIFO" "fifo.toml: cannot open scenario file: not a regular file (a FIFO)" \
  run fifo.toml --out o.h5
refused "scenario is /dev/zero" "not a regular file (a character device)" run /dev/zero --out o.h5
refused "scenario is a directory" "directory" run adir --out o.h5
refused "include of /dev/zero" \
  "inc_zero.toml:1: include: included file '/dev/zero' cannot be opened: not a regular file (a character device)" \
  run inc_zero.toml --out o.h5
refused "include of a FIFO" "cannot be opened: not a regular file (a FIFO)" run inc_fifo.toml --out o.h5
refused "include of a directory" "cannot be opened: not a regular file (a directory)" \
  run inc_dir.toml --out o.h5
refused "inputs table is a FIFO" "inputs.table: cannot open" run table_fifo.toml --out o.h5
refused "validate a FIFO" "fifo.toml: not a regular file (a FIFO)" validate fifo.toml
refused "sweep file is a FIFO" "cannot open sweep file: not a regular file (a FIFO)" \
  sweep fifo.toml --out o.h5
refused "targets file is a FIFO" "cannot open targets file: not a regular file (a FIFO)" \
  calibrate fifo.toml --out o.toml
refused "parameter ensemble is a FIFO" "not a regular file" \
  run good.toml --parameters fifo.toml --out o.h5

# Over the 16 MiB cap: refused from its size, not read.
{ cat good.toml; head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' '#'; } >big.toml
refused "a 17 MiB scenario" "big.toml: cannot open scenario file: is 17825" run big.toml --out o.h5

# Deep TOML: toml++ recursed through a 100,000-part dotted key until SIGSEGV.
/usr/bin/env python3 - <<'EOF2'
n = 100000
open("deep_key.toml", "w").write("x." + ".".join(["a"] * n) + " = 1\n")
open("deep_header.toml", "w").write("[" + ".".join(["a"] * n) + "]\nb = 1\n")
open("deep_array.toml", "w").write("x = " + "[" * n + "]" * n + "\n")
open("deep_base.toml", "w").write("[" + ".".join(["a"] * n) + "]\n")
open("inc_deep.toml", "w").write('include = "deep_base.toml"\n')
for i in range(40):
    open(f"chain{i}.toml", "w").write(f'include = "chain{i + 1}.toml"\n')
open("chain40.toml", "w").write(open("good.toml").read())
EOF2
refused "a key of 100,000 dotted parts" \
  "deep_key.toml:1: nested too deep: a key with more than 64 dotted parts" run deep_key.toml --out o.h5
refused "a table header of 100,000 parts" "deep_header.toml:1: nested too deep" \
  run deep_header.toml --out o.h5
refused "arrays nested 100,000 deep" \
  "deep_array.toml:1: nested too deep: arrays and inline tables nested more than 64 deep" \
  run deep_array.toml --out o.h5
refused "a deep included file" "deep_base.toml:1: nested too deep" run inc_deep.toml --out o.h5
refused "a deep sweep file" "deep_key.toml:1: nested too deep" sweep deep_key.toml --out o.h5
refused "a deep targets file" "deep_key.toml:1: nested too deep" calibrate deep_key.toml --out o.toml
refused "an include chain of 40 files" "include: includes nested more than 32 deep" \
  run chain0.toml --out o.h5
deep_set=$(/usr/bin/env python3 -c "print('.'.join(['a'] * 20000))")
refused "--set with a key of 20,000 parts" "nested too deep: a key with more than 64" \
  run good.toml --set "$deep_set=1" --out o.h5
refused "--set with a value of 20,000 nested arrays" "nested too deep" \
  run good.toml --set "x=$(/usr/bin/env python3 -c "print('[' * 20000 + ']' * 20000)")" --out o.h5

# A --set value is one TOML value: a line break used to drop what followed.
refused "--set with two values" "is more than one TOML value" \
  run good.toml --set $'behaviour.exit_rate_per_year=0.05\npopulation.nqsw_intake_per_year=1' --out o.h5
"$bin" run good.toml --set $'behaviour.exit_rate_per_year=[\n0.05][0]' --out o.h5 >/dev/null 2>&1
check "--set keeps refusing malformed values (exit 2)" [ $? -eq 2 ]
"$bin" run good.toml --set 'behaviour.exit_rate_per_year=0.05 # a comment' --out ok.h5 -q >/dev/null 2>&1
check "--set with a trailing comment is still one value (exit 0)" [ $? -eq 0 ]

# Memory: a population the process cannot hold is refused before it starts
# (it ended with "internal error: std::bad_alloc").
# Under AddressSanitizer the process reserves terabytes of address space at
# start, so an address-space limit (ulimit -v) cannot be tested there.
if grep -qa "__asan_init" "$bin"; then
  echo "skip memory-limit checks: built with AddressSanitizer (ulimit -v does not apply)"
else
  (ulimit -v 2000000
   refused "a population over the memory limit" "the scenario needs up to" \
     run good.toml --years 100 --set population.nqsw_intake_per_year=900000 --out o.h5)
  grep -q "and this process can take" "$work/err"
  check "and says how much there is" [ $? -eq 0 ]
  (ulimit -v 2000000; "$bin" run good.toml --out small.h5 -q >/dev/null 2>&1)
  check "a small run under the same limit still runs (exit 0)" [ $? -eq 0 ]
fi

# Numbers with leading zeros are decimal (010 was read as octal 8); other
# bases are refused.
"$bin" run good.toml --years 010 --seed 010 --out zeros.h5 -q >/dev/null 2>&1
check "--years 010 --seed 010: exit 0" [ $? -eq 0 ]
check "and means 10 years (522 weeks, not 8 years' 418)" grep -q "/time/date .*Dataset {522}" <(h5ls -r zeros.h5)
check "and seed 10" grep -q "(0): 10$" <(h5dump -a /seed zeros.h5 2>/dev/null)
refused "--seed 0x10" "'0x10' is not a decimal whole number" run good.toml --seed 0x10 --out o.h5

# Output names the file system cannot take, and directories where files go.
long=$(printf 'x%.0s' $(seq 1 300))
refused "an output name of 300 bytes" "the file name is 303 bytes; at most 246" \
  run good.toml --out "$long.h5"
mkdir -p o.h5.ckpt.tmp
refused "a directory where the checkpoint's temporary file goes" \
  "o.h5.ckpt.tmp (where pledgesim keeps a file beside the output) is a directory" \
  run good.toml --checkpoint-every 10 --out o.h5
rmdir o.h5.ckpt.tmp

# Text from files reaches the terminal without escape sequences.
printf 'include = "good.toml"\n[behaviour]\n"\\u001b[2Jred" = 1\n' >escape.toml
"$bin" run escape.toml --out o.h5 >"$work/out" 2>"$work/err"
check "an unknown key holding an escape sequence: exit 2" [ $? -eq 2 ]
check "is printed as \\x1b" grep -qF 'behaviour.\x1b[2Jred' "$work/err"
check "and no ESC byte reaches the terminal" [ "$(tr -dc '\033' <"$work/err" | wc -c)" -eq 0 ]

finish "hostile inputs: "
