"""GeoJSON geometry objects checked against RFC 7946 before any geometry is built.

Shapely and numpy answer a malformed coordinate array with their own words
("'float' object is not iterable", "inhomogeneous shape", GEOS
"IllegalArgumentException"); an analyst needs to hear which member of which
feature is wrong and what was expected. :func:`read_geometry` walks the raw JSON
itself, names the first fault it finds, and only then builds the geometry with
shapely's array constructors, which cannot fail on what passed the walk.

Rules (RFC 7946 section in brackets): positions are 2 or 3 finite numbers
(§3.1.1; a fourth is dropped with a warning); a LineString has two positions or
more (§3.1.4); a ring is closed and has four positions or more (§3.1.6), closed
on request with a warning; a Geometry object carries no ``geometry``,
``properties`` or ``features`` member, a GeometryCollection no ``coordinates``
(§7.1); ``bbox`` is 2×n numbers (§5). Clockwise exterior rings (§3.1.6), nested
GeometryCollections (§3.1.8) and more than :data:`MAX_DECIMALS` decimal places
(§11.2) are counted in :class:`Notes` and reported once per file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from layers.ingest.jsonparse import unpack

#: Decimal places beyond which coordinates are noise (1e-8° is about a millimetre).
MAX_DECIMALS = 8
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection")
_FOREIGN = {"geometry": "a Feature's", "properties": "a Feature's", "features":
            "a FeatureCollection's"}
_EXAMPLE = {"Point": "[lon, lat]", "MultiPoint": "[[lon, lat], ...]",
            "LineString": "[[lon, lat], [lon, lat], ...]",
            "MultiLineString": "[[[lon, lat], [lon, lat]], ...]",
            "Polygon": "[[[lon, lat], ..., the first position again]]",
            "MultiPolygon": "[[[[lon, lat], ..., the first position again]], ...]"}


class GeometryFault(ValueError):
    """One thing wrong with a geometry: what (naming the member) and the fix."""

    def __init__(self, message: str, fix: str, rule: str = "bad-geometry") -> None:
        super().__init__(message)
        self.message, self.fix, self.rule = message, fix, rule


@dataclass
class Notes:
    """Warnings counted over a whole file, reported once each with the first feature."""

    clockwise: list[str] = field(default_factory=list)
    nested: list[str] = field(default_factory=list)
    precise: list[str] = field(default_factory=list)
    extra_dims: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    decimals: int = 0


def finite(value: Any) -> float | None:
    """The number as a float, or None when it is not a finite number (bool is not one)."""
    if type(value) is float:
        return value if math.isfinite(value) else None
    if type(value) is int:
        try:
            out = float(value)
        except OverflowError:  # a 400-digit integer
            return None
        return out if math.isfinite(out) else None
    return None


def _describe(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json_name(value)
    if isinstance(value, str):
        return f"text {value[:20]!r}"
    if isinstance(value, (int, float)):
        return "a number too large to be a coordinate" if finite(value) is None else \
            f"the number {value!r}"
    return f"a JSON {json_name(value)}"


def json_name(value: Any) -> str:
    """The JSON name of a parsed value's type: object, array, string, number, true/false, null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {dict: "object", list: "array", str: "string", int: "number",
            float: "number"}.get(type(value), type(value).__name__)


def check_bbox(bbox: Any, where: str) -> GeometryFault | None:
    """A ``bbox`` member is 2×n finite numbers with south ≤ north (RFC 7946 §5)."""
    fix = ('Write "bbox": [west, south, east, north] in degrees, or remove the member '
           "(it is optional).")
    if not isinstance(bbox, list) or len(bbox) not in (4, 6):
        got = f"an array of {len(bbox)}" if isinstance(bbox, list) else _describe(bbox)
        return GeometryFault(f'{where} "bbox" is {got}; expected an array of 4 (or 6) numbers.',
                             fix, rule="bad-bbox")
    values = [finite(v) for v in bbox]
    if any(v is None for v in values):
        bad = next(v for v, f in zip(bbox, values, strict=True) if f is None)
        return GeometryFault(f'{where} "bbox" holds {_describe(bad)}; expected finite numbers.',
                             fix, rule="bad-bbox")
    n = len(values) // 2
    if values[1] > values[1 + n] or any(values[i] > values[i + n] for i in range(2, n)):
        return GeometryFault(f'{where} "bbox" {bbox} has its south above its north; expected '
                             "[west, south, east, north].", fix, rule="bad-bbox")
    if any(abs(v) > 90 for v in (values[1], values[1 + n])):
        return GeometryFault(f'{where} "bbox" {bbox} has a latitude beyond ±90.', fix,
                             rule="bad-bbox")
    return None


