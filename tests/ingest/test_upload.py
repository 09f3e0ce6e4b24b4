"""Uploads: every file of the bad-file corpus gets its one clear message; good formats agree."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers import LayerValidationError, load_layer
from layers.core.timeline import as_of
from layers.ingest.formats import sniff
from layers.ingest.upload import (
    CATEGORY_COLORS,
    PALETTE,
    UploadLimits,
    bundle_shapefiles,
    choose_style,
    load_upload,
    slug,
)
from layers.render.style import feature_style, legend

CORPUS = Path(__file__).resolve().parents[1] / "bad_files"

#: file → (accepted?, rule, severity, words the message must contain)
EXPECTED = {
    "not-json.geojson": (False, "not-json", "error", "is not valid JSON (line 2, column 49)"),
    "not-featurecollection.geojson": (False, "not-featurecollection", "error",
                                      "expected \"FeatureCollection\""),
    "empty.geojson": (False, "empty", "error", "has no features"),
    "no-geometry.geojson": (True, "null-geometry", "warning",
                            "has no geometry (null or empty); it is not drawn"),
    "bad-coordinates.geojson": (False, "bad-coordinates", "error",
                                "coordinates of the Point holds text '35.9486', which is not a "
                                "finite number"),
    "latlon-swapped.geojson": (False, "latlon-swapped", "error",
                               "latitude and longitude look swapped"),
    "web-mercator-no-crs.geojson": (False, "projected-coordinates", "error",
                                    "look like Web Mercator metres (EPSG:3857) with no CRS"),
    "unknown-crs.geojson": (False, "crs-unknown", "error", "unknown CRS 'EPSG:999999'"),
    "self-intersection.geojson": (False, "invalid-geometry", "error",
                                  "invalid geometry: Self-intersection"),
    "bad-date.geojson": (False, "bad-date", "error",
                         "valid_from '08/12/2024' is not a date in the form YYYY-MM-DD"),
    "date-order.geojson": (False, "date-order", "error",
                           "valid_to 2024-12-08 is not after valid_from 2024-12-20"),
    "duplicate-id.geojson": (True, "duplicate-id", "warning", "repeats the id of feature #0"),
    "bad-confidence.geojson": (True, "bad-confidence", "warning",
                               "confidence 'H' is not one of high, medium, low"),
    "zip-slip.zip": (False, "zip-unsafe-path", "error", "unsafe path '../evil.shp'"),
    "zip-symlink.zip": (False, "zip-symlink", "error", "symbolic link 'sites.shp'"),
    "empty.zip": (False, "zip-empty", "error", "is an empty zip archive"),
    "zip-no-shp.zip": (False, "zip-no-dataset", "error",
                       "holds no .shp, .gpkg, .kml or GeoJSON file (found: 'readme.txt', "
                       "'sites.csv')"),
    "shapefile-incomplete.zip": (False, "zip-shapefile-incomplete", "error",
                                 "comes without its .shx and .dbf"),
    "shapefile-no-prj.zip": (True, "no-prj", "warning",
                             "no .prj file; the coordinates look like degrees"),
    "shapefile-mercator-no-prj.zip": (False, "projected-coordinates", "error",
                                      "look like Web Mercator metres"),
    "gpkg-mercator.gpkg": (True, "reprojected", "warning",
                           "declared EPSG:3857 (WGS 84 / Pseudo-Mercator); reprojected"),
    "gpkg-two-layers.gpkg": (True, "several-layers", "warning",
                             "has 2 layers; read 'sites' only (also: 'ports')"),
    "kml-timespan.kml": (True, "kml-dates", "warning",
                         "KML TimeSpan and TimeStamp read as valid_from/valid_to"),
    "kml-doctype.kml": (False, "kml-doctype", "error", "declares a DOCTYPE or ENTITY"),
    "pdf-renamed.geojson": (False, "unsupported-format", "error", "looks like a PDF document"),
    "lone.shp": (False, "unsupported-format", "error", "looks like a bare .shp file"),
    # Issue 16: what the world's files contain (tests/bad_files/make_realworld.py).
    "unclosed-ring.geojson": (False, "unclosed-ring", "error",
                              "ring 0 of coordinates (the exterior) is not closed: it starts at "
                              "[35.8, 34.8] and ends at [35.8, 34.9]"),
    "unclosed-ring.kml": (False, "unclosed-ring", "error",
                          "ring 0 of coordinates (the exterior) is not closed: it starts at "
                          "[35.8, 34.8] and ends at [35.8, 34.9]"),
    "short-ring.geojson": (False, "short-ring", "error", "has 3 positions; a ring needs at "
                           "least 4 (3 corners and the first again)"),
    "bad-bbox.geojson": (False, "bad-bbox", "error", "the FeatureCollection's \"bbox\" is an "
                         "array of 3; expected an array of 4 (or 6) numbers"),
    "bad-id.geojson": (False, "bad-id", "error", '"id" is a JSON object; expected a string or '
                       "a number"),
    "ambiguous-member.geojson": (False, "ambiguous-member", "error",
                                 'has a "coordinates" member beside "geometry" (RFC 7946 §7.1'),
    "bad-properties.geojson": (False, "bad-properties", "error",
                               '"properties" is a JSON array; expected an object or null'),
    "one-number-position.geojson": (False, "bad-coordinates", "error",
                                    "coordinates of the Point is a position of 1 number; "
                                    "expected [longitude, latitude]"),
    "numbers-not-positions.geojson": (False, "bad-coordinates", "error",
                                      "coordinates of the LineString holds numbers where "
                                      "positions were expected"),
    "inhomogeneous.geojson": (False, "bad-coordinates", "error",
                              "position 1 of ring 0 of coordinates (the exterior) of the Polygon "
                              "nests arrays one level too deep"),
    "huge-integer.geojson": (False, "bad-coordinates", "error",
                             "holds a number too large to be a coordinate, which is not a "
                             "finite number"),
    "clockwise.geojson": (True, "winding-order", "warning", "exterior rings wound clockwise"),
    "nested-collection.geojson": (True, "nested-collection", "warning",
                                  "GeometryCollections nested inside GeometryCollections"),
    "excess-precision.geojson": (True, "excessive-precision", "warning",
                                 "coordinates with up to 14 decimal places"),
    "world-edge.geojson": (True, "coordinates-at-edge", "warning",
                           "2 vertices up to 0.0000019° beyond longitude ±180"),
    "dated-event-date.geojson": (True, "date-column", "warning",
                                 "read 'event_date' as the date (valid_from): each feature "
                                 "shows on that day only"),
    "esri-arcgis.json": (True, "esri-json", "warning", "is Esri JSON (an ArcGIS export)"),
    "bare-linearring.kml": (True, "kml-dates", "warning", "KML TimeStamp read as valid_from"),
    "two-placemarks.kml": (True, "kml-dates", "warning", "KML TimeSpan read as valid_from"),
    "google-timeline.kml": (True, "kml-dates", "warning",
                            "KML TimeSpan and gx:Track read as valid_from/valid_to"),
    "kml-doctype-late.kml": (False, "kml-doctype", "error", "declares a DOCTYPE or ENTITY"),
    "kmz-doctype.kmz": (False, "kml-doctype", "error", "declares a DOCTYPE or ENTITY"),
    "kmz-networklink.kmz": (True, "kml-network-link", "warning",
                            "has NetworkLink elements; they are not followed"),
    "acled-export.csv": (True, "approximate-location", "warning",
                         "2 rows are placed only approximately (geo_precision 2–3); each is "
                         "drawn as a circle of uncertainty"),
    "csv-no-coordinates.csv": (False, "no-coordinates", "error",
                               "is a table without a lat or lon column"),
    "analyst-own-columns.xlsx": (True, "table-columns", "warning",
                                 "columns used: lat: 'Y', lon: 'X', date: 'Day'"),
    "patrol-track.gpx": (True, "gpx-read", "warning",
                         "GPX read as 1 track, 0 routes, 1 waypoint"),
}


def upload(name: str, **kwargs):
    return load_upload((CORPUS / name).read_bytes(), name, **kwargs)


def test_corpus_and_table_agree():
    files = {p.name for p in CORPUS.iterdir() if p.suffix != ".py" and p.name != "README.md"}
    assert files - {"hostile.geojson"} == set(EXPECTED)


def test_corpus_readme_lists_every_file_with_its_rule():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for name, (accepted, rule, _, words) in EXPECTED.items():
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"`{rule}`" in row and words.replace("|", "\\|") in row
        assert ("| loads |" if accepted else "| refused |") in row


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gets_its_message(name):
    accepted, rule, severity, words = EXPECTED[name]
    overlay, problems = upload(name)
    assert (overlay is not None) == accepted, [p.describe() for p in problems]
    found = [p for p in problems if p.rule == rule]
    assert found, f"no {rule!r} in {[p.rule for p in problems]}"
    assert found[0].severity == severity
    assert words in found[0].message
    assert found[0].fix or severity == "warning"
    if not accepted:  # refused for one reason, stated once
        assert [p.rule for p in problems if p.severity == "error"] == [rule]


def test_self_intersection_repaired_on_request_with_a_warning():
    overlay, problems = upload("self-intersection.geojson", repair=True)
    assert overlay is not None
    assert overlay.frame.geometry.is_valid.all()
    (repaired,) = [p for p in problems if p.rule == "repaired-geometry"]
    assert repaired.feature == "'bowtie' (#0)" and "repaired automatically" in repaired.message


def test_bad_date_suggests_the_iso_form():
    _, problems = upload("bad-date.geojson")
    assert "2024-12-08" in problems[0].fix


def test_gpkg_in_web_mercator_lands_on_tartus():
    overlay, _ = upload("gpkg-mercator.gpkg")
    first = overlay.frame.geometry.iloc[0]
    assert (first.x, first.y) == pytest.approx((35.8867, 34.9117), abs=1e-6)


def test_kml_timespan_and_timestamp_follow_the_time_slider():
    overlay, _ = upload("kml-timespan.kml")
    frame = overlay.frame
    assert list(frame["id"]) == ["tartus", "khmeimim"]
    assert [f"{d:%Y-%m-%d}" for d in frame["valid_from"]] == ["2024-12-01", "2024-12-08"]
    assert [f"{d:%Y-%m-%d}" for d in frame["valid_to"]] == ["2024-12-20", "2024-12-09"]
    assert list(as_of(frame, "2024-12-08")["id"]) == ["tartus", "khmeimim"]
    assert list(as_of(frame, "2024-12-09")["id"]) == ["tartus"]
    assert as_of(frame, "2024-12-20").empty
    assert "altitudeMode" not in frame.columns and frame["name"].iloc[0] == "Tartus naval facility"


def test_hostile_text_is_kept_verbatim_as_data():
    overlay, problems = upload("hostile.geojson")
    assert [p for p in problems if p.severity == "error"] == []
    frame = overlay.frame
    assert frame["id"].iloc[0] == "<script>window.__pwned=1</script>"
    assert frame["notes"].iloc[0].startswith("`${window.__pwned=1}`")
    assert "<img src=x onerror=window.__pwned=1>" in frame.columns
    # the legend carries the values as plain strings; renderers escape them
    assert {e.label for e in legend(overlay.spec)} == {"<b>bold</b>", "{{7*7}}", "normal"}


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("sites.shp", b"\0" * (64 * 1024 * 1024))
        zf.writestr("sites.shx", b"\0" * 100)
        zf.writestr("sites.dbf", b"\0" * 100)
    data = buf.getvalue()
    assert len(data) < 100_000
    overlay, problems = load_upload(data, "bomb.zip")
    assert overlay is None
    (bomb,) = problems
    assert bomb.rule == "zip-bomb" and "inflates" in bomb.message and "possible zip bomb" in \
        bomb.message


def test_zip_over_the_total_unpacked_size_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("sites.geojson", b" " * 3000)
    overlay, problems = load_upload(buf.getvalue(), "big.zip",
                                    limits=UploadLimits(max_unzipped_bytes=2000))
    assert overlay is None
    assert problems[0].rule == "zip-bomb" and "would unpack to" in problems[0].message


def test_zip_whose_directory_lies_about_sizes_is_still_capped():
    """A member that declares a small size but inflates to more is stopped while copying."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("sites.geojson", b" " * 500_000)
    raw = bytearray(buf.getvalue())
    # rewrite the uncompressed size in the central directory to 10 bytes
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    overlay, problems = load_upload(bytes(raw), "liar.zip")
    assert overlay is None
    assert problems[0].rule in {"zip-unreadable", "zip-bomb"}


