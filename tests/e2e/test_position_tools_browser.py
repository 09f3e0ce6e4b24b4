"""The web map's grid, cursor position and reset button in Chromium, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import offline_page

from layers.core.catalog import load_catalog
from layers.geo.coords import format_dms, to_mgrs
from layers.render import assets, webmap

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
POINTS = [(35.4117, 35.9487), (34.9122, 35.8736), (33.5138, 36.2765), (34.556, 38.267),
          (37.0522, 41.2317)]


def _asset(folder: str, name: str) -> str:
    base = assets.leaflet_dir() if folder == "leaflet" else assets.OWN_ASSETS
    return (base / name).as_uri()


@pytest.fixture
def map_page(tmp_path):
    html = tmp_path / "map.html"
    webmap.base_map(load_catalog(), asset_url=_asset).save(str(html))
    with offline_page() as (page, log):
        page.goto(html.as_uri())
        page.wait_for_function("() => window.__briefingPosition && window.BriefingGrid")
        yield page, log


def _move_to(page, lat: float, lon: float) -> None:
    x, y = page.evaluate("""([lat, lon]) => {
        const m = window.__briefingPosition._map;
        const p = m.latLngToContainerPoint([lat, lon]);
        const r = m.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }""", [lat, lon])
    page.mouse.move(x, y)


def _cursor(page) -> tuple[float, float]:
    return tuple(page.evaluate("() => [window.__briefingPosition._last.lat, "
                               "window.__briefingPosition._last.lng]"))


def test_mgrs_in_the_browser_agrees_with_layers_at_five_points(map_page):
    page, log = map_page
    for lat, lon in POINTS:
        assert page.evaluate("([a, b]) => BriefingGrid.toMgrs(a, b)", [lat, lon]) == \
            to_mgrs(lat, lon)
    page.select_option("select.bm-format-select", "mgrs")
    for lat, lon in POINTS:
        _move_to(page, lat, lon)
        clat, clon = _cursor(page)  # the pixel's position, a few hundred metres off
        shown = page.locator(".bm-cursor-readout").text_content()
        assert shown == to_mgrs(clat, clon)
    page.select_option("select.bm-format-select", "dms")
    _move_to(page, *POINTS[0])
    assert page.locator(".bm-cursor-readout").text_content() == format_dms(*_cursor(page))
    assert log.blocked == [] and log.page_errors == []


def test_grid_follows_the_zoom_and_its_squares_carry_the_references(map_page):
    page, log = map_page
    page.select_option("select.bm-grid-select", "mgrs")
    page.wait_for_timeout(200)
    squares = set(page.locator(".bm-grid-sq").all_text_contents())
    for lat, lon in POINTS:
        assert " ".join(to_mgrs(lat, lon).split()[:2]) in squares
    coarse = page.evaluate("() => window.__briefingPosition.lines")
    page.evaluate("() => window.__briefingPosition._map.setView([34.9, 35.9], 9)")
    page.wait_for_timeout(400)
    numbers = page.locator(".bm-grid-num").all_text_contents()
    assert numbers and all(len(n) == 2 and n.isdigit() for n in numbers)
    assert page.evaluate("() => window.__briefingPosition.lines") > coarse
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-mgrs-grid-zoom9.png"))
    page.select_option("select.bm-grid-select", "graticule")
    assert any("°E" in t for t in page.locator(".bm-grid-num").all_text_contents())
    assert log.blocked == [] and log.page_errors == []


def test_reset_button_returns_to_the_region(map_page):
    page, log = map_page
    page.evaluate("() => window.__briefingPosition._map.setView([30.0, 30.0], 10)")
    page.click("a.bm-home-button")
    page.wait_for_timeout(600)
    centre = page.evaluate("() => window.__briefingPosition._map.getCenter()")
    minx, miny, maxx, maxy = load_catalog().region
    assert minx < centre["lng"] < maxx and miny < centre["lat"] < maxy
    assert log.blocked == [] and log.page_errors == []


def test_area_tool_measures_on_the_ellipsoid(map_page):
    """Four clicks with the area tool: area and perimeter as pyproj's Geod gives them."""
    from pyproj import Geod

    page, log = map_page
    page.click("a.bm-area-button")
    box = page.locator(".leaflet-container").bounding_box()
    for dx, dy in ((0.3, 0.3), (0.7, 0.35), (0.65, 0.75), (0.35, 0.7)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        page.wait_for_timeout(150)
    got = page.evaluate("""() => { const a = window.__briefingArea;
        return {pts: a._points.map((p) => [p.lng, p.lat]), area: a.area, per: a.perimeter,
                text: document.querySelector('.bm-area-readout').textContent}; }""")
    assert len(got["pts"]) == 4
    lons, lats = zip(*got["pts"], strict=True)
    area, perimeter = Geod(ellps="WGS84").polygon_area_perimeter(lons, lats)
    assert got["area"] == pytest.approx(abs(area), rel=2e-4), got
    assert got["per"] == pytest.approx(perimeter, rel=1e-6)
    shown = re.search(r"Area ([\d,.]+) km² · perimeter ([\d.]+) km", got["text"])
    assert shown, got["text"]
    assert float(shown.group(1).replace(",", "")) == pytest.approx(abs(area) / 1e6, rel=3e-4)
    assert float(shown.group(2)) == pytest.approx(perimeter / 1000, abs=0.05)
    page.screenshot(path=str(ARTIFACTS / "map-area-tool.png"))
    assert log.blocked == [] and log.page_errors == []
