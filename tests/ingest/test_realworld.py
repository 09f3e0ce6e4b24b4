"""Issue 16: analysts' own formats, and the validator agreeing with the world's files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers import LayerValidationError, load_layer
from layers.core.timeline import as_of
from layers.geo.geodesy import distance_km
from layers.ingest.upload import load_upload

CORPUS = Path(__file__).resolve().parents[1] / "bad_files"
ROOT = Path(__file__).resolve().parents[2]
LEAKS = ("is not iterable", "takes only scalar", "inhomogeneous shape", "IllegalArgument",
         "NoneType", "OverflowError", "Traceback", "GEOS")


def upload(name: str, **kwargs):
    return load_upload((CORPUS / name).read_bytes(), name, **kwargs)


def errors_of(data: bytes, name: str = "x.geojson") -> list:
    with pytest.raises(LayerValidationError) as err:
        load_layer(data, name=name)
    return err.value.errors


def test_acled_precision_codes_become_circles_and_spans():
    overlay, _ = upload("acled-export.csv")
    frame = overlay.frame.set_index("id")
    assert list(frame.index) == ["SYR1001", "SYR1002", "SYR1003"]
    exact, near, region = (frame.loc[k] for k in frame.index)
    assert exact.geometry.geom_type == "Point" and exact["location_precision"] == "exact"
    assert (exact.geometry.x, exact.geometry.y) == pytest.approx((35.8867, 34.9117))
    for row, km in ((near, 25), (region, 100)):
        assert row.geometry.geom_type == "Polygon" and row["uncertainty_km"] == km
        assert row["location_precision"].startswith(f"approximate: within about {km} km")
        ring = np.asarray(row.geometry.exterior.coords)
        centre = row.geometry.centroid
        far = [distance_km(centre.y, centre.x, lat, lon) for lon, lat in ring]
        assert min(far) == pytest.approx(km, rel=0.02) and max(far) == pytest.approx(km,
                                                                                      rel=0.02)
    spans = {k: (f"{r.valid_from:%Y-%m-%d}", f"{r.valid_to:%Y-%m-%d}")
             for k, r in frame.iterrows()}
    assert spans == {"SYR1001": ("2024-12-08", "2024-12-09"),  # the day
                     "SYR1002": ("2024-12-07", "2024-12-14"),  # the week around 10 Dec
                     "SYR1003": ("2024-12-01", "2025-01-01")}  # the month
    assert list(frame["date_precision"]) == ["day", "week", "month"]
    assert sorted(as_of(overlay.frame, "2024-12-12")["id"]) == ["SYR1002", "SYR1003"]


def test_a_table_with_its_own_names_reads_with_a_mapping(tmp_path):
    data = b"Lat;Lng;Happened;Who\n34,9117;35,8867;08/12/2024;Navy\n"
    overlay, _ = load_upload(data, "mine.csv")  # 'Happened' is not a name it knows
    assert overlay.frame["valid_from"].isna().all()
    _, problems = load_upload(data, "mine.csv", columns={"date": "Happened"})
    assert [p.rule for p in problems if p.severity == "error"] == ["bad-date"]
    assert "'08/12/2024' is ambiguous" in next(p.fix for p in problems if p.rule == "bad-date")
    overlay, problems = load_upload(data.replace(b"08/12/2024", b"2024-12-08"), "mine.csv",
                                    columns={"date": "Happened", "name": "Who"})
    row = overlay.frame.iloc[0]
    assert (row.geometry.x, row.geometry.y) == pytest.approx((35.8867, 34.9117))
    assert f"{row.valid_from:%Y-%m-%d}" == "2024-12-08" and row["name"] == "Navy"
    _, problems = load_upload(data, "mine.csv", columns={"lat": "Nope"})
    assert "has no column 'Nope' (mapped to lat)" in problems[0].message


def test_xlsx_with_the_analysts_own_headers_loads_and_follows_the_slider():
    overlay, _ = upload("analyst-own-columns.xlsx")
    frame = overlay.frame
    assert list(frame["What"]) == ["Sealift", "Airlift"]
    assert list(as_of(frame, "2024-12-09")["What"]) == ["Airlift"]


def test_xlsx_with_an_entity_is_refused_before_openpyxl_reads_it():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a '
                    '"aaaa">]><Types/>')
        zf.writestr("xl/workbook.xml", "<workbook/>")
    overlay, problems = load_upload(buf.getvalue(), "evil.xlsx")
    assert overlay is None and [p.rule for p in problems] == ["xml-doctype"]


def test_command_line_validates_csv_xlsx_gpx_and_a_shapefile_beside_its_parts(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpd.GeoDataFrame({"id": ["a"], "valid_from": ["2024-12-01"]},
                         geometry=[shapely.Point(35.9, 34.9)], crs=4326).to_file(
            tmp_path / "sites.shp")
    paths = [CORPUS / n for n in ("acled-export.csv", "analyst-own-columns.xlsx",
                                  "patrol-track.gpx")] + [tmp_path / "sites.shp"]
    run = subprocess.run([sys.executable, "-m", "layers", "validate", *map(str, paths)],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "acled-export.csv (generic): 3 features" in run.stdout
    assert "sites.shp (generic): 1 features" in run.stdout
    (tmp_path / "sites.dbf").unlink()
    run = subprocess.run([sys.executable, "-m", "layers", "validate", str(tmp_path / "sites.shp")],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "has no .dbf beside it" in run.stdout


def test_gpx_track_and_waypoint_are_dated_by_their_times():
    overlay, _ = upload("patrol-track.gpx")
    frame = overlay.frame.set_index("gpx_type")
    track, waypoint = frame.loc["track"], frame.loc["waypoint"]
    assert track.geometry.geom_type == "LineString" and len(track.geometry.coords) == 3
    assert (f"{track.valid_from:%Y-%m-%d}", f"{track.valid_to:%Y-%m-%d}") == ("2024-12-08",
                                                                              "2024-12-10")
    assert waypoint.geometry.geom_type == "Point" and waypoint["name"] == "Start"
    assert f"{waypoint.valid_to:%Y-%m-%d}" == "2024-12-09"


def test_dated_geojson_follows_the_slider_without_renaming():
    overlay, problems = upload("dated-event-date.geojson")
    assert list(as_of(overlay.frame, "2024-12-08")["id"]) == ["e0"]
    assert list(as_of(overlay.frame, "2024-12-10")["id"]) == ["e1"]
    assert as_of(overlay.frame, "2024-12-09").empty
    assert [p.rule for p in problems if "'event_date'" in p.message] == ["date-column"]


def test_start_column_opens_a_span_that_end_closes():
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "begin": "2024-12-01T10:00:00Z", "end": "2024-12-20"}, "geometry": {
            "type": "Point", "coordinates": [35.9, 34.9]}}]}
    frame = load_layer(json.dumps(doc).encode(), name="s.geojson")
    assert (f"{frame.valid_from[0]:%Y-%m-%d}", f"{frame.valid_to[0]:%Y-%m-%d}") == (
        "2024-12-01", "2024-12-20")


def test_rings_repaired_on_request_the_same_in_geojson_and_kml():
    for name in ("unclosed-ring.geojson", "unclosed-ring.kml"):
        overlay, problems = upload(name, repair=True)
        assert overlay is not None, name
        ring = overlay.frame.geometry.iloc[0].exterior.coords
        assert ring[0] == ring[-1] and len(ring) == 5
        assert [p.message for p in problems if p.rule == "repaired-ring"] == [
            "ring 0 of coordinates (the exterior) was not closed; the first position was "
            "repeated (repair was on)."]


def test_kml_shapes_gdal_stumbles_on_load_completely():
    overlay, _ = upload("two-placemarks.kml")
    assert list(overlay.frame["name"]) == ["Tartus", "Khmeimim"]
    assert list(overlay.frame["folder"]) == ["Bases", "Air"]
    overlay, _ = upload("bare-linearring.kml")
    assert overlay.frame.geometry.iloc[0].geom_type == "Polygon"
    overlay, _ = upload("google-timeline.kml")
    frame = overlay.frame
    assert list(frame.geometry.geom_type) == ["Point", "LineString", "Point"]
    assert list(frame["Category"].fillna("")) == ["", "Driving", ""]
    assert {f"{d:%Y-%m-%d}" for d in frame["valid_from"]} == {"2024-12-08"}
    assert [f"{d:%Y-%m-%d}" for d in frame["valid_to"]] == ["2024-12-09"] * 3


def test_esri_json_polygons_are_rewound_and_points_read():
    overlay, _ = upload("esri-arcgis.json")
    poly, point = overlay.frame.geometry
    assert poly.exterior.is_ccw and poly.area > 0
    assert (point.x, point.y) == pytest.approx((35.9486, 35.4011))
    assert list(overlay.frame["name"]) == ["Tartus port", "Khmeimim"]


def test_esri_web_mercator_is_reprojected():
    doc = {"spatialReference": {"wkid": 102100}, "features": [
        {"attributes": {"id": "t"}, "geometry": {"x": 3994889.0, "y": 4151888.0}}]}
    frame = load_layer(json.dumps(doc).encode(), name="q.json")
    assert (frame.geometry[0].x, frame.geometry[0].y) == pytest.approx((35.887, 34.912),
                                                                      abs=1e-3)


def test_five_million_digit_integer_is_not_a_finite_number():
    data = b'{"type": "Point", "coordinates": [' + b"7" * 5_000_000 + b', 34.9]}'
    (err,) = errors_of(data)
    assert "not a finite number" in err.message and err.rule == "bad-coordinates"


@pytest.mark.parametrize("coords", [
    [35.9], [[35.9, 34.9]], "35.9,34.9", [35.9, None], [True, 34.9], [35.9, [34.9]],
    [float("nan"), 1.0], [1e400, 1.0]])
def test_point_messages_name_the_member_and_leak_nothing(coords):
    text = json.dumps({"type": "Feature", "id": "p", "properties": {},
                       "geometry": {"type": "Point", "coordinates": coords}})
    (err,) = errors_of(text.replace("Infinity", "1e400").encode())
    assert "coordinates of the Point" in err.message and err.feature == "'p' (#0)"
    assert err.fix and not any(leak in err.message for leak in LEAKS), err.message


@pytest.mark.parametrize("geometry", [
    {"type": "LineString", "coordinates": [[35.9, 34.9]]},
    {"type": "Polygon", "coordinates": [[35.9, 34.9], [36.0, 35.0]]},
    {"type": "MultiPolygon", "coordinates": [[[[35, 34], [36, 34], [36, 35]]]]},
    {"type": "Polygon", "coordinates": [[[35, 34], [36, 34], [36, 35], [35, 34]], [[1, 2]]]},
    {"type": "Polygon", "coordinates": 5},
    {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": []},
                                                  {"type": "Point"}]},
    {"type": "Point", "coordinates": [35.9, 34.9], "properties": {}},
    {"type": "Circle", "coordinates": [35.9, 34.9], "radius": 5},
])
def test_geometry_messages_never_leak_library_internals(geometry):
    text = json.dumps({"type": "Feature", "id": "g", "properties": {}, "geometry": geometry})
    errors = errors_of(text.encode())
    assert errors and all(e.feature == "'g' (#0)" and e.fix for e in errors)
    assert not any(leak in e.message for e in errors for leak in LEAKS), errors


def test_bbox_members_are_checked_wherever_they_are():
    point = {"type": "Point", "coordinates": [35.9, 34.9], "bbox": [35.9, 34.9, 35.9, "x"]}
    (err,) = errors_of(json.dumps({"type": "Feature", "properties": {}, "geometry": point,
                                   "bbox": [35, 34, 36, 35]}).encode())
    assert err.rule == "bad-bbox" and "the Point geometry's \"bbox\" holds text 'x'" in \
        err.message
    (err,) = errors_of(json.dumps({"type": "FeatureCollection", "bbox": [35, 36, 36, 34],
                                   "features": []}).encode())
    assert "south above its north" in err.message


def test_only_null_geometries_is_refused_as_nothing_to_draw():
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a"}, "geometry": None}]}
    errors = errors_of(json.dumps(doc).encode())
    assert [e.rule for e in errors] == ["empty"]


def test_big_point_files_take_the_short_path_with_the_same_answer():
    features = [{"type": "Feature", "id": i, "properties": {"name": f"n{i}"},
                 "geometry": {"type": "Point", "coordinates": [35.0 + i / 1e4, 34.5]}}
                for i in range(2000)]
    features[700]["geometry"]["coordinates"] = [35.5, "34"]
    errors = errors_of(json.dumps({"type": "FeatureCollection", "features": features}).encode())
    assert [(e.feature, e.rule) for e in errors] == [("'700' (#700)", "bad-coordinates")]


def test_sizes_are_said_in_mib_like_the_settings():
    from layers.ingest.upload import UploadLimits

    data = b" " * (3 * 1024 * 1024 // 2)
    _, problems = load_upload(data, "big.geojson", limits=UploadLimits(max_bytes=1024 * 1024))
    assert problems[0].message == "is 1.5 MiB, over the limit of 1 MiB."
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "maxUploadSize = 50" in config and "MiB" in config and "| 50 MiB |" in readme
