"""Territory: who held how much ground on a date, over time, and what changed hands.

Areas are geodesic (WGS84, km²) via :func:`layers.geo.geodesy.geodesic_area_km2`.
Zones of one controller are merged first, because the layer splits a
controller's ground into several features (one per confidence level).
"""

from __future__ import annotations

import datetime as dt
import functools
import weakref
from collections.abc import Hashable, Iterable
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from layers.core.timeline import as_of, change_dates, parse_date
from layers.errors import DateError
from layers.geo.geodesy import geodesic_area_km2

#: Decimals of a share (%) as quoted anywhere: app, CLI and exports show this one figure.
SHARE_DECIMALS = 1


def share_figure(share_pct: float) -> float:
    """A share (%) rounded once, to :data:`SHARE_DECIMALS`, as every renderer quotes it.

    Rounding twice (to 2 decimals for JSON, then to 1 for print) turned 51.347 %
    into 51.4 % in the CLI while the app said 51.3 %: one rounding, here, ends that.
    """
    return round(float(share_pct), SHARE_DECIMALS) + 0.0


def share_text(share_pct: float) -> str:
    """The share as text (``"51.3 %"``): the string the app, the CLI and the exports print."""
    return f"{share_figure(share_pct):.{SHARE_DECIMALS}f} %"


#: Transitions smaller than this (km²) are slivers left by redrawn borders, not a change.
MIN_CHANGE_KM2 = 0.5


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Only the polygon parts of an overlay result (drops the lines and points GEOS returns)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


_MEMO: dict[int, tuple[weakref.ref, dict[Hashable, Any]]] = {}


def _memo(zones: gpd.GeoDataFrame) -> dict[Hashable, Any]:
    """Results kept for this very frame (a loaded layer is never modified in place).

    One slider step asks for the same day's merged zones up to six times (areas,
    diff, summary, rings); they are merged once. The memo goes with the frame.
    """
    entry = _MEMO.get(id(zones))
    if entry is not None and entry[0]() is zones:
        return entry[1]
    memo: dict[Hashable, Any] = {}
    _MEMO[id(zones)] = (weakref.ref(zones), memo)
    weakref.finalize(zones, _MEMO.pop, id(zones), None)
    return memo


def _merge(geoms: Any) -> shapely.Geometry:
    """Union of one controller's zones; the fast coverage union when they tile."""
    if len(geoms) == 1:
        return geoms[0]
    if shapely.coverage_is_valid(geoms):
        return shapely.coverage_union_all(geoms)
    return shapely.union_all(geoms)


def zones_by_controller(zones: gpd.GeoDataFrame, day: str | dt.date) -> dict[str, shapely.Geometry]:
    """Each controller's ground on ``day``, merged into one (multi)polygon.

    Raises
    ------
    DateError
        When no zone is valid on that day (before the first snapshot), naming
        the dates that have zones.
    """
    day = parse_date(day)
    memo = _memo(zones)
    if ("merged", day) not in memo:
        today = as_of(zones, day)
        if today.empty:
            days = change_dates([zones])
            span = f"{days[0]:%Y-%m-%d} onwards" if days else "no date at all"
            raise DateError(f"no control zones on {day:%Y-%m-%d}; the layer has zones from "
                            f"{span}.")
        memo[("merged", day)] = {str(c): _merge(g.geometry.values)
                                 for c, g in today.groupby("controller", sort=True)}
    return dict(memo[("merged", day)])


def controller_at(zones: gpd.GeoDataFrame, day: str | dt.date, lat: float,
                  lon: float) -> str | None:
    """The controller whose zone covers a point on a date; ``None`` outside every zone.

    A point on a shared border belongs to the first zone that covers it, so the
    answer is one controller, as a briefer needs it.
    """
    point = shapely.Point(lon, lat)
    return next((c for c, g in zones_by_controller(zones, day).items() if g.covers(point)),
                None)


def area_by_controller(zones: gpd.GeoDataFrame, day: str | dt.date) -> pd.DataFrame:
    """Area held by each controller on ``day``, largest first.

    Returns
    -------
    pandas.DataFrame
        ``controller``, ``area_km2``, ``share_pct`` (of all zoned ground).
    """
    merged = zones_by_controller(zones, day)
    rows = [{"controller": c, "area_km2": geodesic_area_km2(g)} for c, g in merged.items()]
    frame = pd.DataFrame(rows, columns=["controller", "area_km2"])
    total = frame["area_km2"].sum()
    frame["share_pct"] = 100.0 * frame["area_km2"] / total if total else 0.0
    return frame.sort_values("area_km2", ascending=False, ignore_index=True)


def snapshot_dates(zones: gpd.GeoDataFrame) -> list[dt.date]:
    """Days on which the zone map changes and zones exist (the territory chart's x values)."""
    return [d for d in change_dates([zones]) if not as_of(zones, d).empty]


