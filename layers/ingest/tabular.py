"""Tables of dated points (CSV, XLSX): an ACLED export is the model.

Columns are recognised by name (:data:`ROLES`); the analyst corrects the guess
with a mapping (``{"lat": "Y", "date": "Day"}``) when the names are their own.
Rows become points, and ACLED's precision codes become what the map shows
without any renderer knowing about ACLED (:mod:`layers.ingest.precision`).
Everything is done on whole columns: 100,000 rows load in about a second.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.ingest.precision import apply_precision
from layers.problems import Problem

#: Role → column names that play it, most specific first (compared case-insensitively).
ROLES: dict[str, tuple[str, ...]] = {
    "lat": ("latitude", "lat", "y", "lat_dd", "decimal_latitude", "point_y"),
    "lon": ("longitude", "lon", "lng", "long", "x", "lon_dd", "decimal_longitude", "point_x"),
    "date": ("valid_from", "event_date", "date", "start_date", "start", "begin", "date_start",
             "timestamp", "datetime", "time", "when", "day"),
    "end": ("valid_to", "end_date", "end", "date_end", "until"),
    "id": ("id", "event_id_cnty", "event_id", "fid", "uid"),
    "name": ("name", "title", "label", "location", "event_type"),
    "time_precision": ("time_precision",),
    "geo_precision": ("geo_precision",),
}
#: Roles a table needs to be drawn at all.
REQUIRED = ("lat", "lon")


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Which column plays which role, from the names alone."""
    lower = {str(c).strip().lower(): str(c) for c in columns}
    found: dict[str, str] = {}
    for role, names in ROLES.items():
        hit = next((lower[n] for n in names if n in lower and lower[n] not in found.values()),
                   None)
        if hit is not None:
            found[role] = hit
    return found


def read_table(data: bytes, kind: str, label: str, problems: list[Problem], *,
               mapping: Mapping[str, str] | None = None) -> pd.DataFrame | None:
    """A CSV or XLSX file as a frame of text cells, or None (with the reason)."""
    if kind == "xlsx":
        from layers.ingest.xlsx import read_xlsx

        return read_xlsx(data, label, problems)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        problems.append(Problem(label, "", "is not UTF-8; read as Windows-1252 text.",
                                "Save the CSV as UTF-8 so accents survive.", severity="warning",
                                rule="not-utf8"))
    try:
        sep = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                           na_values=[""], skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        problems.append(Problem(label, "", f"could not be read as a table "
                                f"({str(exc).splitlines()[0][:200]}).", "Save it as a plain "
                                "CSV with one header row.", rule="unreadable"))
        return None


def table_to_frame(table: pd.DataFrame, label: str, problems: list[Problem], *,
                   mapping: Mapping[str, str] | None = None) -> gpd.GeoDataFrame | None:
    """Rows with a position become points; the rest are named and left out."""
    table = table.rename(columns=lambda c: str(c).strip())
    roles = guess_mapping(list(table.columns))
    for role, column in (mapping or {}).items():  # the analyst's word; "" unsets a role
        if column:
            roles[role] = column
        else:
            roles.pop(role, None)
    unknown = {r: c for r, c in roles.items() if c not in table.columns}
    for role, column in unknown.items():
        problems.append(Problem(label, "", f"has no column {column!r} (mapped to {role}).",
                                f"Pick one of: {', '.join(map(repr, table.columns[:12]))}.",
                                rule="bad-mapping"))
    missing = [r for r in REQUIRED if r not in roles]
    if missing or unknown:
        if missing:
            problems.append(Problem(label, "", f"is a table without a {' or '.join(missing)} "
                                    f"column (columns: {', '.join(map(repr, table.columns[:12]))})"
                                    ".", "Name the columns 'latitude' and 'longitude', or map "
                                    "them in the upload panel.", rule="no-coordinates"))
        return None
    lat = _numbers(table[roles["lat"]])
    lon = _numbers(table[roles["lon"]])
    bad = ~(np.isfinite(lat) & np.isfinite(lon))
    _report_bad_rows(table, roles, bad, label, problems)
    table = table.loc[~bad].copy()
    table["_index"] = np.flatnonzero(~bad)
    frame = gpd.GeoDataFrame(table, geometry=shapely.points(lon[~bad], lat[~bad]),
                             crs="EPSG:4326")
    frame = _roles_to_contract(frame, roles, label, problems)
    return apply_precision(frame, roles, label, problems)


def _numbers(column: pd.Series) -> np.ndarray:
    """Decimal degrees as floats; a decimal comma (35,5) is read too, anything else is NaN."""
    text = column.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _report_bad_rows(table: pd.DataFrame, roles: Mapping[str, str], bad: np.ndarray,
                     label: str, problems: list[Problem]) -> None:
    rows = np.flatnonzero(bad)
    for i in rows[:20]:
        lat, lon = table[roles["lat"]].iloc[i], table[roles["lon"]].iloc[i]
        problems.append(Problem(label, f"row {i + 2}", f"has {roles['lat']}={lat!r} and "
                                f"{roles['lon']}={lon!r}; expected decimal degrees. The row is "
                                "left out.", "Write the position as decimal degrees, e.g. "
                                "34.9117 and 35.8867.", severity="warning", rule="bad-row"))
    if len(rows) > 20:
        problems.append(Problem(label, "", f"{len(rows) - 20:,} more rows have no readable "
                                "position and are left out.", severity="warning",
                                rule="bad-row"))
    if len(rows) == len(table):
        problems.append(Problem(label, "", "has no row with a readable position.",
                                "Check that the latitude and longitude columns hold decimal "
                                "degrees.", rule="empty"))


def _roles_to_contract(frame: gpd.GeoDataFrame, roles: Mapping[str, str], label: str,
                       problems: list[Problem]) -> gpd.GeoDataFrame:
    """The recognised columns under the contract's names; the originals stay as they were."""
    for role, target in (("id", "id"), ("name", "name")):
        column = roles.get(role)
        if column and target not in frame.columns:
            frame[target] = frame[column]
    used = ", ".join(f"{r}: {c!r}" for r, c in roles.items())
    problems.append(Problem(label, "", f"read as a table of {len(frame):,} points; columns "
                            f"used: {used}.", "If a column was misread, pick the right one in "
                            "the upload panel's column mapping.", severity="warning",
                            rule="table-columns"))
    return frame


def describe_roles() -> dict[str, Any]:
    """Role names and the column names recognised for each (for the app's mapping form)."""
    return {role: list(names) for role, names in ROLES.items()}
