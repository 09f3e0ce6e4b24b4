"""The drawing form (AppTest): a shape from the map's toolbar becomes a saved annotation.

The map component's value is set as the browser would report it
(``all_drawings``); the form saves the mark to the workspace store, and a
new session (a reload) finds it there.
"""

from __future__ import annotations

import getpass

import pytest
from streamlit.testing.v1 import AppTest

from layers.store import Store
from layers.store.engine import store_url
from layers.store.workspace import item_content, list_items

LINE = {"type": "Feature", "properties": {"bm_drawn": 1},
        "geometry": {"type": "LineString", "coordinates": [[36.2, 34.6], [37.1, 35.4]]}}
MARKER = {"type": "Feature", "properties": {"bm_drawn": 1},
          "geometry": {"type": "Point", "coordinates": [35.95, 35.41]}}
HOSTILE = "Convoy <img src=x onerror=alert(1)> ${alert(2)}"


def form_app() -> None:
    import datetime as dt

    import streamlit as st

    from dashboard import _map
    from dashboard.annotations import render_annotations
    from dashboard.draw_form import render_draw_form

    state = _map.read_state()
    render_draw_form(state.drawings, dt.date(2024, 12, 8), 8.0)
    marks = render_annotations()
    frame = marks.frame if marks is not None else []
    st.text("marks: " + " | ".join(
        f"{r.annotation}:{r.text}:{r.valid_from:%Y-%m-%d}:{r.valid_to:%Y-%m-%d}"
        if r.valid_from == r.valid_from else f"{r.annotation}:{r.text}:fixed"
        for r in getattr(frame, "itertuples", lambda: [])()))


def _app(drawing: dict | None = None) -> AppTest:
    at = AppTest.from_function(form_app, default_timeout=60)
    if drawing is not None:
        at.session_state["map"] = {"all_drawings": [drawing]}
    at.run()
    assert not at.exception, at.exception
    return at


def marks(at: AppTest) -> str:
    return next(t.value for t in at.text if t.value.startswith("marks:"))


def _kind(at: AppTest):
    return next(s for s in at.selectbox if s.label == "Kind")


def _save(at: AppTest, text: str, kind: str | None = None) -> AppTest:
    if kind:
        _kind(at).set_value(kind)
    at.text_area[0].set_value(text)
    next(b for b in at.button if b.label == "Save annotation").click().run()
    assert not at.exception, at.exception
    return at


def test_a_drawn_line_is_saved_as_an_arrow_and_found_by_a_new_session():
    at = _app(LINE)
    assert [s.label for s in at.selectbox][:1] == ["Kind"]
    _save(at, "HTS axis of advance")
    assert marks(at) == "marks: arrow:HTS axis of advance:2024-12-08:2024-12-09"
    assert not any(s.label == "Kind" for s in at.selectbox)  # form gone once saved
    store = Store(store_url())
    items = list_items(store, getpass.getuser(), "annotation")
    assert [(i.name, i.payload["marks"]) for i in items] == [("annotations", 1)]
    assert "HTS axis of advance" in item_content(store, items[0].item_id,
                                                 getpass.getuser()).decode("utf-8")
    again = _app()  # a reload: a new session, nothing drawn
    assert marks(again) == "marks: arrow:HTS axis of advance:2024-12-08:2024-12-09"


def test_a_marker_callout_keeps_its_text_as_text_and_can_be_fixed_to_the_view():
    at = _app(MARKER)
    at.radio[0].set_value("Fixed to the view (every date)")
    _save(at, HOSTILE, kind="callout")
    assert marks(at) == f"marks: callout:{HOSTILE}:fixed"


def test_a_callout_without_text_is_refused_with_the_rule_and_nothing_is_saved():
    at = _app(MARKER)
    _save(at, "   ", kind="callout")
    assert any("no text" in e.value for e in at.error)
    assert marks(at).strip() == "marks:"
    assert list_items(Store(store_url()), getpass.getuser(), "annotation") == []


def test_two_drawings_are_asked_about_newest_first():
    newer = {**MARKER, "properties": {"bm_drawn": 5}}
    at = AppTest.from_function(form_app, default_timeout=60)
    at.session_state["map"] = {"all_drawings": [LINE, newer]}
    at.run()
    assert _kind(at).options == ["Callout", "Label", "Circle"]
    _save(at, "Convoy")
    assert _kind(at).options[0] == "Arrow"  # then the line
    _save(at, "Axis")
    assert marks(at) == ("marks: callout:Convoy:2024-12-08:2024-12-09 | "
                         "arrow:Axis:2024-12-08:2024-12-09")


def test_a_clicked_site_does_not_open_the_form():
    site = {"type": "Feature", "properties": {"_tip": "Tartus"},
            "geometry": {"type": "Point", "coordinates": [35.88, 34.91]}}
    at = _app(site)
    assert not any(s.label == "Kind" for s in at.selectbox)


@pytest.mark.parametrize("drawing", [LINE, MARKER])
def test_discard_drops_the_drawing(drawing):
    at = _app(drawing)
    next(b for b in at.button if b.label == "Discard").click().run()
    assert not any(s.label == "Kind" for s in at.selectbox)
    assert marks(at).strip() == "marks:"