def territory_over_time(zones: gpd.GeoDataFrame,
                        days: Iterable[str | dt.date] | None = None) -> pd.DataFrame:
    """Area per controller on each date (long form, one row per date and controller).

    Parameters
    ----------
    days
        Dates to measure; by default every date on which the zones change, which
        is enough: between two of them nothing moves.

    Returns
    -------
    pandas.DataFrame
        ``date`` (datetime64), ``controller``, ``area_km2``; controllers absent
        on a date get 0 so the series of a chart do not break.
    """
    chosen = snapshot_dates(zones) if days is None else [parse_date(d) for d in days]
    controllers = sorted(str(c) for c in zones["controller"].dropna().unique())
    rows = []
    for day in chosen:
        merged = zones_by_controller(zones, day)
        areas = _areas(tuple(sorted(merged.items())))
        rows.extend({"date": pd.Timestamp(day), "controller": c, "area_km2": areas.get(c, 0.0)}
                    for c in controllers)
    return pd.DataFrame(rows, columns=["date", "controller", "area_km2"])


@functools.lru_cache(maxsize=256)
def _areas(items: tuple[tuple[str, shapely.Geometry], ...]) -> dict[str, float]:
    # Shapely geometries hash by value, so an unchanged snapshot is measured once.
    return {c: geodesic_area_km2(g) for c, g in items}


def territory_diff(zones: gpd.GeoDataFrame, day1: str | dt.date, day2: str | dt.date, *,
                   min_area_km2: float = MIN_CHANGE_KM2) -> gpd.GeoDataFrame:
    """The ground that changed hands between two dates, one polygon per (from, to) pair.

    Each polygon is ground held by ``from_controller`` on ``day1`` and by
    ``to_controller`` on ``day2``; it is a loss for the first and a gain for the
    second. Pieces never overlap, so the layer can be drawn and summed as is.

    Returns
    -------
    geopandas.GeoDataFrame
        ``id``, ``name`` ("SDF → HTS-led" style codes), ``from_controller``,
        ``to_controller``, ``area_km2``, geometry; largest first.
    """
    d1, d2 = parse_date(day1), parse_date(day2)
    rows = [row for row in _transitions(zones, d1, d2) if row["area_km2"] >= min_area_km2]
    columns = ["id", "name", "from_controller", "to_controller", "area_km2", "geometry"]
    frame = gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs="EPSG:4326")
    frame.attrs["days"] = (d1, d2)
    return frame.sort_values("area_km2", ascending=False, ignore_index=True)


def _transitions(zones: gpd.GeoDataFrame, d1: dt.date, d2: dt.date) -> list[dict[str, Any]]:
    """Every (from, to) piece between two dates, whatever its size (kept per frame)."""
    memo = _memo(zones)
    key = ("transitions", d1, d2)
    if key not in memo:
        before = zones_by_controller(zones, d1)
        after = zones_by_controller(zones, d2)
        rows = []
        for a, ga in before.items():
            for b, gb in after.items():
                if a == b or not ga.intersects(gb):
                    continue
                piece = _polygonal(ga.intersection(gb))
                rows.append({"id": f"{a}-to-{b}", "name": f"{a} → {b}", "from_controller": a,
                             "to_controller": b, "area_km2": geodesic_area_km2(piece),
                             "geometry": piece})
        memo[key] = rows
    return [dict(row) for row in memo[key]]


def diff_summary(zones: gpd.GeoDataFrame, day1: str | dt.date, day2: str | dt.date
                 ) -> pd.DataFrame:
    """Per controller: area on each date, ground gained and lost, and the net change (km²).

    Gains and losses count every transition (no sliver filter), so for zones
    that tile the same outline on both dates ``net == area_2 - area_1``.

    Returns
    -------
    pandas.DataFrame
        ``controller``, ``area_1_km2``, ``area_2_km2``, ``gained_km2``,
        ``lost_km2``, ``net_km2``; sorted by net change, biggest winner first.
    """
    moves = territory_diff(zones, day1, day2, min_area_km2=0.0)
    a1 = area_by_controller(zones, day1).set_index("controller")["area_km2"]
    a2 = area_by_controller(zones, day2).set_index("controller")["area_km2"]
    controllers = sorted(set(a1.index) | set(a2.index))
    gained = moves.groupby("to_controller")["area_km2"].sum()
    lost = moves.groupby("from_controller")["area_km2"].sum()
    frame = pd.DataFrame({"controller": controllers,
                          "area_1_km2": [float(a1.get(c, 0.0)) for c in controllers],
                          "area_2_km2": [float(a2.get(c, 0.0)) for c in controllers],
                          "gained_km2": [float(gained.get(c, 0.0)) for c in controllers],
                          "lost_km2": [float(lost.get(c, 0.0)) for c in controllers]})
    frame["net_km2"] = frame["gained_km2"] - frame["lost_km2"]
    return frame.sort_values("net_km2", ascending=False, ignore_index=True)
