"""Real browser: hostile and broken uploads run nothing, explain themselves, break nothing.

Starts the app with the venv's Streamlit on a free local port, uploads files
through the page's own ``input[type=file]`` and looks at what Chromium shows:
the error messages, the uploaded layer drawn on the map, tooltips and popups
of features whose every value is a script, and the catalog's zones still drawn.
A script that ran would set ``window.__pwned`` (in the page or the map frame)
or open a dialog.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import app_server, offline_page, require_chromium

from layers.core.catalog import load_catalog
from layers.ingest.upload import CATEGORY_COLORS, PALETTE

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "bad_files"
HOSTILE_NAME = "<img src=x onerror=window.__pwned=1>.geojson"
ZONE_COLORS = {c.lower() for c in load_catalog().get("control_zones").style["colors"].values()}
SITES = (b'{"type":"FeatureCollection","features":['
         + b",".join(b'{"type":"Feature","properties":{"id":"%s","name":"%s","valid_from":'
                     b'"2024-12-01","source":"test","confidence":"high"},"geometry":'
                     b'{"type":"Point","coordinates":[%s]}}' % row for row in (
                         (b"tartus", b"Tartus", b"35.8867,34.9117"),
                         (b"khmeimim", b"Khmeimim", b"35.9486,35.4011"),
                         (b"damascus", b"Damascus", b"36.2913,33.5102")))
         + b"]}")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    """The dashboard served by Streamlit on a free port, for this module's tests."""
    require_chromium()
    with app_server(tmp_path_factory.mktemp("streamlit"),
                    {"BRIEFING_MAX_UPLOAD_MB": "5"}) as url:
        yield url


def map_frame(page):
    for frame in page.frames:
        if "st_folium" in frame.url:
            return frame
    return None


def fills(frame) -> list[str]:
    return frame.evaluate("() => Array.from(document.querySelectorAll('path'))"
                          ".map(p => (p.getAttribute('fill') || '').toLowerCase())")


