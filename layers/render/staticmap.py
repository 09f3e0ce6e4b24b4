"""Print-ready static maps: PNG (300 dpi), PDF (vector, fonts embedded) and SVG.

One page shows what the screen shows for a :class:`~layers.core.view.MapView` (same
layers, date and extent, through :func:`~layers.core.view.view_layers`) with what a
briefing slide needs around it: handling banners, title and subtitle, legend,
scale bar, north arrow, a grid (graticule or MGRS), coordinates on the frame, a
locator inset when zoomed in, sources, a caveat and when it was made. It is drawn
with matplotlib's object API (no pyplot, so it is safe in the app's download
thread) on the offline basemap: no network.

The page follows a :class:`~layers.render.layout.Layout`: a 16:9 slide by default
(13.33 × 7.5 in, the size PowerPoint and Google Slides use, so the map fills the
slide at 1:1), or 4:3, A4 or A3 either way up. A comparison page puts two dates
side by side in one framing, with one legend for both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import IO

import geopandas as gpd
import matplotlib as mpl
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from layers.core.catalog import LayerSpec
from layers.core.loaded import LoadedLayers
from layers.core.view import MapView, view_layers
from layers.render.cartography import Extent, fit_extent
from layers.render.labels import candidates, place_labels
from layers.render.layout import (
    BANNER,
    Layout,
    Words,
    boxes,
    day_text,
    page_words,
)
from layers.render.map_panel import draw_banners, draw_head, draw_side, inch_axes
from layers.render.page_map import draw_frame, furniture_boxes

#: Page size in inches of the default layout: a 16:9 slide.
PAGE_SIZE = Layout().size
STATIC_FORMATS = ("png", "pdf", "svg")
#: Print resolution of the PNG.
PRINT_DPI = 300

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

Layers = list[tuple[LayerSpec, gpd.GeoDataFrame]]


@contextlib.contextmanager
def page_style() -> Iterator[None]:
    """The static map's matplotlib settings, for drawing and saving alike (one page at a time)."""
    with _PAGE_LOCK, mpl.rc_context(RC):
        yield


@dataclass(frozen=True)
class Page:
    """What a page shows besides the view: handling line, made time, extent, layout.

    ``compare`` is the second date of a side-by-side page (None for one map);
    ``known_on`` fills the ``{known_on}`` placeholder (the made day when None).
    """

    handling: str
    made: dt.datetime
    extent: Extent
    layout: Layout = field(default_factory=Layout)
    compare: dt.date | None = None
    known_on: dt.date | None = None


def requested_extent(loaded: LoadedLayers, view: MapView, layout: Layout | None = None
                     ) -> Extent:
    """The view's bbox, or the catalog's region when the view has none or the frame is locked."""
    if view.bbox is None or (layout is not None and layout.frame == "region"):
        return tuple(loaded.catalog.region)
    return tuple(view.bbox)


def map_box(layout: Layout | None = None, *, maps: int = 1
            ) -> tuple[float, float, float, float]:
    """The (first) map's frame on the page: (x, y, width, height) in inches."""
    return boxes(layout or Layout(), maps=maps).maps[0]


def page_extent(loaded: LoadedLayers, view: MapView, layout: Layout | None = None, *,
                maps: int = 1) -> Extent:
    """The extent actually drawn: the requested one grown to the frame's shape.

    A briefing pack passes this to every page so all dates share one framing.
    """
    _, _, w, h = map_box(layout, maps=maps)
    return fit_extent(requested_extent(loaded, view, layout), w, h)


def make_page(loaded: LoadedLayers, view: MapView, *, handling: str | None = None,
              made: dt.datetime | None = None, extent: Extent | None = None,
              layout: Layout | None = None, compare: dt.date | None = None,
              known_on: dt.date | None = None) -> Page:
    """Settle the page's handling line, made time, extent and layout (defaults from the catalog).

    The handling line is ``handling`` if given, else the layout's, else the catalog's.
    """
    layout = layout or Layout()
    handling = handling if handling is not None else layout.texts.handling
    return Page(handling=handling if handling is not None else loaded.catalog.handling,
                made=made or dt.datetime.now(dt.UTC),
                extent=extent or page_extent(loaded, view, layout,
                                             maps=2 if compare else 1),
                layout=layout, compare=compare, known_on=known_on)


