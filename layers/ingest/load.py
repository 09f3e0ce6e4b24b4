"""Loading: a file (or uploaded bytes) becomes a validated GeoDataFrame.

Reading is defensive on purpose. GeoJSON is parsed with :mod:`json` and checked
feature by feature before any geometry is built, so one broken feature yields a
message naming it instead of a traceback from deep inside a library, and every
problem in the file is reported at once (:class:`layers.LayerValidationError`).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import shape

from layers.core.validate import validate_frame
from layers.errors import LayerValidationError
from layers.ingest.formats import ACCEPTED, read_ogr, sniff, stage
from layers.ingest.zipsafe import ZipLimits
from layers.problems import Problem

#: Upper bounds that keep a hostile or mistaken file from exhausting memory.
MAX_BYTES = 50 * 1024 * 1024
MAX_FEATURES = 250_000

_GEOJSON_SUFFIXES = (".geojson", ".json")
_GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                   "MultiPolygon", "GeometryCollection")
_WGS84_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "CRS84",
                "EPSG:4326", "urn:ogc:def:crs:EPSG::4326")


def load_layer(source: str | Path | bytes, kind: str = "generic", *, name: str | None = None,
               coverage: shapely.Geometry | None = None,
               region: tuple[float, float, float, float] | None = None,
               repair: bool = False, max_bytes: int = MAX_BYTES,
               max_features: int = MAX_FEATURES,
               max_unzipped_bytes: int | None = None) -> gpd.GeoDataFrame:
    """Read, check and return one layer as a GeoDataFrame in WGS84.

    Parameters
    ----------
    source
        A path, or the raw bytes of an upload (then give ``name``).
    kind
        Validation profile (``installations``, ``routes``, ``control_zones``,
        ``events``, ``places`` or ``generic``).
    name
        Name used in messages; defaults to the file name.
    coverage
        For control zones: the area the zones must tile on every date.
    region
        Expected lon/lat box, used to spot swapped axes and projected metres.
    repair
        Repair invalid geometries (with a warning) instead of refusing them.
    max_bytes, max_features
        Limits; a larger file is refused with a message that says so.
    max_unzipped_bytes
        For a zip: the most its members may inflate to; defaults to four times
        ``max_bytes`` (200 MB), so a zip bomb is refused before it fills memory.

    Returns
    -------
    geopandas.GeoDataFrame
        ``valid_from``/``valid_to`` as datetime64 (NaT when open); warnings in
        ``frame.attrs["problems"]``.

    Raises
    ------
    LayerValidationError
        Carrying every problem found in the file.
    """
    label = name or (Path(source).name if not isinstance(source, bytes) else "upload")
    problems: list[Problem] = []
    zip_limits = ZipLimits(max_unzipped_bytes=max_unzipped_bytes or 4 * max_bytes)
    features, crs = _read_features(source, label, problems, max_bytes=max_bytes,
                                   max_features=max_features, zip_limits=zip_limits)
    if len(features) > max_features:
        problems.append(Problem(label, "", f"has {len(features):,} features, more than the "
                                f"limit of {max_features:,}.", "Split the file or filter it.",
                                rule="too-many-features"))
    if _has_errors(problems):
        raise LayerValidationError(problems, label)
    frame = _to_frame(features, label, problems)
    if crs is not None and not frame.empty:
        frame = _reproject(frame, crs, label, problems)
    if _has_errors(problems):
        raise LayerValidationError(problems, label)
    kwargs: dict[str, Any] = {"coverage": coverage, "repair": repair}
    if region is not None:
        kwargs["region"] = region
    frame, found = validate_frame(frame, kind, label, **kwargs)
    problems.extend(found)
    if _has_errors(problems):
        raise LayerValidationError(problems, label)
    frame.attrs["problems"] = problems
    frame.attrs["source"] = label
    frame.attrs["kind"] = kind
    return frame


def _has_errors(problems: Sequence[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _read_bytes(source: str | Path | bytes, label: str, problems: list[Problem],
                max_bytes: int) -> bytes | None:
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            problems.append(Problem(label, "", f"cannot be read ({exc.strerror or exc}).",
                                    "Check the path and permissions.", rule="unreadable"))
            return None
        if size > max_bytes:
            problems.append(Problem(label, "", f"is {size / 1e6:.1f} MB, over the limit of "
                                    f"{max_bytes / 1e6:.0f} MB.", "Simplify or split the file.",
                                    rule="too-large"))
            return None
        data = path.read_bytes()
    if len(data) > max_bytes:
        problems.append(Problem(label, "", f"is {len(data) / 1e6:.1f} MB, over the limit of "
                                f"{max_bytes / 1e6:.0f} MB.", "Simplify or split the file.",
                                rule="too-large"))
        return None
    return data


def _read_features(source: str | Path | bytes, label: str, problems: list[Problem], *,
                   max_bytes: int, max_features: int, zip_limits: ZipLimits
                   ) -> tuple[list[dict[str, Any]], str | None]:
    """Decide the format from the bytes, then parse GeoJSON here or hand the rest to GDAL."""
    data = _read_bytes(source, label, problems, max_bytes)
    if data is None:
        return [], None
    found = sniff(data, label)
    if found.kind is None:
        fix = ("Upload the .shp with its .shx, .dbf and .prj (picked together, or zipped in "
               "one .zip)." if "Shapefile" in found.what else
               f"Upload one of: {', '.join(ACCEPTED)} (a Shapefile zipped with its .shx, .dbf "
               "and .prj).")
        problems.append(Problem(label, "", f"looks like {found.what}, not a layer the app reads.",
                                fix, rule="unsupported-format"))
        return [], None
    if found.kind == "geojson":
        return _parse_geojson(data, label, problems)
    with tempfile.TemporaryDirectory(prefix="briefing-upload-") as tmp:
        path = stage(data, found.kind, Path(tmp), label, problems, zip_limits=zip_limits)
        if path is None:
            return [], None
        if path.suffix in (".geojson", ".json"):
            return _parse_geojson(path.read_bytes(), label, problems)
        return read_ogr(path, label, problems, max_features=max_features)


def _parse_geojson(data: bytes, label: str, problems: list[Problem]
                   ) -> tuple[list[dict[str, Any]], str | None]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        problems.append(Problem(label, "", "is not UTF-8 text.",
                                "Save it as UTF-8 GeoJSON.", rule="not-utf8"))
        return [], None
    except json.JSONDecodeError as exc:
        problems.append(Problem(label, "", f"is not valid JSON (line {exc.lineno}, column "
                                f"{exc.colno}): {exc.msg}.",
                                "Check it with a JSON linter; a missing comma or quote is usual.",
                                rule="not-json"))
        return [], None
    except RecursionError:
        problems.append(Problem(label, "", "is nested too deeply to be GeoJSON.",
                                "Check that the file is GeoJSON; coordinates nest 4 levels at "
                                "most.", rule="not-json"))
        return [], None
    if not isinstance(doc, dict):
        problems.append(Problem(label, "", f"top level is a JSON {type(doc).__name__}, not a "
                                "GeoJSON object.", 'Wrap features in {"type": '
                                '"FeatureCollection", "features": [...]}.',
                                rule="not-featurecollection"))
        return [], None
    kind = doc.get("type")
    if kind == "Feature":
        features: Any = [doc]
    elif kind in _GEOMETRY_TYPES:
        features = [{"type": "Feature", "properties": {}, "geometry": doc}]
    elif kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            problems.append(Problem(label, "", '"features" is missing or not a list.',
                                    'Give the FeatureCollection a "features" array.',
                                    rule="not-featurecollection"))
            return [], None
    elif kind == "Topology":
        problems.append(Problem(label, "", '"type" is \'Topology\': this is TopoJSON; expected '
                                '"FeatureCollection".', "Convert it to GeoJSON (QGIS: Export > "
                                "Save Features As > GeoJSON; or mapshaper -o format=geojson).",
                                rule="not-featurecollection"))
        return [], None
    else:
        problems.append(Problem(label, "", f'"type" is {str(kind)[:80]!r}; expected '
                                '"FeatureCollection".', "Make it a GeoJSON FeatureCollection.",
                                rule="not-featurecollection"))
        return [], None
    return features, _declared_crs(doc, label, problems)


def _declared_crs(doc: dict[str, Any], label: str, problems: list[Problem]) -> str | None:
    """The pre-RFC 7946 ``crs`` member, when it names something other than WGS84."""
    member = doc.get("crs")
    if member is None:
        return None
    name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
    if not isinstance(name, str):
        problems.append(Problem(label, "", "has a 'crs' member without a name; assuming WGS84.",
                                "Remove the 'crs' member (RFC 7946 GeoJSON is always WGS84).",
                                severity="warning", rule="crs-unreadable"))
        return None
    if name in _WGS84_NAMES:
        return None
    try:
        CRS.from_user_input(name)
    except CRSError:
        problems.append(Problem(label, "", f"declares an unknown CRS {name!r}.",
                                "Reproject the file to WGS84 (EPSG:4326) and drop 'crs'.",
                                rule="crs-unknown"))
        return None
    return name


def _to_frame(features: list[Any], label: str, problems: list[Problem]) -> gpd.GeoDataFrame:
    rows: list[dict[str, Any]] = []
    geoms: list[shapely.Geometry | None] = []
    for index, feature in enumerate(features):
        ref = _feature_ref(feature, index)
        geom = _feature_geometry(feature, label, ref, problems)
        if geom is None:
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            problems.append(Problem(label, ref, f'"properties" is a {type(props).__name__}, '
                                    "not an object.", 'Use "properties": {...} or null.',
                                    rule="bad-properties"))
            continue
        row = {str(k): _plain(v) for k, v in props.items() if str(k) != "geometry"}
        if "id" not in row and feature.get("id") is not None:
            row["id"] = str(feature["id"])
        row["_index"] = index
        rows.append(row)
        geoms.append(geom)
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs="EPSG:4326")
    if "_index" not in frame.columns:
        frame["_index"] = pd.Series(dtype="int64")
    return frame


def _plain(value: Any) -> Any:
    """Keep scalars; turn nested JSON into text so columns stay one type per cell."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _feature_ref(feature: Any, index: int) -> str:
    if isinstance(feature, dict):
        props = feature.get("properties")
        fid = props.get("id") if isinstance(props, dict) else None
        fid = fid if fid is not None else feature.get("id")
        if isinstance(fid, (str, int)) and str(fid).strip():
            return f"{str(fid)[:80]!r} (#{index})"
    return f"#{index}"


