#!/usr/bin/env python3
"""The report, opened in headless Chromium (ctest `report_browser`).

    report_in_browser.py ARTIFACT_DIR

Makes two small runs (PLEDGESIM_BIN), writes their report, and checks with
browser_check.py that it renders (then the same for the report of a small
sweep): every image decoded, no script or console
error, nothing fetched from the network, body text and a screenshot that is
not blank. The full-page screenshot is kept as ARTIFACT_DIR/report.png (its
path printed). Then the same runs' ``--interactive`` report (with plotly,
where python3-plotly is installed): the same checks, every plotly chart drew
(one per weekly rate and the costs), hovering a point shows its value with
units, and a click on a legend entry hides that scenario's traces; its
screenshot is ARTIFACT_DIR/interactive_report.png. First, the checker must
fail a page with a broken image, a script error and no text, so that a
checker that cannot fail does not pass.
Exit 0 pass, 1 fail, 77 (ctest SKIP_RETURN_CODE) Chromium is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from browser_check import SKIP, check_page, find_browser  # noqa: E402

BROKEN_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head>
<body><img src="data:image/png;base64,iVBORw0KGgoAAAA" alt="truncated PNG">
<script>undefinedFunction();</script></body></html>"""


# A small Morris sweep of the report tests' parameters and outputs.
SWEEP = ('scenario = "two.toml"\nseed = 1\nreplications = 1\ndesign = "morris"\nsamples = 4\n'
         "morris_levels = 4\n" + (SOURCE_ROOT / "tests/common/sweep_parameters.toml").read_text())


def sweep_report_renders(binary: str, d: Path, artifacts: Path) -> bool:
    """The sweep report (a report given a sweep file) of a small Morris sweep
    with its indices, checked as the scenario report is: screenshot
    ARTIFACT_DIR/sweep_report.png."""
    (d / "two.toml").write_text((SOURCE_ROOT / "tests/common/two_authorities.toml").read_text())
    (d / "sweep.toml").write_text(SWEEP)
    sweep = d / "sweep.h5"
    subprocess.run([binary, "sweep", str(d / "sweep.toml"), "--out", str(sweep), "-q"],
                   check=True, timeout=300)
    subprocess.run([binary, "sensitivity", str(sweep)], check=True, timeout=300,
                   capture_output=True)
    proc = subprocess.run(
        [sys.executable, "-m", "pledgesim_analysis.report", str(sweep), "--out",
         str(d / "sweep_report")], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(SOURCE_ROOT / "analysis")})
    if proc.returncode != 0:
        print(f"FAIL: the sweep report exited {proc.returncode}: {proc.stderr}")
        return False
    said, problems = check_page(d / "sweep_report" / "report.html",
                                artifacts / "sweep_report.png")
    for line in said:
        print("sweep report: " + line)
    images = next(line for line in said if line.startswith("images:"))
    # Morris bars and one scatter figure for the one outcome.
    if images.startswith("images: 0,") or images.startswith("images: 1,"):
        problems.append(f"the sweep report shows {images}; expected its bar and scatter charts")
    for p in problems:
        print(f"FAIL: sweep report: {p}")
    return not problems


# Run in the interactive page: for each chart, hover a point of its first
# hoverable trace and read the label; click its first legend entry and see
# that every trace of that scenario (legend group) is hidden. Returns the
# failures as JSON.
INTERACTIVE_PROBE = """(async () => {
  const failures = [];
  const wait = ms => new Promise(r => setTimeout(r, ms));
  // Up to 5 s for `ready()` to hold (a loaded machine draws late).
  const until = async ready => {
    for (let t = 0; t < 50 && !ready(); ++t) await wait(100);
    return ready();
  };
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const name = gd.closest('figure') ? gd.closest('figure').id : gd.id;
    const i = gd.data.findIndex(t => t.hovertemplate && t.y && t.y.length);
    if (i < 0) { failures.push(name + ': no trace with a hover template'); continue; }
    const k = Math.floor(gd.data[i].y.length / 2);
    Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: k}]);
    const hoverText = () => (gd.querySelector('.hoverlayer') || {}).textContent || '';
    await until(() => hoverText() !== '');
    const label = hoverText();
    const unit = name === 'costs.png' ? /total: £[0-9.]+m/
                                      : /(rate|Turnover): [0-9]+\\.[0-9]%/;
    if (!unit.test(label) || /NaN|undefined/.test(label) || !/interval/.test(label))
      failures.push(name + ': hover label ' + JSON.stringify(label) + ' lacks value, unit '
                    + 'or interval');
    Plotly.Fx.unhover(gd);
    const group = gd.data[i].legendgroup;
    const entry = [...gd.querySelectorAll('.legend .traces')]
      .find(t => t.__data__ && t.__data__[0] && t.__data__[0].trace.legendgroup === group);
    if (!entry) { failures.push(name + ': no legend entry for ' + group); continue; }
    const toggle = entry.querySelector('.legendtoggle');
    for (const type of ['mousedown', 'mouseup', 'click'])
      toggle.dispatchEvent(new MouseEvent(type, {bubbles: true, clientX: 1, clientY: 1}));
    // plotly waits to tell a click from a double click before it hides.
    const hidden = await until(() => gd.data.filter(t => t.legendgroup === group)
      .every(t => t.visible === 'legendonly'));
    const others = gd.data.filter(t => t.legendgroup !== group)
      .every(t => t.visible === undefined || t.visible === true);
    if (!hidden || !others)
      failures.push(name + ': a legend click on ' + group + ' did not hide just that scenario '
                    + JSON.stringify(gd.data.map(t => [t.legendgroup, t.visible])));
    await Plotly.restyle(gd, {visible: true});
  }
  return JSON.stringify(failures);
})()"""


