"""Real browser, offline: an analyst corrects an event's date in the Edit tab, reloads, and
finds the new date on the map and both versions in its history.

The workspace store is the embedded SQLite file the page creates itself (a fresh
``BRIEFING_WORKSPACE``); nothing is set up behind the page's back.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from browser import app_server, offline_page, require_chromium, wait_for_app_run
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
EVENT = json.loads((REPO / "geodata" / "events.geojson").read_text(encoding="utf-8")
                   )["features"][4]["properties"]
NEW_FROM, NEW_TO = "2024-12-02", "2024-12-03"
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
#: An analyst's own layer: two sites, dated and sourced.
SITES = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": xy},
     "properties": {"id": fid, "name": fid.title(), "valid_from": "2024-11-26",
                    "source": "Reuters, 5 Dec 2024", "confidence": "medium"}}
    for fid, xy in (("tartus", [35.8867, 34.9117]), ("khmeimim", [35.9486, 35.4011]))]}
).encode()
#: The first days of the map timeline's features whose tooltip is named for the event.
EVENT_STARTS = """(_body, name) => window.BMTimeline.state.pack.layers
    .filter((layer) => layer.kind === 'events')
    .flatMap((layer) => layer.features)
    .filter((f) => f.properties._tip.includes(`bm-tip-name">${name}</b>`))
    .map((f) => f.from)"""


@pytest.fixture(scope="module", params=["sqlite", "postgis"])
def app_url(request, tmp_path_factory):
    """The page on the embedded store it creates itself, or on PostGIS (``BRIEFING_STORE``)."""
    require_chromium()
    workspace = tmp_path_factory.mktemp("store-workspace")
    env = {"BRIEFING_WORKSPACE": str(workspace)}
    if request.param == "postgis":
        from conftest import store_url_for

        env["BRIEFING_STORE"] = store_url_for("postgis", workspace, request)
    with app_server(workspace, env, timeout=90) as url:
        yield url


def _choose(page, key: str, option: str, label: str | None = None) -> None:
    """Pick ``option`` in the selectbox keyed ``key``: typed to filter the list, then the
    listed option that reads ``label`` is clicked (Enter alone picks nothing when a run
    replaces the list between the key strokes)."""
    box = page.locator(f".st-key-{key} [data-testid='stSelectbox']").first
    wanted = label or option
    listed: list[str] = []
    for _ in range(5):  # a run that starts as we type replaces the box: try again
        wait_for_app_run(page)
        box.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(option)
        choice = page.get_by_role("option").filter(has_text=wanted).first
        try:
            choice.click(timeout=5_000)
        except PlaywrightTimeout:  # the list was replaced: note what it offered
            listed = page.get_by_role("option").all_inner_texts()
            page.keyboard.press("Escape")
            continue
        wait_for_app_run(page)
        if wanted in _shown(box):
            return
    raise AssertionError(f"{option!r} could not be chosen in {key}: {_shown(box)!r}; "
                         f"the list offered {listed!r}")


def _shown(box) -> str:
    """What a selectbox shows: its text and its input's value (the chosen option)."""
    return box.evaluate("(el) => el.textContent + ' ' + Array.from("
                        "el.querySelectorAll('input')).map((i) => i.value).join(' ')")


def _open_event(page, url: str, day: str) -> None:
    page.goto(f"{url}/?date={day}")
    # One CI run in ten, a click on the tab while a new page's first runs followed each
    # other was not kept (the tab stayed on "Analysis"; not reproduced in 70 tries
    # here). An analyst clicks again once the page is still: so does the test, and
    # says what the page showed if the box never came.
    seen = []
    for _ in range(3):
        wait_for_app_run(page)
        page.get_by_role("tab", name="Edit").click()
        try:
            page.locator(".st-key-edit-layer").wait_for(timeout=20_000)
            break
        except PlaywrightTimeout:
            seen.append(_tabs(page))
    else:
        raise AssertionError(f"the Edit tab shows no layer box: {seen}")
    _choose(page, "edit-layer", "Events", "Events (last 7 days)")
    # The feature list of the events layer (the first layer's list is on the page until then).
    page.locator(".st-key-edit-fid-events").wait_for(timeout=60_000)
    _choose(page, "edit-fid-events", EVENT["id"], f"{EVENT['name']} · {EVENT['id']}")
    page.get_by_text(f"History of {EVENT['id']}").wait_for(timeout=60_000)
    # The first feature's form stays on the page until the rerun for the chosen one ends.
    page.wait_for_function("() => document.querySelectorAll("
                           "'input[aria-label=\"Valid from (YYYY-MM-DD)\"]').length === 1",
                           timeout=60_000)


