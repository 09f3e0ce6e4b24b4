"""The locator inset: a thumbnail of the country with the page's frame drawn on it.

A zoomed-in page (Tartus port, the Khmeimim runway) loses the reader who does not
know where it is; the inset shows the frame as a red box on the catalog's region.
It is left out when the frame already shows most of the region.
"""

from __future__ import annotations

import math

import shapely
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle

from layers.core.catalog import Catalog
from layers.render.basemap_static import FOCUS, countries
from layers.render.cartography import Extent, aspect_for, fit_extent
from layers.render.mpl_draw import polygon_path

FRAME_RED = "#c8102e"
#: The inset is shown when the frame covers less than this share of the region.
MAX_SHARE = 0.5


def wanted(region: Extent, extent: Extent) -> bool:
    """True when the frame is small next to the region (or lies outside it)."""
    reg, frame = shapely.box(*region), shapely.box(*extent)
    return frame.intersection(reg).area < MAX_SHARE * reg.area


def draw_locator(fig: Figure, catalog: Catalog, extent: Extent,
                 box: tuple[float, float, float, float]) -> bool:
    """Draw the inset in ``box`` (inches: x, y, w, h); return True when drawn."""
    region = tuple(catalog.region)
    width, height = fig.get_size_inches()
    x, y, w, h = box
    shown = fit_extent(_grow(region, extent), w, h)
    ax = fig.add_axes((x / width, y / height, w / width, h / height), label="locator")
    ax.set_xlim(shown[0], shown[2])
    ax.set_ylim(shown[1], shown[3])
    ax.set_aspect(aspect_for(shown), adjustable="datalim")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#dbe7ef")
    frame = countries(catalog)
    view = shapely.box(*shown)
    if frame is not None:
        for _, row in frame.iterrows():
            geom = row.geometry
            if geom is None or not geom.intersects(view):
                continue
            path = polygon_path(geom.intersection(view))
            if path is None:
                continue
            focus = row.get("name") == FOCUS
            ax.add_patch(PathPatch(path, facecolor="#e9e2cf" if focus else "#f7f5f0",
                                   edgecolor="#555555" if focus else "#aaaaaa",
                                   linewidth=0.6 if focus else 0.3))
    minx, miny, maxx, maxy = extent
    ax.add_patch(Rectangle((minx, miny), maxx - minx, maxy - miny, facecolor="none",
                           edgecolor=FRAME_RED, linewidth=1.4, zorder=5, gid="locator-frame"))
    if _tiny(shown, extent):  # a box too small to see: mark its centre as well
        ax.plot([(minx + maxx) / 2], [(miny + maxy) / 2], marker="s", markersize=4,
                color=FRAME_RED, zorder=6)
    for side in ax.spines.values():
        side.set_color("#333333")
        side.set_linewidth(0.7)
    ax.set_zorder(30)
    return True


def _grow(region: Extent, extent: Extent) -> Extent:
    """The region, widened to hold the frame when the frame lies partly outside it."""
    minx = min(region[0], extent[0])
    miny = min(region[1], extent[1])
    maxx = max(region[2], extent[2])
    maxy = max(region[3], extent[3])
    pad = 0.04 * max(maxx - minx, maxy - miny)
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def _tiny(shown: Extent, extent: Extent) -> bool:
    share = (extent[2] - extent[0]) / max(shown[2] - shown[0], 1e-9)
    return share < 0.04 or math.isclose(share, 0.0)
