"""The browser-side timeline at scale (issue 11 item 4): date chunks streamed to the frame.

``.venv/bin/python benchmarks/timeline_scale.py`` (or ``benchmarks/run.py
--timeline-scale``) writes the scale set if it is missing
(``benchmarks/generate.py``), then in offline Chromium measures:

* restarts at scale: a new server process with the layer cache on disk, to the
  first zones on the map (as Playwright sees them): three with Chromium open before
  the server starts (an analyst's browser), three with Chromium started once the
  server answers (as measured before), and one with the chunk files removed (the
  server builds the day's chunks first; see :func:`restarts`);
* on a warm server whose builder has written every chunk (how long that took is
  reported): key press to new layers drawn (every layer of the day, the
  chunks it needs included), for day steps within fetched chunks ("a prefetched
  date") and for dates typed in the strip's box that the page never fetched ("a new
  one");
* the page's JavaScript heap after all of it (CDP ``Runtime.getHeapUsage``, after a
  garbage collection).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for path in (REPO, REPO / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from benchmarks import _coldstart, generate  # noqa: E402
from benchmarks.timeline_bench import _PROBE, FRAME, OUT, _pct, latencies_ms  # noqa: E402

SCALE = OUT / "scale"
APP = REPO / "dashboard" / "app.py"
CHUNKS = REPO / "dashboard" / "static" / "timeline" / "chunks"
#: The scale set's own workspace store: another data folder's seed must not mix with it.
WORKSPACE = OUT / "workspace-scale"
#: Dates typed in the strip's box, each at least two chunks from the others.
FAR = ("2026-05-01", "2025-09-10", "2026-01-20", "2025-06-02", "2026-08-15",
       "2025-11-25", "2025-04-10", "2026-03-18")
def _summary(values: list[float]) -> dict[str, Any]:
    return {"n": len(values), "median_ms": statistics.median(values) if values else None,
            "p95_ms": _pct(values, 0.95) if values else None,
            "max_ms": max(values) if values else None, "all": values}


def _drawn(runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [r["drawn_s"] for r in runs]
    return {"runs": len(runs), "median_s": statistics.median(seconds), "min_s": min(seconds),
            "max_s": max(seconds), "all_s": seconds,
            "server_ready_s": [r["server_ready_s"] for r in runs],
            "blocked": [u for r in runs for u in r["blocked"]]}


def restarts(cache: Path, runs: int = 3) -> dict[str, Any]:
    """First zones after a restart: layer cache on disk; chunk files kept, then removed.

    Two starts first: one fills the layer cache (and makes the workspace store if the
    set is new), the next keeps its first map (``dashboard._snapshot``; a page keeps it
    only if the store existed when it began). Then ``runs`` restarts with Chromium open
    before the server starts (an analyst restarting the app), ``runs`` with Chromium
    started once the server answers (as measured before 7 Dec 2026), and one after the
    chunk files are removed (the kept first map no longer holds: the server builds the
    day's chunks first).
    """
    os.environ["BRIEFING_CACHE_DIR"] = str(cache)
    os.environ["BRIEFING_WORKSPACE"] = str(WORKSPACE)
    where = {"frame": _coldstart.OURS[0], "target": _coldstart.OURS[1]}
    try:
        for _ in range(2):
            _coldstart.cold_start(APP, SCALE, **where)
        out = {"restart_browser_open": _drawn(
            [_coldstart.cold_start(APP, SCALE, **where) for _ in range(runs)])}
        out["restart_browser_started_after"] = _drawn(
            [_coldstart.cold_start(APP, SCALE, browser_open=False, **where)
             for _ in range(runs)])
        shutil.rmtree(CHUNKS, ignore_errors=True)
        out["restart_no_chunk_files"] = _drawn([_coldstart.cold_start(APP, SCALE, **where)])
        return out
    finally:
        os.environ.pop("BRIEFING_CACHE_DIR", None)
        os.environ.pop("BRIEFING_WORKSPACE", None)


def _chunks_settle(quiet: float = 5.0, limit: float = 600.0) -> dict[str, float]:
    """Wait until the server's builder has written every chunk (no new file for ``quiet`` s)."""
    start = last_change = time.monotonic()
    count = -1
    while time.monotonic() - last_change < quiet and time.monotonic() - start < limit:
        now = len(list(CHUNKS.glob("*.json"))) if CHUNKS.is_dir() else 0
        if now != count:
            count, last_change = now, time.monotonic()
        time.sleep(0.5)
    return {"files": count, "seconds_until_the_last": last_change - start}


def steps(url: str) -> dict[str, Any]:
    """Key steps within fetched chunks, typed far dates, then the heap."""
    from browser import offline_page

    with offline_page() as (page, log):
        page.goto(f"{url}/?date=2025-03-01")  # the server's first visit: layers, chunks
        page.wait_for_selector(FRAME, timeout=600_000, state="attached")
        built = _chunks_settle()
        page.goto("about:blank")
        start = time.perf_counter()
        page.goto(f"{url}/?date=2025-03-01")
        frame = page.wait_for_selector(FRAME, timeout=600_000, state="attached").content_frame()
        frame.wait_for_function("() => window.__bmTimelineDrawn", timeout=600_000)
        first = time.perf_counter() - start
        page.wait_for_timeout(3000)  # the neighbours' prefetch
        frame.evaluate(_PROBE)
        frame.locator(".bm-tl-range").focus()
        for _ in range(30):
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(150)
        page.wait_for_timeout(1500)
        near = latencies_ms(frame.evaluate("window.__bench"))
        far = []
        box = frame.locator(".bm-tl-input")
        for day in FAR:
            frame.evaluate(_PROBE)
            box.fill(day)
            box.press("Enter")
            frame.wait_for_function(
                f"() => window.__bmTimelineDrawn && window.__bmTimelineDrawn.day === '{day}'",
                timeout=60_000)
            far += latencies_ms(frame.evaluate("window.__bench"))[-1:]
            page.wait_for_timeout(1500)  # the rerun and the prefetch settle
        cdp = page.context.new_cdp_session(page)
        cdp.send("HeapProfiler.collectGarbage")
        heap = cdp.send("Runtime.getHeapUsage")
        shown = frame.evaluate("window.__bmTimelineDrawn.shown")
        return {"chunk_files_built_s": built, "navigation_to_drawn_day_s": first,
                "keys_prefetched": _summary(near),
                "typed_new_dates": _summary(far), "features_on_last_day": shown,
                "js_heap_used_mb": heap["usedSize"] / 1e6,
                "js_heap_total_mb": heap["totalSize"] / 1e6,
                "blocked": list(log.blocked), "page_errors": list(log.page_errors)}


def main() -> int:
    """Measure and print the figures as JSON; also written to benchmarks/out/."""
    from browser import app_server

    if not (SCALE / "control_zones.geojson").is_file():
        generate.write(SCALE, polygons=2000, vertices=2000, dates=100, n_events=100_000)
    cache = OUT / "layer-cache-timeline-scale"
    result: dict[str, Any] = {"restarts": restarts(cache)}
    os.environ["BRIEFING_CACHE_DIR"] = str(cache)
    try:
        with app_server(OUT, env={"BRIEFING_GEODATA": str(SCALE),
                                  "BRIEFING_WORKSPACE": str(WORKSPACE)}, timeout=600) as url:
            result["warm"] = steps(url)
    finally:
        os.environ.pop("BRIEFING_CACHE_DIR", None)
    text = json.dumps(result, indent=1)
    print(text)
    (OUT / "timeline_scale.json").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
