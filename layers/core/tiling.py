"""Zones of control must tile their region on every date: no overlap, no gap.

Split from :mod:`layers.core.validate` because it is the one rule that looks at
a whole layer across dates, and the slowest: it has its own fast path.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import shapely

from layers.geo.geodesy import geodesic_area_km2
from layers.problems import Problem

#: Overlap or gap smaller than this (km²) is rounding noise, not a data error.
AREA_TOLERANCE_KM2 = 0.05
GAP_TOLERANCE_KM2 = 1.0


def check_zone_tiling(frame: gpd.GeoDataFrame, label: str, problems: list[Problem], *,
                      coverage: shapely.Geometry | None = None) -> None:
    """On each date where zones change: no two controllers overlap, and no gap in ``coverage``.

    Checking only the change dates is enough: between two of them the set of
    valid features, hence the map, is the same.

    A file of a hundred snapshots of thousands of vertices is checked in
    seconds, not minutes: when a date's zones form a valid polygon coverage
    (GEOS's coverage validator: no overlaps, shared edges that match), their
    union is a cheap coverage union and only the gap is left to measure. Other
    dates take the exact path: overlaps between features of different
    controllers found with a spatial index and measured where interiors meet.
    """
    from layers.core.timeline import as_of, change_dates

    seen: set[frozenset[str]] = set()
    for day in change_dates([frame]) or [dt.date.today()]:
        today = as_of(frame, day)
        key = frozenset(today["id"])
        if not key or key in seen:
            continue
        seen.add(key)
        geoms = today.geometry.values
        controllers = today["controller"].astype(str).to_numpy()
        if _is_coverage(geoms):
            union = shapely.coverage_union_all(geoms)
        else:
            _report_overlaps(geoms, controllers, day, label, problems)
            union = shapely.union_all(geoms)
        if coverage is not None:
            gap = geodesic_area_km2(coverage.difference(union))
            if gap > GAP_TOLERANCE_KM2:
                problems.append(Problem(label, "", f"on {day:%Y-%m-%d} the zones leave "
                                        f"{gap:,.1f} km² of the country unassigned.",
                                        "Extend a zone to cover the gap (zones must tile the "
                                        "country on every date).", rule="zone-gap"))


def _is_coverage(geoms: np.ndarray) -> bool:
    """True when the polygons tile without overlaps and with matching shared edges.

    False says only that the fast path does not apply (edges that do not share
    vertices are enough), not that anything is wrong.
    """
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))  # Polygon, MultiPolygon
    return bool(polygonal.all()) and bool(shapely.coverage_is_valid(geoms))


def _report_overlaps(geoms: np.ndarray, controllers: np.ndarray, day: dt.date, label: str,
                     problems: list[Problem]) -> None:
    """Overlaps between controllers on ``day``, one problem per pair of controllers.

    Candidate pairs come from an STRtree; only those of different controllers
    whose interiors meet (DE-9IM ``2********``) are intersected and measured.
    """
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = (left < right) & (controllers[left] != controllers[right])
    left, right = left[keep], right[keep]
    inside = shapely.relate_pattern(geoms[left], geoms[right], "2********")
    pieces: dict[tuple[str, str], list[shapely.Geometry]] = {}
    for i, j in zip(left[inside], right[inside], strict=True):
        pair = tuple(sorted((controllers[i], controllers[j])))
        pieces.setdefault(pair, []).append(shapely.intersection(geoms[i], geoms[j]))
    for (a, b), parts in sorted(pieces.items()):
        area = geodesic_area_km2(shapely.union_all(parts))
        if area > AREA_TOLERANCE_KM2:
            problems.append(Problem(label, "", f"on {day:%Y-%m-%d} zones of {a} and {b} "
                                    f"overlap by {area:,.1f} km².",
                                    "A place has one controller on a given day: trim one "
                                    "zone or fix their valid_from/valid_to.",
                                    rule="zone-overlap"))