def interactive_report_renders(runs: list[str], d: Path, artifacts: Path) -> bool:
    """The runs' report with --interactive: the page checks, each plotly chart
    drawn (three weekly rates and the costs), hover and legend work: screenshot
    ARTIFACT_DIR/interactive_report.png. Passes, saying so, without plotly."""
    import importlib.util
    if importlib.util.find_spec("plotly") is None:
        print("interactive report: not checked, plotly is not installed (Debian: "
              "python3-plotly)")
        return True
    proc = subprocess.run(
        [sys.executable, "-m", "pledgesim_analysis.report", *runs, "--out",
         str(d / "interactive"), "--interactive"], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(SOURCE_ROOT / "analysis")})
    if proc.returncode != 0:
        print(f"FAIL: the interactive report exited {proc.returncode}: {proc.stderr}")
        return False
    page = d / "interactive" / "report.html"
    said, problems = check_page(page, artifacts / "interactive_report.png", timeout=120,
                                probe=INTERACTIVE_PROBE)
    for line in said:
        print("interactive report: " + line)
    charts = next(line for line in said if line.startswith("plotly charts:"))
    if not charts.startswith("plotly charts: 4,"):
        problems.append(f"the page shows {charts}; expected 4 (three weekly rates, the costs)")
    print(f"interactive report: {page.stat().st_size / 1e6:.1f} MB")
    for p in problems:
        print(f"FAIL: interactive report: {p}")
    return not problems


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    artifacts = Path(sys.argv[1])
    if find_browser() is None:
        print("SKIP: Chromium is not installed (Debian: apt-get install chromium); the report "
              "was not checked in a browser")
        return SKIP
    binary = os.environ["PLEDGESIM_BIN"]
    failed = False
    with tempfile.TemporaryDirectory(prefix="pledgesim_browser_") as tmp:
        d = Path(tmp)
        broken = d / "broken.html"
        broken.write_text(BROKEN_PAGE, encoding="utf-8")
        _, problems = check_page(broken)
        expected = ("broken image", "script error", "the page is blank")
        missing = [e for e in expected if not any(p.startswith(e) for p in problems)]
        print(f"checker on a broken page: {len(problems)} problem(s) found")
        if missing:
            print(f"FAIL: the checker did not report: {', '.join(missing)}")
            failed = True

        runs = []
        for scenario in ("london_competitive.toml", "london_pledge_2022.toml"):
            out = d / scenario.replace(".toml", ".h5")
            subprocess.run([binary, "run", str(SOURCE_ROOT / "scenarios" / scenario), "--years",
                            "2", "--seed", "2", "--replications", "3", "-q", "--no-summary",
                            "--out", str(out)], check=True, timeout=300)
            runs.append(str(out))
        proc = subprocess.run(
            [sys.executable, "-m", "pledgesim_analysis.report", *runs, "--out", str(d / "report")],
            capture_output=True, text=True, timeout=300,
            env={**os.environ, "PYTHONPATH": str(SOURCE_ROOT / "analysis")})
        if proc.returncode != 0:
            print(f"FAIL: the report exited {proc.returncode}: {proc.stderr}")
            return 1
        page = d / "report" / "report.html"
        figures = sorted(p.name for p in (d / "report").glob("*.png"))
        said, problems = check_page(page, artifacts / "report.png")
        for line in said:
            print(line)
        images = next(line for line in said if line.startswith("images:"))
        if f"images: {len(figures)}," not in images:
            problems.append(f"the page shows {images}, the report wrote {len(figures)} figures")
        for p in problems:
            print(f"FAIL: {p}")
        failed = failed or bool(problems)
        failed = not interactive_report_renders(runs, d, artifacts) or failed
        failed = not sweep_report_renders(binary, d, artifacts) or failed
    print("report in Chromium: " + ("FAILED" if failed else "ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
