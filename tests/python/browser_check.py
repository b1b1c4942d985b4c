#!/usr/bin/env python3
"""Open an HTML page in headless Chromium and check that it renders.

    browser_check.py PAGE.html [--screenshot PNG] [--width 1200] [--timeout 60]

Checks, through the DevTools protocol (a small WebSocket client below: the
standard library has none and Debian's python3-websocket is not a
dependency):

* every ``<img>`` has loaded and decoded (``naturalWidth > 0``), and every
  inline ``<svg>`` has a size;
* no script error: no uncaught exception, no ``console.error``, no error
  entry in the browser's log (e.g. a resource that failed to load);
* the page works offline: it requests nothing but ``data:`` and ``file:``
  URLs;
* every plotly chart (``.plotly-graph-div``, the report's ``--interactive``)
  drew: it became a ``.js-plotly-plot`` holding an ``svg.main-svg`` with at
  least one trace path;
* the page is not blank: its body has text, and a full-page screenshot has
  more than ``min_ink`` (default 0.1%) of pixels that are not near-white (a
  blank page has none; a short text page about 0.3%, the report 10-20%).

Writes the full-page screenshot to PNG when asked (printing its path), and
prints one line per check. Exit status 0 all checks pass, 1 a check failed
(each failure said), 2 bad usage or a page that cannot be opened, 77
Chromium is not installed (the ctest SKIP_RETURN_CODE). Other reports can
use it as it is, or import :func:`check_page`.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

SKIP = 77
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def find_browser() -> str | None:
    """The Chromium binary: $CHROMIUM, else the first of BROWSERS on PATH."""
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    return next((b for b in map(shutil.which, BROWSERS) if b), None)


class WebSocket:
    """A minimal RFC 6455 client: text frames out (masked), frames in
    (fragmented or not, any length); enough for the DevTools protocol."""

    def __init__(self, url: str, timeout: float):
        m = re.fullmatch(r"ws://([^/:]+):(\d+)(/.*)", url)
        if not m:
            raise ValueError(f"unexpected DevTools URL {url!r}")
        self.sock = socket.create_connection((m[1], int(m[2])), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {m[3]} HTTP/1.1\r\nHost: {m[1]}:{m[2]}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"DevTools refused the WebSocket: {head[:200]!r}")

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def send(self, text: str) -> None:
        payload = text.encode()
        n = len(payload)
        head = bytes([0x81])  # FIN, text
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive(self) -> str:
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the WebSocket")
            if opcode in (0x9, 0xA):  # ping/pong: not sent by DevTools in practice
                continue
            message += data
            if b0 & 0x80:
                return message.decode()


class DevTools:
    """Commands to one page target; events are kept in ``events``."""

    def __init__(self, ws: WebSocket, deadline: float):
        self.ws, self.deadline, self.next_id, self.events = ws, deadline, 0, []

    def _receive(self) -> dict:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the page did not finish within the time allowed")
        self.ws.sock.settimeout(remaining)
        return json.loads(self.ws.receive())

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = self._receive()
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, method: str) -> dict:
        for msg in self.events:
            if msg["method"] == method:
                return msg
        while True:
            msg = self._receive()
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return msg


# Run in the page once it has loaded: each image decoded, then what it shows.
PAGE_PROBE = """(async () => {
  const images = [...document.images];
  await Promise.all(images.map(i => i.decode().catch(() => null)));
  const plots = [...document.querySelectorAll('.plotly-graph-div')];
  const traces = p => [...p.querySelectorAll('svg.main-svg g.trace path')]
    .filter(path => (path.getAttribute('d') || '').length > 10).length;
  const drawn = p => p.classList.contains('js-plotly-plot') && traces(p) > 0;
  for (let i = 0; i < 100 && !plots.every(drawn); i++)
    await new Promise(r => setTimeout(r, 100));
  return JSON.stringify({
    plots: plots.map(p => ({id: p.id, drawn: drawn(p), traces: traces(p),
                            svg: p.querySelectorAll('svg.main-svg').length})),
    images: images.map(i => ({src: i.src.slice(0, 60), alt: i.alt, complete: i.complete,
                              naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight})),
    svgs: [...document.querySelectorAll('svg')].map(s => {
      const r = s.getBoundingClientRect(); return {width: r.width, height: r.height}; }),
    text: (document.body ? document.body.innerText : '').trim().length,
    height: Math.ceil(document.documentElement.scrollHeight),
  });
})()"""


def _launch(browser: str, profile: str, width: int) -> tuple[subprocess.Popen, str]:
    # Its own process group, so that _stop() ends the renderer and helper
    # processes too (they write into the profile until they die); stderr to
    # a file, as a pipe nobody reads could fill and block the browser.
    log = open(Path(profile) / "chromium.log", "w")
    proc = subprocess.Popen(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", f"--window-size={width},900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    log.close()
    port_file = Path(profile) / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text().strip():
            port = port_file.read_text().split()[0]
            return proc, port
        if proc.poll() is not None:
            _stop(proc)
            raise RuntimeError(f"{browser} exited with status {proc.returncode}: "
                               f"{(Path(profile) / 'chromium.log').read_text()[-2000:]}")
        time.sleep(0.1)
    _stop(proc)
    raise RuntimeError(f"{browser} did not open its DevTools port within 30 s")


def _stop(proc: subprocess.Popen) -> None:
    """Kill the browser's whole process group and wait until it is gone."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def _page_target(port: str, timeout: float) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as r:
        targets = json.load(r)
    pages = [t for t in targets if t.get("type") == "page"]
    if not pages:
        raise RuntimeError("Chromium opened no page")
    return pages[0]["webSocketDebuggerUrl"]


