r"""Two dates side by side in one HTML page: a swipe with a divider, or a linked pair.

An analyst compares two dates best on one map: date A on the left of a draggable
divider, date B on the right, the same ground under both. The page is a single
document that needs no network, like the standalone export (:mod:`layers.export.html`):
Leaflet is inlined, a Content-Security-Policy admits only its own scripts (by
hash), and every feature sits in one JSON block escaped so no value can close the
``<script>`` element. Its script (``_html/swipe.js``) writes data text with
``textContent`` only.

Each side carries only the features valid on its own date (the comparison is of
two fixed dates, so nothing is filtered in the page), each still with its
validity dates. The optional change layer is the analysis panel's own
:func:`layers.analysis.overlays.change_overlay` (ground that changed hands
between the two dates), drawn above both sides.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace
from typing import Any

from layers.analysis.measures import frame_of_kind
from layers.analysis.overlays import change_overlay
from layers.core.catalog import LayerSpec
from layers.core.loaded import LoadedLayers
from layers.core.records import plain_properties
from layers.core.view import MapView, view_layers
from layers.errors import ExportError
from layers.export.html import (
    ASSETS,
    _basemap,
    _csp_hash,
    _family,
    _feature,
    _inline_script,
    leaflet_css,
    script_json,
)
from layers.render.assets import leaflet_dir
from layers.render.map_panel import CAVEAT, banner_color

#: The two ways of putting dates side by side.
MODES = ("swipe", "pair")
#: The divider is kept off the very edges, where it could not be grabbed again.
SPLIT_MIN, SPLIT_MAX = 0.02, 0.98
_JS = "swipe.js"
_CSS = "swipe.css"


def short_day(day: dt.date) -> str:
    """``26 Nov 2024``: how the page labels each side."""
    return f"{day.day} {day:%b %Y}"


def clamp_split(value: float) -> float:
    """The divider as a fraction of the map's width, kept where it can still be grabbed."""
    return min(max(float(value), SPLIT_MIN), SPLIT_MAX)


def _side_layers(loaded: LoadedLayers, view: MapView, day: dt.date) -> list[dict[str, Any]]:
    """The view's layers as of ``day``, as the page draws them (annotations left out).

    Annotations keep their own look in the other exports; here the comparison is of
    the data, so marks (which may be fixed to a view, not to a date) are not drawn.
    """
    out = []
    for spec, frame in view_layers(loaded, replace(view, day=day)):
        if spec.kind == "annotations":
            continue
        features = [_feature(spec, plain_properties(row), row.geometry)
                    for _, row in frame.iterrows()
                    if row.geometry is not None and not row.geometry.is_empty]
        out.append({"id": spec.id, "title": spec.title, "kind": spec.kind,
                    "family": _family(spec, frame), "features": features})
    return out


def _zone_spec(loaded: LoadedLayers) -> LayerSpec | None:
    return next((s for s in loaded.specs() if s.kind == "control_zones"), None)


def change_layer(loaded: LoadedLayers, day_a: dt.date, day_b: dt.date
                 ) -> dict[str, Any] | None:
    """Ground that changed hands between the two dates, or None without a zones layer."""
    zones, spec = frame_of_kind(loaded, "control_zones"), _zone_spec(loaded)
    if zones is None or spec is None or day_a == day_b:
        return None
    first, second = sorted((day_a, day_b))
    overlay = change_overlay(zones, spec, first, second)
    features = [_feature(overlay.spec, plain_properties(row), row.geometry)
                for _, row in overlay.frame.iterrows()
                if row.geometry is not None and not row.geometry.is_empty]
    return {"id": overlay.spec.id, "title": overlay.spec.title, "kind": "change",
            "family": "polygon", "features": features}


def compare_data(loaded: LoadedLayers, view: MapView, day_a: dt.date, day_b: dt.date, *,
                 mode: str = "swipe", split: float = 0.5, change: bool = False,
                 handling: str = "") -> dict[str, Any]:
    """Everything the page draws, as JSON-ready data.

    Raises
    ------
    ExportError
        When ``mode`` is not one of :data:`MODES` (a value from a link or a
        command line is checked here, once).
    """
    if mode not in MODES:
        raise ExportError(f"compare mode {mode!r} is not one of {', '.join(MODES)}")
    bbox = view.bbox if view.bbox is not None else loaded.catalog.region
    return {"title": view.title or loaded.catalog.title, "handling": handling,
            "mode": mode, "split": clamp_split(split), "bbox": list(bbox),
            "basemap": _basemap(loaded),
            "sides": [{"date": d.isoformat(), "label": short_day(d),
                       "layers": _side_layers(loaded, view, d)} for d in (day_a, day_b)],
            "change": change_layer(loaded, day_a, day_b) if change else None,
            "basemapCredit": str(loaded.catalog.basemap.get("attribution", ""))}


def compare_html(loaded: LoadedLayers, view: MapView, day_a: dt.date, day_b: dt.date, *,
                 mode: str = "swipe", split: float = 0.5, change: bool = False,
                 handling: str | None = None, made: dt.datetime | None = None) -> str:
    """The whole comparison page as one string (date A left, date B right).

    Parameters
    ----------
    mode
        ``"swipe"`` (one map, a divider) or ``"pair"`` (two maps that move together).
    split
        Where the divider starts, as a fraction of the width.
    change
        Draw the ground that changed hands between the dates above both sides.
    """
    handling = loaded.catalog.handling if handling is None else handling
    data = compare_data(loaded, view, day_a, day_b, mode=mode, split=split, change=change,
                        handling=handling)
    leaflet_js = _inline_script((leaflet_dir() / "leaflet.js").read_text(encoding="utf-8"))
    own_js = _inline_script((ASSETS / _JS).read_text(encoding="utf-8"))
    css = leaflet_css() + "\n" + (ASSETS / _CSS).read_text(encoding="utf-8")
    csp = ("default-src 'none'; "
           f"script-src {_csp_hash(leaflet_js)} {_csp_hash(own_js)}; "
           "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    esc = html.escape
    title = esc(data["title"].replace("{date}", "").replace("{known_on}", "").strip(" —-"))
    a, b = (short_day(d) for d in (day_a, day_b))
    made_text = f"{(made or dt.datetime.now(dt.UTC)).astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    banner = (f'<div class="banner" style="background:{banner_color(handling)}">'
              f"{esc(handling)}</div>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — {a} | {b}</title>
<style>{css}</style>
</head>
<body class="mode-{data['mode']}">
{banner}
<header><h1>{title}</h1><span class="dates">{a} (left) · {b} (right)</span></header>
<main id="maps">
<div id="map-a" class="map" role="application" aria-label="map of {a}"></div>
<div id="map-b" class="map" role="application" aria-label="map of {b}"></div>
<div id="tag-a" class="tag left">{a}</div><div id="tag-b" class="tag right">{b}</div>
<div id="divider" role="slider" tabindex="0" aria-label="divider between {a} and {b}"
aria-valuemin="2" aria-valuemax="98"><span class="grip">⇔</span></div>
</main>
<footer><span id="legend"></span><span class="small">{esc(CAVEAT)} Made {made_text}.
<span id="credit"></span></span></footer>
{banner}
<script type="application/json" id="compare-data">{script_json(data)}</script>
<script>{leaflet_js}</script>
<script>{own_js}</script>
</body>
</html>
"""


__all__ = ["MODES", "change_layer", "clamp_split", "compare_data", "compare_html", "short_day"]
