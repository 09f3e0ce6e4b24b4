"""GeoJSON text to a frame, feature by feature, every fault named (RFC 7946).

The document is parsed with :mod:`json`; big integers (a 5,000,000-digit
coordinate) and ``1e999`` become infinity there, so they are reported as "not a
finite number" like any NaN instead of a ValueError or OverflowError. Each
feature is then checked before its geometry is built
(:mod:`layers.ingest.geometry_json`), so one broken feature yields a message
naming it, and every problem in the file is reported at once. Null geometries
are allowed (RFC 7946 §3.2): such features are left out with a warning and the
rest load.
"""

from __future__ import annotations

import json
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from layers.ingest.esri import esri_features, looks_like_esri
from layers.ingest.geometry_json import (
    GEOMETRY_TYPES,
    GeometryFault,
    Notes,
    check_bbox,
    count_decimals,
    json_name,
    read_geometry,
)
from layers.ingest.jsonparse import NOT_JSON, PointFeature, PointXY, parse_document, unpack
from layers.problems import Problem

_WGS84_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "CRS84",
                "EPSG:4326", "urn:ogc:def:crs:EPSG::4326")
#: Members a Feature / FeatureCollection must not carry (RFC 7946 §7.1).
_NOT_IN_FEATURE = ("coordinates", "geometries", "features")
_NOT_IN_COLLECTION = ("coordinates", "geometries", "geometry", "properties")
#: Per-feature warnings listed one by one before they are only counted.
_LISTED = 20


def read_geojson(data: bytes | list[bytes], label: str, problems: list[Problem], *,
                 repair: bool = False, max_features: int | None = None
                 ) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """Parse GeoJSON (or an Esri JSON export) into a frame and its declared CRS."""
    doc = parse_document(data, label, problems)
    if doc is NOT_JSON:
        return None, None
    features, crs = collection_features(doc, label, problems)
    if features is None:
        return None, None
    if max_features is not None and len(features) > max_features:
        problems.append(Problem(label, "", f"has {len(features):,} features, more than the "
                                f"limit of {max_features:,}.", "Split the file or filter it.",
                                rule="too-many-features"))
        return None, None
    del doc
    return features_to_frame(features, label, problems, repair=repair), crs


def collection_features(doc: Any, label: str, problems: list[Problem]
                        ) -> tuple[list[Any] | None, str | None]:
    """The features of a document: a FeatureCollection's, one Feature, or one geometry."""
    if not isinstance(doc, dict):
        problems.append(Problem(label, "", f"top level is a JSON {json_name(doc)}, not a "
                                "GeoJSON object.", 'Wrap features in {"type": '
                                '"FeatureCollection", "features": [...]}.',
                                rule="not-featurecollection"))
        return None, None
    if looks_like_esri(doc):
        return esri_features(doc, label, problems)
    kind = doc.get("type")
    if kind == "Feature":
        return [doc], _declared_crs(doc, label, problems)
    if kind in GEOMETRY_TYPES:
        return [{"type": "Feature", "properties": {}, "geometry": doc}], None
    if kind == "FeatureCollection":
        return _collection(doc, label, problems)
    if kind == "Topology":
        problems.append(Problem(label, "", '"type" is \'Topology\': this is TopoJSON; expected '
                                '"FeatureCollection".', "Convert it to GeoJSON (QGIS: Export > "
                                "Save Features As > GeoJSON; or mapshaper -o format=geojson).",
                                rule="not-featurecollection"))
    else:
        got = repr(kind[:80]) if isinstance(kind, str) else json_name(kind)
        problems.append(Problem(label, "", f'"type" is {got}; expected "FeatureCollection".',
                                "Make it a GeoJSON FeatureCollection.",
                                rule="not-featurecollection"))
    return None, None


def _collection(doc: dict[str, Any], label: str, problems: list[Problem]
                ) -> tuple[list[Any] | None, str | None]:
    features = doc.get("features")
    if not isinstance(features, list):
        problems.append(Problem(label, "", '"features" is missing or not a list.',
                                'Give the FeatureCollection a "features" array.',
                                rule="not-featurecollection"))
        return None, None
    bad = [m for m in _NOT_IN_COLLECTION if m in doc]
    if bad:
        problems.append(Problem(label, "", f'the FeatureCollection has a "{bad[0]}" member '
                                "(RFC 7946 §7.1: it belongs to a Feature or geometry and would "
                                "change what the collection means).", f'Remove "{bad[0]}" from '
                                "the top level, or move it into a feature.",
                                rule="ambiguous-member"))
    if "bbox" in doc:
        fault = check_bbox(doc["bbox"], "the FeatureCollection's")
        if fault:
            problems.append(Problem(label, "", fault.message, fault.fix, rule=fault.rule))
    return features, _declared_crs(doc, label, problems)


