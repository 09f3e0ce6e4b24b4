"""Geodesic measures on the WGS84 ellipsoid: distance, bearing, circles, lengths, areas.

Everything an analyst quotes in a briefing ("57 km", "185,941 km²") is computed
here on the ellipsoid with :class:`pyproj.Geod` (Karney's algorithms), never in
degrees or in a projection: a degree of longitude is 111 km at the equator and
91 km over Syria, and Web Mercator inflates areas by about 45 % at 35° N.

Inputs are longitude/latitude degrees (EPSG:4326), the same as every layer.
Function arguments that take a single point use ``(lat, lon)`` order, the order
analysts read and type; shapely geometries are ``(lon, lat)`` as usual.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, Polygon
from shapely.geometry.polygon import orient

#: The ellipsoid of GPS, GeoJSON and every layer here.
GEOD = Geod(ellps="WGS84")

#: Vertices of a drawn geodesic circle: at 128 the polygon's area is within 0.05 % of the
#: circle's, and every vertex lies exactly on it.
CIRCLE_VERTICES = 128

#: Longest edge (degrees, about 1 km) measured as a geodesic in :func:`geodesic_area_km2`.
AREA_SEGMENT_DEG = 0.01

_COMPASS = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
            "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")


@dataclass(frozen=True)
class Measure:
    """The inverse geodesic problem between two points.

    Attributes
    ----------
    km
        Length of the shortest path on the ellipsoid.
    bearing
        Initial bearing from the first point, degrees clockwise from true north, 0–360.
    back_bearing
        Bearing from the second point back to the first, 0–360.
    """

    km: float
    bearing: float
    back_bearing: float

    @property
    def compass(self) -> str:
        """The initial bearing as a 16-point compass name (e.g. ``NNE``)."""
        return compass_point(self.bearing)


def _check_latlon(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise ValueError(f"({lat}, {lon}) is not a latitude/longitude pair: latitude must lie "
                         "in [-90, 90] and longitude in [-180, 180] (lat first).")


def measure(lat1: float, lon1: float, lat2: float, lon2: float) -> Measure:
    """Distance and bearings between two points given as (lat, lon).

    Raises
    ------
    ValueError
        When a coordinate is out of range (often a swapped lat/lon).
    """
    _check_latlon(lat1, lon1)
    _check_latlon(lat2, lon2)
    fwd, back, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    return Measure(km=metres / 1000.0, bearing=fwd % 360.0, back_bearing=back % 360.0)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in km between two (lat, lon) points."""
    return measure(lat1, lon1, lat2, lon2).km


