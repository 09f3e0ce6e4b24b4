"""Validation: every rule of the data contract, every problem collected, none raised here.

Each rule appends :class:`~layers.problems.Problem` objects; the caller decides
whether to raise (see :func:`layers.ingest.load.load_layer`). Messages name the feature,
the value received and the fix, because analysts fix these files by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.core.annotation_rules import validate_annotations
from layers.core.tiling import check_zone_tiling
from layers.core.vocab import CONFIDENCE, CONTRACT, KIND_GEOMETRIES, KIND_VOCAB
from layers.geo.coordcheck import (
    DEFAULT_REGION,
    guess_projected_crs,
    in_degree_range,
    looks_swapped,
)
from layers.problems import Problem

Rule = Callable[[gpd.GeoDataFrame, str, str, list[Problem]], None]


def validate_frame(frame: gpd.GeoDataFrame, kind: str, label: str, *,
                   coverage: shapely.Geometry | None = None,
                   region: tuple[float, float, float, float] = DEFAULT_REGION,
                   repair: bool = False) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Check a freshly read layer against the contract for ``kind``.

    Parameters
    ----------
    frame
        As built by the loader: properties as columns, ``_index`` the feature's
        position in the file, geometry in lon/lat.
    kind
        Validation profile; ``generic`` relaxes the contract to warnings.
    label
        File name used in messages.
    coverage
        Area the control zones must tile on every date (Syria's outline).
    region
        Expected lon/lat box for the swapped-axes and projected-metres checks.
    repair
        Repair invalid geometries with :func:`shapely.make_valid` and warn,
        instead of refusing them.

    Returns
    -------
    frame, problems
        The frame with ``valid_from``/``valid_to`` parsed to datetime64 (and
        geometries repaired if asked), and every problem found.
    """
    if kind == "annotations":  # an analyst's marks: a contract of their own
        return validate_annotations(frame, label, region=region, repair=repair)
    problems: list[Problem] = []
    if frame.empty:
        problems.append(Problem(label, "", "has no features.", "Add at least one feature.",
                                rule="empty"))
        return frame, problems
    frame = frame.copy()
    if not _check_coordinates(frame, label, problems, region):
        return frame, problems
    _check_contract(frame, kind, label, problems)
    _check_ids(frame, kind, label, problems)
    frame = _parse_dates(frame, kind, label, problems)
    _check_vocab(frame, kind, label, problems)
    _check_geometry_types(frame, kind, label, problems)
    frame = _check_validity(frame, label, problems, repair=repair)
    if kind == "control_zones" and not any(p.severity == "error" for p in problems):
        check_zone_tiling(frame, label, problems, coverage=coverage)
    return frame, problems


def _ref(frame: gpd.GeoDataFrame, i: int) -> str:
    """How a message names row ``i``: its id and position in the file."""
    row = frame.iloc[i]
    pos = int(row["_index"]) if "_index" in frame.columns else i
    fid = row.get("id")
    if isinstance(fid, str) and fid:
        return f"{fid[:80]!r} (#{pos})"
    return f"#{pos}"


def _check_coordinates(frame: gpd.GeoDataFrame, label: str, problems: list[Problem],
                       region: tuple[float, float, float, float]) -> bool:
    xy = shapely.get_coordinates(frame.geometry.values)
    projected = guess_projected_crs(xy, region)
    if projected:
        problems.append(Problem(
            label, "", f"coordinates are not degrees (e.g. {xy[0, 0]:.0f}, {xy[0, 1]:.0f}); "
            f"they look like {projected} with no CRS declared.",
            "Reproject to WGS84 longitude/latitude (EPSG:4326), or export with the CRS "
            "declared (GeoPackage, Shapefile .prj) so it can be reprojected.",
            rule="projected-coordinates"))
        return False
    if looks_swapped(xy, region):
        problems.append(Problem(
            label, "", f"latitude and longitude look swapped (first point x={xy[0, 0]:.4f}, "
            f"y={xy[0, 1]:.4f}; swapped, the points fall in the map region).",
            "GeoJSON positions are [longitude, latitude]: swap the two numbers.",
            rule="latlon-swapped"))
        return False
    bad = ~in_degree_range(xy)
    if not bad.any():
        _clamp_edges(frame, xy, label, problems)
    if bad.any():
        x, y = xy[bad][0]
        problems.append(Problem(label, "", f"has coordinates outside longitude ±180 / latitude "
                                f"±90 (e.g. {x}, {y}).", "Use WGS84 degrees.",
                                rule="coordinates-out-of-range"))
        return False
    return True


