"""The swipe in a real Chromium, offline: 26 Nov left of the divider, 8 Dec right, and it drags.

The Compare tab of the dashboard is opened from a link (both dates, the mode, the
divider); inside its frame, what the browser hit-tests left and right of the
divider says which date is drawn there (each zone path carries its date and
feature id). The expected zone at each probed point comes from ``layers`` itself
(the zones as of that date, containing that point). Every non-local request is
aborted and counted: there must be none. A screenshot goes to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import _hostile
import pytest
from browser import app_server, offline_page, require_chromium
from shapely.geometry import Point

from layers.core.catalog import load_catalog
from layers.core.view import layer_as_of
from layers.ingest.catalog_layers import load_catalog_layers

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
NOV26, DEC8 = dt.date(2024, 11, 26), dt.date(2024, 12, 8)
HOMS = (34.73, 36.72)
LINK = ("/?cmp=2024-11-26,2024-12-08&cmode=swipe&split=0.5&cchange=0"
        f"&layers=control_zones,installations,places,{_hostile.LAYER_ID}")

#: Zone paths the browser finds at a point of the map container: [date, feature id, lat, lon].
HIT_JS = """([x, y]) => {
  const r = document.getElementById('maps').getBoundingClientRect();
  const ll = window.compareMap.maps[0].containerPointToLatLng([x, y]);
  return document.elementsFromPoint(r.left + x, r.top + y)
    .filter(e => e.getAttribute && e.getAttribute('data-layer') === 'control_zones')
    .map(e => [e.getAttribute('data-date'), e.getAttribute('data-feature'), ll.lat, ll.lng]);
}"""
CLIP_JS = """() => [document.querySelector('.leaflet-side-a-pane').style.clipPath,
  document.querySelector('.leaflet-side-b-pane').style.clipPath]"""


@pytest.fixture(scope="module")
def geodata(tmp_path_factory) -> Path:
    require_chromium()
    return _hostile.build(tmp_path_factory.mktemp("swipe") / "geodata")


@pytest.fixture(scope="module")
def app_url(geodata: Path) -> Iterator[str]:
    with app_server(geodata.parent, {"BRIEFING_GEODATA": str(geodata)}, timeout=60) as url:
        yield url


@pytest.fixture(scope="module")
def zones(geodata: Path):
    loaded = load_catalog_layers(load_catalog(geodata / "catalog.toml"))
    spec = next(s for s in loaded.specs() if s.kind == "control_zones")
    return {d: layer_as_of(spec, loaded.frames[spec.id], d) for d in (NOV26, DEC8)}


def expected_zone(zones, day: dt.date, lat: float, lon: float) -> str:
    frame = zones[day]
    hits = frame[frame.geometry.covers(Point(lon, lat))]
    assert len(hits) == 1, (day, lat, lon, list(hits["id"]))
    return str(hits["id"].iloc[0])


def compare_frame(page):
    deadline = 90_000
    page.get_by_role("tab", name="Compare").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].some(f => { try { return "
        "f.contentWindow.compareMap && f.contentWindow.compareMap.maps.length; } "
        "catch (e) { return false; } })", timeout=deadline)
    frame = next(f for f in page.frames if f.evaluate("() => !!window.compareMap"))
    frame.frame_element().scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    return frame


def hit(frame, x: float, y: float) -> tuple[str, str, float, float]:
    found = frame.evaluate(HIT_JS, [x, y])
    assert len(found) == 1, f"expected one zone (one date) at {x},{y}: {found}"
    return tuple(found[0])


def drag_divider_to(page, frame, x: float) -> None:
    frame.locator("#divider .grip").scroll_into_view_if_needed()
    grip = frame.locator("#divider .grip").bounding_box()
    box = frame.frame_element().bounding_box()
    left = frame.evaluate("() => document.getElementById('maps').getBoundingClientRect().left")
    sx, sy = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move(box["x"] + left + x, sy, steps=12)
    page.mouse.up()


def test_swipe_shows_26_nov_left_and_8_dec_right_and_the_divider_drags(app_url, zones):
    with offline_page((1500, 1300)) as (page, log):
        page.goto(app_url + LINK)
        frame = compare_frame(page)
        tags = frame.evaluate("() => [document.getElementById('tag-a').textContent, "
                              "document.getElementById('tag-b').textContent]")
        assert tags == ["26 Nov 2024", "8 Dec 2024"]
        x, y, width = frame.evaluate(
            "([lat, lon]) => { const m = window.compareMap.maps[0]; "
            "const p = m.latLngToContainerPoint([lat, lon]); return [p.x, p.y, m.getSize().x]; }",
            list(HOMS))
        assert frame.evaluate("() => window.compareMap.split") == 0.5
        # Homs lies west of the middle: with the divider at half, it shows 26 Nov ...
        assert x < width * 0.5 - 60
        day, fid, lat, lon = hit(frame, x, y)
        assert (day, fid) == ("2024-11-26", expected_zone(zones, NOV26, lat, lon))
        # ... and a point right of the divider shows 8 Dec.
        day, fid, lat, lon = hit(frame, width * 0.5 + 40, y)
        assert (day, fid) == ("2024-12-08", expected_zone(zones, DEC8, lat, lon))

        before = frame.evaluate(CLIP_JS)
        drag_divider_to(page, frame, x)
        split = frame.evaluate("() => window.compareMap.split")
        assert abs(split - x / width) < 0.01, (split, x / width)
        after = frame.evaluate(CLIP_JS)
        assert after != before and all("polygon(" in c for c in after)
        divider = frame.locator("#divider").bounding_box()
        assert abs(divider["x"] + divider["width"] / 2 - (frame.frame_element().bounding_box()
                                                          ["x"] + x)) < 4
        # The clip followed: 40 px either side of Homs now shows one date each.
        day_l, fid_l, lat, lon = hit(frame, x - 40, y)
        assert (day_l, fid_l) == ("2024-11-26", expected_zone(zones, NOV26, lat, lon))
        day_r, fid_r, lat, lon = hit(frame, x + 40, y)
        assert (day_r, fid_r) == ("2024-12-08", expected_zone(zones, DEC8, lat, lon))
        assert fid_l != fid_r  # Homs changed hands in between

        ARTIFACTS.mkdir(exist_ok=True)
        frame.frame_element().screenshot(path=str(ARTIFACTS / "swipe_dragged.png"))
        assert frame.evaluate("() => window.__pwned") is None
        assert page.evaluate("() => window.__pwned") is None
        assert log.blocked == [], log.blocked
        assert not log.page_errors, log.page_errors


def test_pair_moves_together_offline(app_url):
    with offline_page((1500, 1300)) as (page, log):
        page.goto(app_url + LINK.replace("cmode=swipe", "cmode=pair"))
        frame = compare_frame(page)
        assert frame.evaluate("() => window.compareMap.maps.length") == 2
        dates = frame.evaluate("() => [...new Set([...document.querySelectorAll("
                               "'#map-a path[data-date]')].map(p => p.dataset.date))]")
        assert dates == ["2024-11-26"]
        frame.evaluate("() => window.compareMap.maps[0].setView([35.2, 36.8], 9, "
                       "{animate: false})")
        view_b = frame.evaluate("() => { const m = window.compareMap.maps[1]; "
                                "const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }")
        assert view_b[2] == 9 and abs(view_b[0] - 35.2) < 1e-6 and abs(view_b[1] - 36.8) < 1e-6
        assert log.blocked == [], log.blocked
        assert not log.page_errors, log.page_errors