def _feature_geometry(feature: Any, label: str, ref: str, problems: list[Problem]
                      ) -> shapely.Geometry | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        got = feature.get("type") if isinstance(feature, dict) else type(feature).__name__
        problems.append(Problem(label, ref, f"is not a GeoJSON Feature (got {got!r}).",
                                'Each item of "features" must be {"type": "Feature", ...}.',
                                rule="not-feature"))
        return None
    gj = feature.get("geometry")
    if gj is None:
        problems.append(Problem(label, ref, "has no geometry.",
                                "Give it a geometry or remove the feature.", rule="no-geometry"))
        return None
    if not isinstance(gj, dict) or gj.get("type") not in _GEOMETRY_TYPES:
        got = gj.get("type") if isinstance(gj, dict) else type(gj).__name__
        problems.append(Problem(label, ref, f"has an unknown geometry type {got!r}.",
                                f"Use one of {', '.join(_GEOMETRY_TYPES)}.",
                                rule="bad-geometry"))
        return None
    if not _finite_numbers(gj.get("coordinates", gj.get("geometries"))):
        problems.append(Problem(label, ref, "has coordinates that are not finite numbers.",
                                "Every position must be [longitude, latitude] numbers.",
                                rule="bad-coordinates"))
        return None
    try:
        geom = shape(gj)
    except Exception as exc:  # shapely raises several types for malformed nesting
        problems.append(Problem(label, ref, f"has a malformed {gj.get('type')} ({exc}).",
                                "Check the nesting of the coordinate arrays (RFC 7946 §3.1).",
                                rule="bad-geometry"))
        return None
    if geom.is_empty:
        problems.append(Problem(label, ref, "has an empty geometry.",
                                "Give it coordinates or remove the feature.",
                                rule="empty-geometry"))
        return None
    return geom


