"""What a table's precision codes mean on the map: a circle instead of a pin, a span of days.

ACLED codes how exactly each event is placed and dated. ``geo_precision`` 1 is
the named town itself; 2 is "near" it or a part of its district; 3 is a larger
region, placed at its capital. ``time_precision`` 1 is the day; 2 says only the
week is known; 3 only the month. Drawing a pin or a single day for a 2 or a 3
would invent precision, so:

* ``geo_precision`` 2 and 3 become a geodesic circle of :data:`RADIUS_KM`
  (or the row's own ``uncertainty_km``/``radius_km``) around the point, with
  ``uncertainty_km`` recorded and ``location_precision`` saying "approximate";
* ``time_precision`` 2 spreads the event over the seven days centred on its
  date, 3 over its calendar month (``valid_from``/``valid_to``).

ACLED states no radius for its codes; the radii are this project's reading of
the codebook (near a town: 25 km; a region: 100 km), written into each feature
so a briefer can see and quote them.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.geo.geodesy import geodesic_circle
from layers.problems import Problem

#: geo_precision code → radius of the circle of uncertainty (km).
RADIUS_KM = {2: 25.0, 3: 100.0}
_RADIUS_COLUMNS = ("uncertainty_km", "radius_km", "precision_km")
_TIME_WORDS = {1: "day", 2: "week", 3: "month"}


def _codes(frame: gpd.GeoDataFrame, column: str | None) -> np.ndarray:
    if not column or column not in frame.columns:
        return np.ones(len(frame), dtype=int)
    values = pd.to_numeric(frame[column], errors="coerce").fillna(1)
    return values.round().clip(1, 3).astype(int).to_numpy()


def apply_precision(frame: gpd.GeoDataFrame, roles: Mapping[str, str], label: str,
                    problems: list[Problem]) -> gpd.GeoDataFrame:
    """Dates from the date role (spread by time precision), circles for imprecise places."""
    frame = _dates(frame, roles, label, problems)
    return _circles(frame, roles.get("geo_precision"), label, problems)


def read_days(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Days read from text (ISO dates or date-times, ``08 December 2024``), and what was not.

    Returns
    -------
    days, unread
        Midnight timestamps (NaT where unread) and a mask of non-empty cells that
        could not be read.
    """
    text = values.astype("string").str.strip()
    days = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    for fmt in ("%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y"):
        left = days.isna() & text.notna()
        if not left.any():
            break
        days = days.fillna(pd.to_datetime(text.where(left), format=fmt, errors="coerce",
                                          utc=True))
    days = days.dt.tz_localize(None).dt.floor("D").astype("datetime64[ns]")
    unread = (text.notna() & text.ne("") & days.isna()).fillna(False)
    return days, unread


def _dates(frame: gpd.GeoDataFrame, roles: Mapping[str, str], label: str,
           problems: list[Problem]) -> gpd.GeoDataFrame:
    column = roles.get("date")
    if not column:
        return frame
    start, unread = read_days(frame[column])
    codes = _codes(frame, roles.get("time_precision"))
    end = start + pd.Timedelta(days=1)
    week = codes == 2
    start = start.where(~week, start - pd.Timedelta(days=3))
    end = end.where(~week, start + pd.Timedelta(days=7))
    month = codes == 3
    first = start.dt.to_period("M").dt.start_time.astype("datetime64[ns]")
    start = start.where(~month, first)
    end = end.where(~month, first + pd.DateOffset(months=1))
    if roles.get("end") and roles["end"] in frame.columns:
        stated, _ = read_days(frame[roles["end"]])
        end = stated.where(stated.notna(), end)
    raw = frame[column].astype(object)
    frame["valid_from"] = start.dt.strftime("%Y-%m-%d").astype(object).where(start.notna(),
                                                                            raw.where(unread))
    frame["valid_to"] = end.dt.strftime("%Y-%m-%d").astype(object).where(end.notna(), None)
    frame["date_precision"] = [_TIME_WORDS[c] for c in codes]
    spread = int((codes > 1).sum())
    problems.append(Problem(label, "", f"read {column!r} as the date: each row shows on its "
                            "own day" + (f"; {spread:,} rows dated only to the week or month "
                                         "(time_precision 2–3) show over that week or month"
                                         if spread else "") + ".", severity="warning",
                            rule="date-column"))
    return frame


def _circles(frame: gpd.GeoDataFrame, column: str | None, label: str,
             problems: list[Problem]) -> gpd.GeoDataFrame:
    codes = _codes(frame, column)
    radius = np.array([RADIUS_KM.get(c, 0.0) for c in codes])
    own = next((c for c in _RADIUS_COLUMNS if c in frame.columns), None)
    if own:
        stated = pd.to_numeric(frame[own], errors="coerce").to_numpy(dtype=float)
        radius = np.where(np.isfinite(stated) & (stated > 0) & (stated <= 5000), stated, radius)
    rows = np.flatnonzero(radius > 0)
    frame["location_precision"] = "exact"
    if not len(rows):
        return frame
    geoms = frame.geometry.to_numpy().copy()
    cache: dict[tuple[float, float, float], object] = {}
    for i in rows:
        key = (geoms[i].y, geoms[i].x, float(radius[i]))
        if key not in cache:
            cache[key] = geodesic_circle(*key, vertices=48)
        geoms[i] = cache[key]
    frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs="EPSG:4326"))
    frame["uncertainty_km"] = np.where(radius > 0, radius, np.nan)
    frame.loc[frame.index[rows], "location_precision"] = [
        f"approximate: within about {radius[i]:g} km (geo_precision {codes[i]})" for i in rows]
    problems.append(Problem(label, "", f"{len(rows):,} rows are placed only approximately "
                            "(geo_precision 2–3); each is drawn as a circle of uncertainty "
                            f"({', '.join(f'{k}: {v:g} km' for k, v in RADIUS_KM.items())}, or "
                            "the row's own uncertainty_km) instead of a pin.",
                            severity="warning", rule="approximate-location"))
    return frame