def test_too_many_zip_members():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(250):
            zf.writestr(f"f{i}.txt", "x")
    _, problems = load_upload(buf.getvalue(), "many.zip")
    assert problems[0].rule == "zip-too-many-members" and "250 entries" in problems[0].message


def test_size_and_feature_limits_say_the_figures():
    data = (CORPUS / "duplicate-id.geojson").read_bytes()
    _, problems = load_upload(data, "d.geojson", limits=UploadLimits(max_bytes=100))
    assert problems[0].rule == "too-large" and "over the limit" in problems[0].message
    _, problems = load_upload(data, "d.geojson", limits=UploadLimits(max_features=1))
    assert problems[0].rule == "too-many-features"
    assert "has 2 features, more than the limit of 1" in problems[0].message


def test_limits_come_from_the_environment():
    limits = UploadLimits.from_env({"BRIEFING_MAX_UPLOAD_MB": "5",
                                    "BRIEFING_MAX_UPLOAD_FEATURES": "1000",
                                    "BRIEFING_MAX_UNZIPPED_MB": "nonsense"})
    assert limits == UploadLimits(max_bytes=5 * 1024 * 1024, max_features=1000)
    assert UploadLimits.from_env({}).max_bytes == 50 * 1024 * 1024


@pytest.mark.parametrize(("head", "name", "kind"), [
    (b"PK\x03\x04rest", "x.kml", "zip"),
    (b"SQLite format 3\x00", "x.zip", "gpkg"),
    (b"\xef\xbb\xbf  {\"type\"", "x.txt", "geojson"),
    (b"<?xml version='1.0'?><kml>", "x.xml", "kml"),
    (b"<!DOCTYPE html><html>", "x.kml", None),
    (b"\x89PNG\r\n", "x.geojson", None),
    (b"id,lat,lon\n", "x.csv", "csv"),
    (b"PK\x03\x04rest", "x.xlsx", "xlsx"),
    (b"<?xml version='1.0'?><gpx version='1.1'>", "x.xml", "gpx"),
])
def test_sniffing_trusts_bytes_over_names(head, name, kind):
    assert sniff(head, name).kind == kind


