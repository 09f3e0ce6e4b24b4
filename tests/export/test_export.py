"""Every export format: opens with its own kind of reader, holds exactly the features the
screen shows for the date, and says what it is (title, date, sources, handling)."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from export_fixtures import HOSTILE, load_fixture
from PIL import Image
from pypdf import PdfReader
from shapely.geometry import shape

from layers import DateError, ExportError, UnknownLayerError
from layers.core.catalog import LayerSpec
from layers.core.sources import parse_reference
from layers.core.view import MapView, Overlay, view_layers
from layers.export.files import (
    FORMATS,
    MIME_TYPES,
    check_view,
    export_bytes,
    export_file,
    file_name,
    format_for,
    shown_layers,
)
from layers.export.html import page_data, script_json
from layers.ingest.catalog_layers import load_catalog_layers

KML = "{http://www.opengis.net/kml/2.2}"
DATA = ("geojson", "kml", "gpkg")
DATES = ("2024-11-30", "2024-12-08", "2024-12-16")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("geodata"))


@pytest.fixture(scope="module")
def real():
    return load_catalog_layers()


def make_view(loaded, day="2024-12-08", **kw) -> MapView:
    return MapView.create(day, kw.pop("layers", loaded.catalog.ids), **kw)


def expected_ids(loaded, view) -> set[tuple[str, str]]:
    return {(spec.id, str(i)) for spec, frame in shown_layers(loaded, view) for i in frame["id"]}


def ids_in(fmt: str, data: bytes, tmp_path: Path) -> set[tuple[str, str]]:
    """(layer, id) of every feature in a data export, read with that format's own reader."""
    if fmt == "geojson":
        doc = json.loads(data)
        return {(f["properties"]["layer"], f["properties"]["id"]) for f in doc["features"]}
    if fmt == "kml":
        root = ET.fromstring(data)
        out = set()
        for mark in root.iter(f"{KML}Placemark"):
            values = {d.get("name"): d.find(f"{KML}value").text
                      for d in mark.iter(f"{KML}Data")}
            out.add((values["layer"], values["id"]))
        return out
    path = tmp_path / "read.gpkg"
    path.write_bytes(data)
    out = set()
    for name, _ in pyogrio.list_layers(path):
        frame = pyogrio.read_dataframe(path, layer=name)
        out.update((name, str(i)) for i in frame["id"])
    return out


# --- each format, read back with its own reader (real data, as the dashboard shows it) ------

@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_opens_with_its_reader_and_matches_the_screen(real, fmt, tmp_path):
    view = make_view(real, "2024-12-08")
    out = export_file(real, view, tmp_path / f"map.{fmt}", dpi=60)
    data = out.read_bytes()
    assert len(data) > 1000
    screen = {(spec.id, str(i)) for spec, frame in view_layers(real, view) for i in frame["id"]}
    title = real.catalog.title
    if fmt == "png":
        with Image.open(out) as im:
            im.verify()
        with Image.open(out) as im:
            pixels = np.asarray(im.convert("L").resize((200, 112)))
        assert pixels.std() > 20
    elif fmt == "pdf":
        text = PdfReader(out).pages[0].extract_text()
        for needle in (title, "As of 8 December 2024", "2024-12-08", "Sources",
                       "Natural Earth borders", "UNCLASSIFIED // OPEN SOURCE"):
            assert needle in " ".join(text.split())  # a credit may wrap onto two lines
        # The numbered block names each publication once: "Reuters [31] 5 Dec 2024, ...".
        publications = {parse_reference(s.strip())[0] for _, f in view_layers(real, view)
                        for v in f["source"].dropna() for s in v.split(";")}
        flat = " ".join(text.split())
        assert sum(p in flat for p in publications) >= 3
        assert len(re.findall(r"\[\d+\]", flat)) >= 3
    elif fmt == "svg":
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")
        words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert "8 December 2024" in words and "military footprint" in words
    elif fmt == "html":
        html = data.decode("utf-8")
        assert "<title>Russia&#x27;s military footprint in Syria — as of 2024-12-08</title>" in html
        doc = page_data(real, view, handling=real.catalog.handling)
        assert doc["asOf"] == "2024-12-08" and "2024-12-08" in doc["dates"]
    else:
        assert ids_in(fmt, data, tmp_path) == screen
    if fmt == "geojson":
        frame = gpd.read_file(out)
        assert len(frame) == len(screen)
    if fmt == "kml":
        counts = sum(len(pyogrio.read_dataframe(out, layer=name))
                     for name, _ in pyogrio.list_layers(out))
        assert counts == len(screen)
    if fmt == "gpkg":
        assert sorted(n for n, _ in pyogrio.list_layers(out)) == sorted(view.layer_ids)


