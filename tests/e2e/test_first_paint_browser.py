"""A restarted server sends the kept first map, then the page, in Debian's Chromium.

Three servers in turn on one workspace and one cache folder, as an analyst
restarting ``run.sh``: the first makes the workspace store, the second keeps its
first map (``dashboard._snapshot``), the third sends that map before it reads
anything (``dashboard._first_paint``, through streamlit-folium's component as
declared without streamlit-folium) and then the whole page. Each page must show
the same map, header and date, with no script error and nothing asked of the network.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from browser import app_server, offline_page, require_chromium, wait_for_app_run, wait_until

pytestmark = pytest.mark.browser

FRAME = "iframe[title='streamlit_folium.st_folium']"
#: The day the map shows, its zones, and how many features it has on.
SEEN_JS = """() => ({
    day: map_div.getContainer().getAttribute('data-bm-day'),
    zones: document.querySelectorAll('path.bm-layer-control_zones').length,
    shown: (window.__bmTimelineDrawn || {}).shown})"""


def _open(url: str) -> dict:
    with offline_page() as (page, log):
        page.goto(url)
        frame = page.wait_for_selector(FRAME, timeout=90_000).content_frame()
        frame.wait_for_selector("path.bm-layer-control_zones", state="attached",
                                timeout=90_000)
        frame.wait_for_function("() => window.__bmTimelineDrawn", timeout=30_000)
        seen = frame.evaluate(SEEN_JS)
        wait_for_app_run(page)
        wait_until(page, lambda: page.get_by_role("group", name="As of").count() > 0,
                   "the sidebar's date control")
        seen["header"] = page.locator("h4").first.inner_text()
        seen["date_box"] = "-".join(
            page.get_by_role("spinbutton", name=f"{part}, As of").get_attribute(
                "aria-valuenow").zfill(width) for part, width in (("year", 4), ("month", 2),
                                                                  ("day", 2)))
        seen["after"] = frame.evaluate(SEEN_JS)
        assert log.blocked == [] and log.page_errors == [], (log.blocked, log.page_errors)
        return seen


def test_a_restarted_server_sends_the_kept_first_map_then_the_page(tmp_path: Path) -> None:
    require_chromium()
    env = {"BRIEFING_WORKSPACE": str(tmp_path / "workspace"),
           "BRIEFING_CACHE_DIR": str(tmp_path / "cache")}
    seen, logs = [], []
    for n in range(3):
        folder = tmp_path / f"start{n}"
        folder.mkdir()
        with app_server(folder, env=env, timeout=90) as url:
            seen.append(_open(url))
        logs.append((folder / "server.log").read_text(encoding="utf-8"))

    kept = list((tmp_path / "cache" / "first-map").glob("*.json"))
    assert len(kept) == 1
    doc = json.loads(kept[0].read_text(encoding="utf-8"))
    assert doc["header"][1].startswith("#### ") and "as of" in doc["header"][1]

    assert "First map sent from disk" not in logs[0] + logs[1]  # nothing kept yet
    assert "First map sent from disk" in logs[2]
    assert "differed from the data read" not in logs[2]
    assert all("Traceback" not in log for log in logs), logs[2][-2000:]

    second, third = seen[1], seen[2]
    assert third["day"] == second["day"] and third["day"]
    assert third["zones"] == second["zones"] > 0
    assert third["shown"] == second["shown"]
    assert third["header"] == second["header"] and "as of" in third["header"]
    assert third["date_box"] == second["date_box"] == third["day"]
    # The page read the data and kept the same map: the frame was not rebuilt or moved.
    assert third["after"] == {k: third[k] for k in ("day", "zones", "shown")}


def test_a_day_moved_while_the_kept_map_is_drawn_lands(tmp_path: Path) -> None:
    """The analyst steps the date during the kept map's pause, before the page has read
    anything: the frame's report starts a run (the first is stopped), and the page
    follows that day (header, date box) with no error."""
    require_chromium()
    env = {"BRIEFING_WORKSPACE": str(tmp_path / "workspace"),
           "BRIEFING_CACHE_DIR": str(tmp_path / "cache")}
    for n in range(2):  # the store, then a kept first map
        folder = tmp_path / f"start{n}"
        folder.mkdir()
        with app_server(folder, env=env, timeout=90) as url:
            _open(url)
    folder = tmp_path / "moved"
    folder.mkdir()
    with app_server(folder, env={**env, "BRIEFING_FIRST_MAP_PAUSE": "4"}, timeout=90) as url, \
            offline_page() as (page, log):
        page.goto(url)
        frame = page.wait_for_selector(FRAME, timeout=90_000).content_frame()
        frame.wait_for_function("() => window.__bmTimelineDrawn", timeout=30_000)
        first = frame.evaluate(SEEN_JS)["day"]
        frame.locator(".bm-tl-range").focus()
        page.keyboard.press("Shift+ArrowRight")  # a week on, well within the pause
        frame.wait_for_function(f"() => map_div.getContainer().getAttribute('data-bm-day') "
                                f"> '{first}'", timeout=5_000)
        moved = frame.evaluate(SEEN_JS)["day"]
        wait_until(page, lambda: page.get_by_role("group", name="As of").count() > 0,
                   "the sidebar's date control", timeout=60)
        wait_for_app_run(page)
        day = dt.date.fromisoformat(moved)
        wait_until(page, lambda: f"{day:%a %d %b %Y}" in page.locator("h4").first.inner_text(),
                   f"the header to say {day}")
        assert frame.evaluate(SEEN_JS)["day"] == moved
        assert log.page_errors == [] and log.blocked == []
    server_log = (folder / "server.log").read_text(encoding="utf-8")
    assert "First map sent from disk" in server_log
    assert "Traceback" not in server_log, server_log[-3000:]
