"""Browser-side timeline (issue 11): the map frame steps and plays the date itself.

``.venv/bin/python benchmarks/timeline_bench.py`` starts the app on the default
data, warms it with one visit, then in offline Chromium measures:

* navigation to the first drawn zones on the warm server (new page each time): when
  the first zone entered the frame's document, on the page's clock (a MutationObserver
  in the map frame, the same for both pages), and when Playwright's wait saw it;
* key press to new layers drawn: the key event's timestamp to the end of the
  animation frame that added/removed the day's layers, both read in the frame;
* play: dates drawn per second at the strip's top speed;
* bytes the websocket brought per date step (CDP ``Network.webSocketFrameReceived``,
  payloads as the page sees them, i.e. after permessage-deflate), over the key steps;
* the same navigation and key steps on the straightforward page
  (``benchmarks/naive.py``) in the same run, on the same machine, beside ours.

At scale the timeline is streamed in date chunks; ``benchmarks/timeline_scale.py``
measures that (``run.py --timeline-scale``).
"""

from __future__ import annotations

import base64
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for path in (REPO, REPO / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

FRAME = "iframe[title='streamlit_folium.st_folium']"
OUT = REPO / "benchmarks" / "out"
#: In the frame: note each key's timestamp and each drawn day (timeline.js sets it).
_PROBE = """() => {
    window.__bench = {keys: [], draws: []};
    document.addEventListener('keydown', (e) => window.__bench.keys.push(e.timeStamp), true);
    let last = null;
    const poll = () => {
        const d = window.__bmTimelineDrawn;
        if (d && d.at !== last) { last = d.at; window.__bench.draws.push([d.day, d.at]); }
        requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
}"""


#: In the map frame: the moment (on the page's clock, ms since its navigation started) the
#: first zone path entered the document, noted by a MutationObserver (run right after the
#: change, before anything else the main thread has queued). Playwright's own wait sees
#: it later when the main thread is busy, so both pages are also timed this way. Installed
#: as soon as the frame's document is there (an init script would watch the frame's first,
#: empty document, which the frame's page replaces).
_ZONES_AT = """() => {
    const wanted = 'path.bm-layer-control_zones, path.naive-zones';
    const note = () => {
        if (window.__zonesAt || !document.querySelector(wanted)) { return !!window.__zonesAt; }
        window.__zonesAt = performance.timeOrigin + performance.now()
            - window.top.performance.timeOrigin;
        return true;
    };
    if (!note()) {
        new MutationObserver((_, obs) => { if (note()) { obs.disconnect(); } })
            .observe(document, {childList: true, subtree: true});
    }
}"""


def _watch_zones(frame: Any) -> None:
    """Install :data:`_ZONES_AT` in ``frame`` once its own document has replaced the blank."""
    frame.wait_for_function("() => location.href !== 'about:blank' && document.body",
                            timeout=120_000, polling=5)
    frame.evaluate(_ZONES_AT)


def _zones_at(frame: Any) -> float | None:
    """Seconds from the page's navigation to its first drawn zone (see :data:`_ZONES_AT`)."""
    at = frame.evaluate("() => window.__zonesAt || null")
    return float(at) / 1000 if at else None


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _open(page: Any, url: str) -> tuple[Any, float, float | None]:
    """Open ``url``: its map frame, seconds until Playwright saw zones, and until drawn."""
    start = time.perf_counter()
    page.goto(url)
    frame = page.wait_for_selector(FRAME, timeout=120_000, state="attached").content_frame()
    _watch_zones(frame)
    frame.wait_for_selector("path.bm-layer-control_zones", state="attached", timeout=120_000)
    seen = time.perf_counter() - start
    frame.wait_for_function("() => window.BMTimeline && window.BMTimeline.state.pack")
    return frame, seen, _zones_at(frame)


def _ws_bytes(cdp: Any) -> list[int]:
    sizes: list[int] = []

    def on_frame(event: dict) -> None:
        payload = event["response"]["payloadData"]
        binary = event["response"].get("opcode") == 2
        sizes.append(len(base64.b64decode(payload)) if binary else len(payload.encode()))

    cdp.on("Network.webSocketFrameReceived", on_frame)
    cdp.send("Network.enable")
    return sizes


def latencies_ms(bench: dict[str, Any]) -> list[float]:
    """Each noted key press to the first day drawn after it (see :data:`_PROBE`)."""
    out = []
    for key in bench["keys"]:
        after = [at for _, at in bench["draws"] if at >= key]
        if after:
            out.append(after[0] - key)
    return out


def key_steps(page: Any, frame: Any, steps: int, gap_ms: int) -> dict[str, Any]:
    """``steps`` ArrowRight presses ``gap_ms`` apart; latency of each to its drawn layers."""
    frame.evaluate(_PROBE)
    frame.locator(".bm-tl-range").focus()
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(gap_ms)
    page.wait_for_timeout(1500)  # the settled date's rerun
    latencies = latencies_ms(frame.evaluate("window.__bench"))
    return {"steps": steps, "gap_ms": gap_ms, "median_ms": statistics.median(latencies),
            "p95_ms": _pct(latencies, 0.95), "max_ms": max(latencies)}


def play(frame: Any, speed: str = "20", seconds: float = 4.0) -> dict[str, Any]:
    """Play from the first day at ``speed`` dates/s; distinct dates drawn per second."""
    frame.evaluate(_PROBE)
    frame.evaluate("window.BMTimeline.view(window.BMTimeline.state.lo)")
    frame.select_option(".bm-tl-speed", speed)
    frame.click(".bm-tl-play")
    time.sleep(seconds)
    frame.click(".bm-tl-play")
    draws = frame.evaluate("window.__bench.draws")
    days = [d for d, _ in draws]
    span = (draws[-1][1] - draws[0][1]) / 1000 if len(draws) > 1 else float("nan")
    return {"speed": int(speed), "dates": len(set(days)),
            "dates_per_s": (len(set(days)) - 1) / span if span else float("nan")}


def naive_page(runs: int = 3, steps: int = 5) -> dict[str, Any]:
    """The straightforward page: navigation to its zones (warm), key press to new zones."""
    from browser import app_server, offline_page

    from benchmarks import _coldstart

    frame_sel, target = _coldstart.NAIVE
    script = _coldstart.naive_launcher(OUT / "naive-timeline")
    with app_server(OUT, timeout=120, script=str(script)) as url, \
            offline_page() as (page, log):
        def navigate() -> tuple[float, float | None]:
            start = time.perf_counter()
            page.goto(f"{url}/?date=2024-12-01")
            frame = page.wait_for_selector(frame_sel, timeout=120_000,
                                           state="attached").content_frame()
            _watch_zones(frame)
            frame.wait_for_selector(target, state="attached", timeout=120_000)
            return time.perf_counter() - start, _zones_at(frame)

        navigate()  # warm
        seen, drawn_at = [], []
        for _ in range(runs):
            page.goto("about:blank")
            waited, at = navigate()
            seen.append(waited)
            drawn_at.append(at)
        port = int(url.rsplit(":", 1)[1])
        moved = _coldstart.browser_steps(page, frame_sel, port, steps, naive=True)
        drawn = [m["drawn_ms"] for m in moved]
        drawn_s = [a for a in drawn_at if a is not None]
        return {"navigation_to_zones_s": {"median": statistics.median(drawn_s) if drawn_s
                                          else None, "all": drawn_at},
                "navigation_to_zones_seen_s": {"median": statistics.median(seen), "all": seen},
                "keys": {"steps": len(drawn),
                         "median_ms": statistics.median(drawn) if drawn else None,
                         "p95_ms": _pct(drawn, 0.95) if drawn else None,
                         "wire_bytes_per_step": statistics.median(
                             [m["wire_bytes"] for m in moved]) if moved else None},
                "blocked": list(log.blocked)}


def main() -> int:
    """Measure and print the figures as JSON; also written to benchmarks/out/."""
    from browser import app_server, offline_page

    OUT.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {}
    result["naive"] = naive_page()
    with app_server(OUT, timeout=120) as url, offline_page() as (page, log):
        _open(page, f"{url}/?date=2024-12-01")  # warm the server (layers, pack file)
        seen, drawn = [], []
        for _ in range(5):
            page.goto("about:blank")
            _, waited, at = _open(page, f"{url}/?date=2024-12-01")
            seen.append(waited)
            drawn.append(at)
        drawn_s = [a for a in drawn if a is not None]
        result["navigation_to_zones_s"] = {
            "median": statistics.median(drawn_s) if drawn_s else None, "all": drawn}
        result["navigation_to_zones_seen_s"] = {"median": statistics.median(seen),
                                                "all": seen}
        cdp = page.context.new_cdp_session(page)
        sizes = _ws_bytes(cdp)
        frame, _, _ = _open(page, f"{url}/?date=2024-12-01")
        page.wait_for_timeout(2000)
        sizes.clear()
        fast = key_steps(page, frame, 30, 120)
        result["keys_120ms"] = {**fast, "ws_bytes": sum(sizes),
                                "ws_bytes_per_step": sum(sizes) / fast["steps"]}
        sizes.clear()
        slow = key_steps(page, frame, 10, 900)
        result["keys_900ms"] = {**slow, "ws_bytes": sum(sizes),
                                "ws_bytes_per_settled_step": sum(sizes) / slow["steps"]}
        sizes.clear()
        result["play"] = play(frame)
        page.wait_for_timeout(1500)
        result["play"]["ws_bytes"] = sum(sizes)
        result["play"]["ws_bytes_per_date"] = sum(sizes) / max(1, result["play"]["dates"])
        result["blocked"] = list(log.blocked)
    text = json.dumps(result, indent=1)
    print(text)
    (OUT / "timeline_bench.json").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