def test_never_raises_anything_but_its_own_error_for_garbage():
    for data in (b"", b"\x00" * 10, b"PK\x03\x04garbage", b"SQLite format 3\x00junk",
                 b"<kml><Placemark>", b"{\"type\": \"Feature\"}"):
        overlay, problems = load_upload(data, "g.bin")
        assert overlay is None and problems and all(p.message for p in problems)
        with pytest.raises(LayerValidationError):
            load_layer(data, name="g.bin")


def test_style_colours_by_a_few_valued_column_else_one_colour_per_upload():
    pts = [shapely.Point(36, 34)] * 3
    by_side = gpd.GeoDataFrame({"side": ["red", "blue", "red"], "name": ["a", "b", "c"]},
                               geometry=pts, crs=4326)
    style = choose_style(by_side, 0)
    assert style["by"] == "side" and style["colors"] == {"blue": CATEGORY_COLORS[0],
                                                         "red": CATEGORY_COLORS[1]}
    assert feature_style_color(by_side, style, 1) == CATEGORY_COLORS[0]
    plain = gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=pts, crs=4326)
    assert choose_style(plain, 1)["color"] == PALETTE[1] != choose_style(plain, 2)["color"]
    assert "by" not in choose_style(plain, 1)


def feature_style_color(frame, style, row):
    from layers.core.catalog import LayerSpec

    spec = LayerSpec("u", "u", Path(), style=style)
    return feature_style(spec, frame.drop(columns="geometry").iloc[row].to_dict()).color


