"""The Compare tab: the link sets both dates, the mode, the divider and the change layer.

The page in the frame is what the browser receives (``IFrame.srcdoc``); its data
block says which features each side holds. Bad values in the link are dropped
with a problem that says what is shown instead.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import _url_compare

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
BOUNDS = (dt.date(2024, 11, 26), dt.date(2024, 12, 31))
NOV26, DEC8 = dt.date(2024, 11, 26), dt.date(2024, 12, 8)


def _run(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def _page_data(at: AppTest) -> dict:
    frames = [f for f in at.get("iframe") if 'id="compare-data"' in f.proto.srcdoc]
    assert len(frames) == 1
    match = re.search(r'id="compare-data">(.*?)</script>', frames[0].proto.srcdoc, re.S)
    return json.loads(match.group(1))


def test_url_parses_good_values():
    state = _url_compare.parse({"cmp": "2024-11-26,2024-12-08", "split": "0.25",
                                "cmode": "pair", "cchange": "1"}, day_bounds=BOUNDS)
    assert (state.days, state.split, state.mode, state.change) == ((NOV26, DEC8), 0.25,
                                                                   "pair", True)
    assert state.problems == [] and state.asked
    assert _url_compare.encode(days=(NOV26, DEC8), split=0.25, mode="pair", change=True) == {
        "cmp": "2024-11-26,2024-12-08", "split": "0.25", "cmode": "pair", "cchange": "1"}
    assert not _url_compare.parse({}, day_bounds=BOUNDS).asked


def test_url_drops_bad_values_with_a_clear_problem():
    state = _url_compare.parse({"cmp": "2024-11-26", "split": "nan", "cmode": "<b>",
                                "cchange": "yes"}, day_bounds=BOUNDS)
    assert (state.days, state.split, state.mode, state.change) == (None, None, None, None)
    assert state.problems == [
        "cmp '2024-11-26' is not two dates (YYYY-MM-DD,YYYY-MM-DD); comparing the default dates",
        "split 'nan' is not a number from 0 to 1; divider in the middle",
        "cmode '<b>' is not swipe or pair; showing the swipe",
        "cchange 'yes' is not 0 or 1; change layer off"]
    bad = _url_compare.parse({"cmp": "2024-11-26,8 Dec", "split": "1.5"}, day_bounds=BOUNDS)
    assert bad.days is None and "holds a date that is not YYYY-MM-DD" in bad.problems[0]
    assert "split '1.5'" in bad.problems[1]
    moved = _url_compare.parse({"cmp": "2020-01-01,2024-12-08"}, day_bounds=BOUNDS)
    assert moved.days == (NOV26, DEC8) and "outside" in moved.problems[0]


def test_compare_tab_takes_dates_mode_split_and_change_from_the_url():
    at = _run({"cmp": "2024-11-26,2024-12-08", "split": "0.3", "cmode": "swipe",
               "cchange": "1"})
    dates = {d.label: d.value for d in at.date_input}
    assert dates["Date A (left)"] == NOV26 and dates["Date B (right)"] == DEC8
    assert next(r for r in at.radio if r.label == "Mode").value == "swipe"
    assert next(c for c in at.checkbox if c.label == "Ground that changed hands").value
    assert next(s for s in at.slider if s.label.startswith("Divider")).value == 30
    data = _page_data(at)
    assert [s["date"] for s in data["sides"]] == ["2024-11-26", "2024-12-08"]
    assert data["mode"] == "swipe" and data["split"] == 0.3
    assert data["change"]["title"] == "Changed hands 26 Nov 2024 → 8 Dec 2024"
    assert data["change"]["features"], "no ground changed hands between 26 Nov and 8 Dec?"
    zones = [{f["id"] for f in layer["features"]} for side in data["sides"]
             for layer in side["layers"] if layer["id"] == "control_zones"]
    assert zones[0] and zones[1] and zones[0] != zones[1]
    labels = [b.label for b in at.get("download_button")]
    assert "Download the pair as one slide (PNG)" in labels
    assert "Download this comparison (HTML)" in labels
    assert any("--compare 2024-11-26" in c.value and "--date 2024-12-08" in c.value
               for c in at.code)
    # The URL keeps the comparison (and the rest of the view).
    assert at.query_params["cmp"] in ("2024-11-26,2024-12-08", ["2024-11-26,2024-12-08"])
    assert at.query_params["split"] in ("0.30", ["0.30"])


def test_pair_mode_and_a_bad_link_value():
    at = _run({"cmp": "2024-11-26,2024-12-08", "cmode": "pair", "split": "2"})
    data = _page_data(at)
    assert data["mode"] == "pair" and data["split"] == 0.5 and data["change"] is None
    assert any("split '2' is not a number from 0 to 1" in c.value for c in at.caption)
    assert not [s for s in at.slider if s.label.startswith("Divider")]


def test_without_a_link_the_url_is_left_alone():
    at = _run({})
    assert "cmp" not in at.query_params
    # Without a link the comparison waits to be asked for: a date step must not build it.
    assert not [f for f in at.get("iframe") if 'id="compare-data"' in f.proto.srcdoc]
    at.session_state["main_tab"] = "Compare"  # the analyst opens the tab
    at.run()
    at.toggle(key="cmp_show").set_value(True).run()
    data = _page_data(at)
    assert data["mode"] == "swipe" and data["sides"][1]["date"] == "2024-12-08"


def test_the_slide_view_carries_the_change_layer():
    from dashboard.compare import _with_change
    from layers.core.view import MapView
    from layers.ingest.catalog_layers import load_catalog_layers

    loaded = load_catalog_layers()
    view = MapView.create("2024-12-08", loaded.catalog.ids)
    slide = _with_change(loaded, view, DEC8, NOV26)
    assert slide.layer_ids[-1] == "analysis-change"
    overlay = slide.overlays[-1]
    assert overlay.spec.title == "Changed hands 26 Nov 2024 → 8 Dec 2024"
    assert len(overlay.frame) > 0 and (overlay.frame["area_km2"] > 0).all()
