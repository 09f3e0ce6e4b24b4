"""Print-ready static maps: PNG (300 dpi), PDF (vector, fonts embedded) and SVG.

One page shows what the screen shows for a :class:`~layers.core.view.MapView` (same
layers, date and extent, through :func:`~layers.core.view.view_layers`) with what a
briefing slide needs around it: handling banners, title and as-of date, legend,
scale bar, north arrow, coordinates on the frame, sources, a confidence caveat
and when it was made. It is drawn with matplotlib's object API (no pyplot, so it
is safe in the app's download thread) on the offline basemap: no network.

The page is a 16:9 slide, 13.33 × 7.5 in, the size PowerPoint and Google Slides
use: a briefing map is mostly dropped onto a slide, where it then fills the
slide at 1:1 with no rescaling of its text. It also prints on A4 or Letter
landscape with margins.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import geopandas as gpd
import matplotlib as mpl
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from layers.core.catalog import LayerSpec
from layers.core.loaded import LoadedLayers
from layers.core.view import MapView, view_layers
from layers.render.basemap_static import draw_basemap
from layers.render.cartography import (
    Extent,
    aspect_for,
    corner_box,
    draw_graticule,
    draw_north_arrow,
    draw_scale_bar,
    fit_extent,
)
from layers.render.labels import candidates, place_labels
from layers.render.map_panel import (
    CAVEAT,
    draw_banners,
    draw_legend,
    inch_axes,
    sources_text,
    wrap_block,
)
from layers.render.mpl_draw import draw_layer

#: Page size in inches: a 16:9 slide.
PAGE_SIZE = (40 / 3, 7.5)
STATIC_FORMATS = ("png", "pdf", "svg")
#: Print resolution of the PNG.
PRINT_DPI = 300

#: Inches: banner height, title block, margins, legend panel width.
_BANNER = 0.27
_TITLE = 0.82
_LEFT = 0.66
_BOTTOM = 0.36
_PANEL = 4.5
_GUTTER = 0.3
_RIGHT = 0.22

#: Matplotlib settings for every page: TrueType fonts embedded in PDF (Type 42, so text
#: stays selectable and searchable), text kept as text in SVG (editable in PowerPoint or
#: Inkscape; DejaVu Sans then Arial or Helvetica), and no mathtext, so a "$" in a layer
#: name or source is printed, not parsed.
RC = {
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "text.parse_math": False,
    "axes.linewidth": 0.8,
    "hatch.color": "#c8c8c8",
    "hatch.linewidth": 0.5,
}


#: rcParams are global: two pages drawn at once (two downloads clicked in the app, each in
#: its own thread) must not switch each other's settings mid-page, so pages take turns.
_PAGE_LOCK = threading.RLock()


@contextlib.contextmanager
def page_style() -> Iterator[None]:
    """The static map's matplotlib settings, for drawing and saving alike (one page at a time)."""
    with _PAGE_LOCK, mpl.rc_context(RC):
        yield


@dataclass(frozen=True)
class Page:
    """What a page shows besides the view: handling line, made time, fixed extent."""

    handling: str
    made: dt.datetime
    extent: Extent


def requested_extent(loaded: LoadedLayers, view: MapView) -> Extent:
    """The view's bbox, or the catalog's region (Syria) when the view has none."""
    return tuple(view.bbox) if view.bbox is not None else tuple(loaded.catalog.region)


def map_box() -> tuple[float, float, float, float]:
    """The map's frame on the page: (x, y, width, height) in inches."""
    width, height = PAGE_SIZE
    y = _BANNER + _BOTTOM
    h = height - _BANNER - _TITLE - y
    w = width - _LEFT - _GUTTER - _PANEL - _RIGHT
    return _LEFT, y, w, h


def page_extent(loaded: LoadedLayers, view: MapView) -> Extent:
    """The extent actually drawn: the requested one grown to the frame's shape.

    A briefing pack passes this to every page so all dates share one framing.
    """
    _, _, w, h = map_box()
    return fit_extent(requested_extent(loaded, view), w, h)


