"""A drawn shape becomes the annotation feature a file would hold, then passes its rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from layers.ingest.annotations import read_annotations
from layers.ingest.drawn import DrawingError, drawing_key, drawn_feature, drawn_shape

POINT = {"type": "Feature", "properties": {"bm_drawn": 1},
         "geometry": {"type": "Point", "coordinates": [35.95, 35.41]}}
CIRCLE = {"type": "Feature", "properties": {"radius": 20000.0, "bm_drawn": 2},
          "geometry": {"type": "Point", "coordinates": [35.95, 35.41]}}
LINE = {"type": "Feature", "properties": {"bm_drawn": 1},
        "geometry": {"type": "LineString", "coordinates": [[36.2, 34.6], [36.6, 35.0],
                                                           [37.1, 35.4]]}}
AREA = {"type": "Feature", "properties": {"bm_drawn": 1},
        "geometry": {"type": "Polygon", "coordinates": [[[36, 35], [36.5, 35], [36.5, 35.5],
                                                         [36, 35]]]}}
STYLE = {"color": "#1f77b4", "line_style": "dashed", "text_size": "large"}


def _read(*features: dict):
    doc = {"type": "FeatureCollection", "features": list(features)}
    return read_annotations(json.dumps(doc).encode(), name="drawn")


def test_shapes_are_told_apart_and_a_circle_by_its_radius():
    assert [drawn_shape(d) for d in (POINT, CIRCLE, LINE, AREA, {}, None)] == [
        "Point", "Circle", "LineString", "Polygon", None, None]
    assert drawing_key(LINE) == drawing_key(json.loads(json.dumps(LINE)))
    # streamlit-folium reports a clicked site the same way; only the toolbar stamps its own
    site = {"type": "Feature", "properties": {"_tip": "<b>Tartus</b>"},
            "geometry": {"type": "Point", "coordinates": [35.88, 34.91]}}
    assert drawn_shape(site) is None


def test_marker_callout_points_at_the_marker_with_its_box_up_and_right():
    feature = drawn_feature(POINT, ident="drawn-1", kind="callout", text="Convoy", zoom=8,
                            **STYLE)
    (x0, y0), (x1, y1) = feature["geometry"]["coordinates"]
    assert (x0, y0) == (35.95, 35.41)
    # 70 px at zoom 8 is 70 * 360 / 65536 degrees of longitude
    assert x1 - x0 == pytest.approx(70 * 360 / 65536, abs=1e-6) and y1 > y0
    frame, problems = _read(feature)
    assert problems == [] and frame.iloc[0]["text"] == "Convoy"
    assert frame.iloc[0]["line_style"] == "dashed"


def test_dates_are_first_and_last_day_and_stored_with_an_exclusive_end():
    feature = drawn_feature(LINE, ident="drawn-2", kind="arrow", text="",
                            valid_from=dt.date(2024, 12, 8), last_day=dt.date(2024, 12, 8),
                            **STYLE)
    assert feature["properties"]["valid_from"] == "2024-12-08"
    assert feature["properties"]["valid_to"] == "2024-12-09"
    frame, problems = _read(feature)
    assert problems == []
    assert frame.iloc[0].geometry.geom_type == "LineString" and len(
        frame.iloc[0].geometry.coords) == 3


def test_circle_takes_the_drawn_radius_and_a_marker_circle_the_forms():
    drawn = drawn_feature(CIRCLE, ident="c1", kind="circle", text="", **STYLE)
    typed = drawn_feature(POINT, ident="c2", kind="circle", text="", radius_m=5000, **STYLE)
    assert drawn["properties"]["radius_m"] == 20000.0
    assert typed["properties"]["radius_m"] == 5000.0
    frame, problems = _read(drawn, typed)
    assert problems == [] and list(frame["annotation"]) == ["circle", "circle"]


def test_a_shape_that_cannot_be_the_mark_says_which_marks_it_can_be():
    with pytest.raises(DrawingError, match="area"):
        drawn_feature(AREA, ident="x", kind="arrow", text="", **STYLE)
    with pytest.raises(DrawingError, match="unreadable"):
        drawn_feature({"type": "Feature", "properties": {"bm_drawn": 3},
                       "geometry": {"type": "Point", "coordinates": ["a", 1]}},
                      ident="x", kind="label", text="t", **STYLE)