def _clamp_edges(frame: gpd.GeoDataFrame, xy: np.ndarray, label: str,
                 problems: list[Problem]) -> None:
    """Vertices a hair past ±180/±90 (rounding in the source) moved onto the edge, with a word."""
    over = (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    if not over.any():
        return
    excess = float(np.max(np.maximum(np.abs(xy[over, 0]) - 180, np.abs(xy[over, 1]) - 90)))
    column = frame.geometry.name
    frame[column] = shapely.transform(frame.geometry.values, lambda c: np.clip(
        c, [-180.0, -90.0], [180.0, 90.0]))
    problems.append(Problem(label, "", f"has {int(over.sum()):,} vertices up to {excess:.7f}° "
                            "beyond longitude ±180 / latitude ±90 (rounding in the tool that "
                            "made the file); they were moved onto the edge.",
                            severity="warning", rule="coordinates-at-edge"))


def _missing(frame: gpd.GeoDataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    values = frame[column]
    return (values.isna() | values.astype(str).str.strip().eq("")).to_numpy()


def _check_contract(frame: gpd.GeoDataFrame, kind: str, label: str,
                    problems: list[Problem]) -> None:
    if kind == "generic":
        for column, why in (("valid_from", "it is shown on every date"),
                            ("source", "exports will say 'source not given'"),
                            ("confidence", "it is drawn as unrated")):
            n = int(_missing(frame, column).sum())
            if n:
                problems.append(Problem(label, "", f"{n} feature(s) have no {column}; {why}.",
                                        _missing_fix(frame, column), severity="warning",
                                        rule=f"missing-{column}"))
    else:
        for column in CONTRACT:
            for i in np.flatnonzero(_missing(frame, column)):
                problems.append(Problem(label, _ref(frame, i), f"has no '{column}'.",
                                        _CONTRACT_FIX[column], rule="missing-property"))
    if "confidence" in frame.columns:
        known = frame["confidence"].isin(CONFIDENCE).to_numpy()  # vectorised: 250k rows
        for i in np.flatnonzero(~_missing(frame, "confidence") & ~known):
            value = frame["confidence"].iloc[i]
            if value not in CONFIDENCE:
                problems.append(Problem(label, _ref(frame, i),
                                        f"confidence {value!r} is not one of high, medium, low.",
                                        "Map H/M/L ratings to high/medium/low.",
                                        severity="warning" if kind == "generic" else "error",
                                        rule="bad-confidence"))


#: Column names analysts often use for the contract's properties.
_ALIASES = {
    "valid_from": ("date", "start", "start_date", "begin", "from", "date_from", "valid_start"),
    "valid_to": ("end", "end_date", "until", "to", "date_to", "valid_end"),
    "source": ("sources", "src", "reference", "citation"),
    "confidence": ("conf", "certainty", "reliability"),
}


def _missing_fix(frame: gpd.GeoDataFrame, column: str) -> str:
    """Suggest renaming a look-alike column, since that is the usual cause."""
    lower = {str(c).lower(): str(c) for c in frame.columns}
    alias = next((lower[a] for a in _ALIASES.get(column, ()) if a in lower), None)
    if alias:
        return f"Rename the '{alias}' property to '{column}' (the data contract's name)."
    return f"Add a '{column}' property."


_CONTRACT_FIX = {
    "id": "Give every feature an 'id' unique in its file.",
    "name": "Add a 'name' an analyst would recognise.",
    "valid_from": "Add 'valid_from' as YYYY-MM-DD (first day it was true).",
    "source": "Name the source (publication and date).",
    "confidence": "Add 'confidence': high, medium or low.",
}


def _check_ids(frame: gpd.GeoDataFrame, kind: str, label: str,
               problems: list[Problem]) -> None:
    if "id" not in frame.columns:
        frame["id"] = [f"f{i}" for i in frame["_index"]]
        return
    missing = _missing(frame, "id")
    if missing.any():
        frame["id"] = frame["id"].astype(object)  # an all-null column is float64
        frame.loc[missing, "id"] = [f"f{i}" for i in frame.loc[missing, "_index"]]
    frame["id"] = frame["id"].astype(str)
    dup = frame["id"].duplicated(keep="first").to_numpy()
    for i in np.flatnonzero(dup):
        first = int(np.flatnonzero(frame["id"].to_numpy() == frame["id"].iloc[i])[0])
        problems.append(Problem(label, _ref(frame, i), f"repeats the id of feature "
                                f"#{int(frame['_index'].iloc[first])}.",
                                "Ids must be unique within a file; successive states of one "
                                "site share a site_id, not an id.",
                                severity="warning" if kind == "generic" else "error",
                                rule="duplicate-id"))


def _parse_dates(frame: gpd.GeoDataFrame, kind: str, label: str,
                 problems: list[Problem]) -> gpd.GeoDataFrame:
    for column in ("valid_from", "valid_to"):
        if column not in frame.columns:
            frame[column] = pd.NaT
            continue
        text = _as_text(frame[column])
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        bad = (text.notna() & text.ne("") & parsed.isna()).to_numpy()
        for i in np.flatnonzero(bad):
            value = text.iloc[i]
            problems.append(Problem(label, _ref(frame, i),
                                    f"{column} {value!r} is not a date in the form YYYY-MM-DD.",
                                    _date_fix(value, column), rule="bad-date"))
        frame[column] = parsed.astype("datetime64[ns]")
    order = (frame["valid_to"].notna() & (frame["valid_to"] <= frame["valid_from"])).to_numpy()
    for i in np.flatnonzero(order):
        problems.append(Problem(label, _ref(frame, i),
                                f"valid_to {frame['valid_to'].iloc[i]:%Y-%m-%d} is not after "
                                f"valid_from {frame['valid_from'].iloc[i]:%Y-%m-%d}.",
                                "valid_to is exclusive: the first day the feature no longer "
                                "holds. Swap the dates or correct one of them.",
                                rule="date-order"))
    return frame


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped text, None where missing; whole columns at once (250,000 rows)."""
    raw = values.astype(object)
    missing = raw.isna().to_numpy()
    if missing.all():  # an all-empty column has no text for the .str accessor to work on
        return pd.Series([None] * len(raw), index=raw.index, dtype=object)
    text = raw.map(str, na_action="ignore").str.strip().astype(object)
    text[missing] = None
    return text


def _date_fix(value: str, column: str) -> str:
    candidates: list[str] = []
    for fmt in ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y", "%d %B %Y",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y%m%d"):
        try:
            day = dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
        if day not in candidates:
            candidates.append(day)
    if len(candidates) == 1:
        return f'Write it as {column}: "{candidates[0]}" (if that is the day meant).'
    if candidates:
        options = " or ".join(f'"{c}"' for c in candidates)
        return (f"Write it as {options}: {value!r} is ambiguous (day/month or month/day), "
                "so say which in YYYY-MM-DD.")
    return f'Write {column} as YYYY-MM-DD, e.g. "2024-12-08".'


def _check_vocab(frame: gpd.GeoDataFrame, kind: str, label: str,
                 problems: list[Problem]) -> None:
    for column, allowed in KIND_VOCAB.get(kind, {}).items():
        values = frame[column] if column in frame.columns else pd.Series(None,
                                                                          index=frame.index)
        for i in np.flatnonzero(~values.isin(allowed).to_numpy()):
            value = values.iloc[i]
            what = "has no" if value is None or pd.isna(value) else f"{column} {value!r}:"
            msg = f"{what} '{column}'." if what == "has no" else f"{what} not a known {column}."
            problems.append(Problem(label, _ref(frame, i), msg,
                                    f"Use one of: {', '.join(allowed)}.", rule=f"bad-{column}"))


def _check_geometry_types(frame: gpd.GeoDataFrame, kind: str, label: str,
                          problems: list[Problem]) -> None:
    allowed = KIND_GEOMETRIES.get(kind, KIND_GEOMETRIES["generic"])
    types = frame.geometry.geom_type.to_numpy()
    for i in np.flatnonzero(~np.isin(types, allowed)):
        problems.append(Problem(label, _ref(frame, i),
                                f"is a {types[i]}; {kind} layers hold {', '.join(allowed)}.",
                                "Move it to a layer of the right kind or change its geometry.",
                                rule="geometry-type"))


def _check_validity(frame: gpd.GeoDataFrame, label: str, problems: list[Problem], *,
                    repair: bool) -> gpd.GeoDataFrame:
    geoms = frame.geometry.values
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return frame
    reasons = shapely.is_valid_reason(geoms[invalid])
    for i, reason in zip(np.flatnonzero(invalid), reasons, strict=True):
        if repair:
            problems.append(Problem(label, _ref(frame, i), f"had an invalid geometry ({reason}); "
                                    "it was repaired automatically — check its shape.",
                                    severity="warning", rule="repaired-geometry"))
        else:
            problems.append(Problem(label, _ref(frame, i), f"has an invalid geometry: {reason}.",
                                    "Fix the ring (no self-intersection, closed, at least 4 "
                                    "points), e.g. with QGIS 'Fix geometries', or load it with "
                                    "repair switched on.", rule="invalid-geometry"))
    if repair:
        fixed = frame.geometry.copy()
        fixed[invalid] = shapely.make_valid(geoms[invalid])
        frame = frame.set_geometry(fixed)
    return frame
