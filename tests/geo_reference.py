"""Independent reference computations for the geodesy tests.

Nothing here uses :mod:`layers` or ``pyproj.Geod``: distances come from Vincenty's
1975 inverse formula (iterative, on the WGS84 ellipsoid) and areas from a
Lambert azimuthal equal-area projection centred on the shape, so the tests check
the package against a different method, not against itself.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import shapely
from pyproj import CRS, Transformer

A = 6378137.0
F = 1 / 298.257223563
B = A * (1 - F)


def vincenty(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float]:
    """Distance (km) and initial bearing (degrees 0–360) by Vincenty's inverse formula."""
    if (lat1, lon1) == (lat2, lon2):
        return 0.0, 0.0
    u1 = math.atan((1 - F) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - F) * math.tan(math.radians(lat2)))
    big_l = math.radians(lon2 - lon1)
    lam = big_l
    sin_u1, cos_u1, sin_u2, cos_u2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = F / 16 * cos2_alpha * (4 + F * (4 - 3 * cos2_alpha))
        lam_prev = lam
        lam = big_l + (1 - c) * F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2)))
        if abs(lam - lam_prev) < 1e-12:
            break
    u_sq = cos2_alpha * (A**2 - B**2) / B**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta = big_b * sin_sigma * (cos_2sm + big_b / 4 * (
        cos_sigma * (-1 + 2 * cos_2sm**2)
        - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)))
    metres = B * big_a * (sigma - delta)
    bearing = math.degrees(math.atan2(cos_u2 * math.sin(lam),
                                      cos_u1 * sin_u2 - sin_u1 * cos_u2 * math.cos(lam)))
    return metres / 1000.0, bearing % 360.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the mean Earth radius (good to about 0.5 %)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def polyline_km(coords: list[tuple[float, float]]) -> float:
    """Length of a lon/lat polyline, segment by segment with Vincenty."""
    return sum(vincenty(y1, x1, y2, x2)[0]
               for (x1, y1), (x2, y2) in itertools.pairwise(coords))


def laea_area_km2(geom: shapely.Geometry) -> float:
    """Area from an equal-area projection centred on the shape (edges densified first)."""
    centre = geom.centroid
    crs = CRS.from_proj4(f"+proj=laea +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 "
                         "+units=m +no_defs")
    project = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    dense = shapely.segmentize(geom, 0.005)
    projected = shapely.transform(dense, lambda xy: np.column_stack(
        project.transform(xy[:, 0], xy[:, 1])))
    return projected.area / 1e6