def read_geometry(gj: dict[str, Any], notes: Notes, ref: str, *, repair: bool,
                  depth: int = 0) -> shapely.Geometry | tuple[float, ...]:
    """A checked geometry: shapely's, or a plain (x, y[, z]) tuple for a Point.

    Points come back as tuples so the caller can build 200,000 of them in one
    vectorised call instead of one object at a time.

    Raises
    ------
    GeometryFault
        Naming the member, what it holds and what was expected.
    """
    kind = gj.get("type")
    if kind not in GEOMETRY_TYPES:
        raise GeometryFault(f'geometry "type" is {_short(kind)}; expected one of '
                            f"{', '.join(GEOMETRY_TYPES)}.", "Use a GeoJSON geometry type "
                            "(RFC 7946 §3.1); a Circle or an Esri geometry is not one.")
    for member, owner in _FOREIGN.items():
        if member in gj:
            raise GeometryFault(f'the {kind} geometry has a "{member}" member, which is '
                                f"{owner} (RFC 7946 §7.1: it would change what the object "
                                "means).", f'Remove "{member}" from the geometry, or move '
                                "the geometry into a Feature.", rule="ambiguous-member")
    if "bbox" in gj:
        fault = check_bbox(gj["bbox"], f"the {kind} geometry's")
        if fault:
            raise fault
    if kind == "GeometryCollection":
        return _collection(gj, notes, ref, repair=repair, depth=depth)
    if "geometries" in gj:
        raise GeometryFault(f'the {kind} geometry has a "geometries" member (RFC 7946 §7.1: '
                            "only a GeometryCollection has one).", 'Remove "geometries" or '
                            'make it {"type": "GeometryCollection", "geometries": [...]}.',
                            rule="ambiguous-member")
    if "coordinates" not in gj:
        raise GeometryFault(f'the {kind} geometry has no "coordinates" member.',
                            f'Give it "coordinates": {_EXAMPLE[kind]}.')
    coords = gj["coordinates"]
    if kind == "Point":
        return _position(coords, notes, ref, kind, "coordinates")
    return _BUILDERS[kind](coords, notes, ref, repair)


def _short(value: Any) -> str:
    return repr(value[:40]) if isinstance(value, str) else json_name(value)


def _collection(gj: dict[str, Any], notes: Notes, ref: str, *, repair: bool,
                depth: int) -> shapely.Geometry:
    if "coordinates" in gj:
        raise GeometryFault('the GeometryCollection has a "coordinates" member (RFC 7946 §7.1: '
                            "a collection holds geometries, not coordinates).",
                            'Remove "coordinates" or make the object a plain geometry.',
                            rule="ambiguous-member")
    members = gj.get("geometries")
    if not isinstance(members, list):
        raise GeometryFault(f'the GeometryCollection\'s "geometries" is {_describe(members)}; '
                            "expected an array of geometries.",
                            'Give it "geometries": [{"type": "Point", ...}, ...].')
    if depth >= 1:
        notes.nested.append(ref)
    if depth >= 4:
        raise GeometryFault("GeometryCollections are nested more than 4 deep.",
                            "Flatten the collection (RFC 7946 §3.1.8 advises against nesting).")
    parts = []
    for i, member in enumerate(members):
        member = unpack(member)
        if not isinstance(member, dict):
            raise GeometryFault(f'member {i} of "geometries" is {_describe(member)}; expected '
                                "a geometry object.", "Each member is {\"type\": ..., "
                                '"coordinates": ...}.')
        try:
            part = read_geometry(member, notes, ref, repair=repair, depth=depth + 1)
        except GeometryFault as fault:
            raise GeometryFault(f'in member {i} of "geometries": {fault.message}', fault.fix,
                                fault.rule) from None
        parts.append(shapely.points(part) if isinstance(part, tuple) else part)
    return shapely.geometrycollections(parts) if parts else shapely.from_wkt(
        "GEOMETRYCOLLECTION EMPTY")