def make_page(loaded: LoadedLayers, view: MapView, *, handling: str | None = None,
              made: dt.datetime | None = None, extent: Extent | None = None) -> Page:
    """Settle the page's handling line, made time and extent (defaults from the catalog)."""
    return Page(handling=handling if handling is not None else loaded.catalog.handling,
                made=made or dt.datetime.now(dt.UTC),
                extent=extent or page_extent(loaded, view))


def render_figure(loaded: LoadedLayers, view: MapView, page: Page | None = None) -> Figure:
    """Draw the whole page for ``view`` and return the figure (not saved)."""
    page = page or make_page(loaded, view)
    layers = within(view_layers(loaded, view), page.extent)
    with page_style():
        fig = Figure(figsize=PAGE_SIZE, facecolor="white")
        FigureCanvasAgg(fig)
        ax, where = _draw_map(fig, loaded, layers, page.extent)
        _draw_margins(fig, loaded, view, layers, page)
        renderer = fig.canvas.get_renderer()
        place_labels(ax, candidates(layers, page.extent), renderer,
                     avoid=_furniture_boxes(ax, renderer, where))
    return fig


def within(layers: list[tuple[LayerSpec, gpd.GeoDataFrame]], extent: Extent
           ) -> list[tuple[LayerSpec, gpd.GeoDataFrame]]:
    """Each layer's features that touch the extent: what the page draws, lists and credits.

    The legend and the sources then describe the map in hand, not the whole country.
    """
    frame_box = shapely.box(*extent)
    out = []
    for spec, frame in layers:
        geoms = frame.geometry.values
        keep = ~shapely.is_missing(geoms) & shapely.intersects(geoms, frame_box)
        out.append((spec, frame.loc[keep]))
    return out


def _draw_map(fig: Figure, loaded: LoadedLayers, layers: list, extent: Extent
              ) -> tuple[Axes, dict[str, str]]:
    width, height = PAGE_SIZE
    x, y, w, h = map_box()
    ax = fig.add_axes((x / width, y / height, w / width, h / height), label="map")
    minx, miny, maxx, maxy = extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(aspect_for(extent), adjustable="datalim")
    ax.set_autoscale_on(False)
    where = {"scale": _emptiest(extent, ("lower left", "lower right"), layers),
             "north": _emptiest(extent, ("upper right", "upper left"), layers, w=0.1, h=0.18)}
    draw_basemap(ax, loaded.catalog, extent, keep_clear=(
        shapely.box(*corner_box(extent, where["scale"], 0.34, 0.17)),
        shapely.box(*corner_box(extent, where["north"], 0.1, 0.19))))
    for spec, frame in layers:
        draw_layer(ax, spec, frame)
    draw_graticule(ax, extent)
    draw_scale_bar(ax, extent, corner=where["scale"])
    draw_north_arrow(ax, extent, corner=where["north"])
    for side in ax.spines.values():
        side.set_color("#333333")
    return ax, where