def _finite_numbers(coords: Any, depth: int = 0) -> bool:
    """Every leaf is a finite int/float and positions have 2 or 3 of them."""
    if depth > 6:
        return False
    if isinstance(coords, dict):  # GeometryCollection member
        return _finite_numbers(coords.get("coordinates", coords.get("geometries")), depth + 1)
    if not isinstance(coords, list):
        return False
    if coords and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords):
        return 2 <= len(coords) <= 3 and all(math.isfinite(c) for c in coords)
    bulk = _positions_finite(coords) if depth < 6 else None
    if bulk is not None:
        return bulk
    return all(_finite_numbers(c, depth + 1) for c in coords)


_NUMBER_TYPES = {int, float}
_POSITION_SIZES = {0, 2, 3}  # an empty position passes here and fails in shape(), as before


def _positions_finite(coords: list) -> bool | None:
    """:func:`_finite_numbers` of a list of positions in one pass; None if it is not one.

    A ring of 2,000 positions is checked with a few loops that run in C instead
    of 2,000 recursive calls: the same answer (``bool`` is not a number here
    either), four times faster on large polygons.
    """
    if not coords or not all(type(p) is list for p in coords):
        return None
    values = [v for p in coords for v in p]
    kinds = set(map(type, values))
    if not kinds <= _NUMBER_TYPES:
        return None if (list in kinds or dict in kinds) else False
    if not set(map(len, coords)) <= _POSITION_SIZES:
        return False
    return all(map(math.isfinite, values))


def _reproject(frame: gpd.GeoDataFrame, crs: str, label: str,
               problems: list[Problem]) -> gpd.GeoDataFrame:
    try:
        transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        geoms = shapely.transform(frame.geometry.values,
                                  lambda xy: np.column_stack(transformer.transform(xy[:, 0],
                                                                                   xy[:, 1])))
    except Exception as exc:  # PROJ errors come in several types
        problems.append(Problem(label, "", f"could not be reprojected from {crs} ({exc}).",
                                "Reproject it to WGS84 (EPSG:4326) before loading.",
                                rule="crs-unknown"))
        return frame
    problems.append(Problem(label, "", f"declared {_crs_label(crs)}; reprojected to WGS84 "
                            "longitude/latitude.", severity="warning", rule="reprojected"))
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs="EPSG:4326"))


def _crs_label(crs: str) -> str:
    """``EPSG:3857 (WGS 84 / Pseudo-Mercator)`` rather than a page of WKT."""
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError:
        return crs[:80]
    code = parsed.to_epsg()
    return f"EPSG:{code} ({parsed.name})" if code else parsed.name
