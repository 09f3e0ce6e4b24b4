"""Property-based: whatever JSON an upload holds, the loader answers with a layer or its own error.

Hypothesis builds GeoJSON-shaped documents with wrong types at every level,
NaN/inf/huge numbers, missing keys, deep nesting and mis-nested coordinates; the
loader must either return a WGS84 frame or raise LayerValidationError whose
problems each carry a message. Any other exception (or warning: the suite turns
warnings into errors) is a crash the page would show an analyst.
"""

from __future__ import annotations

import io
import json
import math
import zipfile

import geopandas as gpd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layers import LayerValidationError, load_layer

GEOMETRY_TYPES = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection"]

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-200, max_value=200),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([35.9, 34.9, 0, -0.0, 1e308, -1e308, 4e6]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=12),
                    st.sampled_from(["2024-12-08", "08/12/2024", "high", "<script>", "${x}"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)
positions = st.lists(numbers, min_size=0, max_size=4)
coordinates = st.recursive(st.one_of(positions, json_values),
                           lambda inner: st.lists(inner, max_size=5), max_leaves=20)
geometries = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(GEOMETRY_TYPES), json_values)},
    optional={"coordinates": coordinates,
              "geometries": st.lists(st.fixed_dictionaries(
                  {"type": st.sampled_from(GEOMETRY_TYPES), "coordinates": coordinates}),
                  max_size=3)})
properties = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(["id", "name", "valid_from", "valid_to", "source",
                                     "confidence", "_index", "geometry", "", "<img>"]),
                    json_values, max_size=6))
features = st.one_of(
    json_values,
    st.fixed_dictionaries({"type": st.one_of(st.just("Feature"), json_values)},
                          optional={"geometry": st.one_of(geometries, json_values),
                                    "properties": properties, "id": json_values}),
)
collections = st.fixed_dictionaries(
    {"type": st.one_of(st.just("FeatureCollection"), json_values)},
    optional={"features": st.one_of(st.lists(features, max_size=6), json_values),
              "crs": st.one_of(json_values, st.fixed_dictionaries({
                  "type": st.just("name"),
                  "properties": st.fixed_dictionaries({"name": st.one_of(
                      st.sampled_from(["EPSG:3857", "EPSG:4326", "urn:x", "EPSG:999999"]),
                      json_values)})}))})
documents = st.one_of(collections, features, geometries, json_values)


def _encode(doc: object) -> bytes:
    return json.dumps(doc, allow_nan=True).encode()


raw_inputs = st.one_of(
    documents.map(_encode),
    # truncated and corrupted documents
    st.tuples(documents.map(_encode), st.integers(0, 200)).map(lambda t: t[0][: t[1]]),
    # deep nesting, past the JSON parser's recursion limit
    st.integers(1, 3000).map(lambda n: (b'{"type":"FeatureCollection","features":' + b"[" * n
                                        + b"]" * n + b"}")),
    st.integers(1, 3000).map(lambda n: b'{"type":"Point","coordinates":' + b"[" * n + b"1,2"
                             + b"]" * n + b"}"),
    st.binary(max_size=64),
)


def _check(data: bytes) -> None:
    try:
        frame = load_layer(data, "generic", name="fuzz.geojson")
    except LayerValidationError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        assert all(p.severity in ("error", "warning") for p in exc.problems)
        return
    assert isinstance(frame, gpd.GeoDataFrame) and frame.crs.to_epsg() == 4326
    assert len(frame) > 0 and frame.geometry.notna().all()
    xy = frame.geometry.get_coordinates()
    assert all(math.isfinite(v) for v in xy.to_numpy().ravel())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_inputs)
def test_loader_returns_a_layer_or_its_own_error(data: bytes) -> None:
    _check(data)


lonlat = st.lists(st.floats(min_value=30, max_value=45), min_size=2, max_size=2)
near_valid_geometries = st.fixed_dictionaries({
    "type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon"]),
    "coordinates": st.one_of(lonlat, st.lists(lonlat, max_size=5),
                             st.lists(st.lists(lonlat, max_size=6), max_size=2),
                             st.lists(st.lists(st.lists(lonlat, max_size=6), max_size=2),
                                      max_size=2))})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({
    "type": st.just("Feature"),
    "properties": st.dictionaries(st.sampled_from(["id", "valid_from", "valid_to",
                                                   "confidence", "category"]),
                                  scalars, max_size=5),
    "geometry": near_valid_geometries}), min_size=1, max_size=8))
def test_near_valid_features(feats: list[dict]) -> None:
    """Close to valid: right types, wrong nesting, rings too short or crossing, odd values."""
    _check(_encode({"type": "FeatureCollection", "features": feats}))


def _zipped(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


magic = st.sampled_from([b"PK\x03\x04", b"SQLite format 3\x00", b"<?xml version='1.0'?><kml>",
                         b"<kml xmlns='http://www.opengis.net/kml/2.2'><Document><Placemark>"])
zips = st.lists(st.tuples(st.sampled_from(["a.shp", "a.shx", "a.dbf", "a.prj", "a.kml",
                                           "a.geojson", "b.gpkg", "x/a.shp", "x/a.dbf",
                                           "x/a.shx"]), st.binary(max_size=300)),
                max_size=5, unique_by=lambda t: t[0]).map(_zipped)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.tuples(magic, st.binary(max_size=2000)).map(lambda t: t[0] + t[1]), zips),
       st.sampled_from(["f.zip", "f.gpkg", "f.kml", "f"]))
def test_garbage_behind_a_format_signature(data: bytes, name: str) -> None:
    """Broken zips, GeoPackages and KML go through GDAL: still only our own error."""
    try:
        load_layer(data, "generic", name=name)
    except LayerValidationError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
