"""Route exposure: how many kilometres of each route run through whose territory.

A convoy's risk depends on whose ground it crosses, so each route valid on a
date is cut by that date's zones and every piece measured along the geodesic.
Routes are densified first (1 km segments): the cut is made on straight lon/lat
segments, and on short segments that is the geodesic to within centimetres, so
the pieces add up to the route's length.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import shapely

from layers.analysis.territory import zones_by_controller
from layers.core.timeline import as_of, parse_date
from layers.geo.geodesy import densify, line_length_km

#: The bucket for the part of a route outside every zone (abroad, at sea).
OUTSIDE = "outside_syria"
#: Pieces shorter than this (km) are rounding noise at a zone border.
MIN_PIECE_KM = 0.01


def route_exposure(routes: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, day: str | dt.date, *,
                   max_segment_km: float = 1.0) -> pd.DataFrame:
    """Kilometres of each route valid on ``day`` inside each controller's zones that day.

    Returns
    -------
    pandas.DataFrame
        One row per (route feature, controller): ``id``, ``route_id``, ``name``,
        ``mode``, ``controller`` (:data:`OUTSIDE` for the part outside all
        zones), ``km``, ``share_pct`` of the route's ``length_km``. Ordered by
        route, then along-route share, largest first.
    """
    day = parse_date(day)
    columns = ["id", "route_id", "name", "mode", "controller", "km", "share_pct", "length_km"]
    today = as_of(routes, day)
    if today.empty:
        return pd.DataFrame(columns=columns)
    merged = zones_by_controller(zones, day)
    covered = shapely.union_all(list(merged.values()))
    rows = []
    for _, route in today.iterrows():
        line = densify(route.geometry, max_segment_km)
        length = line_length_km(line)
        pieces = {c: line_length_km(line.intersection(g)) for c, g in merged.items()}
        pieces[OUTSIDE] = line_length_km(line.difference(covered))
        for controller, km in pieces.items():
            if km < MIN_PIECE_KM:
                continue
            rows.append({"id": str(route.get("id", "")),
                         "route_id": str(route.get("route_id", route.get("id", ""))),
                         "name": str(route.get("name", "")), "mode": str(route.get("mode", "")),
                         "controller": controller, "km": km,
                         "share_pct": 100.0 * km / length if length else 0.0,
                         "length_km": length})
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["id", "km"], ascending=[True, False], ignore_index=True)


def route_lengths(routes: gpd.GeoDataFrame, day: str | dt.date | None = None) -> pd.DataFrame:
    """Geodesic length of each route (valid on ``day`` if given), longest first.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``route_id``, ``name``, ``mode``, ``length_km``.
    """
    chosen = as_of(routes, day) if day is not None else routes
    rows = [{"id": str(r.get("id", "")), "route_id": str(r.get("route_id", "")),
             "name": str(r.get("name", "")), "mode": str(r.get("mode", "")),
             "length_km": line_length_km(r.geometry)} for _, r in chosen.iterrows()]
    frame = pd.DataFrame(rows, columns=["id", "route_id", "name", "mode", "length_km"])
    return frame.sort_values("length_km", ascending=False, ignore_index=True)
