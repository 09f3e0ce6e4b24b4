"""Level of detail for the web map: only what the screen can show, at the zoom it shows it.

A control zone drawn from 2,000 vertices at zoom 7 puts dozens of vertices in
each pixel; sent as is, a slider step ships megabytes the browser throws away.
So, per zoom band (see :func:`zoom_band`):

* polygons are simplified to about a pixel (:func:`shapely.coverage_simplify`
  for zones that tile, so neighbours keep one shared edge and no sliver opens
  between them; Douglas-Peucker with topology kept otherwise), lines to half a
  pixel;
* coordinates are rounded to a quarter of a pixel (:func:`decimals`);
* points are aggregated into one marker per grid cell when a layer has more of
  them than a map can show one by one (:func:`aggregate_points`).

Everything here is for drawing only: analysis, exports and validation keep the
full geometry.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

TILE_PX = 256
#: Upper edges of the zoom bands: a band's detail is right for its highest zoom.
BANDS = (5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18)
#: The zoom the map opens at when the page does not know it yet.
DEFAULT_ZOOM = 7.5
#: A point layer with more points than this in view is aggregated.
MAX_POINTS = 400
#: Size of an aggregation cell, in screen pixels.
CELL_PX = 24
#: Geometry type ids of shapely (``shapely.get_type_id``).
_POINTS, _LINES, _POLYGONS = (0, 4), (1, 2, 5), (3, 6)


def degrees_per_pixel(zoom: float) -> float:
    """Degrees of longitude per screen pixel at ``zoom`` (Web Mercator, 256-px tiles)."""
    return 360.0 / (TILE_PX * 2.0 ** zoom)


def zoom_band(zoom: float | None) -> int:
    """The band a zoom level falls in, named by its highest zoom.

    Few bands, so a per-band cache stays small; a band's top zoom so that
    nothing is coarser than the screen anywhere in it.
    """
    z = DEFAULT_ZOOM if zoom is None or not math.isfinite(zoom) else float(zoom)
    for top in BANDS:
        if z <= top:
            return top
    return BANDS[-1]


def tolerance_deg(band: int, pixels: float = 1.0) -> float:
    """``pixels`` screen pixels, in degrees, at the band's highest zoom."""
    return pixels * degrees_per_pixel(band)


def decimals(band: int) -> int:
    """Decimal places that keep rounding under a quarter of a pixel at the band's top zoom."""
    step = tolerance_deg(band, 0.25)
    return max(3, min(7, math.ceil(-math.log10(step))))


def round_geoms(geoms: np.ndarray, digits: int) -> np.ndarray:
    """Coordinates rounded to ``digits`` decimals (shorter JSON, same picture)."""
    return shapely.transform(geoms, lambda xy: np.round(xy, digits))