def test_spec_names_the_upload_safely():
    overlay, _ = load_upload((CORPUS / "hostile.geojson").read_bytes(),
                             "C:\\Users\\me\\<img src=x onerror=alert(1)> Zones (v2).geojson")
    assert overlay.spec.id == "upload-img-src-x-onerror-alert-1-zones-v2"
    assert overlay.spec.title == "<img src=x onerror=alert(1)> Zones (v2).geojson"
    assert overlay.spec.kind == "generic" and overlay.spec.geometry == "point"
    assert slug("...") == "layer"


# --- the same three features in every accepted format give the same layer -------------

SITES = {"tartus": (35.8867, 34.9117), "khmeimim": (35.9486, 35.4011),
         "damascus": (36.2913, 33.5102)}


def _sites_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": list(SITES), "name": [s.title() for s in SITES],
                             "valid_from": ["2024-12-01"] * 3, "source": ["test"] * 3,
                             "confidence": ["high"] * 3},
                            geometry=[shapely.Point(xy) for xy in SITES.values()],
                            crs="EPSG:4326")


def _write(fmt: str, folder: Path) -> tuple[bytes, str]:
    gdf = _sites_frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt == "geojson":
            return gdf.to_json().encode(), "sites.geojson"
        if fmt == "kml":
            gdf.to_file(folder / "sites.kml", driver="KML")
            return (folder / "sites.kml").read_bytes(), "sites.kml"
        if fmt == "kmz":
            gdf.to_file(folder / "doc.kml", driver="KML")
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.write(folder / "doc.kml", "doc.kml")
            return buf.getvalue(), "sites.kmz"
        if fmt == "gpkg":
            gdf.to_crs(32637).to_file(folder / "sites.gpkg", driver="GPKG")
            return (folder / "sites.gpkg").read_bytes(), "sites.gpkg"
        gdf.to_crs(32636).to_file(folder / "sites.shp")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in folder.glob("sites.*"):
                zf.write(part, f"export/{part.name}")
        return buf.getvalue(), "sites.zip"


