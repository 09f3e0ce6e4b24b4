"""The web map: a Leaflet map (through Folium) of a :class:`~layers.core.view.MapView`.

Two halves, because the dashboard updates them differently: :func:`base_map` is the
frame that stays put for a session (Leaflet and the offline basemap from the app's own
files); :func:`feature_groups` turns a date's layers into one ``FeatureGroup`` each
(the standalone and test path; the page's frame plays the timeline pack instead).

Text from data files never reaches the page as markup: each feature carries
only its geometry, its style and tooltip/popup HTML built here with every value
escaped (see :mod:`layers.render.escape`). The raw properties are not sent at all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode
from shapely.geometry import mapping

from layers.core.catalog import Catalog, LayerSpec
from layers.render import assets
from layers.render import escape as esc
from layers.render.feature_focus import feature_key
from layers.render.labels import map_label_points
from layers.render.site_labels import site_labels
from layers.render.style import feature_style, legend, to_leaflet
from layers.render.webmap_basemap import LABEL_JS, add_offline_basemap
from layers.render.webmap_html import (
    HIDDEN,
    legend_html,
    legend_rows,
    popup_html,
    present,
    tooltip_html,
)

#: Basemap choices: key -> label shown to analysts. The first one needs no network.
BASEMAPS: dict[str, str] = {
    "offline": "Offline: borders and places (no network)",
    "osm": "OpenStreetMap (online)",
    "imagery": "Satellite imagery, Esri (online)",
}
#: The zoom a new map opens at when no view is given (the whole country on screen).
START_ZOOM = 7
DEFAULT_BASEMAP = "offline"

#: Online tile sources, used only when an analyst picks them.
TILES: dict[str, tuple[str, str]] = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; OpenStreetMap contributors"),
    "imagery": ("https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/"
                "MapServer/tile/{z}/{y}/{x}",
                "Imagery &copy; Esri, Maxar, Earthstar Geographics"),
}

#: Binds the pre-escaped tooltip and popup HTML carried by each feature.
BIND_JS = JsCode("""function (feature, layer) {
    var p = feature.properties || {};
    if (p._tip) { layer.bindTooltip(p._tip, {sticky: true, className: "bm-tip"}); }
    if (p._pop) {
        layer.bindPopup(p._pop, {maxWidth: 360, className: "bm-popup"});
        // A click opens the popup; a Shift-click reads the point's coordinates instead
        // and no popup, so the two never fight.
        layer.on("click", function (e) {
            if (layer._map && e.originalEvent && e.originalEvent.shiftKey) {
                layer.closePopup();
                layer._map.fire("click", e);
            }
        });
    }
}""")

COORD_DECIMALS = 5

#: Zoom levels below which town names and small labels are hidden (CSS classes).
LABEL_ZOOMS = {"bm-zoom-lt9": 9, "bm-zoom-lt8": 8, "bm-zoom-lt7": 7}

URLFor = Callable[[str, str], str]


class _ZoomClasses(MacroElement):
    """Puts ``bm-zoom-ltN`` classes on the map container so CSS can thin labels out."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var levels = {{ this.levels|tojson }};
            function update() {
                var z = map.getZoom(), box = map.getContainer();
                Object.keys(levels).forEach(function (cls) {
                    box.classList.toggle(cls, z < levels[cls]);
                });
            }
            map.on("zoomend", update);
            update();
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, levels: dict[str, int]) -> None:
        super().__init__()
        self._name = "ZoomClasses"
        self.levels = levels


