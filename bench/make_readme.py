"""Renders bench/README.md from Google Benchmark's JSON output (bench/run.sh)."""
import json
import platform
import subprocess
import sys


def main(json_path, out_path):
    data = json.load(open(json_path))
    ctx = data["context"]
    runs = {b["name"]: b for b in data["benchmarks"] if b.get("run_type") != "aggregate"}

    def week(n, t):
        return runs.get(f"BM_Week/practitioners:{n}/threads:{t}/min_time:2.000/real_time") or \
            runs.get(f"BM_Week/practitioners:{n}/threads:{t}/iterations:3/real_time")

    def ten(n, out, threads=0):
        for it in (1, 3, 5):
            b = runs.get(f"BM_TenYears/practitioners:{n}/output:{out}/threads:{threads}/iterations:{it}/process_time/real_time")
            if b:
                return b
        return None

    def scenario_label(n):
        return {-1: "London's 32 boroughs", 0: "built-in (London and neighbours)"}.get(n, f"{n:,} practitioners")

    rows = []

    def row(target, measured, ok):
        rows.append(f"| {target} | {measured} | {'met' if ok else '**not met**'} |")

    w1, w2 = week(1000000, 1), week(1000000, 2)
    if w1:
        r = w1["step_over_floor"]
        row("step at 1M practitioners within 3x the floor (1 thread)",
            f"{w1['real_time']:.1f} ms a week; floor {w1['floor_ms']:.2f} ms; ratio {r:.1f}", r <= 3)
    if w1 and w2:
        s = w1["real_time"] / w2["real_time"]
        row("2 threads >= 1.8x faster than 1 at 1M", f"{s:.2f}x", s >= 1.8)
    w10 = week(10000000, 1)
    if w1 and w10:
        g = w10["real_time"] / w1["real_time"]
        row("10M practitioners <= 11x the time of 1M (1 thread)", f"{g:.1f}x", g <= 11)
    else:
        rows.append("| 10M practitioners <= 11x the time of 1M | not run (PLEDGESIM_BENCH_FULL=1 bash bench/run.sh) | - |")
    if w1:
        m = max(w1["column_bytes_per_practitioner"], w1["resident_bytes_per_practitioner"])
        row("memory <= 64 bytes per practitioner",
            f"{w1['column_bytes_per_practitioner']:.0f} B of columns; {w1['resident_bytes_per_practitioner']:.1f} B resident", m <= 64)
    for n in (-1, 0):
        b = ten(n, 1, 1)
        if b:
            cpu = b["cpu_time"] / 1e3
            row(f"London-scale 10-year run <= 0.12 CPU-seconds: {scenario_label(n)}, "
                f"{b['practitioners_per_week']:,.0f} practitioners, 1 thread, series output on",
                f"{cpu:.2f} CPU-s ({b['real_time'] / 1e3:.2f} s wall)", cpu <= 0.12)
    for n in (-1, 0, 100000, 1000000):
        a, b = ten(n, 0), ten(n, 1)
        if a and b:
            over = b["real_time"] / a["real_time"] - 1
            row(f"HDF5 series output adds <= 10% ({scenario_label(n)}, 10 years, all cores)",
                f"{100 * over:+.1f}%", over <= 0.10)

    detail = ["| benchmark | wall | CPU | practitioner-weeks/s | notes |", "|---|---|---|---|---|"]
    for name, b in runs.items():
        if name.startswith("BM_PhiloxUniform"):
            detail.append(f"| Philox, 4 uniforms | {b['real_time']:.1f} ns | | | {b['items_per_second'] / 1e6:.0f} M draws/s |")
        elif name.startswith("BM_Week"):
            detail.append(
                f"| week, {b['practitioners']:,.0f} practitioners, {name.split('threads:')[1].split('/')[0]} thread(s) "
                f"| {b['real_time']:.1f} ms | | {b['items_per_second'] / 1e6:.1f} M | "
                f"practitioner pass {b['choose_ms']:.1f} ms, clearing {b['clear_ms']:.2f} ms, "
                f"apply and reductions {b['apply_ms']:.1f} ms, employers and prices {b['other_ms']:.2f} ms; "
                f"floor {b['floor_ms']:.2f} ms |")
        elif name.startswith("BM_SeriesWrite"):
            per_week = b["real_time"] * 1e3 / b["weeks_per_iteration"]
            detail.append(
                f"| HDF5 series write, {name.split('employers:')[1].split('/')[0]} employers "
                f"({b['values_per_week']:,.0f} values a week) | {per_week:.0f} us a week | | | "
                f"{b['real_time']:.1f} ms a 10-year file, compressed |")
        elif name.startswith("BM_TenYears"):
            n = int(name.split("practitioners:")[1].split("/")[0])
            out = name.split("output:")[1].split("/")[0]
            threads = name.split("threads:")[1].split("/")[0]
            what = {"0": "off", "1": "series", "2": "series and events"}[out]
            detail.append(
                f"| 10 years, {scenario_label(n)}, output {what} "
                f"| {b['real_time'] / 1e3:.2f} s | {b['cpu_time'] / 1e3:.2f} s | {b['practitioner_weeks_per_s'] / 1e6:.1f} M | "
                f"{'all cores' if threads == '0' else threads + ' thread'}; {b['practitioners_per_week']:,.0f} practitioners; mean of {b['iterations']} |")

    cpu = ctx.get("num_cpus")
    mhz = ctx.get("mhz_per_cpu")
    try:
        model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    try:
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    text = f"""# Benchmarks

Produced by `bash bench/run.sh` (this file is overwritten by it; add
`PLEDGESIM_BENCH_FULL=1` for 10 million practitioners). Machine: {model},
{cpu} CPUs at {mhz} MHz; commit {commit}; {ctx.get('date', '')}.

The week benchmarks run a synthetic scenario (`bench/synthetic_scenario.cpp`:
150 authorities in London-like sub-regions and two neighbouring regions,
three agencies, every policy lever on). The floor is the time to stream once
(read and write) through the bytes of the practitioner columns, measured in
the same run with the same threads. "Resident" is the growth of resident
memory when the market is built, divided by practitioners.

## Targets

| target | measured | |
|---|---|---|
""" + "\n".join(rows) + """

## All figures

""" + "\n".join(detail) + """

## What limits the step

The step is compute-bound, not memory-bound: `choose` (the practitioner
update, hazards, search, offers and the logit choice) takes about 85% of a
week. A `perf record` of the London 10-year run on one thread attributes
about 50% of the time to `LabourMarket::choose` itself (Philox rounds,
branching), about 19% to `exp` (weekly probabilities from annual hazards,
two to four per practitioner per week, and the Gumbel draws of searchers),
about 11% to `apply` and 3% to `llround` (stress in micro-units). Reaching
3x the floor would need most practitioners to skip the week's draws
altogether (next-event times drawn once rather than a hazard every week),
which changes the model's random-number contract; it is not done yet.
No event output exists yet (`--events`), so its benchmark is absent.
"""
    open(out_path, "w").write(text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