@pytest.mark.parametrize("fmt", ["geojson", "kml", "kmz", "gpkg", "shp"])
def test_accepted_formats_round_trip(fmt, tmp_path):
    data, name = _write(fmt, tmp_path)
    overlay, problems = load_upload(data, name)
    assert overlay is not None, [p.describe() for p in problems]
    frame = overlay.frame
    assert list(frame["id"]) == list(SITES)
    assert "id2" not in frame.columns and "altitudeMode" not in frame.columns
    xy = np.array([(g.x, g.y) for g in frame.geometry])
    np.testing.assert_allclose(xy, np.array(list(SITES.values())), atol=1e-6)
    assert [f"{d:%Y-%m-%d}" for d in frame["valid_from"]] == ["2024-12-01"] * 3
    assert list(frame["confidence"]) == ["high"] * 3
    assert overlay.spec.id == "upload-sites" and overlay.spec.geometry == "point"
    assert [p.rule for p in problems if p.severity == "error"] == []


def test_reprojected_formats_say_so(tmp_path):
    data, name = _write("gpkg", tmp_path)
    _, problems = load_upload(data, name)
    assert [p.message for p in problems if p.rule == "reprojected"] == [
        "declared EPSG:32637 (WGS 84 / UTM zone 37N); reprojected to WGS84 longitude/latitude."]


def test_hostile_corpus_file_is_valid_json_with_script_everywhere():
    doc = json.loads((CORPUS / "hostile.geojson").read_text(encoding="utf-8"))
    text = json.dumps(doc)
    assert "<script>" in text and "onerror=" in text and "${" in text and "`" in text


def test_shapefile_parts_picked_together_load_as_one(tmp_path):
    data, _ = _write("shp", tmp_path)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = [(Path(n).name, zf.read(n)) for n in zf.namelist()]
    picked = bundle_shapefiles([("notes.geojson", b"{}"), *parts])
    assert [name for name, _ in picked] == ["notes.geojson", "sites.shp"]
    overlay, _ = load_upload(picked[1][1], picked[1][0])
    assert overlay is not None and list(overlay.frame["id"]) == list(SITES)
    assert overlay.spec.title == "sites.shp" and overlay.spec.id == "upload-sites"


def test_a_shapefile_part_alone_says_what_is_missing():
    _, problems = load_upload(b"\x03\x7c\x0b\x19" + b"\0" * 60, "sites.dbf")
    assert problems[0].rule == "unsupported-format"
    assert "one part (.dbf) of a Shapefile, without its .shp" in problems[0].message
    assert bundle_shapefiles([("sites.dbf", b"x")]) == [("sites.dbf", b"x")]


def test_topojson_is_named_as_such():
    _, problems = load_upload(b'{"type": "Topology", "objects": {}}', "zones.json")
    assert "this is TopoJSON" in problems[0].message and "mapshaper" in problems[0].fix