def distances_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Distances (km) and initial bearings (0–360) from one point to many, vectorised."""
    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    if lats.size == 0:
        return np.empty(0), np.empty(0)
    fwd, _back, metres = GEOD.inv(np.full_like(lons, lon), np.full_like(lats, lat), lons, lats)
    return np.asarray(metres) / 1000.0, np.asarray(fwd) % 360.0


def compass_point(bearing: float) -> str:
    """16-point compass name of a bearing in degrees (``0`` → ``N``, ``22.5`` → ``NNE``)."""
    return _COMPASS[int(((bearing % 360.0) + 11.25) // 22.5) % 16]


def destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    """The (lat, lon) reached from a point after ``km`` along an initial ``bearing``."""
    _check_latlon(lat, lon)
    lon2, lat2, _ = GEOD.fwd(lon, lat, bearing, km * 1000.0)
    return float(lat2), float(lon2)


def geodesic_circle(lat: float, lon: float, radius_km: float, *,
                    vertices: int = CIRCLE_VERTICES) -> Polygon:
    """The circle of points ``radius_km`` from a centre, as a lon/lat polygon.

    Each vertex is exactly ``radius_km`` away along a geodesic, so the ring is a
    true range ring, not a circle in degrees (which would be a north–south
    ellipse over Syria, 20 % too narrow east–west).

    Raises
    ------
    ValueError
        For a radius that is not positive or so large that the circle would wrap
        the antimeridian or a pole (over 5,000 km): not a range ring any more.
    """
    _check_latlon(lat, lon)
    if not (radius_km > 0 and math.isfinite(radius_km)):
        raise ValueError(f"radius must be a positive number of km, got {radius_km!r}.")
    if radius_km > 5000:
        raise ValueError(f"radius {radius_km:g} km is too large for a range ring (max 5,000).")
    azimuths = np.linspace(0.0, 360.0, vertices, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(vertices, lon), np.full(vertices, lat), azimuths,
                             np.full(vertices, radius_km * 1000.0))
    if np.ptp(lons) > 180:
        raise ValueError(f"a {radius_km:g} km circle around ({lat}, {lon}) crosses the "
                         "antimeridian; draw it in two parts.")
    # Clockwise azimuths give a clockwise ring; orient() makes it counter-clockwise (RFC 7946).
    return orient(Polygon(np.column_stack([lons, lats])), sign=1.0)


def densify(geom: shapely.Geometry, max_segment_km: float = 1.0) -> shapely.Geometry:
    """Insert points along the geodesics of every line so no segment exceeds ``max_segment_km``.

    Two uses: a long airlift leg drawn as a straight line in lon/lat is not the
    path a plane flies, and clipping a line by zones is done in lon/lat, so short
    segments keep a clipped piece's length equal to its share of the geodesic.
    Polygons and points are returned unchanged.
    """
    if isinstance(geom, LineString):
        return LineString(_densify_coords(np.asarray(geom.coords)[:, :2], max_segment_km))
    if isinstance(geom, MultiLineString):
        return MultiLineString([_densify_coords(np.asarray(g.coords)[:, :2], max_segment_km)
                                for g in geom.geoms])
    return geom


def _densify_coords(coords: np.ndarray, max_segment_km: float) -> np.ndarray:
    out = [coords[0]]
    for (x1, y1), (x2, y2) in itertools.pairwise(coords):
        metres = GEOD.inv(x1, y1, x2, y2)[2]
        extra = math.ceil(metres / (max_segment_km * 1000.0)) - 1
        if extra > 0:
            out.extend(np.asarray(GEOD.npts(x1, y1, x2, y2, extra)))
        out.append(np.array([x2, y2]))
    return np.asarray(out)


def line_length_km(geom: shapely.Geometry | None) -> float:
    """Geodesic length in km of a line or multi-line (0 for empty or missing).

    Each segment is measured along the geodesic between its vertices, which is
    what a drawn polyline of waypoints stands for.
    """
    if geom is None or geom.is_empty:
        return 0.0
    if geom.geom_type in ("LineString", "MultiLineString", "LinearRing"):
        return GEOD.geometry_length(geom) / 1000.0
    if geom.geom_type == "GeometryCollection":
        return sum(line_length_km(g) for g in geom.geoms)
    return 0.0


def geodesic_area_km2(geom: shapely.Geometry | None) -> float:
    """Area on the WGS84 ellipsoid in km² of any (multi)polygon given in lon/lat.

    Every polygon is oriented (shell counter-clockwise, holes clockwise) before
    measuring: :meth:`pyproj.Geod.geometry_area_perimeter` returns a signed area
    per ring, so a clockwise shell with a clockwise hole (what GEOS returns from
    a difference) or two parts of opposite orientation would otherwise add up to
    a wrong figure, even zero.

    Edges are first split to at most :data:`AREA_SEGMENT_DEG`: GeoJSON edges are
    straight in lon/lat (RFC 7946) and shapely cuts polygons along those straight
    edges, while ``Geod`` joins vertices by geodesics. On a 100 km edge the two
    differ by tens of metres, so without this a zero-width sliver left by a cut
    measures as half a km², and the pieces of a polygon do not add up to it.
    """
    if geom is None or geom.is_empty:
        return 0.0
    geom = shapely.segmentize(geom, AREA_SEGMENT_DEG)
    total = 0.0
    for part in shapely.get_parts(shapely.get_parts(geom)):
        if part.geom_type == "Polygon" and not part.is_empty:
            total += GEOD.geometry_area_perimeter(orient(part, sign=1.0))[0]
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            total += geodesic_area_km2(part) * 1e6
    return abs(total) / 1e6


#: Short alias used by the analysis modules.
area_km2 = geodesic_area_km2
