r"""A self-contained interactive map: one HTML file that opens from disk with no network.

Leaflet's script and style are inlined (its images as ``data:`` URIs), the offline
basemap and every feature of the visible layers, across all dates, are embedded
as JSON, and a small script of our own draws them with a date slider over the
change dates. Nothing is fetched: the page sets a Content-Security-Policy that
allows only its own two scripts (by hash), inline styles and ``data:`` images.

Untrusted text (names, sources, notes from data files or uploads) can reach the
page only inside the JSON block, where ``<``, ``>`` and ``&`` are written as
``\\u003c``-style escapes so it can never close the ``<script>`` element; the page
script then writes it with ``textContent``. Header text is HTML-escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd

from layers.core.catalog import LayerSpec, label_for
from layers.core.loaded import LoadedLayers
from layers.core.records import geojson_geometry, plain_properties
from layers.core.sources import REFS_COLUMN, split_references
from layers.core.timeline import change_dates
from layers.core.view import MapView
from layers.export.html_annotations import ANNOTATIONS_JS, annotation_layer_data
from layers.render import escape as safe
from layers.render.assets import leaflet_dir
from layers.render.basemap_static import FOCUS, countries
from layers.render.labels import label_rule
from layers.render.map_panel import CAVEAT, banner_color
from layers.render.mpl_draw import point_fill_alpha
from layers.render.style import FeatureStyle, feature_style, legend, to_leaflet
from layers.render.webmap_basemap import gazetteer_points

ASSETS = Path(__file__).resolve().parent / "_html"
#: Coordinates in the page: 1e-5° ≈ 1 m, ample for a screen and half the size of 1e-6.
HTML_DECIMALS = 5
_NOTE_CHARS = 600


def script_json(obj: Any) -> str:
    r"""JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (so
    ``</script>`` or ``<!--`` in a value cannot end or confuse the element) and
    the line separators U+2028/9 are escaped too; ``JSON.parse`` reads them back
    unchanged.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


def _inline_script(source: str) -> str:
    if re.search(r"</script|<!--", source, re.IGNORECASE):
        raise ValueError("a bundled script contains '</script' or '<!--' and cannot be inlined")
    return re.sub(r"//# sourceMappingURL=\S+\s*$", "", source)


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def leaflet_css() -> str:
    """Leaflet's stylesheet with its images inlined as ``data:`` URIs."""
    folder = leaflet_dir()
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        image = folder / match.group(1)
        payload = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{payload})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)


def _family(spec: LayerSpec, frame: gpd.GeoDataFrame) -> str:
    if spec.geometry in ("point", "line", "polygon"):
        return spec.geometry
    types = set(frame.geometry.geom_type.dropna())
    if types <= {"Point", "MultiPoint"}:
        return "point"
    if types <= {"LineString", "MultiLineString"}:
        return "line"
    return "polygon" if spec.kind != "installations" else "point"


def _leaflet_style(style: FeatureStyle) -> dict[str, Any]:
    """Leaflet path options with colours and dashes checked.

    A catalog or an upload may hold ``red;background:url(...)``; anything that is
    not a plain colour falls back to the default grey.
    """
    out = to_leaflet(style)
    out["color"] = safe.color(out["color"])
    out["fillColor"] = safe.color(out["fillColor"])
    if "dashArray" in out:
        dash = safe.dash(out["dashArray"])
        if dash is None:
            out.pop("dashArray")
        else:
            out["dashArray"] = dash
    return out


def _numbered(source: str, refs: Any) -> list[str]:
    """The feature's references, each as "[N] reference" when the catalog numbered them."""
    items = split_references(source)
    numbers = [n.strip() for n in str(refs or "").split(",") if n.strip()]
    if len(numbers) != len(items):
        return items
    return [f"[{n}] {item}" for n, item in zip(numbers, items, strict=True)]


def _feature(spec: LayerSpec, props: dict[str, Any], geom: Any) -> dict[str, Any]:
    by = spec.style.get("by")
    value = props.get(by) if by else None
    style = feature_style(spec, props)
    source = str(props.get("source") or "")
    notes = str(props.get("notes") or "")
    # Places are named from the gazetteer (as on screen), so only sites carry a label here.
    rule = label_rule(spec.kind, props) if spec.kind == "installations" else None
    return {"id": str(props.get("id", "")), "name": str(props.get("name") or ""),
            "from": props.get("valid_from"), "to": props.get("valid_to"),
            "value": "" if value is None else str(value),
            "label": label_for(spec, value) if value is not None else "",
            "confidence": props.get("confidence"), "source": source,
            "sources": _numbered(source, props.get(REFS_COLUMN)),
            "notes": notes if len(notes) <= _NOTE_CHARS else notes[:_NOTE_CHARS] + "…",
            "style": {**_leaflet_style(style), "shape": style.shape},
            "radius": float(style.radius),
            "pointFill": point_fill_alpha(props.get("confidence")),
            "label_on_map": rule is not None,
            "labelRank": rule.rank if rule else None,
            "labelZoom": rule.min_zoom if rule else None,
            "geometry": geojson_geometry(geom, HTML_DECIMALS)}


