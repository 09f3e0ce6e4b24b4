"""Cold start: from launching ``streamlit run`` to the zones drawn in a real browser.

A new server process (so every cache in memory is empty) is started on a free
port; Debian's Chromium, offline (``tests/browser.py``: every non-local request
aborted), opens the page as soon as the server answers its health check; the
clock stops when the first path of the control zones exists in the map's frame.

Then, in the same browser, the slider is moved a few days with the keyboard, as
an analyst would: for each step, the time from the key press to the new layers
in the map, and the bytes the server's sockets sent meanwhile, read from the
kernel (``ss -ti``: TCP payload, after websocket compression), which checks the
AppTest figures of :mod:`benchmarks._steps` against a real browser.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: Where the zones are, per page: the frame that holds the map, the zones' paths in it.
OURS = ("iframe[title='streamlit_folium.st_folium']", "path.bm-layer-control_zones")
NAIVE = ("iframe", "path.naive-zones")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def naive_launcher(folder: Path) -> Path:
    """A folder to run the naive page from, with the Leaflet files Streamlit serves.

    Streamlit serves ``static/`` beside the main script; the naive page lives in
    ``benchmarks/`` and needs Leaflet offline, so it is launched from a folder
    under ``benchmarks/out/`` holding a two-line script and a copy of the assets.
    """
    from layers.render.assets import install_static

    folder.mkdir(parents=True, exist_ok=True)
    install_static(folder / "static")
    script = folder / "naive_app.py"
    script.write_text("from benchmarks.naive import page\n\npage()\n", encoding="utf-8")
    return script


def _sent_by_peer(port: int) -> dict[str, int]:
    """Bytes sent so far on each established connection of the server's port."""
    try:
        done = subprocess.run(["ss", "-tinH", "state", "established", f"( sport = :{port} )"],
                              capture_output=True, text=True, check=False)
    except FileNotFoundError:  # no iproute2: the bytes are then reported as unknown
        return {}
    out: dict[str, int] = {}
    peer = None
    for line in done.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 4 and ":" in fields[-1] and not line.startswith((" ", "\t")):
            peer = fields[-1]
        match = re.search(r"bytes_sent:(\d+)", line)
        if match and peer:
            out[peer] = int(match.group(1))
    return out


#: In the map frame: a number that grows each time new layers are drawn.
#: Ours: how many date steps the map frame's timeline has drawn (timeline.js).
_OURS_MARK = "() => (window.__bmTimelineDrawn || {}).at || 0"
_NAIVE_MARK = "() => document.querySelectorAll('path.naive-zones').length && !window.__bmOld"


def browser_steps(page: Any, frame: str, port: int, steps: int, *, naive: bool,
                  timeout: float = 30) -> list[dict[str, float]]:
    """Move the slider ``steps`` days with the keyboard; time and bytes of each step."""
    out: list[dict[str, float]] = []
    if naive:
        page.get_by_role("slider").first.focus()
    else:  # the date moves in the map's own timeline strip
        page.frame_locator(frame).first.locator(".bm-tl-range").focus()
    for _ in range(steps):
        target = page.frame_locator(frame).first
        if naive:
            target.locator("body").evaluate("() => { window.__bmOld = true; }")
        else:
            before = target.locator("body").evaluate(_OURS_MARK)
        sent = _sent_by_peer(port)
        start = time.perf_counter()
        page.keyboard.press("ArrowRight")
        deadline = start + timeout
        while time.perf_counter() < deadline:
            try:
                body = page.frame_locator(frame).first.locator("body")
                done = (body.evaluate(_NAIVE_MARK) if naive
                        else body.evaluate(_OURS_MARK) > before)
            except Exception:  # the naive frame is being replaced
                done = False
            if done:
                break
            time.sleep(0.01)
        else:
            continue  # nothing changed on this day: not a step to count
        drawn = time.perf_counter() - start
        time.sleep(0.5)  # let the rest of the rerun (tables, URL) arrive
        after = _sent_by_peer(port)
        shared = [k for k in after if k in sent]
        wire = sum(after[k] - sent[k] for k in shared) if shared else float("nan")
        out.append({"drawn_ms": 1000 * drawn, "wire_bytes": wire})
    return out


def cold_start(script: Path, geodata: Path, *, frame: str, target: str,
               timeout: float = 600, log: Path | None = None, steps: int = 0,
               naive: bool = False, browser_open: bool = True) -> dict[str, Any]:
    """Seconds from starting the server to ``target`` appearing inside ``frame``.

    ``browser_open``: Chromium is started (and a blank page open) before the server,
    as an analyst's browser is when they restart the app; else it is started once the
    server answers, and its own start (about a second here) is in the figure (how
    this was measured until 7 Dec 2026).

    Returns
    -------
    dict
        ``server_ready_s`` (health check answers), ``drawn_s`` (the zones are on
        the map), ``blocked`` (requests the page tried to make off the machine),
        and with ``steps``, ``browser_steps`` (:func:`browser_steps`).
    """
    sys.path.insert(0, str(REPO / "tests"))
    from browser import offline_page

    with contextlib.ExitStack() as stack:
        opened = stack.enter_context(offline_page()) if browser_open else None
        return _cold_start(script, geodata, frame=frame, target=target, timeout=timeout,
                           log=log, steps=steps, naive=naive,
                           browser=(lambda: contextlib.nullcontext(opened)) if opened
                           else offline_page)


def _server_command(script: Path, port: int) -> list[str]:
    # Our page starts as run.sh starts it (dashboard.serve: its data read at start-up).
    from dashboard.serve import command

    return [*command(script), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true",
            "--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none"]


def _cold_start(script: Path, geodata: Path, *, frame: str, target: str, timeout: float,
                log: Path | None, steps: int, naive: bool,
                browser: Callable[[], Any]) -> dict[str, Any]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "BRIEFING_GEODATA": str(geodata),
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    out = log.open("wb") if log else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.Popen(_server_command(script, port), cwd=REPO, env=env, stdout=out,
                            stderr=subprocess.STDOUT)
    try:
        deadline = start + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"streamlit did not start for {script}")
            time.sleep(0.05)
        ready = time.perf_counter() - start
        with browser() as (page, page_log):
            page.goto(url)
            left = max(1.0, deadline - time.perf_counter())
            page.frame_locator(frame).first.locator(target).first.wait_for(
                state="attached", timeout=left * 1000)
            drawn = time.perf_counter() - start
            moved = (browser_steps(page, frame, port, steps, naive=naive) if steps else [])
            blocked = list(page_log.blocked)
        return {"server_ready_s": ready, "drawn_s": drawn, "blocked": blocked,
                "browser_steps": moved}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()
