"""Analyst figures: territory, change, route exposure, sites by status, what lies within a radius.

Each function takes layers (GeoDataFrames) and a date and returns a table, so the
app, the CLI (``python -m layers stats|diff``) and the tests quote the same
numbers. Distances and areas are geodesic on WGS84 (:mod:`layers.geo.geodesy`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import geopandas as gpd
import pandas as pd
import shapely

from layers.analysis.exposure import OUTSIDE, route_exposure, route_lengths
from layers.analysis.gazetteer import Entry, Gazetteer
from layers.analysis.territory import (
    area_by_controller,
    controller_at,
    diff_summary,
    share_figure,
    share_text,
    snapshot_dates,
    territory_diff,
    territory_over_time,
    zones_by_controller,
)
from layers.core.catalog import label_for
from layers.core.loaded import LoadedLayers
from layers.core.timeline import as_of
from layers.errors import UnknownLayerError
from layers.geo.geodesy import distances_km, geodesic_area_km2, geodesic_circle

__all__ = [
    "OUTSIDE",
    "area_by_controller",
    "bases",
    "controller_at",
    "controller_label",
    "diff_summary",
    "frame_of_kind",
    "installations_by_status",
    "require_kind",
    "ring_contents",
    "ring_territory",
    "route_exposure",
    "route_lengths",
    "share_figure",
    "share_text",
    "snapshot_dates",
    "territory_diff",
    "territory_over_time",
    "within_radius",
    "zones_by_controller",
]

#: Statuses of a site that still counts as a base for "what lies within R km".
BASE_STATUSES = ("active", "drawing_down")
DEFAULT_RADII_KM = (50.0, 100.0, 200.0)


def frame_of_kind(loaded: LoadedLayers, kind: str) -> gpd.GeoDataFrame | None:
    """The first loaded catalog layer of a kind (``control_zones``, ``routes``, ...), or None.

    Looking layers up by kind rather than id keeps the tools working when an
    analyst renames a layer in the catalog.
    """
    for spec in loaded.specs():
        if spec.kind == kind:
            return loaded.frames[spec.id]
    return None


def require_kind(loaded: LoadedLayers, kind: str) -> gpd.GeoDataFrame:
    """The layer of ``kind``, or an error that says why it is missing.

    Raises
    ------
    UnknownLayerError
        Naming the layer's validation problems when it failed to load.
    """
    frame = frame_of_kind(loaded, kind)
    if frame is not None:
        return frame
    failed = [s for s in loaded.catalog.layers if s.kind == kind]
    if failed:
        problems = loaded.problems.get(failed[0].id, [])
        listed = "; ".join(p.describe(with_file=False) for p in problems[:3])
        raise UnknownLayerError(f"layer {failed[0].id!r} ({kind}) did not load: {listed} Fix: "
                                f"run 'python -m layers validate {failed[0].path}'.")
    raise UnknownLayerError(f"the catalog has no layer of kind {kind!r}. Fix: add one to "
                            f"{loaded.catalog.root / 'catalog.toml'}.")


def controller_label(loaded: LoadedLayers | None, code: str) -> str:
    """Display name of a controller code, from the zones layer's style labels."""
    if code == OUTSIDE:
        return "Outside Syria's border (sea, abroad)"
    if loaded is not None:
        for spec in loaded.specs():
            if spec.kind == "control_zones":
                return label_for(spec, code)
    return code.replace("_", " ")


def installations_by_status(installations: gpd.GeoDataFrame, day: str | dt.date
                            ) -> pd.DataFrame:
    """The sites on ``day`` with their status, one row per site.

    Returns
    -------
    pandas.DataFrame
        ``site_id``, ``name``, ``status``, ``site_type``, ``confidence``,
        ``lat``, ``lon``; ordered by status (active first) then name.
    """
    today = as_of(installations, day)
    if "part" in today.columns:
        today = today[today["part"] == "site"]
    rows = []
    key = "site_id" if "site_id" in today.columns else "id"
    for site, group in today.groupby(key, sort=False):
        row = group.iloc[0]
        point = row.geometry.representative_point()
        rows.append({"site_id": str(site), "name": str(row.get("name", site)),
                     "status": str(row.get("status", "")),
                     "site_type": str(row.get("site_type", "")),
                     "confidence": str(row.get("confidence", "")),
                     "lat": point.y, "lon": point.x})
    frame = pd.DataFrame(rows, columns=["site_id", "name", "status", "site_type", "confidence",
                                        "lat", "lon"])
    order = {s: i for i, s in enumerate(("active", "drawing_down", "uncertain", "vacated"))}
    frame["_order"] = frame["status"].map(order).fillna(len(order))
    return frame.sort_values(["_order", "name"], ignore_index=True).drop(columns="_order")