def _declared_crs(doc: dict[str, Any], label: str, problems: list[Problem]) -> str | None:
    """The pre-RFC 7946 ``crs`` member, when it names something other than WGS84."""
    member = doc.get("crs")
    if member is None:
        return None
    props = member.get("properties") if isinstance(member, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
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
        problems.append(Problem(label, "", f"declares an unknown CRS {name[:80]!r}.",
                                "Reproject the file to WGS84 (EPSG:4326) and drop 'crs'.",
                                rule="crs-unknown"))
        return None
    return name


def features_to_frame(features: list[Any], label: str, problems: list[Problem], *,
                      repair: bool = False) -> gpd.GeoDataFrame:
    """Every drawable feature as a row (``_index`` its position in the file).

    ``features`` is consumed: each item is dropped from the list once read, so
    a 200,000-feature file does not hold its parsed JSON and its frame at once.
    The common feature (a Point of two floats, scalar properties) takes a short
    path of a few type checks; anything else gets every rule and its message.
    """
    rows: list[dict[str, Any]] = []
    kept: list[int] = []
    xs: list[float] = []
    ys: list[float] = []
    fast: list[int] = []  # rows (in ``rows``) that are plain points at (xs, ys)
    other: dict[int, Any] = {}  # row → geometry built by the full checks
    notes = Notes()
    skipped: list[str] = []
    total = len(features)
    for index in range(total):
        feature, features[index] = features[index], None
        props = _fast_point(feature)
        if props is not None:
            geom = feature[1]
            fast.append(len(rows))
            xs.append(geom[0])
            ys.append(geom[1])
            if index % 997 == 0:
                count_decimals(list(geom), notes, feature_ref(unpack(feature), index))
        else:
            feature = unpack(feature)
            ref = feature_ref(feature, index)
            props = _feature_row(feature, label, ref, problems)
            if props is None:
                continue
            geom = _feature_geometry(feature, label, ref, problems, notes, skipped, repair)
            if geom is None:
                continue
            other[len(rows)] = geom
        kept.append(index)
        rows.append(props)
    _report_skipped(skipped, total, label, problems)
    report_notes(notes, label, problems)
    table = pd.DataFrame(rows)
    del rows
    table["_index"] = np.asarray(kept, dtype="int64")
    geoms = np.empty(len(kept), dtype=object)
    if fast:
        geoms[np.asarray(fast, dtype=np.int64)] = shapely.points(np.asarray(xs),
                                                                 np.asarray(ys))
    for i, geom in other.items():
        geoms[i] = shapely.points(geom) if type(geom) is tuple else geom
    return gpd.GeoDataFrame(table, geometry=geoms, crs="EPSG:4326")


_SCALAR_TYPES = frozenset((str, int, float, bool, type(None)))


def _fast_point(feature: Any) -> dict[str, Any] | None:
    """The row of a plain Point feature (a :class:`PointFeature`, finite), or None.

    None sends the feature through the full checks, which name what is wrong.
    """
    if type(feature) is not PointFeature:
        return None
    props, geom, fid = feature
    if not (math.isfinite(geom[0]) and math.isfinite(geom[1])) or (
            fid is not None and type(fid) not in (str, int)) or "geometry" in props or \
            not _SCALAR_TYPES.issuperset(map(type, props.values())):
        return None
    if "id" not in props and fid is not None:
        props["id"] = str(fid)
    return props


def _feature_row(feature: Any, label: str, ref: str, problems: list[Problem]
                 ) -> dict[str, Any] | None:
    """The properties of a Feature as a row, after the Feature-level rules."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        got = feature.get("type") if isinstance(feature, dict) else json_name(feature)
        got = repr(got[:40]) if isinstance(got, str) else json_name(got) if isinstance(
            feature, dict) else f"a JSON {got}"
        problems.append(Problem(label, ref, f'is not a GeoJSON Feature ("type" is {got}).',
                                'Each item of "features" must be {"type": "Feature", ...}.',
                                rule="not-feature"))
        return None
    errors = len(problems)
    props = unpack(feature.get("properties"))
    if props is not None and not isinstance(props, dict):
        problems.append(Problem(label, ref, f'"properties" is a JSON {json_name(props)}; '
                                "expected an object or null.", 'Use "properties": {...} or null.',
                                rule="bad-properties"))
    fid = feature.get("id")
    if fid is not None and (isinstance(fid, bool) or not isinstance(fid, (str, int, float))):
        problems.append(Problem(label, ref, f'"id" is a JSON {json_name(fid)}; expected a string '
                                "or a number (RFC 7946 §3.2).", 'Write "id" as "site-1" or 1, or '
                                "move the value into properties.", rule="bad-id"))
    bad = [m for m in _NOT_IN_FEATURE if m in feature]
    if bad:
        problems.append(Problem(label, ref, f'has a "{bad[0]}" member beside "geometry" (RFC 7946 '
                                "§7.1: it belongs to a geometry or collection and makes the "
                                "feature ambiguous).", f'Move "{bad[0]}" into "geometry" or '
                                "remove it.", rule="ambiguous-member"))
    if "bbox" in feature:
        fault = check_bbox(feature["bbox"], "the feature's")
        if fault:
            problems.append(Problem(label, ref, fault.message, fault.fix, rule=fault.rule))
    if len(problems) > errors:
        return None
    row = {str(k): _plain(v) for k, v in (props or {}).items() if str(k) != "geometry"}
    if "id" not in row and fid is not None:
        row["id"] = str(fid)
    return row


def _feature_geometry(feature: dict[str, Any], label: str, ref: str, problems: list[Problem],
                      notes: Notes, skipped: list[str], repair: bool) -> Any:
    gj = unpack(feature.get("geometry"))
    if gj is None:
        skipped.append(ref)
        return None
    if not isinstance(gj, dict):
        problems.append(Problem(label, ref, f'"geometry" is a JSON {json_name(gj)}; expected a '
                                'geometry object or null.', 'Write "geometry": {"type": "Point", '
                                '"coordinates": [lon, lat]} (or null).', rule="bad-geometry"))
        return None
    if "type" not in gj and looks_like_esri({"features": [{"geometry": gj}]}):
        problems.append(Problem(label, ref, '"geometry" is an Esri (ArcGIS) geometry inside a '
                                "GeoJSON feature.", "Export the layer as GeoJSON, or as a whole "
                                "Esri JSON file (f=json), which is read.", rule="bad-geometry"))
        return None
    try:
        geom = read_geometry(gj, notes, ref, repair=repair)
    except GeometryFault as fault:
        problems.append(Problem(label, ref, f"has a malformed geometry: {fault.message}",
                                fault.fix, rule=fault.rule))
        return None
    except RecursionError:
        problems.append(Problem(label, ref, "has a geometry nested too deeply.",
                                "Coordinates nest 4 levels at most.", rule="bad-geometry"))
        return None
    if type(geom) is not tuple and geom.is_empty:
        skipped.append(ref)
        return None
    return geom


def _report_skipped(skipped: list[str], total: int, label: str,
                    problems: list[Problem]) -> None:
    """Null and empty geometries: the rest of the file loads, and the report says which."""
    for ref in skipped[:_LISTED]:
        problems.append(Problem(label, ref, "has no geometry (null or empty); it is not drawn.",
                                "Give it a geometry, or keep it if it is a record without a "
                                "place.", severity="warning", rule="null-geometry"))
    if len(skipped) > _LISTED:
        problems.append(Problem(label, "", f"{len(skipped) - _LISTED:,} more features have no "
                                "geometry and are not drawn.", severity="warning",
                                rule="null-geometry"))
    if skipped and len(skipped) == total:
        problems.append(Problem(label, "", "has no feature with a geometry, so nothing can be "
                                "drawn.", "Give the features geometries.", rule="empty"))


def report_notes(notes: Notes, label: str, problems: list[Problem]) -> None:
    """One warning per file-wide finding, naming the first feature and the count."""
    def say(refs: list[str], message: str, fix: str, rule: str) -> None:
        if refs:
            more = f" ({len(refs):,} features; the first is {refs[0]})" if len(refs) > 1 else ""
            problems.append(Problem(label, "" if more else refs[0], message + more + ".", fix,
                                    severity="warning", rule=rule))

    say(notes.clockwise, "has exterior rings wound clockwise; RFC 7946 §3.1.6 wants them "
        "counter-clockwise. Drawn the same", "Rewind the polygons (QGIS: 'Force right-hand "
        "rule'; mapshaper -o rfc7946).", "winding-order")
    say(notes.nested, "has GeometryCollections nested inside GeometryCollections (RFC 7946 "
        "§3.1.8 advises against it). Read as one collection", "Flatten the collection.",
        "nested-collection")
    say(notes.precise, f"has coordinates with up to {notes.decimals} decimal places; beyond "
        "6 (about 10 cm) the digits are noise (RFC 7946 §11.2)", "Export with 6 decimal places "
        "(ogr2ogr -lco COORDINATE_PRECISION=6).", "excessive-precision")
    say(notes.extra_dims, "has positions of more than three numbers; only longitude, latitude "
        "and altitude are read", "Drop the extra values (RFC 7946 §3.1.1).", "extra-dimensions")
    for note in notes.closed[:_LISTED]:
        ref, _, what = note.partition(": ")
        problems.append(Problem(label, ref, f"{what} (repair was on).", severity="warning",
                                rule="repaired-ring"))


def _plain(value: Any) -> Any:
    """Keep scalars; turn nested JSON into text so columns stay one type per cell."""
    if isinstance(value, (dict, list)):  # a PointXY is a tuple: its geometry object
        return json.dumps(value if type(value) is not PointXY else value.as_geojson(),
                          ensure_ascii=False, default=str)
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def feature_ref(feature: Any, index: int) -> str:
    """How a message names a feature: its id (from properties, else the Feature's) and index."""
    if isinstance(feature, dict):
        props = feature.get("properties")
        fid = props.get("id") if isinstance(props, dict) else None
        fid = fid if fid is not None else feature.get("id")
        if isinstance(fid, (str, int)) and not isinstance(fid, bool) and str(fid).strip():
            return f"{str(fid)[:80]!r} (#{index})"
        name = props.get("name") if isinstance(props, dict) else None
        if isinstance(name, str) and name.strip():
            return f"{name[:80]!r} (#{index})"
    return f"#{index}"
