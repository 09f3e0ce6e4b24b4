"""The offline basemap under the static map: sea, land, borders, neighbours' names.

Read from the catalog's ``[basemap] countries`` file (Natural Earth 1:10m, public
domain), so a print needs no tile server. Outside the area that file covers the
map is greyed and says so, rather than showing land as sea.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.patches import PathPatch
from shapely.geometry import box

from layers.core.catalog import Catalog
from layers.render import ground_static as ground
from layers.render.mpl_draw import polygon_path

SEA = "#dbe7ef"
LAND = "#f4f1ea"
BORDER = "#8a8a8a"
FOCUS_BORDER = "#3d3d3d"
NO_DATA = "#e6e6e6"
#: Natural Earth name of the country the catalog is about: drawn with a stronger border.
FOCUS = "Syria"
#: Neighbours whose share of the frame is below this get no name (slivers, bases).
_MIN_LABEL_SHARE = 0.015


def countries(catalog: Catalog) -> gpd.GeoDataFrame | None:
    """The catalog's basemap countries, or None when the file is missing."""
    rel = catalog.basemap.get("countries", "basemap/countries.geojson")
    path = catalog.root / rel
    if not path.is_file():
        return None
    return _read(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read(path: str, _mtime: int) -> gpd.GeoDataFrame:
    return gpd.read_file(Path(path))


def draw_basemap(ax: Axes, catalog: Catalog, extent: tuple[float, float, float, float], *,
                 keep_clear: tuple[shapely.Geometry, ...] = ()) -> None:
    """Sea as the background, land and borders on top, names of the neighbours.

    Parameters
    ----------
    keep_clear
        Areas (lon/lat) where no country name may go: the scale bar, the arrow.
    """
    ax.set_facecolor(SEA)
    frame = countries(catalog)
    view = box(*extent)
    if frame is None or frame.empty:
        _shade(ax, view, "no offline basemap")
        return
    covered = box(*frame.total_bounds)
    outside = view.difference(covered)
    neighbours = []
    for _, row in frame.iterrows():
        geom = row.geometry
        if geom is None or geom.is_empty or not geom.intersects(view):
            continue
        path = polygon_path(geom)
        if path is None:
            continue
        focus = row.get("name") == FOCUS
        if not focus:
            neighbours.append(geom)
        ax.add_patch(PathPatch(path, facecolor=LAND, edgecolor="none", zorder=0.5))
        ax.add_patch(PathPatch(path, facecolor="none",
                               edgecolor=FOCUS_BORDER if focus else BORDER,
                               linewidth=1.1 if focus else 0.6, zorder=9 if focus else 0.6))
    if ground.draw_relief(ax, catalog):
        ground.draw_veil(ax, neighbours)
    ground.draw_water_and_roads(ax, catalog, view)
    _label_neighbours(ax, frame, view, keep_clear)
    if not outside.is_empty and outside.area > 1e-6 * view.area:
        _shade(ax, outside, "outside the offline basemap")


def _label_neighbours(ax: Axes, frame: gpd.GeoDataFrame, view: shapely.Geometry,
                      furniture: tuple[shapely.Geometry, ...]) -> None:
    """Name each neighbour in the part of it that is clear of the focus country.

    The zones and sites sit in and along the focus country, so a name placed in a
    margin around it would be covered or would crowd the labels that matter.
    """
    halo = [patheffects.withStroke(linewidth=2.5, foreground=LAND)]
    focus = frame.loc[frame["name"] == FOCUS].geometry if "name" in frame.columns else []
    margin = 0.015 * max(view.bounds[2] - view.bounds[0], view.bounds[3] - view.bounds[1])
    parts = [shapely.union_all(list(focus)).buffer(margin)] if len(focus) else []
    keep_clear = shapely.union_all([*parts, *furniture]) if parts or furniture else None
    for _, row in frame.iterrows():
        name = str(row.get("name") or "")
        if not name or name == FOCUS:
            continue
        inside = row.geometry.intersection(view)
        if keep_clear is not None:
            inside = inside.difference(keep_clear)
        if inside.is_empty or inside.area < _MIN_LABEL_SHARE * view.area:
            continue
        biggest = max(getattr(inside, "geoms", [inside]), key=lambda g: g.area)
        spot = biggest.representative_point()
        ax.text(spot.x, spot.y, name.upper(), ha="center", va="center", fontsize=9,
                color="#8c8577", fontstyle="italic", zorder=1, path_effects=halo)


def _shade(ax: Axes, geom: shapely.Geometry, note: str) -> None:
    path = polygon_path(geom)
    if path is None:
        return
    ax.add_patch(PathPatch(path, facecolor=NO_DATA, edgecolor="#c8c8c8", linewidth=0,
                           hatch="///", zorder=0.7))
    spot = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area).representative_point()
    ax.text(spot.x, spot.y, note, ha="center", va="center", fontsize=7, color="#777777",
            zorder=0.8)
