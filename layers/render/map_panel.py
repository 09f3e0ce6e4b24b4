"""The static map's side panel and margins: banners, title, legend, sources, caveat.

Everything here is laid out in inches on the page (an axes whose data units are
inches), so the page looks the same at 100 dpi in a GIF frame and 300 dpi in print.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from layers.core.catalog import LayerSpec
from layers.core.sources import compact_text, numbered_sources
from layers.render.annotation_shapes import annotation_legend
from layers.render.mpl_draw import PX_TO_PT, dash_style, present_values, rgba
from layers.render.style import CONFIDENCE_LOOK, LegendEntry, legend

CAVEAT = ("Zones of control are schematic and approximate, clipped to Syria's border; "
          "positions of town centres ±1–2 km; road routes follow highway waypoints, not "
          "surveyed roads; events are placed at the nearest named place. Compiled from open "
          "sources, some single-sourced: not for targeting or navigation.")

#: Banner colours by the first word of the handling text (US marking convention).
_BANNER_COLORS = (("TOP SECRET", "#ff8c00"), ("SECRET", "#c8102e"),
                  ("CONFIDENTIAL", "#0033a0"), ("UNCLASSIFIED", "#007a33"))
_KEY_GREY = "#5a6470"
ROW_H = 0.19
HEAD_H = 0.27
GAP_H = 0.1


def banner_color(handling: str) -> str:
    """Banner colour for a handling line; dark grey when it names no known marking."""
    upper = handling.upper()
    for word, color in _BANNER_COLORS:
        if upper.startswith(word):
            return color
    return "#333333"


def inch_axes(fig: Figure, x: float, y: float, w: float, h: float) -> Axes:
    """An invisible axes over a page rectangle whose data units are inches from its corner."""
    width, height = fig.get_size_inches()
    ax = fig.add_axes((x / width, y / height, w / width, h / height))
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.set_axis_off()
    return ax


def draw_banners(fig: Figure, handling: str, height: float) -> None:
    """The handling line in a coloured band at the top and the bottom of the page."""
    width, page_h = fig.get_size_inches()
    color = banner_color(handling)
    for y in (0.0, page_h - height):
        ax = inch_axes(fig, 0, y, width, height)
        ax.add_patch(Rectangle((0, 0), width, height, facecolor=color, edgecolor="none"))
        ax.text(width / 2, height / 2, handling, ha="center", va="center", color="white",
                fontsize=9.5, fontweight="bold")


@dataclass
class _Section:
    title: str
    entries: list[tuple[str, LegendEntry]]  # (geometry family, entry)
    note: str = ""

    @property
    def height(self) -> float:
        return HEAD_H + ROW_H * max(len(self.entries), 1 if self.note else 0) + GAP_H


def _family(spec: LayerSpec, frame: gpd.GeoDataFrame | None) -> str:
    if spec.kind == "events":
        return "event"
    if spec.geometry in ("point", "line", "polygon"):
        return spec.geometry
    if frame is not None and not frame.empty:
        types = set(frame.geometry.geom_type)
        if types <= {"Point", "MultiPoint"}:
            return "point"
        if types <= {"LineString", "MultiLineString"}:
            return "line"
        if types & {"Polygon", "MultiPolygon"} and spec.kind != "installations":
            return "polygon"
    return "point"


def sections(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]]) -> list[_Section]:
    """Legend sections: one per visible layer, rows for the values actually shown.

    A row for a colour that is nowhere on the map would send the reader looking
    for it, so only values present on this date are listed.
    """
    out: list[_Section] = []
    for spec, frame in layers:
        if spec.kind == "annotations":  # one row per mark, in its own colour
            out.append(_Section(spec.title, annotation_legend(frame),
                                "none on this date" if frame.empty else ""))
            continue
        family = _family(spec, frame)
        present = present_values(spec, [frame])
        rows = [e for e in legend(spec) if not present or e.value in present or not e.value]
        if spec.style.get("by") and not present:
            rows = []
        note = "none on this date" if frame.empty else ""
        label_rows = [(family, LegendEntry(e.value, e.label[:1].upper() + e.label[1:], e.color,
                                           e.dash)) for e in rows]
        out.append(_Section(spec.title, label_rows, note))
    out.append(_Section("Confidence", [
        ("polygon", LegendEntry("high", "High: solid", _KEY_GREY)),
        ("polygon", LegendEntry("medium", "Medium: lighter", _KEY_GREY)),
        ("polygon", LegendEntry("low", "Low: lighter, dashed", _KEY_GREY,
                                CONFIDENCE_LOOK["low"][2])),
    ]))
    return out


def _swatch(ax: Axes, family: str, entry: LegendEntry, x: float, y: float,
            spec_fill: float, confidence: str = "high") -> None:
    """One legend swatch 0.3 in wide centred vertically on ``y``, drawn at a confidence."""
    w, h = 0.3, 0.13
    factor, opacity, _ = CONFIDENCE_LOOK[confidence]
    linestyle = dash_style(entry.dash) if entry.dash else "-"
    if family == "polygon":
        fill = spec_fill * factor
        ax.add_patch(Rectangle((x, y - h / 2), w, h, facecolor=rgba(entry.color, fill),
                               edgecolor=rgba(entry.color, opacity), linewidth=0.9,
                               linestyle=linestyle))
    elif family == "line":
        ax.add_line(Line2D([x, x + w], [y, y], color=rgba(entry.color, 1.0), linewidth=2.0,
                           linestyle=linestyle))
    else:
        ax.add_line(Line2D([x + w / 2], [y], marker="D" if family == "event" else "o",
                           markersize=(6 if family == "event" else 7) * PX_TO_PT * 1.5,
                           markerfacecolor=rgba(entry.color, 1.0), markeredgecolor="white",
                           linestyle="none"))


def _split(secs: list[_Section], columns: int) -> list[list[_Section]]:
    """Sections into columns, order kept, making the tallest column as short as possible."""
    if columns == 1 or len(secs) < 2:
        return [secs]
    best, best_h = [secs], float("inf")
    for cut in range(1, len(secs)):
        h = max(sum(s.height for s in secs[:cut]), sum(s.height for s in secs[cut:]))
        if h < best_h:
            best, best_h = [secs[:cut], secs[cut:]], h
    return best


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """Rough printed width in inches (DejaVu Sans: about 0.56 em a character, bold 0.62)."""
    return len(text) * size * (0.62 if bold else 0.56) / 72


def _column_width(column: list[_Section]) -> float:
    widths = [_text_width(s.title, 9, bold=True) for s in column]
    widths += [0.42 + _text_width(e.label, 8) for s in column for _, e in s.entries]
    return max(widths, default=1.0) + 0.1


def draw_legend(ax: Axes, layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]],
                top: float, width: float) -> float:
    """Draw the legend in two columns from ``top`` down; return the y where it ends.

    The first column gets the room its longest label needs (zone names are long),
    the second the rest; labels still too long are shortened with an ellipsis.
    """
    secs = sections(layers)
    fills = {spec.title: float(spec.style.get("fill_opacity", 0.3)) for spec, _ in layers}
    columns = _split(secs, 2)
    first = min(max(_column_width(columns[0]), 1.8), width - 1.8) if len(columns) > 1 \
        else width
    bottom = top
    for c, column in enumerate(columns):
        x0 = 0.0 if c == 0 else first
        col_w = first if c == 0 else width - first
        y = top
        for sec in column:
            ax.text(x0, y - HEAD_H / 2, _fit(sec.title, col_w, 9.0 * 1.1), fontsize=9,
                    fontweight="bold", va="center", ha="left", color="#1b1b1b")
            y -= HEAD_H
            if sec.note and not sec.entries:
                ax.text(x0 + 0.05, y - ROW_H / 2, sec.note, fontsize=8, va="center",
                        color="#777777", fontstyle="italic")
                y -= ROW_H
            key = sec.title == "Confidence"
            fill = 0.35 if key else fills.get(sec.title, 0.35)
            for family, entry in sec.entries:
                _swatch(ax, family, entry, x0 + 0.02, y - ROW_H / 2, fill,
                        entry.value if key else "high")
                ax.text(x0 + 0.42, y - ROW_H / 2, _fit(entry.label, col_w - 0.45, 8.0),
                        fontsize=8, va="center", ha="left", color="#1b1b1b")
                y -= ROW_H
            y -= GAP_H
        bottom = min(bottom, y)
    return bottom


def _fit(text: str, width_in: float, size: float) -> str:
    """Shorten a label to what fits in ``width_in`` (DejaVu Sans ≈ 0.55 em per character)."""
    max_chars = max(4, int(width_in * 72 / (size * 0.56)))
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def wrap_block(ax: Axes, heading: str, body: str, top: float, width: float, *,
               size: float = 7.5, max_lines: int = 8) -> float:
    """A bold heading and a wrapped paragraph; return the y below it."""
    ax.text(0, top, heading, fontsize=8.5, fontweight="bold", va="top", ha="left")
    chars = max(20, int(width * 72 / (size * 0.55)))
    lines = textwrap.wrap(body, chars)[:max_lines]
    y = top - 0.2
    if lines:
        ax.text(0, y, "\n".join(lines), fontsize=size, va="top", ha="left",
                color="#2b2b2b", linespacing=1.3)
    return y - len(lines) * size * 1.3 / 72 - 0.12


def sources_text(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]], basemap: str, *,
                 max_chars: int = 520) -> str:
    """The numbered sources of the features shown, compactly, then the basemap's credit.

    The numbers are those of the Sources panel and the popups for the same layers and
    date (:func:`layers.core.sources.numbered_sources`); each publication is named once
    (``Reuters [31] 5 Dec 2024, [32] 7 Dec 2024``). Over ``max_chars`` the block ends with
    the numbers left out. The basemap's credit is always kept, as its own last sentence,
    since the borders are on every map.
    """
    sources = numbered_sources((frame for _, frame in layers), exclude=[basemap])
    if not sources:
        return f"No features shown. {basemap}".strip()
    budget = max(80, max_chars - len(basemap) - 2)
    return f"{compact_text(sources, budget)}. {basemap}".strip()


def draw_head(fig: Figure, title: str, subtitle: str, box: tuple[float, float, float, float]
              ) -> None:
    """The title block: the page's title (bold) and subtitle, each on one line."""
    x, y, w, h = box
    head = inch_axes(fig, x, y, w, h)
    head.text(0, h - 0.12, _fit(title, w, 18 * 1.05), fontsize=18, fontweight="bold",
              va="top", ha="left", color="#111111", gid="page-title")
    head.text(0, 0.16, _fit(subtitle, w, 12), fontsize=12, va="bottom", ha="left",
              color="#333333", gid="page-subtitle")


