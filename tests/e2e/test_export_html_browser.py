"""The standalone HTML export in a real Chromium, with every non-local request aborted:
it draws the features of the date, its slider changes them, hostile text stays text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from browser import offline_page
from export_fixtures import HOSTILE, load_fixture

from layers.core.catalog import LayerSpec
from layers.core.view import MapView, Overlay, view_layers
from layers.export.files import export_file
from layers.ingest.catalog_layers import load_catalog_layers

pytestmark = pytest.mark.browser

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "</script><script>window.__pwned=2</script>"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("geodata"))


def screen_ids(loaded, view) -> dict[str, set[str]]:
    return {spec.id: {str(i) for i in frame["id"]} for spec, frame in view_layers(loaded, view)}


def leaflet_paths(geoms) -> int:
    """SVG paths Leaflet draws: one per (multi)polygon or line, one per point."""
    return sum(len(g.geoms) if g.geom_type == "MultiPoint" else 1 for g in geoms)


def drawn(page) -> tuple[str, dict[str, set[str]], int]:
    state = page.evaluate("({day: window.briefingMap.state.day, "
                          "shown: window.briefingMap.state.shown})")
    count = page.locator(".leaflet-pane path.leaflet-interactive").count()
    return state["day"], {k: set(v) for k, v in state["shown"].items()}, count


def open_page(page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_selector('body[data-ready="1"]', timeout=15_000)


def slide_to(page, day: str) -> None:
    index = page.evaluate("d => window.briefingMap.data.dates.indexOf(d)", day)
    assert index >= 0, day
    page.evaluate("i => { const s = document.getElementById('slider'); s.value = i; "
                  "s.dispatchEvent(new Event('input')); }", index)


def test_draws_the_date_offline_and_the_slider_moves_it(loaded, tmp_path):
    view = MapView.create("2024-12-08", loaded.catalog.ids)
    out = export_file(loaded, view, tmp_path / "map.html")
    with offline_page() as (page, log):
        open_page(page, out)
        day, shown, paths = drawn(page)
        assert day == "2024-12-08"
        assert shown == screen_ids(loaded, view)
        assert paths == leaflet_paths(g for _, f in view_layers(loaded, view)
                                      for g in f.geometry)
        assert page.locator("#asof").inner_text() == "As of 8 December 2024"
        later = MapView.create("2024-12-15", loaded.catalog.ids)
        slide_to(page, "2024-12-15")
        day, shown_later, paths_later = drawn(page)
        assert day == "2024-12-15" and shown_later == screen_ids(loaded, later)
        assert shown_later["evacuation_routes"] == {"r-road", "r-air"}
        assert shown_later != shown and paths_later != paths
        page.click("#prev")
        assert drawn(page)[0] < "2024-12-15"
        assert page.locator(".banner").first.inner_text() == "UNCLASSIFIED // OPEN SOURCE"
        assert page.locator(".leaflet-tooltip.map-label").count() >= 2  # sites named
        page.uncheck("#layers input >> nth=0")  # switch the zones off
        assert page.locator(".leaflet-pane path.leaflet-interactive").count() < paths_later
    assert log.blocked == [] and log.page_errors == [] and log.console_errors == []


def test_hostile_text_is_shown_as_text_and_never_runs(loaded, tmp_path):
    spec = LayerSpec(id="upload", title=IMG, path=Path(""), kind="generic",
                     style={"color": "red;background:url(https://example.org/x.png)"})
    frame = gpd.GeoDataFrame({"id": ["u1", "u2"], "name": [SCRIPT, IMG],
                              "source": [IMG, SCRIPT], "confidence": ["low", "high"],
                              "notes": ["${window.__pwned=3}", "`x`"]},
                             geometry=[shapely.Point(37.0, 35.0),
                                       shapely.box(37.5, 35.5, 38.0, 36.0)], crs="EPSG:4326")
    frame["valid_from"] = gpd.pd.to_datetime(["2024-12-01", "2024-12-01"])
    frame["valid_to"] = gpd.pd.NaT
    view = MapView.create("2024-12-08", [*loaded.catalog.ids, "upload"], title=SCRIPT,
                          overlays=(Overlay(spec, frame),))
    out = export_file(loaded, view, tmp_path / "hostile.html",
                      made=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), handling=IMG)
    with offline_page() as (page, log):
        open_page(page, out)
        page.evaluate("window.briefingMap.map.eachLayer(l => { if (l.getTooltip && "
                      "l.getTooltip()) { l.openTooltip(); } })")
        for box in page.locator(".leaflet-interactive").all()[:40]:
            box.hover(force=True)
        assert page.evaluate("window.__pwned") is None
        assert page.locator('img[src="x"]').count() == 0
        assert page.locator("h1").inner_text() == SCRIPT
        assert page.locator(".banner").first.inner_text() == IMG
        titles = page.locator("#layers .legend-title").all_inner_texts()
        assert IMG in titles
        assert HOSTILE in page.locator("body").inner_text() or \
            HOSTILE in page.evaluate("document.body.textContent")
        shown = page.evaluate("window.briefingMap.state.shown")
        assert set(shown["upload"]) == {"u1", "u2"}
    assert log.dialogs == [] and log.page_errors == []
    assert log.blocked == []  # the bad colour never reached a style that fetches


def test_the_real_briefing_map_opens_offline(tmp_path):
    loaded = load_catalog_layers()
    view = MapView.create("2024-12-08", loaded.catalog.ids)
    out = export_file(loaded, view, tmp_path / "syria.html")
    with offline_page() as (page, log):
        open_page(page, out)
        _, shown, paths = drawn(page)
        assert shown == screen_ids(loaded, view)
        assert paths == leaflet_paths(g for _, f in view_layers(loaded, view)
                                      for g in f.geometry)
        zone_fills = page.evaluate("Array.from(document.querySelectorAll("
                                   "'.leaflet-zones-pane path')).map(p => p.getAttribute('fill'))")
        assert "#e0b100" in zone_fills  # the SDF's yellow
        slide_to(page, loaded.catalog.start)
        assert drawn(page)[1] == screen_ids(loaded, MapView.create(loaded.catalog.start,
                                                                   loaded.catalog.ids))
    assert log.blocked == [] and log.page_errors == [] and log.console_errors == []
