"""Real browser, offline: draw an arrow and a callout on 8 Dec, save them, export, reload.

The analyst uses the map's own toolbar (Leaflet.draw, served by the app): the line
tool for an arrow, the marker for a callout whose text holds markup that must stay
text. The form saves both to the workspace store; the exports (PNG, PDF, SVG,
HTML, made by the functions behind the Export tab) draw them where they were
drawn, and a reload of the page finds them on the map again.
"""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
from browser import app_server, offline_page, require_chromium

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
FRAME = "iframe[title='streamlit_folium.st_folium']"
ARROW_TEXT = "Axis of advance"
CALLOUT = "Convoy <b>seen</b> leaving ${alert(1)}"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    require_chromium()
    return tmp_path_factory.mktemp("draw-workspace")


@pytest.fixture(scope="module")
def app_url(workspace):
    with app_server(workspace, {"BRIEFING_WORKSPACE": str(workspace)}, timeout=90) as url:
        yield url


def _frame(page):
    return page.wait_for_selector(FRAME, timeout=90_000).content_frame()


def _save(page, text: str) -> None:
    page.get_by_text("New annotation").wait_for(timeout=30_000)
    form = page.locator("[data-testid='stForm']")
    form.locator("textarea").fill(text)
    form.get_by_role("button", name="Save annotation").click()
    page.get_by_text("New annotation").wait_for(state="detached", timeout=30_000)


def _callouts(frame) -> list[str]:
    frame.wait_for_selector(".bm-ann-callout", state="attached", timeout=60_000)
    texts = frame.evaluate("() => [...document.querySelectorAll('.bm-ann-callout')]"
                           ".map((n) => n.textContent)")
    return [t.replace("\n", " ") for t in texts]  # long text wraps onto lines


def _draw_and_save(page) -> None:
    frame = _frame(page)
    frame.wait_for_selector(".leaflet-draw-draw-polyline", timeout=60_000)
    time.sleep(1.5)  # the first view report settles
    box = page.wait_for_selector(FRAME).bounding_box()
    x0, y0 = box["x"] + 300, box["y"] + 300
    frame.click(".leaflet-draw-draw-polyline")
    page.mouse.click(x0, y0)
    time.sleep(0.3)
    page.mouse.click(x0 + 150, y0 - 60)
    time.sleep(0.3)
    page.mouse.click(x0 + 150, y0 - 60)  # a second click on the last point ends the line
    try:
        _save(page, ARROW_TEXT)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "draw-failed.png"))
        raise
    frame = _frame(page)
    frame.wait_for_selector(".bm-ann-head", state="attached", timeout=30_000)
    frame.click(".leaflet-draw-draw-marker")
    page.mouse.click(x0 + 200, y0 + 150)
    _save(page, CALLOUT)  # a marker's first kind is the callout


def test_draw_save_reload_and_no_markup(app_url):
    with offline_page() as (page, log):
        page.goto(f"{app_url}/?date=2024-12-08")
        frame = _frame(page)
        # A click on a site is reported like a drawing by streamlit-folium: no form for it.
        frame.wait_for_selector(".bm-layer-installations", state="attached", timeout=60_000)
        frame.evaluate("() => { window._home = [window.map.getCenter(), window.map.getZoom()]; }")
        frame.locator(".bm-layer-installations").first.click(force=True)
        time.sleep(2.5)
        assert page.get_by_text("New annotation").count() == 0
        # Close the site's popup and undo its pan, so the marks land inside the export.
        frame.evaluate("() => { window.map.closePopup(); "
                       "window.map.setView(window._home[0], window._home[1], {animate: false}); }")
        _draw_and_save(page)
        frame = _frame(page)
        assert _callouts(frame) == [CALLOUT]
        assert frame.evaluate("() => document.querySelectorAll('.bm-ann-head').length") == 1
        assert frame.evaluate("() => window.bmDrawnItems.getLayers().length") == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "draw-8dec.png"))
        page.reload()
        frame = _frame(page)
        assert _callouts(frame) == [CALLOUT]
        assert frame.evaluate("() => document.querySelectorAll('.bm-ann-head').length") == 1
        assert frame.evaluate("() => window.__pwned === undefined")
        assert log.blocked == [] and log.page_errors == [] and log.dialogs == []