def _emptiest(extent: Extent, corners: tuple[str, ...], layers: list, *, w: float = 0.3,
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


def _furniture_boxes(ax, renderer, where: dict[str, str]) -> list[Bbox]:
    """Display boxes of the scale bar and the north arrow, wherever they went."""
    frame = ax.get_window_extent(renderer)
    w, h = frame.width, frame.height
    sx = frame.x0 if "left" in where["scale"] else frame.x1 - 0.32 * w
    nx = frame.x1 - 0.09 * w if "right" in where["north"] else frame.x0
    return [Bbox.from_extents(sx, frame.y0, sx + 0.32 * w, frame.y0 + 0.15 * h),
            Bbox.from_extents(nx, frame.y1 - 0.17 * h, nx + 0.09 * w, frame.y1)]


def _draw_margins(fig: Figure, loaded: LoadedLayers, view: MapView, layers: list,
                  page: Page) -> None:
    width, height = PAGE_SIZE
    mx, my, mw, mh = map_box()
    draw_banners(fig, page.handling, _BANNER)
    head = inch_axes(fig, _LEFT, height - _BANNER - _TITLE, width - _LEFT - _RIGHT, _TITLE)
    head.text(0, _TITLE - 0.12, view.title or loaded.catalog.title, fontsize=18,
              fontweight="bold", va="top", ha="left", color="#111111")
    head.text(0, 0.16, f"As of {view.day.day} {view.day:%B %Y}", fontsize=12, va="bottom",
              ha="left", color="#333333")
    panel_x = mx + mw + _GUTTER
    panel = inch_axes(fig, panel_x, my, _PANEL, mh)
    y = draw_legend(panel, layers, mh, _PANEL)
    basemap_credit = str(loaded.catalog.basemap.get("attribution", ""))
    y = wrap_block(panel, "Sources", sources_text(layers, basemap_credit), y - 0.02, _PANEL,
                   max_lines=7)
    y = wrap_block(panel, "Caveat", CAVEAT, y, _PANEL, max_lines=5)
    made = page.made.astimezone(dt.UTC)
    panel.text(0, 0.0, f"As-of date {view.day.isoformat()}  ·  Made {made:%Y-%m-%d %H:%M} UTC",
               fontsize=7.5, va="bottom", ha="left", color="#555555")


def save_figure(fig: Figure, target: str | os.PathLike[str] | IO[bytes], fmt: str, *,
                dpi: int = PRINT_DPI, title: str = "", made: dt.datetime | None = None) -> None:
    """Write a rendered page as PNG, PDF or SVG with the document's metadata."""
    if fmt not in STATIC_FORMATS:
        raise ValueError(f"static format {fmt!r} is not one of {', '.join(STATIC_FORMATS)}")
    metadata = _metadata(fmt, title, made)
    with page_style():
        fig.savefig(target, format=fmt, dpi=dpi if fmt == "png" else 72,
                    facecolor="white", metadata=metadata)


def _metadata(fmt: str, title: str, made: dt.datetime | None) -> dict:
    creator = "briefing-map (python -m layers export)"
    if fmt == "pdf":
        meta: dict = {"Title": title, "Creator": creator}
        if made is not None:
            meta["CreationDate"] = made
        return meta
    if fmt == "svg":
        meta = {"Title": title, "Creator": creator}
        if made is not None:
            meta["Date"] = made.strftime("%Y-%m-%dT%H:%M:%SZ")
        return meta
    return {"Title": title, "Software": creator}


def render_static(loaded: LoadedLayers, view: MapView,
                  target: str | os.PathLike[str] | IO[bytes], fmt: str, *,
                  dpi: int = PRINT_DPI, handling: str | None = None,
                  made: dt.datetime | None = None, extent: Extent | None = None) -> Figure:
    """Draw ``view`` and write it to ``target`` as ``fmt`` (png, pdf or svg).

    Parameters
    ----------
    dpi
        PNG resolution; vector formats ignore it.
    handling
        Banner text; defaults to the catalog's (``UNCLASSIFIED // OPEN SOURCE``).
    made
        Time stamp printed on the page; now (UTC) by default.
    extent
        Fixed extent (lon/lat), e.g. one shared by every page of a pack.

    Returns
    -------
    matplotlib.figure.Figure
        The drawn page, for callers that want to measure it.
    """
    page = make_page(loaded, view, handling=handling, made=made, extent=extent)
    fig = render_figure(loaded, view, page)
    save_figure(fig, target, fmt, dpi=dpi, title=_doc_title(loaded, view), made=page.made)
    return fig


def _doc_title(loaded: LoadedLayers, view: MapView) -> str:
    return f"{view.title or loaded.catalog.title} — as of {view.day.isoformat()}"
