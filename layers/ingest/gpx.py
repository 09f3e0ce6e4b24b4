"""GPX (GPS exchange): tracks and routes become lines, waypoints become dated points.

A GPX file from a handheld GPS or a phone holds ``trk`` (recorded tracks, in
segments of timed ``trkpt``), ``rte`` (planned routes of ``rtept``) and ``wpt``
(waypoints). Each becomes one feature: a track's ``valid_from`` is the day of
its first timed point and ``valid_to`` the day after its last, so a patrol
recorded on 8 December shows on the slider on that day; a waypoint with a time
is a one-day event. The file is parsed with the standard library after the
same DOCTYPE/ENTITY check as KML, over the whole file.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from layers.ingest.formats import declares_dtd
from layers.ingest.geometry_json import finite
from layers.problems import Problem


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in node if _local(c.tag) == name), None)


def _children(node: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in node if _local(c.tag) == name]


def _text(node: ET.Element, name: str) -> str | None:
    found = _child(node, name)
    return found.text.strip() if found is not None and found.text else None


def read_gpx(data: bytes, label: str, problems: list[Problem]) -> gpd.GeoDataFrame | None:
    """Tracks, routes and waypoints as one frame, or None (with the reason)."""
    if declares_dtd(data, label, problems, what="GPX", rule="xml-doctype",
                    fix="Export the GPX again from the GPS software."):
        return None
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        problems.append(Problem(label, "", f"is not well-formed XML ({exc}).",
                                "Export the GPX again; the file may be cut short.",
                                rule="unreadable"))
        return None
    rows: list[dict[str, Any]] = []
    for kind, name, points in (("trk", "track", "trkseg"), ("rte", "route", None),
                               ("wpt", "waypoint", None)):
        for i, node in enumerate(_children(root, kind)):
            row = _feature(node, kind, name, points, f"{name} {i + 1}", label, problems)
            if row is not None:
                row["_index"] = len(rows)
                rows.append(row)
    if not rows:
        problems.append(Problem(label, "", "holds no track, route or waypoint with positions.",
                                "Export the GPX with its tracks (trk) or waypoints (wpt).",
                                rule="empty"))
        return None
    counts = {k: sum(r["gpx_type"] == k for r in rows) for k in ("track", "route", "waypoint")}
    problems.append(Problem(label, "", "GPX read as " + ", ".join(
        f"{n} {k}{'s' if n != 1 else ''}" for k, n in counts.items()) + "; a track shows from "
        "the day of its first timed point to the day of its last, a waypoint on its day.",
        severity="warning", rule="gpx-read"))
    geoms = [r.pop("geometry") for r in rows]
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs="EPSG:4326")


def _feature(node: ET.Element, kind: str, name: str, segment: str | None, ref: str,
             label: str, problems: list[Problem]) -> dict[str, Any] | None:
    if kind == "wpt":
        parts = [[node]]
    elif segment:
        parts = [_children(seg, "trkpt") for seg in _children(node, segment)]
    else:
        parts = [_children(node, "rtept")]
    lines, times = [], []
    for part in parts:
        xy = []
        for point in part:
            pos = _position(point)
            if pos is None:
                problems.append(Problem(label, ref, f"has a {_local(point.tag)} whose lat/lon "
                                        f"({point.get('lat')!r}, {point.get('lon')!r}) are not "
                                        "numbers; it is left out.", "Check the file's "
                                        "coordinates.", severity="warning", rule="bad-coordinates"))
                continue
            xy.append(pos)
            stamp = _time(_text(point, "time"))
            if stamp is not None:
                times.append(stamp)
        if xy:
            lines.append(xy)
    geom = _geometry(kind, lines)
    if geom is None:
        return None
    row: dict[str, Any] = {"name": _text(node, "name") or ref, "gpx_type": name,
                           "geometry": geom}
    for tag in ("desc", "cmt", "type", "sym"):
        if _text(node, tag):
            row[tag if tag != "desc" else "description"] = _text(node, tag)
    if times:
        first, last = min(times), max(times)
        row["valid_from"] = first.date().isoformat()
        row["valid_to"] = (last.date() + dt.timedelta(days=1)).isoformat()
        row["started"] = first.isoformat(timespec="seconds")
        if kind != "wpt":
            row["ended"] = last.isoformat(timespec="seconds")
    return row


def _geometry(kind: str, lines: list[list[tuple[float, float]]]) -> shapely.Geometry | None:
    if kind == "wpt":
        return shapely.points(lines[0][0]) if lines else None
    lines = [line for line in lines if len(line) >= 2]
    if not lines:
        return None
    if len(lines) == 1:
        return shapely.linestrings(lines[0])
    return shapely.multilinestrings([shapely.linestrings(line) for line in lines])


def _position(point: ET.Element) -> tuple[float, float] | None:
    try:
        lat, lon = finite(float(point.get("lat", ""))), finite(float(point.get("lon", "")))
    except ValueError:
        return None
    if lat is None or lon is None:
        return None
    return lon, lat


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp.astimezone(dt.UTC).replace(tzinfo=None) if stamp.tzinfo else stamp
