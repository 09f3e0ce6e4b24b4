"""Real browser: a big layer's timeline comes in date chunks, and every day is whole.

A small synthetic set (``benchmarks/generate.py``) with 6,000 events, over the
threshold at which a layer is cut into date chunks: the map draws exactly the events
the layer holds on the opening day, on a day a key step reaches and on a typed day
far away (fetched then, its chunks maybe not built yet); no request leaves the host.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import app_server, offline_page, require_chromium, wait_until

from benchmarks import generate
from layers.core.catalog import load_catalog
from layers.core.view import MapView, view_layers
from layers.ingest.catalog_layers import load_catalog_layers

pytestmark = pytest.mark.browser

FRAME = "iframe[title='streamlit_folium.st_folium']"
#: Events on the map now, by the timeline's own state (chunked entries are in S.live).
DRAWN_JS = """() => {
    const S = window.BMTimeline.state, i = S.pack.layers.findIndex((l) => l.id === 'events');
    const box = map_div.getContainer();
    return {day: box.getAttribute('data-bm-day'), loading: box.hasAttribute('data-bm-loading'),
            streamed: S.streams.length, events: S.live.filter((e) => e.on).length
                + S.entries.filter((e) => e.group === S.groups[i] && e.on).length,
            paths: document.querySelectorAll('path.bm-layer-events').length};
}"""


@pytest.fixture(scope="module")
def geodata(tmp_path_factory) -> Path:
    return generate.write(tmp_path_factory.mktemp("streamed") / "geodata", polygons=40,
                          vertices=40, dates=20, n_events=6000)


@pytest.fixture(scope="module")
def app_url(geodata, tmp_path_factory) -> Iterator[str]:
    require_chromium()
    with app_server(tmp_path_factory.mktemp("streamed-app"), timeout=120,
                    env={"BRIEFING_GEODATA": str(geodata)}) as url:
        yield url


def _expected_events(geodata: Path, day: dt.date) -> int:
    loaded = load_catalog_layers(load_catalog(geodata / "catalog.toml"))
    shown = dict((s.id, f) for s, f in view_layers(
        loaded, MapView.create(day.isoformat(), loaded.catalog.ids)))
    return len(shown["events"])


def _whole(page, frame, day: dt.date) -> dict:
    wait_until(page, lambda: (lambda d: d["day"] == day.isoformat() and not d["loading"])(
        frame.evaluate(DRAWN_JS)), f"the map to draw all of {day}", timeout=60)
    return frame.evaluate(DRAWN_JS)


def test_each_day_is_drawn_whole_from_its_chunks(app_url, geodata):
    with offline_page() as (page, log):
        page.goto(f"{app_url}/?date=2025-01-20")
        frame = page.wait_for_selector(FRAME, timeout=120_000).content_frame()
        frame.wait_for_function("() => window.BMTimeline && window.BMTimeline.state.pack",
                                timeout=120_000)
        first = _whole(page, frame, dt.date(2025, 1, 20))
        assert first["streamed"] == 1  # the events layer comes in chunks
        assert first["events"] == _expected_events(geodata, dt.date(2025, 1, 20)) > 100
        assert first["paths"] >= first["events"]

        frame.locator(".bm-tl-range").focus()
        for _ in range(9):
            page.keyboard.press("ArrowRight")
        stepped = _whole(page, frame, dt.date(2025, 1, 29))
        assert stepped["events"] == _expected_events(geodata, dt.date(2025, 1, 29))

        box = frame.locator(".bm-tl-input")
        box.fill("2 Apr 2025")
        box.press("Enter")
        far = _whole(page, frame, dt.date(2025, 4, 2))
        page.wait_for_timeout(2500)  # the settled date's rerun names the day's chunks again
        assert far["events"] == _expected_events(geodata, dt.date(2025, 4, 2)) > 100
        got = frame.evaluate("() => performance.getEntriesByType('resource')"
                             ".filter((r) => r.name.includes('/chunks/'))"
                             ".map((r) => [r.name, r.responseStatus])")
        assert got and all(u.startswith(app_url) for u, _ in got)
        # each chunk comes once (a 404, not built yet, is asked again), though every
        # settled date reruns the page and names the day's chunks again
        loaded = [u for u, status in got if status == 200]
        assert len(loaded) == len(set(loaded)), sorted(loaded)
        assert log.blocked == [] and log.page_errors == []
