"""Whole-process timings for bench/README.md (run by bench/run.sh).

Usage: process_runs.py PLEDGESIM_BINARY OUT.json

- the built-in scenario's 10-year run as a user runs it (`pledgesim run
  --threads 1 --years 10`, series output on): CPU seconds of the process,
  start-up and file writing included; the median of 5;
- one calibration evaluation (4 replications of london_history over 4
  years): `pledgesim calibrate --threads 1` on the project's targets file
  cut to 10 evaluations, CPU seconds divided by 10; the median of 3.
"""
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child_cpu(cmd):
    """CPU seconds (user + system) and wall seconds of one child process."""
    import time
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main(binary, out_path):
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        runs = [child_cpu([binary, "run", "--threads", "1", "--years", "10", "--quiet",
                           "--no-summary", "--force", "--out", f"{tmp}/run.h5"]) for _ in range(5)]
        result["builtin_10y_cpu_s"] = statistics.median(c for c, _ in runs)
        result["builtin_10y_wall_s"] = statistics.median(w for _, w in runs)

        targets = (ROOT / "scenarios/calibration/london_targets.toml").read_text()
        evaluations = 10
        targets = re.sub(r"^max_evaluations = \d+", f"max_evaluations = {evaluations}", targets,
                         flags=re.M)
        targets = re.sub(r'^scenario = "\.\./', f'scenario = "{ROOT}/scenarios/', targets, flags=re.M)
        path = Path(tmp) / "targets.toml"
        path.write_text(targets)
        fits = [child_cpu([binary, "calibrate", "--threads", "1", "--quiet", "--force", "--out",
                           f"{tmp}/fit.toml", str(path)]) for _ in range(3)]
        result["calibration_evaluation_cpu_s"] = statistics.median(c for c, _ in fits) / evaluations
    Path(out_path).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
