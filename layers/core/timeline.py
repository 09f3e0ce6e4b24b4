"""Time: reading dates, the as-of view of a layer, and the dates on which anything changes.

Validity is the half-open interval ``[valid_from, valid_to)``: a zone that ends on
9 Dec is no longer shown on 9 Dec, and the zone that starts on 9 Dec is. Open-ended
features (``valid_to`` missing) are valid for every later day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from layers.errors import DateError

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: str | dt.date | pd.Timestamp) -> dt.date:
    """Read a day given as ``YYYY-MM-DD`` (or a date object).

    Raises
    ------
    DateError
        Saying what was received and the expected form.
    """
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not _ISO_DAY.match(text):
        raise DateError(f"date {value!r} is not in the form YYYY-MM-DD (e.g. 2024-12-08).")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DateError(f"date {value!r} does not exist in the calendar.") from None


def as_of(frame: gpd.GeoDataFrame, day: str | dt.date) -> gpd.GeoDataFrame:
    """Return the features valid on ``day``.

    Parameters
    ----------
    frame
        A validated layer: ``valid_from`` and ``valid_to`` are datetime64 columns,
        ``valid_to`` NaT while open-ended.
    day
        The as-of date.
    """
    stamp = pd.Timestamp(parse_date(day))
    if "valid_from" not in frame.columns:
        return frame
    start = frame["valid_from"]
    end = frame["valid_to"] if "valid_to" in frame.columns else pd.Series(pd.NaT,
                                                                            index=frame.index)
    mask = (start.isna() | (start <= stamp)) & (end.isna() | (stamp < end))
    return frame.loc[mask]


def events_window(frame: gpd.GeoDataFrame, day: str | dt.date, *, before: int = 7,
                  after: int = 0) -> gpd.GeoDataFrame:
    """Return events that touch the window ``[day - before, day + after]``.

    Events are short-lived, so "as of" a day an analyst wants the recent ones,
    not only those still running that very day.
    """
    stamp = pd.Timestamp(parse_date(day))
    lo = stamp - pd.Timedelta(days=before)
    hi = stamp + pd.Timedelta(days=after)
    end = frame["valid_to"].fillna(frame["valid_from"] + pd.Timedelta(days=1))
    mask = (frame["valid_from"] <= hi) & (end > lo)
    return frame.loc[mask].sort_values("valid_from")


def change_dates(frames: Iterable[gpd.GeoDataFrame]) -> list[dt.date]:
    """Every day on which some feature of these layers starts or stops being valid.

    These are the slider's quick jumps: between two of them the map does not change.
    """
    days: set[dt.date] = set()
    for frame in frames:
        for column in ("valid_from", "valid_to"):
            if column in frame.columns:
                # Distinct days first: 100,000 events fall on a few hundred of them.
                stamps = pd.DatetimeIndex(frame[column].dropna().unique())
                days.update(stamps.normalize().unique().date)
    return sorted(days)


def date_range(frames: Iterable[gpd.GeoDataFrame]) -> tuple[dt.date, dt.date]:
    """First and last change date across these layers (the slider's natural bounds)."""
    days = change_dates(frames)
    if not days:
        today = dt.date.today()
        return today, today
    return days[0], days[-1]


def to_iso(value: object) -> str | None:
    """Render a timestamp-like value as ``YYYY-MM-DD``; ``None`` for missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)
