"""KML read here, placemark by placemark, into the same GeoJSON-like features as a .geojson.

GDAL's KML drivers hand a bare ``LinearRing``, a one-point ``gx:Track`` (Google
Maps Timeline) or an unclosed ring to GEOS as WKB it cannot parse, and the
analyst reads "IllegalArgumentException". Reading KML here means every
placemark is either a feature or a message naming it, and the rings meet the
same rules as GeoJSON's (:func:`layers.ingest.geometry_json.ring_fault`), so
the two formats agree. The file is only parsed after the DOCTYPE/ENTITY check
over the whole text (:func:`layers.ingest.formats.kml_is_safe`).

What is read: ``name``, ``description``, ``ExtendedData`` (``Data`` and
``SchemaData``), the folder a placemark sits in, TimeSpan/TimeStamp and
``gx:Track`` ``when`` as ``valid_from``/``valid_to`` (a TimeStamp holds for its
day; a TimeSpan end is the first day it no longer holds, rounded up when it has
a time of day), and Point, LineString, LinearRing, Polygon, MultiGeometry,
``gx:Track`` and ``gx:MultiTrack``.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from layers.problems import Problem

_GEOMETRIES = ("Point", "LineString", "LinearRing", "Polygon", "MultiGeometry", "Track",
               "MultiTrack")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(node: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in node if _local(c.tag) == name]


def _text(node: ET.Element, name: str) -> str | None:
    found = _kids(node, name)
    return (found[0].text or "").strip() or None if found else None


def read_kml(data: bytes, label: str, problems: list[Problem]) -> list[dict[str, Any]] | None:
    """Every Placemark as a GeoJSON-like feature (geometry None when it has none)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        problems.append(Problem(label, "", f"is not well-formed XML ({exc}).",
                                "Export the KML again from Google Earth or QGIS; the file may "
                                "be cut short.", rule="unreadable"))
        return None
    features: list[dict[str, Any]] = []
    _walk(root, None, features)
    if not features:
        problems.append(Problem(label, "", "holds no Placemark.", "Export a layer with "
                                "placemarks (Google Earth: 'Save Place As' on the folder).",
                                rule="empty"))
        return None
    folders = {f["properties"].get("folder") for f in features}
    if len(folders) <= 1:
        for feature in features:
            feature["properties"].pop("folder", None)
    _say_dates(features, label, problems)
    return features


def _walk(node: ET.Element, folder: str | None, out: list[dict[str, Any]]) -> None:
    for child in node:
        name = _local(child.tag)
        if name == "Placemark":
            out.append(_placemark(child, folder))
        elif name in ("Folder", "Document", "kml"):
            inner = _text(child, "name") if name == "Folder" else folder
            _walk(child, inner or folder, out)


def _placemark(node: ET.Element, folder: str | None) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for key in ("name", "description"):
        if _text(node, key) is not None:
            props[key] = _text(node, key)
    for data in node.iter():
        tag = _local(data.tag)
        if tag == "Data" and data.get("name"):
            props[data.get("name")] = _text(data, "value")
        elif tag == "SimpleData" and data.get("name"):
            props[data.get("name")] = (data.text or "").strip() or None
    if "id" not in props and node.get("id"):
        props["id"] = node.get("id")
    if folder:
        props["folder"] = folder
    geom_node = next((c for c in node if _local(c.tag) in _GEOMETRIES), None)
    when: list[str] = []
    geometry = _geometry(geom_node, when) if geom_node is not None else None
    _dates(node, when, props)
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _coords(text: str | None) -> list[list[Any]]:
    """KML ``lon,lat[,alt]`` tuples; a part that is no number stays text for the checks."""
    out = []
    for item in (text or "").split():
        parts = [p for p in item.split(",") if p != ""]
        out.append([_number(p) for p in parts])
    return out


