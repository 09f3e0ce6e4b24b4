"""Features as plain records: JSON-safe properties and rounded RFC 7946 geometry.

Every data export (GeoJSON, KML, the standalone HTML) writes properties through
:func:`plain_properties`, so a date is ``YYYY-MM-DD`` everywhere, a missing value
is ``null`` (never ``NaN``, which is not JSON) and NumPy scalars become Python ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Iterator
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

#: Decimal places kept in exported coordinates: 1e-6° is about 0.1 m, far below the
#: data's precision (±200 m at best), and RFC 7946 §11.2 advises no more.
COORD_DECIMALS = 6


def plain_value(value: Any) -> Any:
    """One property value as JSON-safe Python: dates as ISO days, NaN/NaT as None."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    return str(value)


def plain_properties(row: pd.Series | dict[str, Any]) -> dict[str, Any]:
    """A feature's properties, minus geometry and loader bookkeeping (``_``-columns)."""
    items = row.items()
    return {str(k): plain_value(v) for k, v in items
            if k != "geometry" and not str(k).startswith("_")}


def rounded(geom: shapely.Geometry, decimals: int = COORD_DECIMALS) -> shapely.Geometry:
    """Coordinates rounded, polygons wound counter-clockwise outside (RFC 7946 §3.1.6)."""
    geom = shapely.transform(geom, lambda xy: np.round(xy, decimals))
    if geom.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return geom


def geojson_geometry(geom: shapely.Geometry | None,
                     decimals: int = COORD_DECIMALS) -> dict[str, Any] | None:
    """A GeoJSON geometry object (lists, not tuples), or None for a missing geometry."""
    if geom is None or geom.is_empty:
        return None
    return _lists(mapping(rounded(geom, decimals)))


def _lists(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _lists(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_lists(v) for v in obj]
    return obj


def records(frame: gpd.GeoDataFrame) -> Iterator[tuple[dict[str, Any], shapely.Geometry]]:
    """(properties, geometry) of each feature that has a geometry."""
    for _, row in frame.iterrows():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        yield plain_properties(row), geom


def distinct_sources(frames: Iterable[gpd.GeoDataFrame]) -> list[str]:
    """Sources cited by the features, each once, in order of first mention.

    A feature citing several sources joins them with ``;``: each counts on its own.
    """
    seen: list[str] = []
    for frame in frames:
        if "source" not in frame.columns:
            continue
        for value in frame["source"].dropna():
            for part in str(value).split(";"):
                item = " ".join(part.split())
                if item and item not in seen:
                    seen.append(item)
    return seen


def content_token(frame: gpd.GeoDataFrame) -> str:
    """A digest of a frame's attributes and geometry: equal frames, equal tokens.

    Caches key on it where a frame's identity is not enough (a reloaded layer with
    the same content should hit, an edited one never).
    """
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(pd.util.hash_pandas_object(frame.drop(columns=frame.geometry.name).astype(str),
                                             index=False).to_numpy().tobytes())
    for wkb in shapely.to_wkb(frame.geometry.values):
        digest.update(wkb)
    return digest.hexdigest()