def bases(installations: gpd.GeoDataFrame, day: str | dt.date, *,
          statuses: Sequence[str] = BASE_STATUSES) -> pd.DataFrame:
    """Sites still held on ``day`` (by default active or drawing down)."""
    sites = installations_by_status(installations, day)
    return sites[sites["status"].isin(statuses)].reset_index(drop=True)


def within_radius(lat: float, lon: float, radius_km: float, gazetteer: Gazetteer | Iterable[Entry],
                  *, exclude_site: str | None = None) -> pd.DataFrame:
    """Places and sites within ``radius_km`` of a point, nearest first.

    Parameters
    ----------
    gazetteer
        Candidates: a :class:`~layers.analysis.gazetteer.Gazetteer` or its entries.
    exclude_site
        ``site_id`` of an installation to leave out (the centre itself); a town
        of the same name stays.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``layer``, ``kind``, ``km``, ``bearing``, ``lat``, ``lon``.
    """
    entries = [e for e in (gazetteer.entries if isinstance(gazetteer, Gazetteer) else gazetteer)
               if not (e.category == "site" and e.key == exclude_site)]
    columns = ["name", "layer", "kind", "km", "bearing", "lat", "lon"]
    if not entries:
        return pd.DataFrame(columns=columns)
    km, bearing = distances_km(lat, lon, [e.lat for e in entries], [e.lon for e in entries])
    frame = pd.DataFrame({"name": [e.name for e in entries], "layer": [e.layer for e in entries],
                          "kind": [e.kind for e in entries], "km": km, "bearing": bearing,
                          "lat": [e.lat for e in entries], "lon": [e.lon for e in entries]},
                         columns=columns)
    return frame[frame["km"] <= radius_km].sort_values("km", ignore_index=True)


def ring_contents(lat: float, lon: float, radii_km: Sequence[float],
                  gazetteer: Gazetteer | Iterable[Entry], *, exclude_site: str | None = None
                  ) -> pd.DataFrame:
    """What lies inside each range ring: every place within the largest ring, with its ring.

    Returns
    -------
    pandas.DataFrame
        As :func:`within_radius` plus ``ring_km``, the smallest ring holding it.
    """
    radii = sorted(float(r) for r in radii_km)
    frame = within_radius(lat, lon, radii[-1], gazetteer, exclude_site=exclude_site)
    frame.insert(0, "ring_km", [next(r for r in radii if km <= r) for km in frame["km"]])
    return frame


def ring_territory(lat: float, lon: float, radius_km: float, zones: gpd.GeoDataFrame,
                   day: str | dt.date) -> pd.DataFrame:
    """Ground within ``radius_km`` of a point held by each controller on ``day`` (km²).

    The part of the circle outside every zone (sea, neighbouring countries) is
    reported as :data:`OUTSIDE`, so the rows add up to the circle's area.

    Returns
    -------
    pandas.DataFrame
        ``controller``, ``area_km2``, ``share_pct`` of the circle.
    """
    circle = geodesic_circle(lat, lon, radius_km)
    merged = zones_by_controller(zones, day)
    rows = [{"controller": c, "area_km2": geodesic_area_km2(circle.intersection(g))}
            for c, g in merged.items() if circle.intersects(g)]
    outside = circle.difference(shapely.union_all(list(merged.values())))
    rows.append({"controller": OUTSIDE, "area_km2": geodesic_area_km2(outside)})
    frame = pd.DataFrame(rows, columns=["controller", "area_km2"])
    frame = frame[frame["area_km2"] > 0.01]
    frame["share_pct"] = 100.0 * frame["area_km2"] / geodesic_area_km2(circle)
    return frame.sort_values("area_km2", ascending=False, ignore_index=True)
