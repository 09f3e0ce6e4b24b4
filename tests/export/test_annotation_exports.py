"""Annotations in every export: where they were drawn, in their colour, text as text."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from annotation_fixtures import ARROW, ARROW_COLOR, CALLOUT_TEXT, collection
from export_fixtures import load_fixture
from PIL import Image
from pypdf import PdfReader

from layers.core.view import MapView
from layers.export.annotations_file import annotations_geojson
from layers.export.files import export_bytes
from layers.ingest.annotations import annotation_overlay, read_annotations
from layers.ingest.upload import load_upload
from layers.render.staticmap import make_page, map_box, render_figure

KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("geodata"))


@pytest.fixture(scope="module")
def marks():
    frame, problems = read_annotations(collection(), name="marks.geojson")
    assert problems == []
    return frame


def _view(loaded, marks, day="2024-12-08"):
    overlay = annotation_overlay(marks)
    return MapView.create(day, [*loaded.catalog.ids, overlay.spec.id], overlays=(overlay,))


def test_geojson_round_trip_keeps_every_mark(marks):
    back, problems = read_annotations(annotations_geojson(marks).encode(), name="back.geojson")
    assert problems == []
    for column in ("id", "annotation", "text", "color", "line_style", "text_size"):
        assert list(back[column]) == list(marks[column])
    assert back.geometry.geom_equals_exact(marks.geometry, 1e-6).all()


def test_svg_keeps_the_callout_text_as_text(loaded, marks):
    svg = export_bytes(loaded, _view(loaded, marks), "svg").decode("utf-8")
    assert "Russian ships leave Tartus" in svg
    assert "&lt;b&gt;&amp;&lt;/b&gt; $x$" in svg  # escaped: never markup, never mathtext
    assert "<b>" not in svg


def test_dated_marks_leave_the_map_on_other_days(loaded, marks):
    svg = export_bytes(loaded, _view(loaded, marks, "2024-12-10"), "svg").decode("utf-8")
    assert "Russian ships leave Tartus" not in svg
    assert "Euphrates" in svg  # the undated label stays on every date


def test_pdf_has_the_callout_text(loaded, marks):
    pdf = PdfReader(io.BytesIO(export_bytes(loaded, _view(loaded, marks), "pdf")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Russian ships leave Tartus" in text


def test_png_has_the_arrow_colour_where_it_was_drawn(loaded, marks):
    view = _view(loaded, marks)
    dpi = 100
    png = Image.open(io.BytesIO(export_bytes(loaded, view, "png", dpi=dpi))).convert("RGB")
    fig = render_figure(loaded, view, make_page(loaded, view))
    ax = next(a for a in fig.axes if a.get_label() == "map")
    fig.canvas.draw()
    (x0, y0), (x1, y1) = ax.transData.transform(ARROW)
    height = png.size[1]
    pixels = np.asarray(png).astype(int)
    magenta = (np.abs(pixels - np.array([255, 0, 255])).sum(axis=2) < 60)
    scale = dpi / fig.dpi
    for t in (0.3, 0.6):
        x = (x0 + t * (x1 - x0)) * scale
        y = height - (y0 + t * (y1 - y0)) * scale
        window = magenta[int(y) - 4:int(y) + 5, int(x) - 4:int(x) + 5]
        assert window.any(), f"no arrow colour near ({x:.0f}, {y:.0f})"
    assert magenta.sum() < 0.01 * magenta.size  # the arrow, not the whole page


def test_html_holds_the_marks_and_draws_them_with_its_own_script(loaded, marks):
    page = export_bytes(loaded, _view(loaded, marks), "html").decode("utf-8")
    block = re.search(r'<script type="application/json" id="briefing-data">(.*?)</script>',
                      page, re.S).group(1)
    assert "<b>" not in block
    data = json.loads(block)
    layer = next(lay for lay in data["layers"] if lay["kind"] == "annotations")
    texts = [f["mark"]["properties"]["text"] for f in layer["features"]]
    assert CALLOUT_TEXT in texts
    assert "BriefingAnnotations" in page


def test_kml_draws_marks_as_they_look(loaded, marks):
    root = ET.fromstring(export_bytes(loaded, _view(loaded, marks), "kml"))
    folder = next(f for f in root.iter(f"{KML}Folder") if f.get("id") == "annotations")
    names = [p.find(f"{KML}name").text for p in folder.iter(f"{KML}Placemark")]
    assert CALLOUT_TEXT in names and "HTS advance" in names
    arrow = next(p for p in folder.iter(f"{KML}Placemark") if p.find(f"{KML}name").text
                 == "HTS advance")
    assert arrow.find(f".//{KML}Polygon") is not None  # the head
    circle = next(p for p in folder.iter(f"{KML}Placemark")
                  if p.find(f"{KML}name").text == "Khmeimim 20 km")
    assert circle.find(f".//{KML}Polygon") is not None  # a ring, not a point


def test_an_annotation_upload_becomes_an_annotation_layer():
    overlay, problems = load_upload(collection(), "my marks.geojson")
    assert problems == [] and overlay is not None
    assert overlay.spec.kind == "annotations" and overlay.spec.id == "annotations-my-marks"
    assert map_box()[2] > 0 and ARROW_COLOR in set(overlay.frame["color"])