def _layers(loaded: LoadedLayers, view: MapView) -> list[tuple[LayerSpec, gpd.GeoDataFrame]]:
    """Visible layers with ALL their features (the page filters by date itself)."""
    out = [(spec, loaded.frames[spec.id]) for spec in loaded.specs()
           if spec.id in view.layer_ids]
    out.extend((o.spec, o.frame) for o in view.overlays if o.spec.id in view.layer_ids)
    return out


def page_data(loaded: LoadedLayers, view: MapView, *, handling: str) -> dict[str, Any]:
    """Everything the page draws, as JSON-ready data."""
    layers = _layers(loaded, view)
    start = loaded.catalog.start or view.day.isoformat()
    dates = {d.isoformat() for d in change_dates(f for _, f in layers)
             if d.isoformat() >= start}
    dates.add(view.day.isoformat())
    out_layers = []
    for spec, frame in layers:
        if spec.kind == "annotations":  # marks keep their own look (annotations_draw.js)
            out_layers.append(annotation_layer_data(spec, frame))
            continue
        features = [_feature(spec, plain_properties(row), row.geometry)
                    for _, row in frame.iterrows()
                    if row.geometry is not None and not row.geometry.is_empty]
        out_layers.append({
            "id": spec.id, "title": spec.title, "kind": spec.kind,
            "family": _family(spec, frame),
            "windowDays": int(spec.style.get("window_days", 7)) if spec.kind == "events"
            else None,
            "legend": [{"value": e.value, "label": e.label[:1].upper() + e.label[1:],
                        "color": safe.color(e.color), "dash": safe.dash(e.dash)}
                       for e in legend(spec)],
            "features": features})
    bbox = view.bbox if view.bbox is not None else loaded.catalog.region
    return {"title": view.title or loaded.catalog.title, "handling": handling,
            "asOf": view.day.isoformat(), "dates": sorted(dates), "bbox": list(bbox),
            "basemap": _basemap(loaded), "layers": out_layers,
            "placeLabels": place_label_data(loaded),
            "basemapCredit": str(loaded.catalog.basemap.get("attribution", ""))}


def place_label_data(loaded: LoadedLayers) -> list[dict[str, Any]]:
    """The gazetteer's names with the screen's rule (:func:`layers.render.labels.label_rule`).

    The app names places from the gazetteer whichever layers are on; so does the
    page, or Latakia, Tartus and Jableh would be named on screen and not here.
    """
    out = []
    for props, lon, lat in gazetteer_points(loaded.catalog):
        rule = label_rule("places", props)
        if rule is not None:
            out.append({"name": str(props["name"]), "lon": round(lon, HTML_DECIMALS),
                        "lat": round(lat, HTML_DECIMALS), "rank": rule.rank,
                        "minZoom": rule.min_zoom, "group": rule.group})
    return out


def _basemap(loaded: LoadedLayers) -> dict[str, Any]:
    frame = countries(loaded.catalog)
    features = []
    if frame is not None:
        for _, row in frame.iterrows():
            geom = geojson_geometry(row.geometry, 4)
            if geom is not None:
                features.append({"type": "Feature", "geometry": geom,
                                 "properties": {"name": str(row.get("name", "")),
                                                "focus": row.get("name") == FOCUS}})
    return {"type": "FeatureCollection", "features": features}


def standalone_html(loaded: LoadedLayers, view: MapView, *, handling: str,
                    made: dt.datetime) -> str:
    """The whole page as one string."""
    data = page_data(loaded, view, handling=handling)
    leaflet_js = _inline_script((leaflet_dir() / "leaflet.js").read_text(encoding="utf-8"))
    own_js = _inline_script((ASSETS / "standalone.js").read_text(encoding="utf-8"))
    marks_js = _inline_script(ANNOTATIONS_JS.read_text(encoding="utf-8"))
    css = leaflet_css() + "\n" + (ASSETS / "standalone.css").read_text(encoding="utf-8")
    csp = ("default-src 'none'; "
           f"script-src {_csp_hash(leaflet_js)} {_csp_hash(marks_js)} {_csp_hash(own_js)}; "
           "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    esc = html.escape
    title = esc(data["title"])
    day = view.day
    made_text = f"{made.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    banner = (f'<div class="banner" style="background:{banner_color(handling)}">'
              f"{esc(handling)}</div>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — as of {day.isoformat()}</title>
<style>{css}</style>
</head>
<body>
{banner}
<header><h1>{title}</h1><span class="asof" id="asof">As of {day.day} {day:%B %Y}</span></header>
<main>
<div id="map" role="application" aria-label="map"></div>
<aside id="panel">
<div class="timebar"><button id="prev" type="button" title="previous change">◀</button>
<input id="slider" type="range" aria-label="date"><button id="next" type="button"
title="next change">▶</button><button id="play" type="button" title="play">▶</button></div>
<div class="day" id="day"></div><div class="daynote" id="daynote"></div>
<h2>Layers</h2><div id="layers"></div>
<h2>Sources</h2><div class="small" id="sources"></div>
<h2>Caveat</h2><div class="small">{esc(CAVEAT)}</div>
<p class="small">Made {made_text}. Drawn offline from the embedded data; moves through the
dates on which anything changes.</p>
</aside>
</main>
{banner}
<script type="application/json" id="briefing-data">{script_json(data)}</script>
<script>{leaflet_js}</script>
<script>{marks_js}</script>
<script>{own_js}</script>
</body>
</html>
"""