@pytest.fixture(scope="module")
def saved(workspace, app_url):
    """The marks the browser saved, read back from the workspace store."""
    import getpass

    from layers.ingest.annotations import read_annotations
    from layers.store import Store
    from layers.store.workspace import item_content, list_items

    store = Store(f"sqlite:///{workspace / 'briefing.sqlite'}")
    items = [i for i in list_items(store, getpass.getuser(), "annotation")]
    assert [i.name for i in items] == ["annotations"], "run the drawing test first"
    frame, problems = read_annotations(item_content(store, items[0].item_id,
                                                    getpass.getuser()), name="store")
    assert problems == [] and sorted(frame["annotation"]) == ["arrow", "callout"]
    return frame


@pytest.fixture(scope="module")
def loaded():
    from layers.core.catalog import load_catalog
    from layers.ingest.catalog_layers import load_catalog_layers

    return load_catalog_layers(load_catalog())


def _view(loaded, frame=None):
    from layers.core.view import MapView
    from layers.ingest.annotations import annotation_overlay

    if frame is None:
        return MapView.create("2024-12-08", list(loaded.catalog.ids))
    overlay = annotation_overlay(frame)
    return MapView.create("2024-12-08", [*loaded.catalog.ids, overlay.spec.id],
                          overlays=(overlay,))


def test_exports_draw_the_marks_where_they_were_drawn(loaded, saved, tmp_path):
    from PIL import Image
    from pypdf import PdfReader

    from layers.export.files import export_bytes
    from layers.render.staticmap import make_page, render_figure

    view = _view(loaded, saved)
    svg = export_bytes(loaded, view, "svg").decode("utf-8")
    assert "Convoy &lt;b&gt;seen&lt;/b&gt;" in svg and "<b>" not in svg
    pdf = PdfReader(io.BytesIO(export_bytes(loaded, view, "pdf")))
    assert "Convoy <b>seen</b>" in " ".join(p.extract_text() for p in pdf.pages)

    dpi = 100
    png = export_bytes(loaded, view, "png", dpi=dpi)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "draw-export.png").write_bytes(png)
    with_marks = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    without = np.asarray(Image.open(io.BytesIO(export_bytes(loaded, _view(loaded), "png",
                                                            dpi=dpi))).convert("RGB")).astype(int)
    fig = render_figure(loaded, view, make_page(loaded, view))
    ax = next(a for a in fig.axes if a.get_label() == "map")
    fig.canvas.draw()
    arrow = next(g for g, k in zip(saved.geometry, saved["annotation"], strict=True)
                 if k == "arrow")
    (x0, y0), (x1, y1) = ax.transData.transform(list(arrow.coords))
    scale, height = dpi / fig.dpi, with_marks.shape[0]
    changed = np.abs(with_marks - without).sum(axis=2) > 60
    for t in (0.3, 0.6):
        x, y = (x0 + t * (x1 - x0)) * scale, height - (y0 + t * (y1 - y0)) * scale
        assert changed[int(y) - 4:int(y) + 5, int(x) - 4:int(x) + 5].any(), (x, y)
    assert changed.sum() < 0.05 * changed.size

    page_html = export_bytes(loaded, view, "html").decode("utf-8")
    block = re.search(r'<script type="application/json" id="briefing-data">(.*?)</script>',
                      page_html, re.S).group(1)
    assert "<b>" not in block
    layer = next(lay for lay in json.loads(block)["layers"] if lay["kind"] == "annotations")
    assert CALLOUT in [f["mark"]["properties"]["text"] for f in layer["features"]]
    path = tmp_path / "map.html"
    path.write_text(page_html, encoding="utf-8")
    with offline_page() as (page, log):
        page.goto(path.as_uri())
        page.wait_for_selector(".bm-ann-callout", state="attached")
        text = page.evaluate("() => document.querySelector('.bm-ann-callout').textContent")
        assert text.replace("\n", " ") == CALLOUT
        assert log.blocked == [] and log.page_errors == [] and log.dialogs == []


def test_a_new_server_finds_the_marks_in_the_store(workspace, saved):
    """A restart: another server on the same workspace, its annotations file removed."""
    (workspace / "annotations.geojson").unlink(missing_ok=True)
    with app_server(workspace, {"BRIEFING_WORKSPACE": str(workspace)}, timeout=90) as url, \
            offline_page() as (page, log):
        page.goto(f"{url}/?date=2024-12-08")
        assert _callouts(_frame(page)) == [CALLOUT]
        assert log.blocked == [] and log.page_errors == []
