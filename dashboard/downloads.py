"""Export panel: one download button per format for the view on screen (issue 4).

The files are made only when a button is clicked: each button gets a callable
(Streamlit's deferred download), so moving the date slider never renders a map
or writes a GeoPackage. What a file holds is decided here, from the view the
page already built, and made by :mod:`layers.export.files`, so it matches the map.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import shlex
from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from dashboard import _print_options
from layers.core.loaded import LoadedLayers
from layers.core.timeline import change_dates
from layers.core.view import MapView, known_on_title
from layers.export.files import (
    FORMATS,
    MIME_TYPES,
    STATIC_FORMATS,
    export_bytes,
    file_name,
    shown_layers,
)
from layers.export.pack import pack_gif, pack_pdf
from layers.render.layout import Layout

#: Button labels, in the order shown: slides first, then the map to share, then data.
LABELS = {"png": "PNG · 300 dpi", "pdf": "PDF · vector", "svg": "SVG · editable",
          "html": "HTML · interactive", "geojson": "GeoJSON", "kml": "KML · Google Earth",
          "gpkg": "GeoPackage"}
HELP = {"png": "Print map for slides (13.3 × 7.5 in, 300 dpi)",
        "pdf": "Print map, vector, fonts embedded",
        "svg": "Print map, vector, text editable in PowerPoint or Inkscape",
        "html": "One file that opens offline in any browser, with its own date slider",
        "geojson": "Features shown on this date (RFC 7946)",
        "kml": "Features shown on this date, with time spans, for Google Earth",
        "gpkg": "Features shown on this date, one table per layer (QGIS, ArcGIS)"}
TITLE, HANDLING, PACK_DATES = "export_title", "export_handling", "export_pack_dates"


def maker(loaded: LoadedLayers, view: MapView, fmt: str, handling: str, *,
          layout: Layout | None = None, compare: dt.date | None = None
          ) -> Callable[[], bytes]:
    """A no-argument callable that makes the file; Streamlit calls it on click.

    The comparison date applies to the printed formats only; the others show one date.
    """
    return functools.partial(export_bytes, loaded, view, fmt, handling=handling,
                             layout=layout,
                             compare=compare if fmt in STATIC_FORMATS else None)


def _pack_maker(loaded: LoadedLayers, view: MapView, days: list, fmt: str, handling: str,
                layout: Layout, compare: dt.date | None) -> Callable[[], bytes]:
    def make() -> bytes:
        buf = io.BytesIO()
        (pack_pdf if fmt == "pdf" else pack_gif)(loaded, view, days, buf, handling=handling,
                                                 layout=layout, compare=compare)
        return buf.getvalue()
    return make


def _pack_name(loaded: LoadedLayers, view: MapView, days: list, fmt: str) -> str:
    stem = file_name(loaded, view, "pdf").rsplit("_", 1)[0]
    span = f"_{days[0].isoformat()}_{days[-1].isoformat()}" if days else ""
    return f"{stem}_pack{span}.{fmt}"


def cli_command(view: MapView, fmt: str, handling: str | None, default_handling: str, *,
                layout: Layout | None = None, compare: dt.date | None = None) -> str:
    """The ``python -m layers export`` line that writes the same file from a terminal.

    Session layers (uploads, analysis results) exist only in the app, so the
    command names the catalog layers only (``--overlay FILE`` adds a file of one).
    """
    session = {o.spec.id for o in view.overlays}
    ids = [i for i in view.layer_ids if i not in session]
    parts = ["python", "-m", "layers", "export", "--date", view.day.isoformat(),
             "--format", fmt, "--out", f"map.{fmt}", "--layers", ",".join(ids)]
    if view.bbox is not None:
        parts += ["--bbox", ",".join(f"{v:.4f}" for v in view.bbox)]
    if view.title:
        parts += ["--title", view.title]
    if handling and handling != default_handling:
        parts += ["--handling", handling]
    if layout is not None:
        parts += _print_options.cli_options(layout, compare)
    return shlex.join(parts)


def render_downloads(loaded: LoadedLayers, view: MapView) -> None:
    """Draw the export panel for ``view``: texts, page settings, a button per format, a pack."""
    catalog = loaded.catalog
    left, right = st.columns(2)
    title = left.text_input("Title on the map", value=catalog.title, key=TITLE,
                            max_chars=120, help="{date} becomes each page's date")
    handling = right.text_input("Handling banner", value=catalog.handling, key=HANDLING,
                                max_chars=80)
    custom = title.strip()
    if custom and custom != catalog.title:  # else the page's own (a saved view's, stamped)
        view = replace(view, title=known_on_title(custom, view.day, view.known_on))
    dates = [d for d in change_dates(frame for frame in loaded.frames.values())
             if d.isoformat() >= (catalog.start or "")]
    with st.expander("Page: layout, grid, texts, a second date", expanded=False):
        values = _print_options.render_options(dates, view.day)
    layout, compare = _print_options.settings(values, title=view.title, handling=handling,
                                              catalog_title=catalog.title,
                                              catalog_handling=catalog.handling)
    _caption(loaded, view, layout, compare)
    columns = st.columns(4)
    for i, fmt in enumerate(FORMATS):
        columns[i % 4].download_button(
            LABELS[fmt], data=maker(loaded, view, fmt, handling, layout=layout,
                                    compare=compare),
            file_name=file_name(loaded, view, fmt,
                                compare=compare if fmt in STATIC_FORMATS else None),
            mime=MIME_TYPES[fmt], help=HELP[fmt],
            key=f"download_{fmt}", on_click="ignore", width="stretch")
    _pack_panel(loaded, view, dates, handling, layout, compare)
    with st.expander("Same file from a terminal"):
        st.code(cli_command(view, "pdf", handling, catalog.handling, layout=layout,
                            compare=compare), language="bash")
        if view.overlays:
            st.caption("Your own layers are in the app's files only; add a saved file of "
                       "one with --overlay PATH.")


def _caption(loaded: LoadedLayers, view: MapView, layout: Layout,
             compare: dt.date | None) -> None:
    counts = sum(len(frame) for _, frame in shown_layers(loaded, view))
    extent = ("the map's current extent" if view.bbox is not None and layout.frame == "view"
              else "the whole region")
    pair = f" beside {compare.day} {compare:%B %Y}" if compare else ""
    st.caption(f"As of {view.day.day} {view.day:%B %Y}{pair} · {len(view.layer_ids)} "
               f"layer(s), {counts} feature(s) · {extent} · {layout.preset}. Files are made "
               "when you click.")


def _pack_panel(loaded: LoadedLayers, view: MapView, options: list, handling: str,
                layout: Layout, compare: dt.date | None) -> None:
    with st.expander("Briefing pack: several dates, same framing"):
        days = st.multiselect("Dates", options, default=[view.day] if view.day in options
                              else [], key=PACK_DATES, format_func=lambda d: f"{d:%d %b %Y}")
        days = sorted(days)
        a, b = st.columns(2)
        for col, fmt in ((a, "pdf"), (b, "gif")):
            col.download_button(
                f"Pack as {fmt.upper()} ({len(days)} date(s))",
                data=_pack_maker(loaded, view, days, fmt, handling, layout, compare),
                file_name=_pack_name(loaded, view, days, fmt),
                mime="application/pdf" if fmt == "pdf" else "image/gif",
                key=f"pack_{fmt}", on_click="ignore", disabled=not days, width="stretch")
