"""Esri JSON (an ArcGIS REST query with ``f=json``, or ArcGIS Pro's "Features to JSON").

It looks like GeoJSON and is not: features carry ``attributes`` and a geometry
of ``x``/``y``, ``points``, ``paths`` or ``rings`` with no ``type``, and the CRS
is a ``spatialReference`` wkid. Reading it here (GDAL's ESRIJSON driver does
the same) spares the analyst a conversion; the result is GeoJSON-like features
that go through the same checks as any upload. Esri winds exterior rings
clockwise, RFC 7946 the other way: rings are reversed here, and a ring that
winds like a hole is put in the polygon it lies in.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import shapely

from layers.problems import Problem

_GEOMETRY_KEYS = ("x", "points", "paths", "rings")
#: Esri's own codes for Web Mercator, and the EPSG codes they mean.
_WKID_ALIASES = {102100: 3857, 102113: 3857, 900913: 3857, 4326: 4326}


def looks_like_esri(doc: dict[str, Any]) -> bool:
    """An Esri feature set: ``geometryType``/``spatialReference``, or features with attributes."""
    if "type" in doc:
        return False
    if "geometryType" in doc or "spatialReference" in doc:
        return True
    features = doc.get("features")
    if not isinstance(features, list) or not features or not isinstance(features[0], dict):
        return False
    geom = features[0].get("geometry")
    return "attributes" in features[0] or (isinstance(geom, dict) and any(
        k in geom for k in _GEOMETRY_KEYS))


def esri_features(doc: dict[str, Any], label: str, problems: list[Problem]
                  ) -> tuple[list[Any] | None, str | None]:
    """GeoJSON-like features and the declared CRS (None for WGS84) of an Esri feature set."""
    features = doc.get("features")
    if not isinstance(features, list):
        problems.append(Problem(label, "", 'is Esri JSON (ArcGIS) without a "features" array.',
                                "Export the query result with its features (f=json), or as "
                                "GeoJSON (f=geojson).", rule="not-featurecollection"))
        return None, None
    crs = _crs(doc.get("spatialReference"))
    out = []
    for item in features:
        if not isinstance(item, dict):
            out.append(item)  # named as "not a GeoJSON Feature" by the common checks
            continue
        attrs = item.get("attributes")
        out.append({"type": "Feature", "properties": attrs,
                    "geometry": to_geojson(item.get("geometry"))})
    problems.append(Problem(label, "", "is Esri JSON (an ArcGIS export); read its attributes "
                            "and geometries" + (f" in {crs}" if crs else "") + ".",
                            severity="warning", rule="esri-json"))
    return out, crs


def _crs(ref: Any) -> str | None:
    if not isinstance(ref, dict):
        return None
    wkid = ref.get("latestWkid", ref.get("wkid"))
    if isinstance(wkid, int) and not isinstance(wkid, bool):
        code = _WKID_ALIASES.get(wkid, wkid)
        return None if code == 4326 else f"EPSG:{code}"
    wkt = ref.get("wkt")
    return wkt if isinstance(wkt, str) else None


def to_geojson(geom: Any) -> Any:
    """An Esri geometry as a GeoJSON geometry; anything unreadable is passed on as it is.

    Passing it on lets the GeoJSON checks name what is wrong with it.
    """
    if not isinstance(geom, dict) or not geom:
        return geom or None
    if "x" in geom:
        if geom.get("x") is None or geom.get("x") == "NaN":
            return None  # Esri's empty point
        return {"type": "Point", "coordinates": [geom.get("x"), geom.get("y")]
                + ([geom["z"]] if isinstance(geom.get("z"), (int, float)) else [])}
    if "points" in geom:
        return {"type": "MultiPoint", "coordinates": geom["points"]}
    if "paths" in geom:
        paths = geom["paths"]
        if isinstance(paths, list) and len(paths) == 1:
            return {"type": "LineString", "coordinates": paths[0]}
        return {"type": "MultiLineString", "coordinates": paths}
    if "rings" in geom:
        return _rings(geom["rings"])
    return geom


def _rings(rings: Any) -> Any:
    """Esri rings (clockwise outer, counter-clockwise holes) as a (Multi)Polygon."""
    if not isinstance(rings, list) or not all(_is_ring(r) for r in rings):
        return {"type": "Polygon", "coordinates": rings}
    polygons: list[list[Any]] = []
    holes: list[Any] = []
    for ring in rings:
        area = _signed_area(ring)
        if area <= 0:  # clockwise in Esri: an exterior; reverse it for RFC 7946
            polygons.append([list(reversed(ring))])
        else:
            holes.append(list(reversed(ring)))
    for hole in holes:
        target = next((p for p in polygons if _inside(hole, p[0])), None)
        if target is None:  # a lone counter-clockwise ring: an exterior wound the RFC way
            polygons.append([list(reversed(hole))])
        else:
            target.append(hole)
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _is_ring(ring: Any) -> bool:
    return isinstance(ring, list) and len(ring) >= 4 and all(
        isinstance(p, list) and len(p) >= 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in p[:2])
        for p in ring)


def _signed_area(ring: list[Any]) -> float:
    return sum(float(a[0]) * float(b[1]) - float(b[0]) * float(a[1])
               for a, b in pairwise(ring)) / 2


def _inside(hole: list[Any], shell: list[Any]) -> bool:
    try:
        return bool(shapely.polygons([p[:2] for p in shell]).contains(
            shapely.points(hole[0][:2])))
    except (ValueError, TypeError, shapely.errors.GEOSException):
        return False
