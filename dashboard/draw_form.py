"""The form that turns a shape drawn on the map into an annotation.

The map's toolbar (Leaflet.draw, served by the app) reports the shapes drawn
(:attr:`dashboard._map.MapState.drawings`). For the newest one not yet saved or
dismissed, the sidebar asks what it is: kind, text, colour, line style, text size
and dates (it follows the timeline from a first to a last day, or is fixed to the
view on every date).
Saving adds it to the session's marks through the same validation as an
annotations file, and :func:`dashboard.annotations.keep` saves them to the
workspace store; the text stays text (every renderer writes it as such).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence

import streamlit as st

from dashboard import annotations
from dashboard._sidebar import md_text
from layers.core.vocab import LINE_STYLES, TEXT_SIZES
from layers.export.annotations_file import annotations_geojson
from layers.ingest.annotations import read_annotations
from layers.ingest.drawn import (
    DRAWN_STAMP,
    KINDS_FOR,
    DrawingError,
    drawing_key,
    drawn_feature,
    drawn_shape,
)

#: Session key: fingerprints of drawings already saved or dismissed.
HANDLED = "draw:handled"
FORM = "draw:form"
LABELS = {"arrow": "Arrow", "curved_arrow": "Curved arrow", "callout": "Callout",
          "label": "Label", "circle": "Circle", "area": "Area", "freehand": "Freehand line"}
FIXED, DATED = "Fixed to the view (every date)", "Follows the timeline"
SHAPE_NAMES = {"LineString": "a line", "Polygon": "an area", "Point": "a marker",
               "Circle": "a circle"}


def pending(drawings: Sequence[dict]) -> dict | None:
    """The newest usable shape not yet saved or dismissed, if any."""
    done = st.session_state.get(HANDLED, set())
    fresh = [d for d in drawings if drawn_shape(d) is not None and drawing_key(d) not in done]
    return max(fresh, key=_stamp) if fresh else None


def _stamp(drawing: dict) -> float:
    try:
        return float(drawing["properties"][DRAWN_STAMP])
    except (KeyError, TypeError, ValueError):
        return 0.0


def _handled(drawing: dict) -> None:
    st.session_state.setdefault(HANDLED, set()).add(drawing_key(drawing))


def _next_id(frame_ids: list[str]) -> str:
    numbers = [int(i.split("-")[1]) for i in frame_ids
               if i.startswith("drawn-") and i.split("-")[1].isdigit()]
    return f"drawn-{max(numbers, default=0) + 1}"


def add_drawing(drawing: dict, answers: dict, zoom: float) -> list[str]:
    """Add the drawing as a mark (validated like a file); the problems, if refused."""
    frame = annotations._current()
    try:
        feature = drawn_feature(drawing, ident=_next_id([str(i) for i in frame.get("id", [])]),
                                zoom=zoom, **answers)
    except DrawingError as exc:
        return [str(exc)]
    doc = json.loads(annotations_geojson(frame))
    doc["features"].append(feature)
    merged, problems = read_annotations(json.dumps(doc).encode("utf-8"), name="drawn mark")
    errors = [p.describe() for p in problems if p.severity == "error"]
    if merged is None or errors:
        return errors or ["the mark was refused."]
    annotations.keep(merged)
    return []


def _answers(shape: str, day: dt.date, tag: str) -> dict | None:
    """The form's widgets (keyed by drawing: each starts afresh); the answers on Save."""
    kinds = KINDS_FOR[shape]
    with st.form(f"{FORM}:{tag}", border=True):
        st.markdown(f"**New annotation** from {SHAPE_NAMES[shape]} drawn on the map")
        kind = st.selectbox("Kind", kinds, format_func=LABELS.get, key=f"draw:kind:{tag}")
        text = st.text_area("Text", max_chars=500, key=f"draw:text:{tag}",
                            help="Shown as plain text on the map and in every export.")
        left, right = st.columns(2)
        color = left.color_picker("Colour", "#d62728", key=f"draw:color:{tag}")
        size = right.selectbox("Text size", list(TEXT_SIZES), index=1, key=f"draw:size:{tag}")
        style = st.selectbox("Line style", LINE_STYLES, key=f"draw:style:{tag}")
        radius_km = (st.number_input("Radius (km)", 0.1, 1000.0, 10.0, key=f"draw:radius:{tag}")
                     if shape == "Point" else None)
        when = st.radio("Dates", [DATED, FIXED], key=f"draw:when:{tag}", horizontal=False)
        first, last = st.columns(2)
        valid_from = first.date_input("First day", day, key=f"draw:from:{tag}", format="YYYY-MM-DD")
        last_day = last.date_input("Last day", day, key=f"draw:to:{tag}", format="YYYY-MM-DD")
        save, dismiss = st.columns(2)
        saved = save.form_submit_button("Save annotation", type="primary")
        dropped = dismiss.form_submit_button("Discard")
    if dropped:
        return {}
    if not saved:
        return None
    dated = when == DATED
    return {"kind": kind, "text": text, "color": color, "line_style": style,
            "text_size": size, "valid_from": valid_from if dated else None,
            "last_day": last_day if dated else None,
            "radius_m": radius_km * 1000.0 if radius_km else None}


def render_draw_form(drawings: Sequence[dict], day: dt.date, zoom: float | None) -> None:
    """Ask about the newest drawn shape and save it as an annotation (nothing otherwise)."""
    drawing = pending(drawings)
    if drawing is None:
        return
    tag = hashlib.sha1(drawing_key(drawing).encode("utf-8")).hexdigest()[:10]
    answers = _answers(drawn_shape(drawing) or "", day, tag)
    if answers is None:
        return
    if not answers:
        _handled(drawing)
        st.rerun()
    from dashboard.workspace import current_user

    answers["author"] = current_user()
    problems = add_drawing(drawing, answers, zoom or 8.0)
    if problems:
        for problem in problems[:10]:
            st.error(md_text(problem))
        return
    _handled(drawing)
    st.toast(f"Saved the {LABELS[answers['kind']].lower()} to your annotations.")
    st.rerun()
