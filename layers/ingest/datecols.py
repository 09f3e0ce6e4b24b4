"""An upload's own date column, read as the data contract's ``valid_from``/``valid_to``.

Analysts' files say ``date``, ``event_date``, ``start`` or ``begin``, not
``valid_from``; asking them to rename it before the layer follows the slider
is a step nobody remembers in front of an audience. A column that names a
moment (``date``, ``event_date``, ``timestamp``) makes a one-day feature, as a
KML TimeStamp does; one that names a beginning (``start``, ``begin``) opens a
span that an ``end``/``end_date`` column closes. The report says which column
was read, so a wrong guess is seen.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from layers.ingest.precision import read_days
from layers.problems import Problem

#: Column names of a moment: the feature holds on that day.
MOMENT = ("event_date", "date", "timestamp", "datetime", "time", "when", "day", "event_time")
#: Column names of a beginning: the feature holds from that day on.
BEGINNING = ("start", "begin", "start_date", "date_start", "from", "date_from", "valid_start",
             "begin_date", "startdate", "begins")
#: Column names of an end (exclusive, like valid_to).
ENDING = ("end", "end_date", "date_end", "until", "to", "date_to", "valid_end", "enddate",
          "ends")


def adopt_date_columns(frame: gpd.GeoDataFrame, label: str, problems: list[Problem],
                       column: str | None = None) -> gpd.GeoDataFrame:
    """Fill ``valid_from``/``valid_to`` from a look-alike column when the file has none.

    Parameters
    ----------
    column
        The column to read as the date (the analyst's choice); guessed from the
        names when None.
    """
    if ("valid_from" in frame.columns and column is None) or column == "":
        return frame  # the file's own valid_from, or the analyst said "no date column"
    lower = {str(c).lower(): str(c) for c in frame.columns}
    chosen = column or next((lower[n] for n in (*MOMENT, *BEGINNING) if n in lower), None)
    if chosen is None or chosen not in frame.columns:
        return frame
    end = next((lower[n] for n in ENDING if n in lower), None)
    start, unread = read_days(frame[chosen])
    if not start.notna().any():
        return frame  # not dates after all: the missing-valid_from hint stays
    frame = frame.copy()
    raw = frame[chosen].astype(object)
    frame["valid_from"] = start.dt.strftime("%Y-%m-%d").astype(object).where(
        start.notna(), raw.where(unread, None))
    moment = chosen.lower() in MOMENT and end is None
    if end is not None and "valid_to" not in frame.columns:
        stop, _ = read_days(frame[end])
        frame["valid_to"] = stop.dt.strftime("%Y-%m-%d").astype(object).where(stop.notna(), None)
    elif moment and "valid_to" not in frame.columns:
        stop = start + pd.Timedelta(days=1)
        frame["valid_to"] = stop.dt.strftime("%Y-%m-%d").astype(object).where(stop.notna(), None)
    how = ("each feature shows on that day only" if moment else
           f"each feature shows from that day until its {end!r}" if end else
           "each feature shows from that day on")
    problems.append(Problem(label, "", f"read {chosen!r} as the date (valid_from): {how}.",
                            "If that is the wrong column, pick the date column in the upload "
                            "panel, or name it valid_from.", severity="warning",
                            rule="date-column"))
    return frame
