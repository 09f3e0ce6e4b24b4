"""The MGRS grid (100 km squares and 10 km lines) and a graticule, as lon/lat lines.

An analyst reads a position off a printed map by its grid square ("YD 6 6"),
so the grid drawn on a map must be the one the references come from: lines of
constant UTM easting and northing in each 6° zone, cut at the zone's edges,
with the 100 km square letters of MGRS (the AA scheme of WGS84). Lines are
computed in UTM with pyproj and densified before they are turned into
longitude and latitude, since a line of constant easting is curved there.

The square letters are worked out here from the zone and the UTM coordinates
(the standard lettering), not looked up, so the unit tests can hold them
against :func:`layers.geo.coords.to_mgrs`, which uses the ``mgrs`` C library.

Limits: the Norway and Svalbard zone exceptions (56°–84° N, 0°–42° E) and the
polar UPS areas are not drawn; over Syria (zones 36–38, band S) neither applies.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer

Extent = tuple[float, float, float, float]

#: Column letters of the 100 km squares, by zone number modulo 3 (1, 2, 0).
_COLUMNS = ("ABCDEFGH", "JKLMNPQR", "STUVWXYZ")
#: Row letters, cycling every 2,000 km of northing; even zones start five letters on.
_ROWS = "ABCDEFGHJKLMNPQRSTUV"
#: Latitude bands, 8° each from 80° S (X is 12°, to 84° N).
_BANDS = "CDEFGHJKLMNPQRSTUVWX"
#: Points per line: enough that a curved grid line is smooth at poster size.
_SAMPLES = 48
#: Grid lines beyond this many per direction are not drawn (the frame is too big for them).
MAX_LINES = 400


@dataclass(frozen=True)
class GridLine:
    """One grid line in lon/lat: ``axis`` "E" (constant easting) or "N", its value in m."""

    zone: int
    axis: str
    value: float
    geometry: shapely.Geometry
    label: str


@dataclass(frozen=True)
class GridSquare:
    """One grid square, clipped to its zone and the frame, with its MGRS reference."""

    zone: int
    east: float
    north: float
    geometry: shapely.Geometry
    label: str


def zone_of(lon: float) -> int:
    """The UTM zone number of a longitude (1 to 60; 180° E is in zone 60)."""
    return min(math.floor((lon + 180.0) / 6.0) + 1, 60)


def band_of(lat: float) -> str:
    """The MGRS latitude band letter (C to X)."""
    index = math.floor((lat + 80.0) / 8.0)
    return _BANDS[min(max(index, 0), len(_BANDS) - 1)]


def square_letters(zone: int, easting: float, northing: float) -> str:
    """The two letters of the 100 km square holding a UTM position (AA scheme, WGS84).

    Columns run A–H, J–R, S–Z in zones 1, 2, 3 (and so on, modulo 3) from 100 km
    easting; rows cycle A–V (no I, O) every 2,000 km, even zones starting at F.
    """
    col = _COLUMNS[(zone - 1) % 3][int(easting // 100_000) - 1]
    offset = 5 if zone % 2 == 0 else 0
    row = _ROWS[(int(northing // 100_000) + offset) % len(_ROWS)]
    return col + row


def reference(zone: int, lat: float, easting: float, northing: float, step: float) -> str:
    """The MGRS reference of the square of side ``step`` (100 km or 10 km) at a position."""
    head = f"{zone}{band_of(lat)} {square_letters(zone, easting, northing)}"
    if step >= 100_000:
        return head
    digits = max(0, 5 - round(math.log10(step)))
    east = int(easting % 100_000 // step)
    north = int(northing % 100_000 // step)
    return f"{head} {east:0{digits}d} {north:0{digits}d}"


@functools.lru_cache(maxsize=128)
def _transformers(zone: int, south: bool) -> tuple[Transformer, Transformer]:
    epsg = (32700 if south else 32600) + zone
    fwd = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    inv = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)
    return fwd, inv


def _zone_parts(extent: Extent) -> list[tuple[int, bool, shapely.Geometry]]:
    """The frame cut by zone and hemisphere: (zone, south, lon/lat box)."""
    minx, miny, maxx, maxy = extent
    miny, maxy = max(miny, -80.0), min(maxy, 84.0)
    parts = []
    for zone in range(zone_of(minx), zone_of(maxx - 1e-9) + 1):
        west, east = -180.0 + 6.0 * (zone - 1), -180.0 + 6.0 * zone
        for south, lo, hi in ((True, miny, min(maxy, 0.0)), (False, max(miny, 0.0), maxy)):
            box = (max(minx, west), lo, min(maxx, east), hi)
            if box[2] > box[0] and box[3] > box[1]:
                parts.append((zone, south, shapely.box(*box)))
    return parts


def _utm_bounds(box: shapely.Geometry, fwd: Transformer) -> tuple[float, float, float, float]:
    ring = np.asarray(shapely.segmentize(box, max(box.bounds[2] - box.bounds[0],
                                                   box.bounds[3] - box.bounds[1]) / 40
                                         ).exterior.coords)
    e, n = fwd.transform(ring[:, 0], ring[:, 1])
    return float(np.min(e)), float(np.min(n)), float(np.max(e)), float(np.max(n))


def _values(lo: float, hi: float, step: float) -> list[float]:
    first = math.ceil(lo / step) * step
    count = math.floor((hi - first) / step) + 1
    return [first + i * step for i in range(max(0, min(count, MAX_LINES)))]


def _label(axis: str, value: float, step: float) -> str:
    """What is printed at a line's end: km within the 100 km square ("60"), or the letters' edge."""
    if step >= 100_000:
        return f"{int(value // 1000)} km"
    return f"{int(value % 100_000 // 1000):02d}"


def grid_lines(extent: Extent, step: float) -> list[GridLine]:
    """Lines of constant easting and northing every ``step`` metres inside the frame.

    Each line lies in one zone and stops at the zone's edge, where the next
    zone's grid, at an angle to it, takes over (as on a printed MGRS map).
    """
    out: list[GridLine] = []
    for zone, south, box in _zone_parts(extent):
        fwd, inv = _transformers(zone, south)
        e0, n0, e1, n1 = _utm_bounds(box, fwd)
        along_n = np.linspace(n0, n1, _SAMPLES)
        along_e = np.linspace(e0, e1, _SAMPLES)
        for axis, values, other in (("E", _values(e0, e1, step), along_n),
                                    ("N", _values(n0, n1, step), along_e)):
            for value in values:
                fixed = np.full_like(other, value)
                xs, ys = (fixed, other) if axis == "E" else (other, fixed)
                lon, lat = inv.transform(xs, ys)
                line = shapely.LineString(np.column_stack([lon, lat])).intersection(box)
                if not line.is_empty and line.length > 0:
                    out.append(GridLine(zone, axis, value, line, _label(axis, value, step)))
    return out


def grid_squares(extent: Extent, step: float = 100_000) -> list[GridSquare]:
    """The squares of side ``step`` that show in the frame, each with its MGRS reference.

    A square cut by a zone edge is kept as its piece in the zone; its reference is
    that of its lower-left UTM corner, with the band of the piece's centre.
    """
    out: list[GridSquare] = []
    for zone, south, box in _zone_parts(extent):
        fwd, inv = _transformers(zone, south)
        e0, n0, e1, n1 = _utm_bounds(box, fwd)
        norths = _values(n0 - step, n1, step)
        easts = _values(e0 - step, e1, step)
        if len(norths) * len(easts) > MAX_LINES * 20:
            continue
        for east in easts:
            for north in norths:
                square = _utm_square(inv, east, north, step).intersection(box)
                if square.is_empty or square.area <= 0:
                    continue
                lat = square.representative_point().y
                out.append(GridSquare(zone, east, north, square,
                                      reference(zone, lat, east, north, step)))
    return out


def _utm_square(inv: Transformer, east: float, north: float, step: float) -> shapely.Geometry:
    side = np.linspace(0.0, step, 9)
    es = np.concatenate([east + side, np.full(9, east + step), east + step - side,
                         np.full(9, east)])
    ns = np.concatenate([np.full(9, north), north + side, np.full(9, north + step),
                         north + step - side])
    lon, lat = inv.transform(es, ns)
    return shapely.Polygon(np.column_stack([lon, lat]))


def square_at(squares: list[GridSquare], lon: float, lat: float) -> GridSquare | None:
    """The square (of those computed) that holds a point, or None."""
    point = shapely.Point(lon, lat)
    return next((s for s in squares if s.geometry.covers(point)), None)


def mgrs_step(extent: Extent) -> float:
    """100 km squares for a country-sized frame, 10 km lines once it spans 300 km or less."""
    minx, miny, maxx, maxy = extent
    lat = (miny + maxy) / 2
    width_km = (maxx - minx) * 111.32 * math.cos(math.radians(lat))
    height_km = (maxy - miny) * 110.57
    return 10_000.0 if max(width_km, height_km) <= 300 else 100_000.0
