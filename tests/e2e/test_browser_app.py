"""Real browser: the dashboard as an analyst meets it, offline, in Debian's Chromium.

One Streamlit server for the module (the suite runs on two cores), pointed at a
copy of geodata/ that also holds a layer whose every text is an attack. Every
request to another host is aborted and recorded; the default view must not make
any. The map lives in streamlit-folium's frame: a marker set on that frame's
``window`` tells whether a date step or a toggle rebuilt it (it must not).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import _hostile
import pytest
from browser import app_server, offline_page, require_chromium, wait_until

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
FRAME = "iframe[title='streamlit_folium.st_folium']"

#: In the map frame: per layer id, the text of each feature's tooltip (parsed inertly).
LAYER_TEXT_JS = """() => {
    const out = {};
    const parse = (html) => new DOMParser().parseFromString(html, "text/html").body.textContent;
    map_div.eachLayer((layer) => {
        if (!layer.feature || !layer.options || !layer.options.className) { return; }
        const cls = layer.options.className.split(" ").find((c) => c.startsWith("bm-layer-"));
        if (!cls) { return; }
        const tip = layer.getTooltip() ? parse(layer.getTooltip().getContent()) : "";
        (out[cls.slice(9)] = out[cls.slice(9)] || []).push(tip);
    });
    return out;
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on a free port, on the hostile copy of geodata/."""
    require_chromium()
    geodata = _hostile.build(tmp_path_factory.mktemp("app") / "geodata")
    with app_server(geodata.parent, {"BRIEFING_GEODATA": str(geodata)}, timeout=60) as url:
        yield url


def _map_frame(page, timeout: float = 60_000):
    """The map's frame, once its first data layer is drawn."""
    handle = page.wait_for_selector(FRAME, timeout=timeout)
    frame = handle.content_frame()
    frame.wait_for_selector("path.bm-layer-installations", state="attached", timeout=timeout)
    return frame


def _layers(frame) -> dict[str, list[str]]:
    return frame.evaluate(LAYER_TEXT_JS)



def test_default_view_draws_the_layers_offline(app_url):
    with offline_page() as (page, log):
        start = time.monotonic()
        page.goto(app_url)
        frame = _map_frame(page)
        first_map = time.monotonic() - start
        page.wait_for_timeout(1500)
        layers = _layers(frame)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app-2024-12-08.png"))
        print(f"first map drawn {first_map:.1f} s after navigation")
        assert log.blocked == [], "the default view must not reach any other host"
        assert log.page_errors == [] and log.dialogs == []
        sites = " | ".join(layers["installations"])
        assert "Tartus naval facility" in sites and "Khmeimim" in sites
        assert len(layers["control_zones"]) >= 5
        assert layers["evacuation_routes"], "a route is drawn on 8 Dec 2024"
        assert "hostile" not in layers, "the hostile layer is off by default"
        # Offline basemap: land drawn as vectors, place names as labels, no tile image.
        assert frame.locator("path.bm-ground").count() >= 5
        assert "Damascus" in frame.locator(".bm-place").all_text_contents()
        assert frame.locator("img.leaflet-tile").count() == 0
        assert "date=2024-12-08" in page.url
        assert first_map < 30


def test_slider_and_toggle_change_the_map_in_place(app_url):
    with offline_page() as (page, log):
        page.goto(app_url)
        frame = _map_frame(page)
        page.wait_for_timeout(1000)
        wait_until(page, lambda: "view=" in page.url, "the map position in the URL")
        frame.evaluate("window.__sameFrame = 42")
        # The analyst zooms in on the coast; a date change must not undo it.
        frame.evaluate("map_div.setView([35.15, 35.95], 9, {animate: false})")
        wait_until(page, lambda: "view=35.15" in page.url, "the URL to follow the zoom")
        before = _layers(frame)
        # Move the map's timeline one day with the keyboard, as an analyst would.
        frame.locator(".bm-tl-range").focus()
        page.keyboard.press("ArrowRight")
        wait_until(page, lambda: "date=2024-12-09" in page.url, "the URL to say 9 Dec")
        wait_until(page, lambda: _layers(frame) != before, "the layers of 9 Dec")
        after = _layers(frame)
        assert frame.evaluate("window.__sameFrame") == 42, "the map frame was rebuilt"
        assert frame.evaluate("map_div.getZoom()") == 9, "the zoom was lost"
        # Kobani and the military police posts start drawing down on 9 Dec.
        assert any("Drawing down" in t for t in after["installations"] if "Kobani" in t)
        assert not any("Drawing down" in t for t in before["installations"] if "Kobani" in t)
        # Switching a layer off removes it, in the same frame.
        page.locator("label").filter(has_text="Russian installations").first.click()
        wait_until(page, lambda: "installations" not in _layers(frame), "installations to go")
        assert frame.locator("path.bm-layer-installations").count() == 0
        assert frame.locator("path.bm-layer-control_zones").count() >= 5
        assert frame.evaluate("window.__sameFrame") == 42
        # The URL is written at the end of the run that drew the map without them.
        wait_until(page, lambda: "installations" not in re.search(
            r"layers=([^&]*)", page.url).group(1), "the URL to leave installations out")
        assert log.blocked == [] and log.page_errors == []


def test_play_steps_through_the_dates_and_pauses(app_url):
    with offline_page() as (page, log):
        page.goto(f"{app_url}/?date=2024-12-01")
        frame = _map_frame(page)
        frame.evaluate("window.__sameFrame = 7")
        frame.select_option(".bm-tl-speed", "2")
        frame.click(".bm-tl-play")
        strip_day = "document.querySelector('.bm-tl').getAttribute('data-day')"
        wait_until(page, lambda: frame.evaluate(strip_day) >= "2024-12-04",
                  "three steps of the animation", timeout=20)
        frame.click(".bm-tl-play")  # pause
        stopped_at = frame.evaluate(strip_day)
        wait_until(page, lambda: f"date={stopped_at}" in page.url, "the URL to hear the pause")
        page.wait_for_timeout(3000)
        assert frame.evaluate(strip_day) == stopped_at, "the animation kept going after Pause"
        assert f"date={stopped_at}" in page.url
        assert frame.evaluate("window.__sameFrame") == 7
        assert log.page_errors == []


def test_hostile_text_stays_text(app_url):
    layers = "control_zones,installations,hostile"
    with offline_page() as (page, log):
        page.goto(f"{app_url}/?date=2024-12-08&layers={layers}")
        frame = _map_frame(page)
        frame.wait_for_selector("path.bm-layer-hostile", state="attached")
        page.wait_for_timeout(1000)
        box = frame.locator("path.bm-layer-hostile").first.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        tip = frame.wait_for_selector(".leaflet-tooltip.bm-tip")
        assert _hostile.IMG in tip.text_content()
        page.mouse.click(x, y)
        popup = frame.wait_for_selector(".bm-popup .leaflet-popup-content")
        text = popup.text_content()
        for attack in _hostile.STRINGS:
            assert attack in text, f"{attack!r} not shown as text"
        assert frame.locator(".bm-popup img, .bm-popup script, .bm-tip img").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app-hostile-popup.png"))
        legend = frame.locator(".bm-legend-control").text_content()
        assert _hostile.LABEL in legend
        # The sidebar: the title as typed, its legend label as text.
        sidebar = page.locator("[data-testid=stSidebar]").text_content()
        assert _hostile.LABEL in sidebar and "${window.__pwned=5}" in sidebar
        page.wait_for_timeout(500)
        assert frame.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert log.page_errors == [] and log.dialogs == []
        assert log.blocked == []


def test_measuring_tool_gives_geodesic_distance(app_url):
    """Two clicks with the ruler on: the readout is the WGS84 distance between them."""
    from pyproj import Geod

    with offline_page() as (page, log):
        page.goto(app_url)
        frame = _map_frame(page)
        frame.click("a.bm-measure-button")
        box = frame.locator("#map_div").bounding_box()
        for dx, dy in ((0.35, 0.5), (0.65, 0.4)):
            page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
            page.wait_for_timeout(300)
        measured = frame.evaluate("""() => {
            const m = window.__briefingMeasure;
            return {pts: m._points.map((p) => [p.lat, p.lng]), total: m.total,
                    text: document.querySelector('.bm-measure-readout').textContent};
        }""")
        assert len(measured["pts"]) == 2
        (lat1, lon1), (lat2, lon2) = measured["pts"]
        _, _, expected = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
        assert abs(measured["total"] - expected) < 1.0, (measured, expected)
        assert f"Total {expected / 1000:.1f} km" in measured["text"]
        assert log.blocked == [] and log.page_errors == []