def _number(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def _ring(node: ET.Element | None) -> list[list[Any]]:
    ring = _kids(node, "LinearRing") if node is not None else []
    return _coords(_text(ring[0], "coordinates")) if ring else []


def _geometry(node: ET.Element, when: list[str]) -> dict[str, Any] | None:
    kind = _local(node.tag)
    if kind == "Point":
        coords = _coords(_text(node, "coordinates"))
        return {"type": "Point", "coordinates": coords[0] if len(coords) == 1 else coords}
    if kind == "LineString":
        return {"type": "LineString", "coordinates": _coords(_text(node, "coordinates"))}
    if kind == "LinearRing":  # a bare ring is an area's outline: a Polygon of that ring
        return {"type": "Polygon", "coordinates": [_coords(_text(node, "coordinates"))]}
    if kind == "Polygon":
        outer = _kids(node, "outerBoundaryIs")
        rings = [_ring(outer[0] if outer else None)]
        rings += [_ring(inner) for inner in _kids(node, "innerBoundaryIs")]
        return {"type": "Polygon", "coordinates": rings}
    if kind == "Track":
        when.extend((w.text or "").strip() for w in _kids(node, "when"))
        coords = [[_number(v) for v in (c.text or "").split()] for c in _kids(node, "coord")]
        if len(coords) == 1:
            return {"type": "Point", "coordinates": coords[0]}
        return {"type": "LineString", "coordinates": coords}
    parts = [_geometry(c, when) for c in node if _local(c.tag) in _GEOMETRIES]
    parts = [p for p in parts if p is not None]
    return _merge(parts)


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """MultiGeometry of one kind → Multi*, of mixed kinds → GeometryCollection."""
    if not parts:
        return None
    kinds = {p["type"] for p in parts}
    if len(parts) == 1:
        return parts[0]
    if len(kinds) == 1 and kinds <= {"Point", "LineString", "Polygon"}:
        return {"type": f"Multi{parts[0]['type']}",
                "coordinates": [p["coordinates"] for p in parts]}
    return {"type": "GeometryCollection", "geometries": parts}


def _day(text: str | None, *, end: bool) -> str | None:
    """A KML time (year, year-month, date or date-time) as YYYY-MM-DD; an end rounds up."""
    if not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    try:
        if len(value) == 4:
            stamp = dt.datetime(int(value), 1, 1)
        elif len(value) == 7:
            stamp = dt.datetime(int(value[:4]), int(value[5:7]), 1)
        else:
            stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return text.strip()[:40]  # left for the date check to name
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    day = stamp.date()
    if end and stamp.time() != dt.time():
        day += dt.timedelta(days=1)
    return day.isoformat()


def _dates(node: ET.Element, when: list[str], props: dict[str, Any]) -> None:
    if "valid_from" in props:
        return
    span = next(iter(_kids(node, "TimeSpan")), None)
    stamp = next(iter(_kids(node, "TimeStamp")), None)
    if span is not None:
        begin, end = _day(_text(span, "begin"), end=False), _day(_text(span, "end"), end=True)
        source = "TimeSpan"
    elif stamp is not None or when:
        moments = [_text(stamp, "when")] if stamp is not None else [when[0], when[-1]]
        begin = _day(moments[0], end=False)
        end = _next_day(_day(moments[-1], end=False))
        source = "TimeStamp" if stamp is not None else "gx:Track"
    else:
        return
    if begin is None and end is None:
        return
    props["valid_from"], props["valid_to"] = begin, end
    props["_kml_time"] = source


def _next_day(day: str | None) -> str | None:
    try:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat() if day else None
    except ValueError:
        return day


def _say_dates(features: list[dict[str, Any]], label: str, problems: list[Problem]) -> None:
    used = []
    for feature in features:
        source = feature["properties"].pop("_kml_time", None)
        if source and source not in used:
            used.append(source)
    if used:
        order = [u for u in ("TimeSpan", "TimeStamp", "gx:Track") if u in used]
        problems.append(Problem(label, "", f"KML {' and '.join(order)} read as valid_from/"
                                "valid_to (a TimeStamp counts as a one-day feature; a TimeSpan "
                                "end is the first day it no longer holds).",
                                severity="warning", rule="kml-dates"))
