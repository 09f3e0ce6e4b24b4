"""One map frame on a static page: basemap, layers, grid, scale bar, north arrow, locator.

A page has one frame, or two side by side when it compares dates; each is drawn
here in a box given in inches. Furniture goes into the corners the data leave
emptiest, so it never hides the subject.
"""

from __future__ import annotations

import shapely
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from layers.core.catalog import Catalog
from layers.render import locator
from layers.render.basemap_static import draw_basemap
from layers.render.cartography import (
    Extent,
    aspect_for,
    corner_box,
    draw_north_arrow,
    draw_scale_bar,
)
from layers.render.grid_draw import draw_grid
from layers.render.mpl_draw import draw_layer

#: Locator inset: share of the frame's width it takes, at most this many inches.
LOCATOR_SHARE = 0.24
LOCATOR_MAX_IN = 1.7


def draw_frame(fig: Figure, catalog: Catalog, layers: list, extent: Extent,
               box: tuple[float, float, float, float], *, grid: str = "graticule",
               with_locator: bool = True, label: str = "map") -> tuple[Axes, dict[str, str]]:
    """Draw one map frame in ``box`` (inches); return its axes and where furniture went."""
    width, height = fig.get_size_inches()
    x, y, w, h = box
    ax = fig.add_axes((x / width, y / height, w / width, h / height), label=label)
    minx, miny, maxx, maxy = extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(aspect_for(extent), adjustable="datalim")
    ax.set_autoscale_on(False)
    where = {"scale": emptiest(extent, ("lower left", "lower right"), layers),
             "north": emptiest(extent, ("upper right", "upper left"), layers, w=0.1, h=0.18)}
    show_locator = with_locator and locator.wanted(tuple(catalog.region), extent)
    clear = [shapely.box(*corner_box(extent, where["scale"], 0.34, 0.17)),
             shapely.box(*corner_box(extent, where["north"], 0.1, 0.19))]
    if show_locator:
        where["locator"] = _locator_corner(where)
        clear.append(shapely.box(*corner_box(extent, where["locator"], 0.28, 0.3)))
    draw_basemap(ax, catalog, extent, keep_clear=tuple(clear))
    for spec, frame in layers:
        draw_layer(ax, spec, frame)
    draw_grid(ax, extent, grid)
    draw_scale_bar(ax, extent, corner=where["scale"])
    draw_north_arrow(ax, extent, corner=where["north"])
    for side in ax.spines.values():
        side.set_color("#333333")
    if show_locator:
        locator.draw_locator(fig, catalog, extent, _locator_box(box, where["locator"]))
    return ax, where


def _locator_corner(where: dict[str, str]) -> str:
    """An upper corner the north arrow leaves free, else the lower one the scale bar leaves."""
    upper = "upper left" if "right" in where["north"] else "upper right"
    return upper


def _locator_box(box: tuple[float, float, float, float], corner: str
                 ) -> tuple[float, float, float, float]:
    x, y, w, h = box
    side = min(LOCATOR_SHARE * w, LOCATOR_MAX_IN, 0.3 * h)
    pad = 0.06
    lx = x + pad if "left" in corner else x + w - side - pad
    ly = y + h - side - pad if "upper" in corner else y + pad
    return lx, ly, side, side


def emptiest(extent: Extent, corners: tuple[str, ...], layers: list, *, w: float = 0.3,
             h: float = 0.16) -> str:
    """The corner whose box covers the least of the data (zone area, lines, points).

    Map furniture must not hide the subject: over Syria the lower left is Daraa and
    the Golan, the lower right empty desert in Jordan and Iraq.
    """
    geoms = [g for _, frame in layers for g in frame.geometry.values if g is not None]
    scores = []
    for corner in corners:
        cell = shapely.box(*corner_box(extent, corner, w, h))
        area = cell.area
        score = 0.0
        for geom in geoms:
            if not geom.intersects(cell):
                continue
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                score += geom.intersection(cell).area / area
            else:
                score += 0.5
        scores.append(score)
    return corners[scores.index(min(scores))]


def furniture_boxes(ax: Axes, renderer, where: dict[str, str]) -> list[Bbox]:
    """Display boxes of the scale bar, the north arrow and the locator, wherever they went."""
    frame = ax.get_window_extent(renderer)
    w, h = frame.width, frame.height
    sx = frame.x0 if "left" in where["scale"] else frame.x1 - 0.32 * w
    nx = frame.x1 - 0.09 * w if "right" in where["north"] else frame.x0
    out = [Bbox.from_extents(sx, frame.y0, sx + 0.32 * w, frame.y0 + 0.15 * h),
           Bbox.from_extents(nx, frame.y1 - 0.17 * h, nx + 0.09 * w, frame.y1)]
    if "locator" in where:
        dpi = ax.figure.dpi
        side = min(LOCATOR_SHARE * w, 0.3 * h, LOCATOR_MAX_IN * dpi) + 0.08 * dpi
        lx = frame.x0 if "left" in where["locator"] else frame.x1 - side
        out.append(Bbox.from_extents(lx, frame.y1 - side, lx + side, frame.y1))
    return out