def draw_side(fig: Figure, layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]], *,
              panel: tuple[float, float, float, float],
              side: tuple[float, float, float, float] | None, basemap_credit: str,
              caveat: str, footer: str) -> None:
    """Legend, then sources and caveat (below it, or in ``side`` beside it), then the footer.

    The sources block is the footer slot of :func:`sources_text`: whatever form the
    sources take (a numbered list), it is printed here, on every preset.
    """
    px, py, pw, ph = panel
    legend_ax = inch_axes(fig, px, py, pw, ph)
    y = draw_legend(legend_ax, layers, ph, pw)
    if side is None:
        text_ax, y, tw = legend_ax, y - 0.02, pw
    else:
        sx, sy, tw, sh = side
        text_ax, y = inch_axes(fig, sx, sy, tw, sh), sh
    line_h = 7.5 * 1.3 / 72
    room = int((y - 0.25 - 2 * 0.32) / line_h)  # lines left above the footer for both blocks
    y = wrap_block(text_ax, "Sources", sources_text(layers, basemap_credit), y, tw,
                   max_lines=max(2, min(7, room - 3)))
    room = int((y - 0.25 - 0.32) / line_h)
    if room >= 1:
        wrap_block(text_ax, "Caveat", caveat, y, tw, max_lines=min(room, 6))
    text_ax.text(0, 0.0, footer, fontsize=7.5, va="bottom", ha="left", color="#555555")