class _Legend(MacroElement):
    """A legend control that lives and dies with its feature group."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
            var control = L.control({position: "bottomright"});
            control.onAdd = function () {
                var box = L.DomUtil.create("div", "bm-legend-control");
                box.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            group.on("add", function () { control.addTo(group._map); });
            group.on("remove", function () { control.remove(); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html


def base_map(catalog: Catalog, *, basemap: str = DEFAULT_BASEMAP,
             center: tuple[float, float] | None = None, zoom: int | None = None,
             asset_url: URLFor = assets.url, draw: bool = False) -> folium.Map:
    """The session's map frame, without any data layer.

    Parameters
    ----------
    catalog
        Gives the initial extent (``region``) and the offline basemap files.
    basemap
        A key of :data:`BASEMAPS`. Only ``"offline"`` works without a network.
    center, zoom
        Initial view as (lat, lon) and a zoom level; the catalog's region when
        either is missing.
    asset_url
        Maps (folder, file) to the URL the browser loads it from; the app's
        static route by default, so the page never asks a CDN.
    draw
        Add the drawing toolbar (:mod:`layers.render.webmap_draw`), for the app.

    Raises
    ------
    ValueError
        For an unknown basemap, naming the known ones.
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; choose one of: {', '.join(BASEMAPS)}")
    minx, miny, maxx, maxy = catalog.region
    m = folium.Map(location=center or ((miny + maxy) / 2, (minx + maxx) / 2),
                   zoom_start=START_ZOOM if zoom is None else zoom, tiles=None,
                   control_scale=True,
                   min_zoom=4, max_zoom=17, zoom_snap=0.5, zoom_delta=0.5, prefer_canvas=False)
    # Folium's defaults point at public CDNs (Leaflet, jQuery, Bootstrap, icons); one
    # blocked script and the map never appears. Leaflet is all this map needs.
    m.default_js = [("leaflet", asset_url("leaflet", "leaflet.js")),
                    ("briefing_measure", asset_url("briefing", "measure.js")),
                    ("briefing_map", asset_url("briefing", "briefing.js")),
                    ("briefing_annotations", asset_url("briefing", "annotations_draw.js")),
                    ("briefing_timeline", asset_url("briefing", "timeline.js"))]
    m.default_css = [("leaflet_css", asset_url("leaflet", "leaflet.css"))]
    # Our styles go inline, not as a link: labels are measured when they are placed,
    # and streamlit-folium runs the map script before linked stylesheets have loaded.
    m.get_root().header.add_child(folium.Element(f"<style>{_own_css()}</style>"),
                                  name="briefing_css")
    if center is None or zoom is None:
        # Room on the left for the bases' names, which sit west of them, over the sea.
        m.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=(110, 0))
    if basemap in TILES:
        url, attribution = TILES[basemap]
        folium.TileLayer(tiles=url, attr=attribution, name=BASEMAPS[basemap],
                         max_zoom=19, max_native_zoom=18 if basemap == "osm" else 17).add_to(m)
    add_offline_basemap(m, catalog, asset_url=asset_url)  # names too: tiles may not load
    _ZoomClasses(LABEL_ZOOMS).add_to(m)
    _MeasureControl().add_to(m)
    _add_position_tools(m, catalog, asset_url)
    if draw:
        from layers.render.webmap_draw import add_draw_tools

        add_draw_tools(m, asset_url)
    return m


def _add_position_tools(m: folium.Map, catalog: Catalog, asset_url: URLFor) -> None:
    """Grid, cursor position and reset-view button (:mod:`layers.render.webmap_tools`)."""
    from layers.render.webmap_tools import add_position_tools

    add_position_tools(m, catalog, asset_url)


class _MeasureControl(MacroElement):
    """The geodesic measuring tool of ``_assets/measure.js`` (served by the app)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if (L.Control.BriefingMeasure) {
            new L.Control.BriefingMeasure().addTo({{ this._parent.get_name() }});
        }
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MeasureControl"


@functools.lru_cache(maxsize=1)
def _own_css() -> str:
    """Our styles, the timeline strip's included (inline: see :func:`base_map`)."""
    return "\n".join((assets.OWN_ASSETS / name).read_text(encoding="utf-8")
                     for name in ("briefing.css", "timeline.css"))


def feature_style_dict(spec: LayerSpec, props: dict[str, Any], geom_type: str) -> dict[str, Any]:
    """Leaflet options of one feature: the shared style plus what its geometry needs."""
    style = feature_style(spec, props)
    out = to_leaflet(style)
    out["className"] = f"bm-feature bm-layer-{esc.css_class(spec.id)}"
    if geom_type.endswith("Point") and spec.kind == "places":
        # Town symbol: a hollow ring, so a place never reads as an event or a site.
        out.update(radius=style.radius, fill=True, fillColor="#ffffff", fillOpacity=1.0,
                   weight=1.5)
    elif geom_type.endswith("Point"):
        if style.shape != "circle":  # drawn by L.bmMarker (_assets/briefing.js)
            out["shape"] = style.shape
        out.update(radius=style.radius, fill=True,
                   fillOpacity=max(out["fillOpacity"], 0.55 if style.dash is None else 0.3))
    elif geom_type.endswith("LineString"):
        out["fill"] = False
    else:
        out["fill"] = True
    return out


def layer_geojson(spec: LayerSpec, frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """A JSON-safe FeatureCollection of a layer: geometry, style and escaped HTML only."""
    columns = [c for c in frame.columns if c not in HIDDEN]
    features = []
    geoms = frame.geometry.values
    records = frame[columns].to_dict("records") if columns else [{} for _ in range(len(frame))]
    for label, geom, props in zip(frame.index, geoms, records, strict=True):
        if geom is None or geom.is_empty:
            continue
        props = {k: v for k, v in props.items() if present(v)}
        features.append({
            "type": "Feature", "id": str(len(features)), "geometry": mapping(_rounded(geom)),
            "properties": {"_style": feature_style_dict(spec, props, geom.geom_type),
                           "_tip": tooltip_html(spec, props), "_pop": popup_html(spec, props),
                           "_key": feature_key(spec.id, label)}})
    return {"type": "FeatureCollection", "features": features}


def _rounded(geom: shapely.Geometry) -> shapely.Geometry:
    """Coordinates to 5 decimals (about 1 m): a third of the bytes, no visible change."""
    return shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))


