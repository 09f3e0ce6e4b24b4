"""HTML fragments of the web map: tooltips, popups and the legend.

Every value that comes from a data file, a catalog or an upload goes through
:func:`layers.render.escape.text` here, once, on the way in. Leaflet then inserts the
finished fragment with ``innerHTML``: it holds our markup and nothing else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from layers.core.catalog import LayerSpec, label_for
from layers.core.sources import REFS_COLUMN as SOURCE_REFS
from layers.render import escape as esc
from layers.render.style import LegendEntry

#: Columns that are bookkeeping, never shown to an analyst.
HIDDEN = frozenset({"geometry", "_index", "_tip", "_pop", "_style", "style", "map_label"})

#: Popup rows per kind, after the name and the styled value: (column, label).
KIND_ROWS: dict[str, tuple[tuple[str, str], ...]] = {
    "installations": (("site_type", "Type"), ("part", "Part"), ("operator", "Operator"),
                      ("other_names", "Also called")),
    "routes": (("origin", "From"), ("destination", "To"), ("personnel", "Personnel")),
    "control_zones": (),
    "events": (("date", "Date as reported"), ("placed_at", "Placed at")),
    "places": (("place_type", "Type"), ("other_names", "Also called")),
}
TRAILER_ROWS = (("precision_m", "Precision"), ("approximate", "Geometry"), ("notes", "Notes"))
#: How long a source may be in a tooltip before it is cut (the popup has it all).
TIP_SOURCE_CHARS = 140
#: Generic layers (uploads) show at most this many of their own properties.
GENERIC_MAX_ROWS = 20


def present(value: Any) -> bool:
    """False for None, NaN, NaT and empty strings."""
    if value is None or value is pd.NaT:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        pass
    return str(value).strip() != ""


def iso_day(value: Any) -> str:
    """``YYYY-MM-DD`` of a timestamp or date; the text itself for anything else."""
    if not present(value):
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def last_day(valid_to: Any) -> str:
    """The last day a feature is valid: the day before its exclusive ``valid_to``."""
    if not present(valid_to):
        return ""
    if isinstance(valid_to, (pd.Timestamp, dt.datetime, dt.date)):
        return (pd.Timestamp(valid_to) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    return str(valid_to)


def date_span(props: Mapping[str, Any]) -> str:
    """Validity as analysts read it: first and last day, both inclusive."""
    first = iso_day(props.get("valid_from"))
    last = last_day(props.get("valid_to"))
    if first and last:
        return first if first == last else f"{first} – {last}"
    if first:
        return f"since {first}"
    return f"until {last}" if last else ""


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return iso_day(value)
    return str(value)


def _styled_label(spec: LayerSpec, props: Mapping[str, Any]) -> tuple[str, str]:
    by = (spec.style or {}).get("by")
    if not by or not present(props.get(by)):
        return "", ""
    return str(by).replace("_", " ").capitalize(), label_for(spec, props.get(by))


def tooltip_html(spec: LayerSpec, props: Mapping[str, Any]) -> str:
    """Short hover text: name, styled value, dates, confidence, source (all escaped)."""
    name = props.get("name") if present(props.get("name")) else spec.title
    lines = [f'<b class="bm-tip-name">{esc.text(name)}</b>']
    _, value = _styled_label(spec, props)
    span = date_span(props)
    detail = " · ".join(p for p in (value, span) if p)
    if detail:
        lines.append(esc.text(detail))
    conf = props.get("confidence")
    if present(conf):
        lines.append(f'<span class="bm-conf bm-conf-{esc.css_class(conf)}">'
                     f"{esc.text(conf)} confidence</span>")
    source = props.get("source")
    if present(source):
        short = str(source)
        if len(short) > TIP_SOURCE_CHARS:
            short = short[:TIP_SOURCE_CHARS - 1].rstrip() + "…"
        lines.append(f'<span class="bm-src">Source: {esc.text(short)}</span>')
    return "<br>".join(lines)


def _rows(spec: LayerSpec, props: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = [("Layer", spec.title)]
    label, value = _styled_label(spec, props)
    if value:
        rows.append((label, value))
    if spec.kind in KIND_ROWS:
        for column, title in KIND_ROWS[spec.kind]:
            if present(props.get(column)):
                rows.append((title, _value(props.get(column))))
    else:
        shown = {"name", "valid_from", "valid_to", "source", "confidence", "notes",
                 SOURCE_REFS, (spec.style or {}).get("by")}
        extra = [(str(k), _value(v)) for k, v in props.items()
                 if k not in HIDDEN and k not in shown and present(v)]
        rows.extend(extra[:GENERIC_MAX_ROWS])
    rows.append(("First day", iso_day(props.get("valid_from")) or "—"))
    rows.append(("Last day", last_day(props.get("valid_to")) or "still valid"))
    if present(props.get(SOURCE_REFS)):  # numbers in the Sources panel's list
        rows.append(("Source no.", f"[{props[SOURCE_REFS]}] in the Sources list"))
    for column, title in (("source", "Source"), ("confidence", "Confidence")):
        if present(props.get(column)):
            rows.append((title, _value(props.get(column))))
    for column, title in TRAILER_ROWS:
        value_ = props.get(column)
        if not present(value_):
            continue
        if column == "precision_m":
            rows.append((title, f"±{_value(value_)} m"))
        elif column == "approximate":
            if bool(value_):
                rows.append((title, "approximate (schematic or town-centre stand-in)"))
        else:
            rows.append((title, _value(value_)))
    return rows


def popup_html(spec: LayerSpec, props: Mapping[str, Any]) -> str:
    """Click card: every fact of the feature as a two-column table (all escaped)."""
    name = props.get("name") if present(props.get("name")) else spec.title
    body = "".join(f"<tr><th>{esc.text(k)}</th><td>{esc.text(v)}</td></tr>"
                   for k, v in _rows(spec, props))
    return (f'<div class="bm-pop"><div class="bm-pop-name">{esc.text(name)}</div>'
            f'<table>{body}</table></div>')


def swatch_html(entry: LegendEntry, geometry: str, *, hollow: bool = False) -> str:
    """A small SVG sample of a style: a filled square, a line, a dot or a ring."""
    colour = esc.color(entry.color)
    dash = esc.dash(entry.dash)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    if geometry == "line":
        shape = (f'<line x1="1" y1="7" x2="21" y2="7" stroke="{colour}" stroke-width="3"'
                 f'{dash_attr}/>')
    elif geometry == "point":
        fill = '"#ffffff" fill-opacity="1"' if hollow else f'"{colour}" fill-opacity="0.8"'
        shape = (f'<circle cx="11" cy="7" r="{4 if hollow else 5}" fill={fill} '
                 f'stroke="{colour}" stroke-width="1.5"/>')
    else:
        shape = (f'<rect x="2" y="1" width="18" height="12" fill="{colour}" fill-opacity="0.45"'
                 f' stroke="{colour}" stroke-width="1.5"{dash_attr}/>')
    return f'<svg class="bm-swatch" width="22" height="14" aria-hidden="true">{shape}</svg>'


#: Inline styles for legends shown outside the map frame (the page has no briefing.css).
_INLINE_ROW = ('style="display:flex;align-items:center;gap:6px;font-size:0.82rem;'
               'line-height:1.45;margin-left:2.6rem"')


def legend_rows(entries: Iterable[LegendEntry], geometry: str, *, inline: bool = False,
                hollow: bool = False) -> str:
    """Legend rows: a swatch and an escaped label each."""
    attrs = _INLINE_ROW if inline else 'class="bm-legend-row"'
    return "".join(f"<div {attrs}>{swatch_html(e, geometry, hollow=hollow)}"
                   f"<span>{esc.text(e.label)}</span></div>" for e in entries)


def legend_html(sections: Iterable[tuple[LayerSpec, list[LegendEntry]]], *,
                confidence_key: bool = True) -> str:
    """The map's legend: one titled block per visible layer, then the confidence key."""
    blocks: list[str] = []
    for spec, entries in sections:
        if not entries:
            continue
        rows = legend_rows(entries, spec.geometry, hollow=spec.kind == "places")
        blocks.append(f'<div class="bm-legend-block"><div class="bm-legend-title">'
                      f"{esc.text(spec.title)}</div>{rows}</div>")
    if confidence_key and blocks:
        high = swatch_html(LegendEntry("", "", "#444444"), "polygon")
        low = swatch_html(LegendEntry("", "", "#999999", "6 4"), "polygon")
        blocks.append('<div class="bm-legend-block bm-legend-conf"><div class="bm-legend-title">'
                      'Confidence</div>'
                      f'<div class="bm-legend-row">{high}<span>high: solid</span></div>'
                      f'<div class="bm-legend-row">{low}<span>low: lighter, dashed</span></div>'
                      "</div>")
    return f'<div class="bm-legend">{"".join(blocks)}</div>' if blocks else ""