def wait_for(page, predicate, timeout: float = 30.0, what: str = "condition"):
    """Poll ``predicate`` while letting Playwright process the page's events."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # frames are replaced while Streamlit reruns
            value = None
        if value:
            return value
        page.wait_for_timeout(300)
    raise AssertionError(f"timed out waiting for {what}")


def map_fills(page) -> list[str]:
    """Fill colours of the paths in the map frame as it is now (empty while it reloads)."""
    frame = map_frame(page)
    return fills(frame) if frame is not None else []


def zone_count(page) -> int:
    return sum(f in ZONE_COLORS for f in map_fills(page))


def open_app(page, url: str) -> int:
    """Load the page, wait for the zones; return how many zone paths are drawn."""
    page.goto(url, wait_until="domcontentloaded")
    zones = wait_for(page, lambda: zone_count(page), 120, "the catalog's zones to be drawn")
    page.get_by_text("Your layers").click()
    page.locator("input[type=file]").first.wait_for(state="attached")
    return zones


def upload(page, files: list[tuple[str, bytes]]) -> None:
    page.locator("input[type=file]").first.set_input_files(
        [{"name": n, "mimeType": "application/octet-stream", "buffer": d} for n, d in files])


def poke(frame, path) -> str:
    """Hover and click one feature (by event, even under others); the text that opened."""
    path.dispatch_event("mouseover")
    path.dispatch_event("click")
    path.page.wait_for_timeout(300)
    return frame.evaluate("() => Array.from(document.querySelectorAll("
                          "'.leaflet-tooltip, .leaflet-popup')).map(e => e.textContent)"
                          ".join(' | ')")


def nothing_ran(page, log) -> None:
    for frame in page.frames:
        assert frame.evaluate("() => window.__pwned") is None, frame.url
        assert frame.evaluate("() => document.querySelectorAll('img[src=\"x\"], svg[onload]')"
                              ".length") == 0, frame.url
    assert log.dialogs == []
    assert not [e for e in log.page_errors if "pwned" in e]


def test_hostile_and_broken_files_run_nothing_and_keep_the_map(app_url):
    with offline_page((1400, 1000)) as (page, log):
        zones_before = open_app(page, app_url)
        upload(page, [(HOSTILE_NAME, (CORPUS / "hostile.geojson").read_bytes()),
                      ("bad-coordinates.geojson",
                       (CORPUS / "bad-coordinates.geojson").read_bytes()),
                      ("zip-slip.zip", (CORPUS / "zip-slip.zip").read_bytes()),
                      ("not-json.geojson", (CORPUS / "not-json.geojson").read_bytes())])
        errors = page.locator("[data-testid=stAlertContentError]")
        wait_for(page, lambda: errors.count() == 3, 60, "three error reports")
        text = " ".join(errors.all_inner_texts())
        assert "bad-coordinates.geojson was not loaded (1 problem)" in text
        assert "feature 'khmeimim' (#0): has a malformed geometry: coordinates of the Point " \
            "holds text '35.9486', which is not a finite number." in text
        assert "unsafe path '../evil.shp'" in text and "zip path traversal" in text
        assert "is not valid JSON (line 2, column 49)" in text
        # the hostile file loaded: its name and values are shown as text
        sidebar = page.locator("[data-testid=stSidebar]")
        assert f"{HOSTILE_NAME} loaded." in sidebar.inner_text()
        hostile_colors = set(CATEGORY_COLORS[:3])
        wait_for(page, lambda: hostile_colors & set(map_fills(page)), 60,
                 "the uploaded layer on the map")
        assert len([f for f in map_fills(page) if f in hostile_colors]) == 3
        assert zone_count(page) >= zones_before > 0  # the catalog's layers are still drawn
        frame = map_frame(page)
        # hover and click every uploaded feature: tooltips and popups show the text
        shown = [poke(frame, frame.locator(f"path[fill='{c}' i]").first)
                 for c in sorted(hostile_colors)]
        joined = " ".join(shown)
        assert "<img src=x onerror=window.__pwned=1>" in joined
        assert "`${window.__pwned=1}`" in joined
        nothing_ran(page, log)


def test_valid_upload_is_drawn_and_removed(app_url):
    with offline_page((1400, 1000)) as (page, log):
        zones = open_app(page, app_url)
        # Layers kept in the workspace by earlier tests come back in this session and
        # took the first colours: the new layer gets the next one of the palette.
        before = set(map_fills(page))
        upload(page, [("sites.geojson", SITES)])

        def new_colour() -> str | None:
            fills_now = map_fills(page)
            return next((c for c in PALETTE if c not in before and fills_now.count(c) >= 3),
                        None)

        colour = wait_for(page, new_colour, 60, "three uploaded points")
        assert map_fills(page).count(colour) == 3
        assert "sites.geojson · 3 features" in page.locator(
            "[data-testid=stSidebar]").inner_text()
        page.locator(".st-key-uploads-remove-upload-sites button:visible").first.click()
        # The frame rebuilds its layers for the new pack (a moment with none drawn): wait
        # for the zones to be back as well as for the upload to be gone.
        wait_for(page, lambda: zone_count(page) >= zones and colour not in map_fills(page),
                 60, "the layer to go and the zones to stay")
        assert zone_count(page) >= zones
        nothing_ran(page, log)


def test_oversized_file_is_refused_with_the_limit(app_url):
    """BRIEFING_MAX_UPLOAD_MB=5 for this server: a 6 MB file is refused, with the figure."""
    with offline_page((1400, 1000)) as (page, log):
        open_app(page, app_url)
        assert "Up to 5 MiB" in page.locator("[data-testid=stSidebar]").inner_text()
        upload(page, [("big.geojson", b" " * (6 * 1024 * 1024))])
        sidebar = page.locator("[data-testid=stSidebar]")
        message = wait_for(page, lambda: re.search(r"must be ([\d.]+) ?MB or smaller|over the "
                                                   r"limit of ([\d.]+) MiB", sidebar.inner_text()),
                           60, "the size message")
        assert float(message.group(1) or message.group(2)) == 5
        nothing_ran(page, log)


def test_exported_html_with_a_hostile_upload_runs_nothing(tmp_path):
    """The standalone HTML export, opened from disk: hover and click every feature."""
    from layers.core.view import MapView
    from layers.export.files import export_bytes
    from layers.ingest.catalog_layers import load_catalog_layers
    from layers.ingest.upload import load_upload

    loaded = load_catalog_layers()
    overlay, _ = load_upload((CORPUS / "hostile.geojson").read_bytes(), HOSTILE_NAME)
    view = MapView.create("2024-12-08", [*loaded.catalog.ids, overlay.spec.id],
                          overlays=(overlay,))
    page_file = tmp_path / "export.html"
    page_file.write_bytes(export_bytes(loaded, view, "html"))
    with offline_page((1400, 1000)) as (page, log):
        page.goto(page_file.as_uri())
        paths = page.locator("path.leaflet-interactive")
        wait_for(page, lambda: paths.count() > 0, 60, "the exported map")
        shown = [poke(page, page.locator(f"path[fill='{c}' i]").first)
                 for c in CATEGORY_COLORS[:3]]
        joined = " ".join(shown)
        assert "<img src=x onerror=window.__pwned=1>" in joined
        assert "`${window.__pwned=1}`" in joined
        assert HOSTILE_NAME in page.evaluate("() => document.body.innerText")
        nothing_ran(page, log)
        assert log.blocked == []