def _position(value: Any, notes: Notes, ref: str, kind: str, where: str) -> tuple[float, ...]:
    if not isinstance(value, list):
        raise GeometryFault(f"{where} of the {kind} is {_describe(value)}; expected a position "
                            "[longitude, latitude].",
                            f"Write it as {_EXAMPLE.get(kind, '[lon, lat]')}.",
                            rule="bad-coordinates")
    if len(value) < 2 and value and isinstance(value[0], list):
        raise GeometryFault(f"{where} of the {kind} nests arrays one level too deep for its "
                            "type.", f"A {kind} is {_EXAMPLE[kind]}.", rule="bad-coordinates")
    if len(value) < 2:
        raise GeometryFault(f"{where} of the {kind} is a position of {len(value)} number"
                            f"{'s' if len(value) != 1 else ''}; expected [longitude, latitude].",
                            "Give both longitude and latitude.", rule="bad-coordinates")
    out = []
    for item in value[:3]:
        number = finite(item)
        if number is None:
            if isinstance(item, list):
                raise GeometryFault(f"{where} of the {kind} nests arrays one level too deep "
                                    "for its type.", f"A {kind} is {_EXAMPLE[kind]}.",
                                    rule="bad-coordinates")
            raise GeometryFault(f"{where} of the {kind} holds {_describe(item)}, which is not "
                                "a finite number.", "Every position is [longitude, latitude] "
                                "as numbers (no quotes, no NaN).", rule="bad-coordinates")
        out.append(number)
    if len(value) > 3:
        if not all(finite(v) is not None for v in value[3:]):
            raise GeometryFault(f"{where} of the {kind} holds a value that is not a finite "
                                "number.", "Every position is [longitude, latitude] numbers.",
                                rule="bad-coordinates")
        notes.extra_dims.append(ref)
    count_decimals(out, notes, ref)
    return tuple(out)


def count_decimals(xy: list[float], notes: Notes, ref: str) -> None:
    """Note the decimal places of a position beyond :data:`MAX_DECIMALS` (from repr)."""
    for v in xy[:2]:
        text = repr(v)
        if "e" in text or "." not in text:
            continue
        places = len(text) - text.index(".") - 1
        if places > MAX_DECIMALS:
            notes.decimals = max(notes.decimals, places)
            if not notes.precise or notes.precise[-1] != ref:
                notes.precise.append(ref)


def _positions(value: Any, notes: Notes, ref: str, kind: str, where: str) -> np.ndarray:
    """An array of positions as an (n, 2|3) float array, faults named by index."""
    if not isinstance(value, list):
        raise GeometryFault(f"{where} of the {kind} is {_describe(value)}; expected an array "
                            "of positions.", f"A {kind} is {_EXAMPLE[kind]}.",
                            rule="bad-coordinates")
    if value and not isinstance(value[0], list):
        raise GeometryFault(f"{where} of the {kind} holds numbers where positions were "
                            "expected (one level of brackets is missing).",
                            f"A {kind} is {_EXAMPLE[kind]}.", rule="bad-coordinates")
    rows = [_position(p, notes, ref, kind, f"position {i} of {where}")
            if not (type(p) is list and len(p) == 2 and type(p[0]) is float
                    and type(p[1]) is float and math.isfinite(p[0]) and math.isfinite(p[1]))
            else (p[0], p[1]) for i, p in enumerate(value)]
    if rows and len(rows[0]) == 2 and value and type(value[0]) is list:
        count_decimals(list(rows[0]), notes, ref)
    dims = {len(r) for r in rows}
    if len(dims) > 1:
        rows = [r[:2] for r in rows]
    return np.asarray(rows, dtype=float).reshape(len(rows), -1) if rows else np.empty((0, 2))


def _line(coords: Any, notes: Notes, ref: str, where: str = "coordinates",
          kind: str = "LineString") -> shapely.Geometry:
    xy = _positions(coords, notes, ref, kind, where)
    if len(xy) < 2:
        raise GeometryFault(f"{where} of the {kind} has {len(xy)} position"
                            f"{'s' if len(xy) != 1 else ''}; a line needs at least 2.",
                            "Add the missing position or make the feature a Point.",
                            rule="short-line")
    return shapely.linestrings(xy)