def feature_labels(spec: LayerSpec, frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """A layer's permanent labels: site names, or measures' figures (ring radius, distance)."""
    if spec.kind == "installations":
        return site_labels(spec, frame)
    features = [{"type": "Feature", "id": str(n),
                 "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                 "properties": {"_label": esc.text(text), "_dir": "center", "_offset": [0, 0],
                                "_cls": "bm-label bm-measure"}}
                for n, (text, lon, lat) in enumerate(map_label_points(frame))]
    return {"type": "FeatureCollection", "features": features}


def _style_of(feature: dict[str, Any]) -> dict[str, Any]:
    return feature["properties"]["_style"]


GeoJsonOf = Callable[[LayerSpec, gpd.GeoDataFrame], dict[str, Any]]


def layer_group(spec: LayerSpec, frame: gpd.GeoDataFrame, *,
                geojson: GeoJsonOf | None = None) -> folium.FeatureGroup:
    """One layer as of a date: a ``FeatureGroup`` with its features, tooltips and popups.

    Parameters
    ----------
    geojson
        Builds the layer's data; :func:`layer_geojson` unless a caller caches it.
    """
    group = folium.FeatureGroup(name=esc.text(spec.title))
    data = (geojson or layer_geojson)(spec, frame)
    if not data["features"]:
        return group
    has_points = any(f["geometry"]["type"].endswith("Point") for f in data["features"])
    radius = float((spec.style or {}).get("radius", 6))
    folium.GeoJson(
        data, name=esc.text(spec.title), style_function=_style_of, on_each_feature=BIND_JS,
        marker=folium.CircleMarker(radius=radius) if has_points else None,
        class_name=f"bm-feature bm-layer-{esc.css_class(spec.id)}",
    ).add_to(group)
    labels = feature_labels(spec, frame)
    if labels["features"]:
        folium.GeoJson(labels, marker=folium.CircleMarker(radius=1, stroke=False, fill=False),
                       on_each_feature=LABEL_JS, interactive=False,
                       class_name="bm-label-anchor").add_to(group)
    return group


def legend_sections(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]]
                    ) -> list[tuple[LayerSpec, list]]:
    """Legend rows of each layer, limited to the values present on the map."""
    sections = []
    for spec, frame in layers:
        if spec.kind == "places":
            continue  # the gazetteer's rings explain themselves; keep the legend short
        if spec.kind == "annotations":  # one row per mark, in its own colour
            from layers.render.annotation_shapes import annotation_legend
            sections.append((spec, [entry for _, entry in annotation_legend(frame)]))
            continue
        by = (spec.style or {}).get("by")
        entries = legend(spec)
        if by and by in frame.columns:
            shown = {str(v) for v in frame[by].dropna().unique()}
            entries = [e for e in entries if e.value in shown]
        elif frame.empty:
            entries = []
        sections.append((spec, entries))
    return sections


def legend_group(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]]) -> folium.FeatureGroup:
    """An empty group whose only job is to show the legend of ``layers`` while on the map."""
    group = folium.FeatureGroup(name="Legend")
    html = legend_html(legend_sections(layers))
    if html:
        _Legend(f'<details open><summary>Legend</summary>{html}</details>').add_to(group)
    return group


def feature_groups(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]], *,
                   with_legend: bool = True,
                   geojson: GeoJsonOf | None = None) -> list[folium.FeatureGroup]:
    """One group per visible layer, in drawing order (bottom first), then the legend.

    Parameters
    ----------
    layers
        What :func:`layers.core.view.view_layers` returns for the view on screen.
    with_legend
        Add the legend control as a last, feature-less group.
    geojson
        Builds each layer's data (:func:`layer_geojson` by default); the app
        passes a cached version, since a date's features rarely change.
    """
    groups = [layer_group(spec, frame, geojson=geojson) for spec, frame in layers]
    if with_legend:
        groups.append(legend_group(layers))
    return groups


def sidebar_legend_html(spec: LayerSpec) -> str:
    """A layer's full legend as HTML for the page beside the map (escaped, SVG swatches)."""
    return legend_rows(legend(spec), spec.geometry, inline=True, hollow=spec.kind == "places")