def test_pdf_embeds_its_fonts(loaded, tmp_path):
    out = export_file(loaded, make_view(loaded), tmp_path / "map.pdf")
    reader = PdfReader(out)
    descriptors = []
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        for desc in [font.get("/FontDescriptor")] + [
                d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]:
            if desc is not None:
                descriptors.append(desc.get_object())
    assert descriptors
    assert all("/FontFile2" in d for d in descriptors)
    assert reader.metadata.title.startswith("Russia's military footprint in Syria")


# --- exactly the features of the date ---------------------------------------------------------

@pytest.mark.parametrize("fmt", DATA)
@pytest.mark.parametrize("day", DATES)
def test_data_exports_hold_exactly_the_features_valid_on_the_date(loaded, fmt, day, tmp_path):
    view = make_view(loaded, day)
    got = ids_in(fmt, export_bytes(loaded, view, fmt), tmp_path)
    assert got == expected_ids(loaded, view)
    assert ("control_zones", "z-west-gov" if day < "2024-12-08" else "z-west-hts") in got


@pytest.mark.parametrize("fmt", DATA)
def test_bbox_keeps_the_features_that_touch_it(loaded, fmt, tmp_path):
    coast = (35.6, 34.7, 36.3, 35.6)
    view = make_view(loaded, "2024-12-16", bbox=coast)
    got = ids_in(fmt, export_bytes(loaded, view, fmt), tmp_path)
    assert ("installations", "khmeimim-site") in got and ("places", "tartus") in got
    assert ("installations", "kobani-2") not in got and ("places", "damascus") not in got
    assert ("evacuation_routes", "r-road") in got  # the convoy crosses the box
    assert got == expected_ids(loaded, view)


@pytest.mark.parametrize("fmt", DATA)
def test_only_the_chosen_layers(loaded, fmt, tmp_path):
    view = make_view(loaded, layers=["installations"])
    got = ids_in(fmt, export_bytes(loaded, view, fmt), tmp_path)
    assert {layer for layer, _ in got} == {"installations"}


@pytest.mark.parametrize("fmt", DATA)
def test_uploaded_overlays_are_exported_like_layers(loaded, fmt, tmp_path):
    spec = LayerSpec(id="upload-1", title="My upload", path=Path(""), kind="generic")
    frame = gpd.GeoDataFrame({"id": ["u1"], "name": ["Checkpoint"], "source": ["me"],
                              "confidence": ["low"]},
                             geometry=[shapely.Point(36.5, 35.0)], crs="EPSG:4326")
    frame["valid_from"] = np.array([None], dtype="datetime64[ns]")
    frame["valid_to"] = np.array([None], dtype="datetime64[ns]")
    view = make_view(loaded, layers=[*loaded.catalog.ids, "upload-1"],
                     overlays=(Overlay(spec, frame),))
    got = ids_in(fmt, export_bytes(loaded, view, fmt), tmp_path)
    assert ("upload-1", "u1") in got


# --- per-format contracts ---------------------------------------------------------------------