def ring_fault(xy: np.ndarray, where: str, *, repair: bool) -> tuple[np.ndarray, str | None]:
    """Check one ring (closed, four positions or more); close it when ``repair``.

    Returns
    -------
    ring, note
        The ring (closed if it was repaired) and a note saying so, or None.

    Raises
    ------
    GeometryFault
        For an unclosed ring without ``repair``, and a ring too short to be an area.
    """
    closed = len(xy) > 0 and bool(np.array_equal(xy[0], xy[-1]))
    distinct = len(xy) - 1 if closed else len(xy)
    fix = ("Repeat the first position at the end of the ring (RFC 7946 §3.1.6), or load the "
           "file with repair switched on.")
    if distinct < 3:
        raise GeometryFault(f"{where} has {len(xy)} position{'s' if len(xy) != 1 else ''}; a "
                            "ring needs at least 4 (3 corners and the first again).",
                            "Add the missing corners, or make the feature a LineString.",
                            rule="short-ring")
    if closed:
        return xy, None
    first, last = _fmt(xy[0]), _fmt(xy[-1])
    if not repair:
        raise GeometryFault(f"{where} is not closed: it starts at {first} and ends at "
                            f"{last}.", fix, rule="unclosed-ring")
    return np.vstack([xy, xy[:1]]), f"{where} was not closed; the first position was repeated"


def _fmt(pos: np.ndarray) -> str:
    return "[" + ", ".join(f"{v:g}" for v in pos) + "]"


def _polygon(coords: Any, notes: Notes, ref: str, repair: bool,
             where: str = "coordinates") -> shapely.Geometry:
    if not isinstance(coords, list) or not coords:
        got = "an empty array" if coords == [] else _describe(coords)
        raise GeometryFault(f"{where} of the Polygon is {got}; expected an array of rings.",
                            f"A Polygon is {_EXAMPLE['Polygon']}.", rule="bad-coordinates")
    rings = []
    for i, ring in enumerate(coords):
        label = f"ring {i} of {where}" + (" (the exterior)" if i == 0 else "")
        xy = _positions(ring, notes, ref, "Polygon", label)
        xy, note = ring_fault(xy, label, repair=repair)
        if note:
            notes.closed.append(f"{ref}: {note}")
        if i == 0 and _signed_area(xy) < 0:
            notes.clockwise.append(ref)
        rings.append(xy[:, :2] if xy.shape[1] != 2 else xy)
    holes = np.array([shapely.linearrings(r) for r in rings[1:]], dtype=object)
    return shapely.polygons(shapely.linearrings(rings[0]), holes=holes if len(holes) else None)


def _signed_area(xy: np.ndarray) -> float:
    x, y = xy[:, 0], xy[:, 1]
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def _multi(coords: Any, kind: str) -> list[Any]:
    if not isinstance(coords, list):
        raise GeometryFault(f"coordinates of the {kind} is {_describe(coords)}; expected an "
                            "array.", f"A {kind} is {_EXAMPLE[kind]}.", rule="bad-coordinates")
    return coords


def _multipoint(coords: Any, notes: Notes, ref: str, repair: bool) -> shapely.Geometry:
    xy = _positions(_multi(coords, "MultiPoint"), notes, ref, "MultiPoint", "coordinates")
    return shapely.multipoints(xy) if len(xy) else shapely.from_wkt("MULTIPOINT EMPTY")


def _linestring(coords: Any, notes: Notes, ref: str, repair: bool) -> shapely.Geometry:
    if coords == []:
        return shapely.from_wkt("LINESTRING EMPTY")
    return _line(coords, notes, ref)


def _multilinestring(coords: Any, notes: Notes, ref: str, repair: bool) -> shapely.Geometry:
    lines = [_line(c, notes, ref, f"line {i} of coordinates", "MultiLineString")
             for i, c in enumerate(_multi(coords, "MultiLineString"))]
    return shapely.multilinestrings(lines) if lines else shapely.from_wkt(
        "MULTILINESTRING EMPTY")


def _poly(coords: Any, notes: Notes, ref: str, repair: bool) -> shapely.Geometry:
    if coords == []:
        return shapely.from_wkt("POLYGON EMPTY")
    return _polygon(coords, notes, ref, repair)


def _multipolygon(coords: Any, notes: Notes, ref: str, repair: bool) -> shapely.Geometry:
    parts = [_polygon(c, notes, ref, repair, f"polygon {i} of coordinates")
             for i, c in enumerate(_multi(coords, "MultiPolygon"))]
    return shapely.multipolygons(parts) if parts else shapely.from_wkt("MULTIPOLYGON EMPTY")


_BUILDERS = {"MultiPoint": _multipoint, "LineString": _linestring,
             "MultiLineString": _multilinestring, "Polygon": _poly,
             "MultiPolygon": _multipolygon}