def words_for(loaded: LoadedLayers, view: MapView, page: Page) -> Words:
    """The page's title, subtitle, caveat and handling, placeholders filled for its date."""
    day: dt.date | str = view.day
    if page.compare is not None:
        first, second = sorted((view.day, page.compare))
        day = f"{day_text(first)} and {day_text(second)}"
    known = page.known_on or getattr(view, "known_on", None) or page.made.date()
    texts = replace(page.layout.texts, handling=page.handling)
    return page_words(texts, catalog_title=loaded.catalog.title,
                      catalog_handling=loaded.catalog.handling, day=day, known_on=known,
                      view_title=view.title)


def render_figure(loaded: LoadedLayers, view: MapView, page: Page | None = None) -> Figure:
    """Draw the whole page for ``view`` (and its comparison date) and return the figure."""
    page = page or make_page(loaded, view)
    views = [view] if page.compare is None else sorted(
        [view, replace(view, day=page.compare)], key=lambda v: v.day)  # earlier on the left
    shown = [within(view_layers(loaded, each), page.extent) for each in views]
    where = boxes(page.layout, maps=len(views))
    words = words_for(loaded, view, page)
    with page_style():
        fig = Figure(figsize=where.page, facecolor="white")
        FigureCanvasAgg(fig)
        frames = []
        for i, (each, layers, box) in enumerate(zip(views, shown, where.maps, strict=True)):
            ax, corners = draw_frame(fig, loaded.catalog, layers, page.extent, box,
                                     grid=page.layout.grid, with_locator=page.layout.locator,
                                     label="map" if i == 0 else f"map-{i + 1}")
            frames.append((ax, corners, layers))
            if len(views) > 1:
                _frame_date(fig, each.day, box)
        _draw_margins(fig, loaded, views, merged(shown), page, words)
        renderer = fig.canvas.get_renderer()
        for ax, corners, layers in frames:
            place_labels(ax, candidates(layers, page.extent), renderer,
                         avoid=furniture_boxes(ax, renderer, corners))
    return fig


def _frame_date(fig: Figure, day: dt.date, box: tuple[float, float, float, float]) -> None:
    x, y, w, h = box
    ax = inch_axes(fig, x, y + h, w, 0.3)
    ax.text(0, 0.08, f"As of {day_text(day)}", fontsize=11, fontweight="bold", va="bottom",
            ha="left", color="#222222", gid="frame-date")


def merged(shown: list[Layers]) -> Layers:
    """One legend's worth of layers for several frames: each layer's features on any date."""
    if len(shown) == 1:
        return shown[0]
    out: Layers = []
    for i, (spec, frame) in enumerate(shown[0]):
        parts = [frame] + [other[i][1] for other in shown[1:]]
        parts = [p for p in parts if not p.empty] or [frame]
        out.append((spec, gpd.GeoDataFrame(pd.concat(parts), geometry=frame.geometry.name,
                                           crs=frame.crs)))
    return out


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


def _draw_margins(fig: Figure, loaded: LoadedLayers, views: list[MapView], layers: Layers,
                  page: Page, words: Words) -> None:
    where = boxes(page.layout, maps=len(views))
    draw_banners(fig, words.handling, BANNER)
    draw_head(fig, words.title, words.subtitle, where.title)
    made = page.made.astimezone(dt.UTC)
    dates = " and ".join(v.day.isoformat() for v in views)
    draw_side(fig, layers, panel=where.panel, side=where.side,
              basemap_credit=str(loaded.catalog.basemap.get("attribution", "")),
              caveat=words.caveat,
              footer=f"As-of date {dates}  ·  Made {made:%Y-%m-%d %H:%M} UTC")


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
                  made: dt.datetime | None = None, extent: Extent | None = None,
                  layout: Layout | None = None, compare: dt.date | None = None) -> Figure:
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
    layout
        Preset, frame lock, grid and texts (:class:`~layers.render.layout.Layout`).
    compare
        A second date, drawn beside ``view``'s in the same framing.

    Returns
    -------
    matplotlib.figure.Figure
        The drawn page, for callers that want to measure it.
    """
    page = make_page(loaded, view, handling=handling, made=made, extent=extent,
                     layout=layout, compare=compare)
    fig = render_figure(loaded, view, page)
    save_figure(fig, target, fmt, dpi=dpi, title=doc_title(loaded, view, page),
                made=page.made)
    return fig


def doc_title(loaded: LoadedLayers, view: MapView, page: Page) -> str:
    """The file's metadata title: the page's title and its date(s)."""
    days = sorted({view.day, page.compare or view.day})
    dates = " and ".join(d.isoformat() for d in days)
    return f"{words_for(loaded, view, page).title} — as of {dates}"
