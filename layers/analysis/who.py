"""Who held this place on this date: the controller, since when, until when, on whose word.

The answer is read from the control zones as drawn (the same layer the map shows), so
the command line (``python -m layers who``), the app's "Who held this place?" box and the
map cannot disagree. Town centres are good to 1–2 km and Natural Earth's 1:10m border
is coarse: a town a few hundred metres outside it (Kobani lies 0.57 km outside) is
answered from the nearest zone, and the answer says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from shapely.ops import nearest_points

from layers.core.timeline import parse_date
from layers.errors import DateError, LayersError
from layers.geo.geodesy import distance_km

#: How far outside every zone a point may lie and still be answered from the nearest zone:
#: a town centre's precision (±1–2 km) plus Natural Earth's generalised border.
NEAREST_KM = 3.0


class OutsideZonesError(LayersError, ValueError):
    """A point farther than :data:`NEAREST_KM` from every zone (at sea or abroad)."""


@dataclass(frozen=True)
class Holding:
    """Who held a point on a date, and for how long, as the zones say.

    Attributes
    ----------
    controller
        The zones' controller code (``sdf``, ``shared_government_sdf``...).
    since
        First day of the unbroken run of that controller at the point (inclusive).
    until
        First day it no longer held it (exclusive, as ``valid_to``); None while it does.
    source, confidence, zone_id
        Of the zone feature in force on the day asked.
    outside_km
        Distance from the point to the zone, km, when the point lies outside every zone
        and was answered from the nearest one; None when the point is inside.
    data_starts
        The first day of the zones: a ``since`` equal to it means "at least since".
    """

    day: dt.date
    controller: str
    since: dt.date
    until: dt.date | None
    source: str
    confidence: str
    zone_id: str
    outside_km: float | None
    data_starts: dt.date

    @property
    def last_day(self) -> dt.date | None:
        """The last day held (inclusive), or None while still held."""
        return None if self.until is None else self.until - dt.timedelta(days=1)


class _Point:
    """One point against every zone feature, worked out once for all the snapshots.

    Which features cover the point is one vectorised test; distances to the others are
    measured only if some snapshot leaves the point outside every zone.
    """

    def __init__(self, zones: gpd.GeoDataFrame, lat: float, lon: float) -> None:
        self.zones, self.lat, self.lon = zones, lat, lon
        self.geoms = zones.geometry.values
        self.covers = shapely.covers(self.geoms, shapely.Point(lon, lat))
        self.starts = list(pd.to_datetime(zones["valid_from"]).dt.date)
        self.ends = [None if pd.isna(v) else v.date()
                     for v in pd.to_datetime(zones["valid_to"])]
        self._km: list[float] | None = None

    def km(self) -> list[float]:
        """Geodesic distance from the point to each feature, km (inf when empty)."""
        if self._km is None:
            self._km = []
            for geom in self.geoms:
                if geom is None or geom.is_empty:
                    self._km.append(float("inf"))
                    continue
                near = nearest_points(geom, shapely.Point(self.lon, self.lat))[0]
                self._km.append(distance_km(self.lat, self.lon, near.y, near.x))
        return self._km

    def zone(self, day: dt.date) -> tuple[int, float | None] | None:
        """Row of the zone covering the point on ``day`` (else the nearest within reach)."""
        valid = [i for i, (a, b) in enumerate(zip(self.starts, self.ends, strict=True))
                 if a <= day and (b is None or day < b)]
        inside = [i for i in valid if self.covers[i]]
        if inside:
            return inside[0], None
        if not valid:
            return None
        km = self.km()
        best = min(valid, key=km.__getitem__)
        return (best, km[best]) if km[best] <= NEAREST_KM else None

    def controller(self, day: dt.date) -> str | None:
        hit = self.zone(day)
        return None if hit is None else str(self.zones["controller"].iloc[hit[0]])


def _snapshots(zones: gpd.GeoDataFrame) -> list[dt.date]:
    """The days on which the zones change, oldest first."""
    days = {parse_date(v) for v in zones["valid_from"].dropna()}
    return sorted(days)


def who_held(zones: gpd.GeoDataFrame, lat: float, lon: float,
             day: str | dt.date) -> Holding:
    """Who held (lat, lon) on ``day``, with the run of days they held it.

    Raises
    ------
    DateError
        When no zone is valid on ``day``.
    OutsideZonesError
        When the point lies more than :data:`NEAREST_KM` from every zone.
    """
    day = parse_date(day)
    snaps = _snapshots(zones)
    current = [d for d in snaps if d <= day]
    point = _Point(zones, lat, lon)
    if not current or not any(a <= day and (b is None or day < b)
                              for a, b in zip(point.starts, point.ends, strict=True)):
        span = f"{snaps[0]:%Y-%m-%d} onwards" if snaps else "no date at all"
        raise DateError(f"no control zones on {day:%Y-%m-%d}; the zones cover {span}. "
                        "Fix: give a date in that range.")
    found = point.zone(day)
    if found is None:
        raise OutsideZonesError(
            f"({lat:.5f}, {lon:.5f}) lies more than {NEAREST_KM:g} km from every zone on "
            f"{day:%Y-%m-%d} (at sea or outside Syria). Fix: check the coordinates "
            "(lat,lon order) or the place name.")
    row, outside = found
    zone = zones.iloc[row]
    controller = str(zone["controller"])
    since, until = _run(snaps, snaps.index(current[-1]), controller, point.controller)
    return Holding(day, controller, since, until, str(zone.get("source") or ""),
                   str(zone.get("confidence") or ""), str(zone.get("id") or ""), outside,
                   snaps[0])


def _run(snaps: list[dt.date], index: int, controller: str,
         holder_on: Callable[[dt.date], str | None]) -> tuple[dt.date, dt.date | None]:
    """First day and exclusive end of the unbroken run of ``controller`` around ``index``."""
    start = index
    while start > 0 and holder_on(snaps[start - 1]) == controller:
        start -= 1
    end = index + 1
    while end < len(snaps) and holder_on(snaps[end]) == controller:
        end += 1
    return snaps[start], (snaps[end] if end < len(snaps) else None)


def describe(holding: Holding, place: str, label: str) -> list[str]:
    """The answer as lines of text (the CLI prints them; the app shows them)."""
    since = f"{holding.since:%d %b %Y}"
    if holding.since == holding.data_starts:
        since = f"at least {since} (the zones start then)"
    until = "still held" if holding.until is None else \
        f"until {holding.last_day:%d %b %Y} (changed on {holding.until:%d %b %Y})"
    lines = [f"{place} on {holding.day:%d %b %Y}: {label}",
             f"since {since}; {until}",
             f"confidence: {holding.confidence}",
             f"source: {holding.source}"]
    if holding.outside_km is not None:
        lines.append(f"note: the point lies {holding.outside_km:.2f} km outside Natural "
                     "Earth's border of Syria, so it is answered from the nearest zone.")
    lines.append("Zones are schematic outlines, not surveyed front lines.")
    return lines
