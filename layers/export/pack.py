"""Briefing packs: the same map on several dates, as one PDF or an animated GIF.

Every page or frame shares one framing, the extent of the first page and the
same page size and layout, so flipping pages (or watching the GIF) shows only
what changed. Titles are filled per page: a title or subtitle with ``{date}``
says each page's own date (the default subtitle is "As of {date}").
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages
from PIL import Image

from layers.core.loaded import LoadedLayers
from layers.core.timeline import parse_date
from layers.core.view import MapView
from layers.errors import DateError, ExportError
from layers.export.files import check_target, check_view, write_output
from layers.render.layout import Layout
from layers.render.staticmap import (
    Page,
    doc_title,
    make_page,
    page_style,
    render_figure,
    save_figure,
)

PACK_FORMATS = ("pdf", "gif")
#: GIF frames are for screens: 100 dpi gives a 1333 × 750 frame.
GIF_DPI = 100
#: How long each date stays up in the GIF, in milliseconds.
GIF_FRAME_MS = 1500


def parse_dates(values: Sequence[str | dt.date]) -> list[dt.date]:
    """Read the pack's dates (``YYYY-MM-DD``), refusing an empty list."""
    days = [parse_date(v) for v in values]
    if not days:
        raise DateError("a pack needs at least one date, e.g. --dates 2024-11-26,2024-12-08.")
    return days


def _pages(loaded: LoadedLayers, view: MapView, days: Sequence[dt.date], *,
           handling: str | None, made: dt.datetime | None, layout: Layout | None = None,
           compare: dt.date | None = None) -> tuple[list[MapView], Page]:
    page = make_page(loaded, view, handling=handling, made=made, layout=layout,
                     compare=compare)
    return [replace(view, day=day) for day in days], page


def pack_pdf(loaded: LoadedLayers, view: MapView, days: Sequence[dt.date],
             target: str | os.PathLike[str] | io.BytesIO, *, handling: str | None = None,
             made: dt.datetime | None = None, layout: Layout | None = None,
             compare: dt.date | None = None) -> int:
    """Write one PDF page per date; return the page count.

    The document's metadata names the title and the dates covered; fonts are
    embedded as on a single map. With ``compare``, each page puts its date beside
    that one (a baseline), in the same framing.
    """
    views, page = _pages(loaded, view, days, handling=handling, made=made, layout=layout,
                         compare=compare)
    title = doc_title(loaded, view, page).rsplit(" — as of ", 1)[0]
    meta = {"Title": f"{title} — {days[0].isoformat()} to {days[-1].isoformat()}",
            "Creator": "briefing-map (python -m layers pack)", "CreationDate": page.made}
    with page_style(), PdfPages(target, metadata=meta) as pdf:
        for each in views:
            fig = render_figure(loaded, each, page)
            pdf.savefig(fig, facecolor="white")
    return len(views)


def gif_frames(loaded: LoadedLayers, view: MapView, days: Sequence[dt.date], *,
               dpi: int = GIF_DPI, handling: str | None = None,
               made: dt.datetime | None = None, layout: Layout | None = None,
               compare: dt.date | None = None) -> list[Image.Image]:
    """One RGB frame per date, all the same size."""
    views, page = _pages(loaded, view, days, handling=handling, made=made, layout=layout,
                         compare=compare)
    frames = []
    for each in views:
        buf = io.BytesIO()
        save_figure(render_figure(loaded, each, page), buf, "png", dpi=dpi)
        buf.seek(0)
        frames.append(Image.open(buf).convert("RGB"))
    return frames


def pack_gif(loaded: LoadedLayers, view: MapView, days: Sequence[dt.date],
             target: str | os.PathLike[str] | io.BytesIO, *, dpi: int = GIF_DPI,
             frame_ms: int = GIF_FRAME_MS, handling: str | None = None,
             made: dt.datetime | None = None, layout: Layout | None = None,
             compare: dt.date | None = None) -> int:
    """Write an animated GIF, one frame per date, looping; return the frame count.

    Each frame gets its own 256-colour palette (the zone colours differ from date
    to date), without dithering so text stays crisp; the last frame is held twice
    as long so the end state can be read.
    """
    frames = gif_frames(loaded, view, days, dpi=dpi, handling=handling, made=made,
                        layout=layout, compare=compare)
    # Octree keeps small, saturated areas (a red "active" dot) true; median cut, which
    # favours the large pale areas, turned them maroon.
    paletted = [f.quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                           dither=Image.Dither.NONE) for f in frames]
    durations = [frame_ms] * len(paletted)
    durations[-1] = frame_ms * 2
    paletted[0].save(target, format="GIF", save_all=True, append_images=paletted[1:],
                     duration=durations, loop=0, disposal=1, optimize=False)
    return len(paletted)


def write_pack(loaded: LoadedLayers, view: MapView, days: Sequence[dt.date],
               path: str | os.PathLike[str], **options: Any) -> int:
    """Write a pack to ``path``, PDF or GIF by its suffix; return pages or frames.

    Every date is checked and the destination tested before the first page is
    drawn, so a typo fails in a second, not after a minute of rendering.

    Raises
    ------
    ExportError
        For a suffix other than .pdf/.gif or a path that cannot be written.
    DateError, UnknownLayerError
        For a date before the data or an unknown layer.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in PACK_FORMATS:
        raise ExportError(f"cannot write {target}: a pack is a .pdf or a .gif file, not "
                          f"{target.suffix or 'a file without suffix'}.")
    compare = options.get("compare")
    for day in [*days, *([compare] if compare else [])]:
        check_view(loaded, replace(view, day=day))
    check_target(target, f"pack.{fmt}")
    buf = io.BytesIO()
    if fmt == "pdf":
        options.pop("dpi", None)
        options.pop("frame_ms", None)
        count = pack_pdf(loaded, view, days, buf, **options)
    else:
        count = pack_gif(loaded, view, days, buf, **options)
    write_output(target, buf.getvalue())
    return count
