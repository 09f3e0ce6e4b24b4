"""streamlit-folium's map component, fed with pieces that are built once.

``st_folium`` renders the whole base map (the offline basemap's GeoJSON
included) through Folium and Jinja on every rerun, and the date's layers as
Folium objects, before handing the component the same arguments as last time
for everything but the layers. Here the base map's arguments are computed once
per (catalog files, basemap, initial view) with streamlit-folium's own helpers,
and the layers come as the script :mod:`layers.render.webmap_fast` writes, so a
slider step calls the component with cached strings.

The arguments and the component are streamlit-folium's (pinned 0.27.4), so the
frame in the browser is the same one ``st_folium`` would make: same key, same
script, and the same swapping of feature groups in place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import branca
import folium
import folium.elements
import streamlit_folium as stf

from layers.render.assets import content_name, write_once


@dataclass(frozen=True)
class BaseArgs:
    """The component's arguments that depend only on the base map."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    defaults: dict[str, Any]
    leaflet_hash: Callable[[str], str]


def _links(m: folium.Map) -> tuple[list[str], list[str]]:
    """CSS and JS files the frame loads, as ``st_folium`` collects them."""
    css: list[str] = []
    js: list[str] = []

    def walk(element: Any):
        if isinstance(element, folium.elements.JSCSSMixin):
            yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    for element in walk(m):
        if isinstance(element, branca.colormap.ColorMap):  # pragma: no cover - none used
            raise ValueError("colormaps load d3 from a CDN; the map must stay offline")
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))


def base_args(m: folium.Map) -> BaseArgs:
    """Render the base map once, exactly as ``st_folium`` does, and keep its arguments."""
    m.get_root().render()
    m.render()
    html = stf._get_html(m)
    header = stf._get_header(m)
    script = stf._get_map_string(m)
    css, js = _links(m)
    try:
        (south, west), (north, east) = m.get_bounds()
    except (AttributeError, TypeError, ValueError):
        south = west = north = east = None
    defaults = {
        "last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None, "last_object_clicked_popup": None,
        "all_drawings": None, "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": south, "lng": west},
                   "_northEast": {"lat": north, "lng": east}},
        "zoom": m.options.get("zoom"), "last_circle_radius": None,
        "last_circle_polygon": None, "selected_layers": None, "selected_tags": None,
        "last_geocoder_result": None}

    def leaflet_hash(key: str) -> str:
        return stf.generate_js_hash(script, key, False)

    return BaseArgs(script=script, header=header, html=html, map_id=stf.get_full_id(m),
                    css_links=tuple(css), js_links=tuple(js), defaults=defaults,
                    leaflet_hash=leaflet_hash)


#: One line of a Folium GeoJson layer's data: ``geo_json_ID_add({...});``.
_ADD_DATA = re.compile(r"^[ \t]*(geo_json_\w+)_add\((\{.*\})\);[ \t]*$", re.MULTILINE)
_FETCH_GROUND = """
fetch({url}, {{credentials: "same-origin"}}).then(function (r) {{
    if (!r.ok) {{ throw new Error("ground " + r.status); }}
    return r.json();
}}).then(function (data) {{
{adds}
}}).catch(function (e) {{ console.error("the offline basemap could not be read", e); }});
"""


def external_ground(base: BaseArgs, folder: Path, url_prefix: str) -> BaseArgs:
    """The base map with its layers' data in a static file the frame fetches.

    The offline basemap (land, borders, water, roads, labels) was 300 kB of GeoJSON
    inside the component's arguments: every new page sent it through the websocket
    (twice when the page draws the map first, then the rest), and the page parsed and
    compared it before the frame was even made. As a file (named by its content,
    served by the app, cached by the browser) it costs the frame one fetch.
    Identical layers (the borders drawn twice) are stored once.
    """
    blobs: list[str] = []
    index: dict[str, int] = {}
    adds: list[tuple[str, int]] = []
    for match in _ADD_DATA.finditer(base.script):
        text = match.group(2)
        if text not in index:
            index[text] = len(blobs)
            blobs.append(text)
        adds.append((match.group(1), index[text]))
    if not adds:
        return base
    doc = "[" + ",".join(blobs) + "]"
    json.loads(doc)  # what is written must read back as JSON (else keep the inline data)
    name = content_name(doc, ".json")
    write_once(folder / name, doc)
    script = _ADD_DATA.sub("", base.script)
    script += _FETCH_GROUND.format(
        url=json.dumps(f"{url_prefix}/{name}"),
        adds="\n".join(f"    {fn}_add(data[{i}]);" for fn, i in adds))
    return replace(base, script=script, leaflet_hash=lambda key: stf.generate_js_hash(
        script, key, False))


def component_args(base: BaseArgs, feature_group: str, *, key: str, height: int,
                   returned_objects: Sequence[str], center: tuple[float, float] | None = None,
                   zoom: float | None = None) -> dict[str, Any]:
    """The arguments ``st_folium(..., use_container_width=True)`` would give the component.

    All but the change callback (:func:`dashboard._first_paint.show_map` adds it and
    calls the component), so a new page's first map can be kept on disk and sent as
    it is.
    """
    return dict(
        script=base.script, header=base.header, html=base.html, id=base.map_id,
        key=base.leaflet_hash(key), height=height, width=None,
        returned_objects=list(returned_objects),
        default={k: v for k, v in base.defaults.items() if k in returned_objects},
        zoom=zoom, center=center, feature_group=feature_group, return_on_hover=False,
        layer_control=None, pixelated=False, css_links=list(base.css_links),
        js_links=list(base.js_links), wrap_longitude=False)