def _non_white_share(png: bytes) -> float:
    """Share of the screenshot's pixels that are not near-white."""
    from PIL import Image  # matplotlib's own dependency (python3-pil)
    import numpy as np
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    return float((pixels.min(axis=2) < 235).mean())


def check_page(page: Path, screenshot: Path | None = None, width: int = 1200,
               timeout: float = 60.0, min_ink: float = 0.1,
               probe: str | None = None) -> tuple[list[str], list[str]]:
    """Open ``page`` in headless Chromium; returns (lines said, failures).
    ``probe``: a script expression run in the page after the checks above,
    before the screenshot, whose value (a promise is awaited) is a JSON
    string: the list of failures found by the page's own checks. Raises
    RuntimeError when Chromium cannot be started or the page opened."""
    browser = find_browser()
    if browser is None:
        raise FileNotFoundError("Chromium is not installed (Debian: apt-get install chromium)")
    said, failures = [], []
    # (Cleanup errors ignored: a file left behind must not fail the check.)
    with tempfile.TemporaryDirectory(prefix="browser_check_", ignore_cleanup_errors=True) as profile:
        proc, port = _launch(browser, profile, width)
        try:
            deadline = time.monotonic() + timeout
            ws = WebSocket(_page_target(port, timeout), timeout)
            dt = DevTools(ws, deadline)
            for domain in ("Page", "Runtime", "Log", "Network"):
                dt.call(f"{domain}.enable")
            dt.call("Page.navigate", url=page.resolve().as_uri())
            dt.wait_for("Page.loadEventFired")
            result = dt.call("Runtime.evaluate", expression=PAGE_PROBE, awaitPromise=True,
                             returnByValue=True)
            if "exceptionDetails" in result:
                raise RuntimeError(f"the probe script failed: {result['exceptionDetails']}")
            facts = json.loads(result["result"]["value"])
            own = []
            if probe is not None:
                result = dt.call("Runtime.evaluate", expression=probe, awaitPromise=True,
                                 returnByValue=True)
                if "exceptionDetails" in result:
                    own = [f"the page's own check failed: {result['exceptionDetails']}"]
                else:
                    own = json.loads(result["result"]["value"])
            height = min(max(facts["height"], 100), 30000)
            dt.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                    deviceScaleFactor=1, mobile=False)
            shot = base64.b64decode(dt.call("Page.captureScreenshot", format="png",
                                            captureBeyondViewport=True)["data"])
            events = list(dt.events)
        finally:
            _stop(proc)
    broken = [i for i in facts["images"] if not (i["complete"] and i["naturalWidth"] > 0)]
    said.append(f"images: {len(facts['images'])}, of which broken: {len(broken)}")
    failures += [f"broken image (naturalWidth {i['naturalWidth']}): alt={i['alt']!r} "
                 f"src={i['src']!r}" for i in broken]
    empty_svg = [s for s in facts["svgs"] if s["width"] <= 0 or s["height"] <= 0]
    said.append(f"inline svg: {len(facts['svgs'])}, of which empty: {len(empty_svg)}")
    failures += [f"an inline svg has no size ({s})" for s in empty_svg]
    undrawn = [p for p in facts["plots"] if not p["drawn"]]
    said.append(f"plotly charts: {len(facts['plots'])}, of which not drawn: {len(undrawn)}")
    failures += [f"a plotly chart did not draw: {p}" for p in undrawn]
    if probe is not None:
        said.append(f"the page's own checks: {len(own)} problem(s)")
        failures += own
    errors = []
    for ev in events:
        p = ev.get("params", {})
        if ev["method"] == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            errors.append(f"script error: {d.get('exception', {}).get('description') or d['text']}")
        elif ev["method"] == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
            errors.append("console." + p["type"] + ": "
                          + " ".join(str(a.get("value", a.get("description", "")))
                                     for a in p["args"]))
        elif ev["method"] == "Log.entryAdded" and p["entry"]["level"] == "error":
            errors.append(f"browser log error: {p['entry']['text']} {p['entry'].get('url', '')}")
        elif ev["method"] == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not url.startswith(("data:", "file:", "about:")):
                errors.append(f"requests {url[:120]}: the page must work offline")
    said.append(f"console and script errors: {len(errors)}")
    failures += errors
    share = _non_white_share(shot)
    said.append(f"body text: {facts['text']} characters; screenshot {width}x{height}, "
                f"{100 * share:.1f}% non-white pixels")
    if facts["text"] < 20:
        failures.append(f"the page is blank: {facts['text']} characters of body text")
    if 100 * share <= min_ink:
        failures.append(f"the screenshot is blank: {100 * share:.2f}% non-white pixels "
                        f"(at most {min_ink}%)")
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(shot)
        said.append(f"screenshot: {screenshot}")
    return said, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path, metavar="PAGE.html")
    parser.add_argument("--screenshot", type=Path, metavar="PNG",
                        help="write the full-page screenshot here")
    parser.add_argument("--width", type=int, default=1200, help="window width in pixels")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds allowed")
    parser.add_argument("--min-ink", type=float, default=0.1, metavar="PERCENT",
                        help="the screenshot must have more than this %% of non-white pixels")
    args = parser.parse_args(argv)
    if not args.page.is_file():
        print(f"browser_check: {args.page}: no such file", file=sys.stderr)
        return 2
    try:
        said, failures = check_page(args.page, args.screenshot, args.width, args.timeout,
                                     args.min_ink)
    except FileNotFoundError as exc:
        print(f"browser_check: SKIP: {exc}", file=sys.stderr)
        return SKIP
    except (RuntimeError, OSError, TimeoutError, ValueError) as exc:
        print(f"browser_check: {args.page}: {exc}", file=sys.stderr)
        return 2
    for line in said:
        print(line)
    for f in failures:
        print(f"FAIL: {f}")
    print(f"{args.page}: {'FAILED, ' + str(len(failures)) + ' problem(s)' if failures else 'ok'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