def test_geojson_is_rfc7946(loaded):
    doc = json.loads(export_bytes(loaded, make_view(loaded, "2024-12-16"), "geojson"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert doc["as_of"] == "2024-12-16" and doc["handling"] == "UNCLASSIFIED // OPEN SOURCE"
    road = next(f for f in doc["features"] if f["properties"]["id"] == "r-road")
    props = road["properties"]
    assert props["valid_from"] == "2024-12-15" and props["valid_to"] == "2024-12-17"
    assert props["personnel"] == 400 and props["source"] == "Test source r-road"
    assert {"id", "name", "valid_from", "valid_to", "source", "confidence"} <= set(props)
    for feature in doc["features"]:
        geom = shape(feature["geometry"])
        assert geom.is_valid
        if geom.geom_type == "Polygon":
            assert geom.exterior.is_ccw  # right-hand rule, RFC 7946 §3.1.6
        coords = json.dumps(feature["geometry"]["coordinates"])
        assert not re.search(r"\.\d{7,}", coords)
        assert "_index" not in feature["properties"]
        assert "NaN" not in json.dumps(feature)


def test_kml_carries_timespan_styles_and_extended_data(loaded):
    root = ET.fromstring(export_bytes(loaded, make_view(loaded, "2024-12-16"), "kml"))
    marks = {m.get("id"): m for m in root.iter(f"{KML}Placemark")}
    road = marks["evacuation_routes.r-road"]
    assert road.find(f"{KML}TimeSpan/{KML}begin").text == "2024-12-15"
    assert road.find(f"{KML}TimeSpan/{KML}end").text == "2024-12-17"
    site = marks["installations.khmeimim-site"]
    assert site.find(f"{KML}TimeSpan/{KML}end") is None  # still valid: open-ended
    style_id = road.find(f"{KML}styleUrl").text.lstrip("#")
    style = next(s for s in root.iter(f"{KML}Style") if s.get("id") == style_id)
    # road convoy #c1121f, medium confidence (line opacity 0.9) → aabbggrr
    assert style.find(f"{KML}LineStyle/{KML}color").text == "e61f12c1"
    data = {d.get("name"): d.find(f"{KML}value").text for d in road.iter(f"{KML}Data")}
    assert data["source"] == "Test source r-road" and data["confidence"] == "medium"
    folders = [f.find(f"{KML}name").text for f in root.iter(f"{KML}Folder")]
    assert folders == [s.title for s in loaded.catalog.layers]
    assert root.find(f"{KML}Document/{KML}name").text.endswith("as of 2024-12-16")


def test_kml_keeps_hostile_text_as_text(loaded, tmp_path):
    data = export_bytes(loaded, make_view(loaded), "kml")
    names = [n.text for n in ET.fromstring(data).iter(f"{KML}name")]
    assert HOSTILE in names
    assert b"<script>" not in data  # escaped by the XML writer
    out = tmp_path / "map.kml"
    out.write_bytes(data)
    places = pyogrio.read_dataframe(out, layer="Places")
    assert HOSTILE in set(places["Name"])


def test_gpkg_has_one_table_per_layer_even_when_empty(loaded, tmp_path):
    out = export_file(loaded, make_view(loaded, "2024-12-08"), tmp_path / "map.gpkg")
    tables = dict(pyogrio.list_layers(out))
    assert set(tables) == set(loaded.catalog.ids)
    routes = gpd.read_file(out, layer="evacuation_routes")
    assert routes.empty  # no route valid on 8 Dec in the fixture, the table is still there
    sites = gpd.read_file(out, layer="installations")
    assert set(sites.geom_type) == {"Point", "Polygon", "LineString"}
    assert sites.crs.to_epsg() == 4326
    assert (sites["valid_from"] == "2015-09-30").any()
    info = pyogrio.read_info(out, layer="installations")
    assert info["layer_metadata"]["as_of"] == "2024-12-08"


def test_html_script_json_cannot_close_its_element():
    text = script_json({"name": "</script><script>alert(1)</script>", "x": "<!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "<" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script>"


def test_html_needs_no_network(loaded):
    html = export_bytes(loaded, make_view(loaded), "html").decode("utf-8")
    markup = re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)
    assert not re.search(r"""(src|href)\s*=""", markup)  # nothing to fetch in the markup
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)  # nor from the styles
    own_js = (Path(__file__).resolve().parents[2] / "layers/export/_html/standalone.js")
    assert "http" not in own_js.read_text()
    assert "@import" not in html and "sourceMappingURL" not in html
    assert "url(images/" not in html  # Leaflet's images are inlined as data: URIs
    assert "Content-Security-Policy" in html and "default-src &#x27;none&#x27;" in html
    hostile_raw = '<img src=x onerror="window.__pwned=1">'
    assert hostile_raw not in html


def test_html_embeds_all_change_dates_and_every_feature(loaded):
    doc = page_data(loaded, make_view(loaded), handling="X")
    assert doc["dates"][0] == loaded.catalog.start
    assert {"2024-12-08", "2024-12-10", "2024-12-15", "2024-12-17"} <= set(doc["dates"])
    assert doc["dates"] == sorted(doc["dates"])
    counts = {layer["id"]: len(layer["features"]) for layer in doc["layers"]}
    assert counts == {k: len(v) for k, v in loaded.frames.items()}


# --- errors -----------------------------------------------------------------------------------

def test_unknown_layer_names_the_known_ones(loaded):
    with pytest.raises(UnknownLayerError, match=r"'zones'.*known layers: control_zones, "
                       r"evacuation_routes"):
        check_view(loaded, make_view(loaded, layers=["zones"]))


def test_date_before_the_data_is_refused(loaded):
    with pytest.raises(DateError, match=r"2024-11-25.*before the data begin.*2024-11-26"):
        export_bytes(loaded, make_view(loaded, "2024-11-25"), "geojson")


@pytest.mark.parametrize("where", ["missing-folder/map.png", "a-file.txt/map.png", "folder"])
def test_unwritable_path_names_the_path(loaded, tmp_path, where):
    (tmp_path / "a-file.txt").write_text("x")
    (tmp_path / "folder").mkdir()
    target = tmp_path / where
    with pytest.raises(ExportError, match=re.escape(str(target))) as info:
        export_file(loaded, make_view(loaded), target, "png")
    assert isinstance(info.value, OSError)


def test_failed_write_leaves_no_partial_file(loaded, tmp_path, monkeypatch):
    target = tmp_path / "map.geojson"
    target.write_text("old")

    def broken(*_args, **_kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("layers.export.files.os.replace", broken)
    with pytest.raises(ExportError, match="No space left"):
        export_file(loaded, make_view(loaded), target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.geojson"]


def test_format_from_suffix_and_names(loaded):
    assert format_for("x.GeoJSON") == "geojson" and format_for("x.json") == "geojson"
    assert format_for("x.anything", "kml") == "kml"
    with pytest.raises(ExportError, match="docx"):
        format_for("x.docx")
    name = file_name(loaded, make_view(loaded, title="Coast / 8 Dec!"), "png")
    assert name == "coast-8-dec_2024-12-08.png"
    assert set(MIME_TYPES) == set(FORMATS)


def test_export_bytes_match_export_file(loaded, tmp_path):
    view = make_view(loaded)
    made = __import__("datetime").datetime(2025, 1, 2, 3, 4, tzinfo=__import__("datetime").UTC)
    a = export_bytes(loaded, view, "geojson", made=made)
    b = export_file(loaded, view, tmp_path / "m.geojson", made=made).read_bytes()
    assert a == b


def test_png_dpi_option(loaded):
    data = export_bytes(loaded, make_view(loaded), "png", dpi=72)
    with Image.open(io.BytesIO(data)) as im:
        assert im.info["dpi"][0] == pytest.approx(72, abs=0.5)
        assert im.size == (960, 540)


# --- the app's export panel -------------------------------------------------------------------

def _downloads_app(catalog_path: str) -> None:
    import streamlit as st  # noqa: F401  (the panel draws with it)

    from dashboard.downloads import render_downloads
    from layers.core.catalog import load_catalog
    from layers.core.view import MapView
    from layers.ingest.catalog_layers import load_catalog_layers

    loaded = load_catalog_layers(load_catalog(catalog_path))
    render_downloads(loaded, MapView.create("2024-12-16", loaded.catalog.ids,
                                            bbox=(35.6, 34.7, 36.3, 35.6)))


def test_app_panel_has_a_button_per_format_and_renders_nothing_until_clicked(loaded,
                                                                             monkeypatch):
    from streamlit.testing.v1 import AppTest

    import dashboard.downloads

    calls = []
    monkeypatch.setattr(dashboard.downloads, "export_bytes",
                        lambda *a, **k: calls.append(a) or b"")
    at = AppTest.from_function(_downloads_app, args=(str(loaded.catalog.root / "catalog.toml"),),
                               default_timeout=60).run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    for label in ("PNG · 300 dpi", "PDF · vector", "SVG · editable", "HTML · interactive",
                  "GeoJSON", "KML · Google Earth", "GeoPackage"):
        assert label in labels
    assert calls == []  # a rerun (a slider step) makes no file
    caption = at.caption[0].value
    assert "As of 16 December 2024" in caption and "the map's current extent" in caption
    assert "--bbox 35.6000,34.7000,36.3000,35.6000" in at.code[0].value


def test_app_buttons_make_the_same_files_as_the_cli(loaded):
    from dashboard.downloads import _pack_maker, cli_command, maker
    from layers.render.layout import Layout

    view = make_view(loaded, "2024-12-16", bbox=(35.6, 34.7, 36.3, 35.6))
    doc = json.loads(maker(loaded, view, "geojson", "UNCLASSIFIED // OPEN SOURCE")())
    assert {(f["properties"]["layer"], f["properties"]["id"]) for f in doc["features"]} == \
        expected_ids(loaded, view)
    gif = _pack_maker(loaded, view, [view.day], "gif", "X", Layout(), None)()
    assert gif[:3] == b"GIF"
    command = cli_command(view, "kml", "SECRET", "UNCLASSIFIED // OPEN SOURCE")
    assert command.startswith("python -m layers export --date 2024-12-16 --format kml")
    assert "--handling SECRET" in command


def test_written_file_has_the_usual_permissions(tmp_path):
    import os

    from layers.export.files import write_output

    umask = os.umask(0o022)
    try:
        path = write_output(tmp_path / "brief.pdf", b"%PDF-1.4")
    finally:
        os.umask(umask)
    assert path.read_bytes() == b"%PDF-1.4"
    assert path.stat().st_mode & 0o777 == 0o644
