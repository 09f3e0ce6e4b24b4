"""The ground under the static map: shaded relief, lakes, rivers and main roads.

The same files as the web map's ground (``[basemap]`` of the catalog, built by
``geodata/scripts/build_ground.py``), in the same colours, so a slide shows the
terrain the screen shows. The relief is the plate carrée image: the static map's
axes are in degrees, so its rows need no resampling.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import PathPatch

from layers.core.catalog import Catalog
from layers.render.mpl_draw import line_parts, polygon_path
from layers.render.webmap_ground import (
    LAKE_FILL,
    RELIEF_OPACITY,
    ROAD,
    ROAD_CASING,
    VEIL_OPACITY,
    WATER,
)

#: z-orders: above the land fill (0.5), below the neighbours' borders and any data (3+).
Z_RELIEF, Z_VEIL, Z_WATER, Z_ROADS = 0.52, 0.54, 0.56, 0.58


@functools.lru_cache(maxsize=4)
def _image(path: str, _mtime: int) -> np.ndarray:
    from matplotlib import image as mpimg

    return mpimg.imread(path)


@functools.lru_cache(maxsize=8)
def _frame(path: str, _mtime: int) -> gpd.GeoDataFrame:
    return gpd.read_file(Path(path))


def _layer(catalog: Catalog, key: str) -> gpd.GeoDataFrame | None:
    rel = catalog.basemap.get(key)
    path = catalog.root / str(rel) if rel else None
    if path is None or not path.is_file():
        return None
    return _frame(str(path), path.stat().st_mtime_ns)


def draw_relief(ax: Axes, catalog: Catalog) -> bool:
    """The shaded-relief image over the land fill; False when the catalog has none."""
    rel, bounds = catalog.basemap.get("relief"), catalog.basemap.get("relief_bounds")
    path = catalog.root / str(rel) if rel else None
    if path is None or not path.is_file() or not bounds or len(bounds) != 4:
        return False
    west, south, east, north = (float(v) for v in bounds)
    ax.imshow(_image(str(path), path.stat().st_mtime_ns), extent=(west, east, south, north),
              origin="upper", interpolation="bilinear", alpha=RELIEF_OPACITY, zorder=Z_RELIEF,
              aspect="auto")
    return True


def draw_veil(ax: Axes, neighbours: list) -> None:
    """A light white veil over the neighbours, so the focus country stands out."""
    for geom in neighbours:
        path = polygon_path(geom)
        if path is not None:
            ax.add_patch(PathPatch(path, facecolor=(1, 1, 1, VEIL_OPACITY), edgecolor="none",
                                   zorder=Z_VEIL))


def draw_water_and_roads(ax: Axes, catalog: Catalog, view) -> None:
    """Lakes, rivers and the (approximate) main roads that cross the view."""
    lakes = _layer(catalog, "lakes")
    for geom in ([] if lakes is None else lakes.geometry):
        path = polygon_path(geom) if geom is not None and geom.intersects(view) else None
        if path is not None:
            ax.add_patch(PathPatch(path, facecolor=LAKE_FILL, edgecolor=WATER, linewidth=0.4,
                                   zorder=Z_WATER))
    for key, casing, colour, width, dash in (
            ("rivers", None, WATER, 0.9, "-"),
            ("roads", ROAD_CASING, ROAD, 1.1, (0, (5, 2)))):
        frame = _layer(catalog, key)
        for geom in ([] if frame is None else frame.geometry):
            if geom is None or not geom.intersects(view):
                continue
            for xy in line_parts(geom):
                if casing:
                    ax.plot(xy[:, 0], xy[:, 1], color=casing, linewidth=width + 1.4, alpha=0.85,
                            solid_capstyle="round", zorder=Z_ROADS - 0.005)
                ax.plot(xy[:, 0], xy[:, 1], color=colour, linewidth=width, linestyle=dash,
                        solid_capstyle="round", zorder=Z_ROADS if casing else Z_WATER)