def simplify_geoms(geoms: np.ndarray, band: int, *, coverage: bool = False) -> np.ndarray:
    """Geometries simplified and rounded for drawing at zoom band ``band``.

    Parameters
    ----------
    geoms
        Shapely geometries in lon/lat (missing ones are kept as missing).
    band
        From :func:`zoom_band`.
    coverage
        The polygons tile (control zones): simplify them together, so shared
        edges stay shared. Falls back to one-by-one simplification when they do
        not form a valid coverage.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = geoms.copy()
    present = ~shapely.is_missing(geoms)
    types = np.full(len(geoms), -1)
    types[present] = shapely.get_type_id(geoms[present])
    polygons = np.isin(types, _POLYGONS)
    lines = np.isin(types, _LINES)
    if polygons.any():
        tol = tolerance_deg(band, 1.0)
        part = geoms[polygons]
        if coverage and polygons.all() and shapely.coverage_is_valid(part):
            out[polygons] = shapely.coverage_simplify(part, tol)
        else:
            out[polygons] = shapely.simplify(part, tol / 2, preserve_topology=True)
    if lines.any():
        out[lines] = shapely.simplify(geoms[lines], tolerance_deg(band, 0.5),
                                      preserve_topology=True)
    keep = present & ~shapely.is_empty(np.where(present, out, None))
    out[keep] = round_geoms(out[keep], decimals(band))
    return out


def simplify_frame(frame: gpd.GeoDataFrame, band: int, *, coverage: bool = False
                   ) -> gpd.GeoDataFrame:
    """A copy of ``frame`` with its geometry ready for drawing at ``band``."""
    if frame.empty:
        return frame
    geoms = simplify_geoms(frame.geometry.values, band, coverage=coverage)
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


def aggregate_points(frame: gpd.GeoDataFrame, band: int, *, by: str | None = None,
                     max_points: int = MAX_POINTS, cell_px: float = CELL_PX,
                     noun: str = "events") -> gpd.GeoDataFrame:
    """Points merged per grid cell when there are more than ``max_points``.

    A cell holding one point keeps it as it is (and its index label, so
    per-row caches still apply). A cell holding several becomes one feature at
    their mean position with ``cluster`` = how many, ``by`` = the most common
    value (so it keeps its colour), ``name`` saying how many of each value, the
    dates spanning them, and ``id`` (also its index label) naming the cell.
    Other geometries pass through. Vectorised: a few milliseconds for thousands
    of points.

    Parameters
    ----------
    frame
        A point layer as of a date.
    band
        From :func:`zoom_band`; cells are ``cell_px`` pixels at its top zoom.
    by
        The style column (``spec.style["by"]``).
    """
    if len(frame) <= max_points:
        return frame
    points = shapely.get_type_id(frame.geometry.values) == 0
    if not points.any():
        return frame
    pts, rest = frame.loc[points], frame.loc[~points]
    cell = tolerance_deg(band, cell_px)
    x, y = shapely.get_x(pts.geometry.values), shapely.get_y(pts.geometry.values)
    ix, iy = np.floor(x / cell).astype(np.int64), np.floor(y / cell).astype(np.int64)
    _, group, counts = np.unique(ix * 4_000_003 + iy, return_inverse=True, return_counts=True)
    many = counts[group] > 1
    parts = [p for p in (rest, pts.loc[~many]) if len(p)]
    if many.any():
        parts.append(_clusters(pts.loc[many], group[many], ix[many], iy[many], x[many],
                               y[many], band, by, noun, frame.crs))
    out = pd.concat(parts) if parts else frame.iloc[:0]
    return gpd.GeoDataFrame(out, geometry=frame.geometry.name, crs=frame.crs)


def _clusters(pts: gpd.GeoDataFrame, group: np.ndarray, ix: np.ndarray, iy: np.ndarray,
              x: np.ndarray, y: np.ndarray, band: int, by: str | None, noun: str,
              crs: object) -> gpd.GeoDataFrame:
    """One row per cell of several points (see :func:`aggregate_points`)."""
    table = pd.DataFrame({"group": group, "x": x, "y": y, "ix": ix, "iy": iy},
                         index=pts.index)
    for column in ("valid_from", "valid_to", "confidence", "source"):
        if column in pts.columns:
            table[column] = pts[column]
    if by and by in pts.columns:
        table["_by"] = pts[by].astype(str)
    grouped = table.groupby("group", sort=True)
    out = grouped.agg(x=("x", "mean"), y=("y", "mean"), ix=("ix", "first"), iy=("iy", "first"),
                      cluster=("x", "size"))
    if "valid_from" in table.columns:
        out["valid_from"] = grouped["valid_from"].min()
    if "valid_to" in table.columns:
        out["valid_to"] = grouped["valid_to"].max()
    if "confidence" in table.columns:
        out["confidence"] = _most_common(table, "confidence")
    if "source" in table.columns:
        out["source"] = grouped["source"].nunique().map(
            lambda n: f"{n} source(s); zoom in for each event")
    if "_by" in table.columns:
        tally = table.groupby(["group", "_by"]).size().unstack(fill_value=0)
        out[by] = _most_common(table, "_by")
        names, counts = list(tally.columns), tally.to_numpy()
        detail = [", ".join(f"{row[k]} {names[k]}" for k in np.argsort(-row, kind="stable")
                            if row[k]) for row in counts]
        out["name"] = [f"{n} {noun} here ({d}); zoom in to see each"
                       for n, d in zip(out["cluster"], detail, strict=True)]
    else:
        out["name"] = [f"{n} {noun} here; zoom in to see each" for n in out["cluster"]]
    ids = [f"cluster:{band}:{a}:{b}" for a, b in zip(out["ix"], out["iy"], strict=True)]
    out["id"] = ids
    out.index = pd.Index(ids, dtype=object)
    geometry = shapely.points(out["x"].to_numpy(), out["y"].to_numpy())
    return gpd.GeoDataFrame(out.drop(columns=["x", "y", "ix", "iy"]), geometry=geometry,
                            crs=crs)


def _most_common(table: pd.DataFrame, column: str) -> pd.Series:
    """Per group, the most frequent value of ``column`` (ties: the first in sort order)."""
    sizes = table.groupby(["group", column]).size().reset_index(name="n")
    sizes = sizes.sort_values(["group", "n"], ascending=[True, False], kind="stable")
    return sizes.drop_duplicates("group").set_index("group")[column]
