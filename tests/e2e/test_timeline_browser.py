"""Real browser: the map plays the timeline itself, and the page agrees on the date.

After a key step, after play is paused and after a typed date, the features drawn
on the map, the strip's date, the header and the Events panel all name the same
day; what is drawn is what the layers hold on that day; no request leaves the host.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from browser import app_server, offline_page, require_chromium, wait_until

from layers.core.view import MapView, view_layers
from layers.ingest.catalog_layers import load_catalog_layers

pytestmark = pytest.mark.browser

FRAME = "iframe[title='streamlit_folium.st_folium']"
STRIP_DAY = "document.querySelector('.bm-tl').getAttribute('data-day')"
#: Per pack layer id, how many of its features the frame has on the map now.
DRAWN_JS = """() => {
    const S = window.BMTimeline.state, out = {};
    S.pack.layers.forEach((layer, i) => {
        out[layer.id] = S.entries.filter((e) => e.group === S.groups[i] && e.on).length
            - S.entries.filter((e) => e.group === S.groups[i] && e.on && e.label).length;
    });
    return {day: map_div.getContainer().getAttribute('data-bm-day'), counts: out,
            label: document.querySelector('.bm-tl-date').textContent};
}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    require_chromium()
    with app_server(tmp_path_factory.mktemp("timeline"), timeout=60) as url:
        yield url


@pytest.fixture(scope="module")
def loaded():
    return load_catalog_layers()



def _open(page, url: str):
    page.goto(url)
    frame = page.wait_for_selector(FRAME, timeout=60_000).content_frame()
    frame.wait_for_selector("path.bm-layer-control_zones", state="attached", timeout=60_000)
    frame.wait_for_function("() => window.BMTimeline && window.BMTimeline.state.pack")
    return frame


def _expected(loaded, day: dt.date) -> dict[str, int]:
    shown = view_layers(loaded, MapView.create(day.isoformat(), loaded.catalog.ids))
    return {spec.id: int((~frame.geometry.is_empty & frame.geometry.notna()).sum())
            for spec, frame in shown if spec.visible}


def _agree(page, frame, loaded, day: dt.date) -> None:
    """Map, strip, header, Events panel and URL all on ``day``; the map draws that day."""
    words = f"{day:%a %d %b %Y}"
    wait_until(page, lambda: f"date={day.isoformat()}" in page.url, f"the URL to say {day}")
    wait_until(page, lambda: words in page.locator("h4").first.inner_text(),
              f"the header to say {words}")
    # A date the server moved (back, forward, the date box) reaches the map a moment
    # after the header, in the same run.
    wait_until(page, lambda: frame.evaluate(DRAWN_JS)["day"] == day.isoformat(),
              f"the map to draw {day}")
    drawn = frame.evaluate(DRAWN_JS)
    assert drawn["day"] == day.isoformat() and drawn["label"] == words
    assert frame.evaluate(STRIP_DAY) == day.isoformat()
    # The Events panel is drawn after the map in the same run: it may still show the
    # last date for a moment.
    events = page.get_by_text(re.compile(r"^Events from \d+ days before")).first
    wait_until(page, lambda: f"{day:%d %b %Y}" in events.inner_text(),
               f"the Events panel to say {day}")
    assert drawn["counts"] == _expected(loaded, day)


def test_a_key_step_draws_the_next_day_and_the_page_follows(app_url, loaded):
    with offline_page() as (page, log):
        frame = _open(page, f"{app_url}/?date=2024-12-08")
        frame.evaluate("window.__sameFrame = 1")
        frame.locator(".bm-tl-range").focus()
        page.keyboard.press("ArrowRight")
        # The map draws at once, before the server has heard of the step.
        frame.wait_for_function("() => document.querySelector('.bm-tl')"
                                ".getAttribute('data-day') === '2024-12-09'", timeout=2000)
        _agree(page, frame, loaded, dt.date(2024, 12, 9))
        page.keyboard.press("Shift+ArrowRight")  # a week
        _agree(page, frame, loaded, dt.date(2024, 12, 16))
        page.keyboard.press("PageDown")  # the previous change day
        assert frame.evaluate(STRIP_DAY) < "2024-12-16"
        assert frame.evaluate("window.__sameFrame") == 1
        assert log.blocked == [] and log.page_errors == []


def test_after_play_is_paused_map_header_and_panels_agree(app_url, loaded):
    with offline_page() as (page, log):
        frame = _open(page, f"{app_url}/?date=2024-12-01")
        frame.select_option(".bm-tl-speed", "5")
        frame.click(".bm-tl-play")
        wait_until(page, lambda: frame.evaluate(STRIP_DAY) >= "2024-12-04", "play to move")
        frame.click(".bm-tl-play")
        stopped = dt.date.fromisoformat(frame.evaluate(STRIP_DAY))
        assert stopped > dt.date(2024, 12, 3)
        _agree(page, frame, loaded, stopped)
        assert log.blocked == [] and log.page_errors == []


def test_a_typed_date_lands_on_that_day(app_url, loaded):
    with offline_page() as (page, log):
        frame = _open(page, f"{app_url}/?date=2024-12-08")
        box = frame.locator(".bm-tl-input")
        box.fill("15 Dec 2024")
        box.press("Enter")
        _agree(page, frame, loaded, dt.date(2024, 12, 15))
        box.fill("2024-12-10")
        box.press("Enter")
        _agree(page, frame, loaded, dt.date(2024, 12, 10))
        box.fill("31 Feb 2024")  # no such day: refused, the date stays
        box.press("Enter")
        assert "bm-tl-bad" in box.get_attribute("class")
        assert frame.evaluate(STRIP_DAY) == "2024-12-10"
        assert log.blocked == [] and log.page_errors == []


def test_back_and_forward_restore_the_settled_dates(app_url, loaded):
    with offline_page() as (page, log):
        frame = _open(page, f"{app_url}/?date=2024-12-08")
        _agree(page, frame, loaded, dt.date(2024, 12, 8))
        frame.evaluate("window.__sameFrame = 1")
        frame.locator(".bm-tl-range").focus()
        page.keyboard.press("ArrowRight")
        _agree(page, frame, loaded, dt.date(2024, 12, 9))
        page.keyboard.press("Shift+ArrowRight")
        _agree(page, frame, loaded, dt.date(2024, 12, 16))
        page.go_back()
        _agree(page, frame, loaded, dt.date(2024, 12, 9))
        page.go_back()
        _agree(page, frame, loaded, dt.date(2024, 12, 8))
        page.go_forward()
        _agree(page, frame, loaded, dt.date(2024, 12, 9))
        page.go_forward()
        _agree(page, frame, loaded, dt.date(2024, 12, 16))
        # The same map frame all along: the history moved the date, nothing was rebuilt.
        assert frame.evaluate("window.__sameFrame") == 1
        assert log.blocked == [] and log.page_errors == []
