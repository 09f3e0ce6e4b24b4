"""The annotation contract: each mark checked, defaults filled, problems named with the fix."""

from __future__ import annotations

import json

import pytest
from annotation_fixtures import collection, line, mark, point

from layers.ingest.annotations import looks_like_annotations, read_annotations


def _read(features):
    return read_annotations(collection(features), name="marks.geojson")


def test_every_kind_loads_with_defaults_filled():
    frame, problems = read_annotations(collection(), name="marks.geojson")
    assert problems == []
    assert list(frame["annotation"]) == ["arrow", "callout", "curved_arrow", "label", "circle",
                                         "area", "freehand"]
    row = frame.set_index("id").loc["f1"]
    assert (row["color"], row["line_style"], row["text_size"], row["text"]) == (
        "#8c564b", "solid", "medium", "")
    assert str(frame.set_index("id").loc["a1", "valid_to"].date()) == "2024-12-09"


@pytest.mark.parametrize(("feature", "rule", "words"), [
    (mark("arow", point(36, 35)), "bad-annotation", "Use one of: arrow, curved_arrow"),
    (mark("callout", point(36, 35), text="x"), "annotation-geometry", "LineString of two"),
    (mark("label", point(36, 35)), "annotation-no-text", "Add a 'text'"),
    (mark("arrow", line([[36, 35], [36, 35]])), "annotation-degenerate", "different places"),
    (mark("label", point(36, 35), text="x", color="red;background:url(x)"),
     "annotation-color", "#rrggbb"),
    (mark("label", point(36, 35), text="x", line_style="wavy"), "annotation-line_style",
     "solid, dashed, dotted"),
    (mark("label", point(36, 35), text="x", text_size="huge"), "annotation-text_size",
     "small, medium, large"),
    (mark("circle", point(36, 35)), "annotation-radius", "radius in metres"),
    (mark("label", point(36, 35), text="x", valid_from="8/12/2024"), "bad-date", "2024-12-08"),
])
def test_a_bad_mark_is_refused_with_its_fix(feature, rule, words):
    frame, problems = _read([feature])
    assert frame is None
    found = [p for p in problems if p.rule == rule]
    assert found, problems
    assert words in found[0].describe() and "marks.geojson" in found[0].describe()


def test_colour_names_become_hex_and_text_is_kept_as_written():
    frame, problems = _read([mark("label", point(36, 35), text="<b>x</b> ${1}", color="Blue")])
    assert problems == []
    assert frame["color"].iloc[0] == "#1f77b4"
    assert frame["text"].iloc[0] == "<b>x</b> ${1}"


def test_an_empty_annotation_file_is_a_map_nobody_drew_on():
    data = json.dumps({"type": "FeatureCollection", "briefing": "annotations",
                       "features": []}).encode()
    assert looks_like_annotations(data)
    frame, problems = read_annotations(data, name="none.geojson")
    assert problems == [] and frame is not None and frame.empty


def test_sniffing_tells_marks_from_data():
    assert looks_like_annotations(collection())
    assert not looks_like_annotations(b'{"type": "FeatureCollection", "features": '
                                      b'[{"type": "Feature", "properties": {"name": "x"}}]}')
    assert not looks_like_annotations(b"PK\x03\x04zip")
