"""Real browser, offline: the analyst's marks on the app's map on 8 Dec, after a reload too.

The marks come from the workspace file (where the app saves them); the arrow and
the callout are dated 8 Dec only, so the map of 8 Dec shows the callout's box with
its text as text, and the standalone HTML export draws the same marks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from annotation_fixtures import CALLOUT_TEXT, collection
from browser import app_server, offline_page, require_chromium

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
FRAME = "iframe[title='streamlit_folium.st_folium']"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_chromium()
    workspace = tmp_path_factory.mktemp("workspace")
    (workspace / "annotations.geojson").write_bytes(collection())
    with app_server(workspace, {"BRIEFING_WORKSPACE": str(workspace)}, timeout=90) as url:
        yield url


def _callouts(page) -> list[str]:
    frame = page.wait_for_selector(FRAME, timeout=90_000).content_frame()
    frame.wait_for_selector(".bm-ann-callout", state="attached", timeout=60_000)
    return frame.evaluate("() => [...document.querySelectorAll('.bm-ann-callout')]"
                          ".map((n) => n.textContent)")


def test_marks_on_the_map_on_8_dec_and_after_a_reload(app_url):
    with offline_page() as (page, log):
        page.goto(f"{app_url}/?date=2024-12-08")
        texts = _callouts(page)
        assert [t.replace("\n", " ") for t in texts] == [CALLOUT_TEXT]
        frame = page.wait_for_selector(FRAME).content_frame()
        assert frame.evaluate("() => document.querySelectorAll('.bm-ann-head').length") == 2
        assert frame.evaluate("() => window.__pwned === undefined")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "annotations-8dec.png"))
        page.reload()
        assert [t.replace("\n", " ") for t in _callouts(page)] == [CALLOUT_TEXT]
        assert log.blocked == [] and log.page_errors == []


def test_the_html_export_draws_the_marks(tmp_path):
    from export_fixtures import load_fixture

    from layers.core.view import MapView
    from layers.export.files import export_bytes
    from layers.ingest.annotations import annotation_overlay, read_annotations

    loaded = load_fixture(tmp_path / "geodata")
    marks, _ = read_annotations(collection(), name="marks.geojson")
    overlay = annotation_overlay(marks)
    view = MapView.create("2024-12-08", [*loaded.catalog.ids, overlay.spec.id],
                          overlays=(overlay,))
    path = tmp_path / "map.html"
    path.write_bytes(export_bytes(loaded, view, "html"))
    with offline_page() as (page, log):
        page.goto(path.as_uri())
        page.wait_for_selector(".bm-ann-callout", state="attached")
        text = page.evaluate("() => document.querySelector('.bm-ann-callout').textContent")
        assert text.replace("\n", " ") == CALLOUT_TEXT
        assert page.evaluate("() => document.querySelectorAll('.bm-ann-head').length") == 2
        assert log.blocked == [] and log.page_errors == []