def _tabs(page) -> str:
    """The selected tabs and the text of the panels shown, for a failure's message."""
    return page.evaluate("""() => JSON.stringify({
        selected: [...document.querySelectorAll('[role=tab][aria-selected=true]')]
            .map((t) => t.textContent),
        shown: [...document.querySelectorAll('[role=tabpanel]')]
            .filter((p) => p.offsetParent !== null)
            .map((p) => p.innerText.slice(0, 300)),
    })""")


def _fill(page, label: str, value: str) -> None:
    wait_for_app_run(page)
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Tab")  # Enter would submit the form with the fields typed so far


def _your_layers(page) -> str:
    """The sidebar's "Your layers" section, opened; its text."""
    wait_for_app_run(page)
    section = page.locator("[data-testid='stSidebar'] [data-testid='stExpander']").filter(
        has_text="Your layers").first
    if not section.locator("input[type=file]").count():
        section.get_by_text("Your layers").click()
    section.locator("input[type=file]").first.wait_for(state="attached")
    return section


def test_an_upload_and_an_edit_survive_a_reload_with_the_history(app_url):
    with offline_page(viewport=(1400, 1000)) as (page, log):
        page.set_default_timeout(60_000)
        page.goto(f"{app_url}/?date={EVENT['valid_from']}")
        _your_layers(page).locator("input[type=file]").first.set_input_files(
            [{"name": "sites.geojson", "mimeType": "application/geo+json", "buffer": SITES}])
        # Listed in "Your layers" (the section may close again as the page reruns).
        page.get_by_text("sites.geojson · 2 features · saved").wait_for(state="attached")
        _open_event(page, app_url, EVENT["valid_from"])
        page.get_by_text(f"History of {EVENT['id']} (1 versions").wait_for()
        _fill(page, "Valid from (YYYY-MM-DD)", NEW_FROM)
        _fill(page, "Valid to, exclusive (empty = open)", NEW_TO)
        _fill(page, "Source (publication and date)", "Reuters, 9 Dec 2024")
        _choose(page, f"edit-change-events-{EVENT['id']}-conf", "high")
        _fill(page, "Reason for the edit", "date corrected <script>alert(1)</script>")
        page.get_by_role("button", name="Save a new version").click()
        page.get_by_text("Saved version 2").wait_for(timeout=60_000)

        # A reload is a new session: what it shows comes from the store file.
        page.reload()
        _open_event(page, app_url, NEW_FROM)
        page.get_by_text(f"History of {EVENT['id']} (2 versions").wait_for(timeout=60_000)
        # The upload came back from the store too, without being picked again.
        page.get_by_text("sites.geojson · 2 features · saved").wait_for(state="attached")
        page.get_by_role("tab", name="Events").click()
        # The events table draws on a canvas; the map's timeline holds the event from its
        # new day (days since 1970), as the store now has it.
        frame = page.frame_locator(MAP_FRAME).first.locator("body")
        page.wait_for_function(
            "() => { const f = document.querySelector(\"iframe[title='streamlit_folium."
            "st_folium']\"); return f && f.contentWindow.BMTimeline && "
            "f.contentWindow.BMTimeline.state.pack; }", timeout=60_000)
        expected = [(dt.date.fromisoformat(NEW_FROM) - dt.date(1970, 1, 1)).days]
        for _ in range(100):  # the frame may still fetch the pack of the new store version
            starts = frame.evaluate(EVENT_STARTS, EVENT["name"])
            if starts == expected:
                break
            page.wait_for_timeout(300)
        assert starts == expected, starts
        assert log.blocked == [], log.blocked
        assert log.dialogs == [], "text from an edit ran as script"


def test_drawn_marks_come_back_after_a_reload(app_url):
    """The third of the analyst's things: marks drawn on the map (on each backend)."""
    from test_draw_browser import CALLOUT, _callouts, _draw_and_save, _frame

    with offline_page() as (page, log):
        page.goto(f"{app_url}/?date=2024-12-08")
        _draw_and_save(page)
        assert _callouts(_frame(page)) == [CALLOUT]
        page.reload()
        assert _callouts(_frame(page)) == [CALLOUT]
        assert log.blocked == [] and log.page_errors == [] and log.dialogs == []
