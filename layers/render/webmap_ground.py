"""The ground of the web map's offline basemap: relief, water, roads, in panes under any tiles.

Each part goes in a Leaflet pane of its own, below the tile pane (z-index 200):
an online basemap that loads covers them, one that does not load leaves them in
view, so a closed network never shows a grey map. Nothing here reacts to the mouse.

Panes, bottom to top: land fill (150), relief image (152), neighbours' veil (154),
lakes and rivers (160), roads (170), borders (180). Labels go in a pane above the
data and below popups and tooltips (``bmLabels``, 620), made by ``LABEL_JS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template

from layers.core.catalog import Catalog

#: Pane name -> z-index. Leaflet's tile pane is 200, its overlay (data) pane 400.
PANES: dict[str, int] = {"bmLand": 150, "bmRelief": 152, "bmVeil": 154, "bmWater": 160,
                         "bmRoads": 170, "bmBorders": 180}
WATER = "#2f6fb0"
LAKE_FILL = "#a9c9e2"
ROAD = "#6e5a3e"
ROAD_CASING = "#ffffff"
#: Opacity of the relief image over the land fill, and of the veil over the neighbours.
RELIEF_OPACITY = 0.9
VEIL_OPACITY = 0.35

URLFor = Callable[[str, str], str]


class _Panes(MacroElement):
    """Creates the basemap's panes (non-interactive) before any layer uses them."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var panes = {{ this.panes|tojson }};
            Object.keys(panes).forEach(function (name) {
                var pane = map.getPane(name) || map.createPane(name);
                pane.style.zIndex = panes[name];
                pane.style.pointerEvents = "none";
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, panes: dict[str, int]) -> None:
        super().__init__()
        self._name = "BasemapPanes"
        self.panes = panes


class _ReliefOverlay(MacroElement):
    """``L.imageOverlay`` of an app-served URL (Folium's own would read it as a file path)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.imageOverlay({{ this.url|tojson }}, {{ this.bounds|tojson }}, {
            opacity: {{ this.opacity }}, interactive: false, pane: "bmRelief",
            className: "bm-relief"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, url: str, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "ReliefOverlay"
        self.url = url
        self.bounds = bounds
        self.opacity = RELIEF_OPACITY


def _geojson(data: dict[str, Any], pane: str, name: str, style: dict[str, Any],
             attribution: str | None = None) -> folium.GeoJson:
    return folium.GeoJson(data, name=name, style_function=lambda _f, s=style: s,
                          interactive=False, pane=pane, class_name=f"bm-ground bm-{pane}",
                          attribution=attribution)


def add_panes(m: folium.Map) -> None:
    """Make the ground panes on ``m`` (call before adding any ground layer)."""
    _Panes(PANES).add_to(m)


def add_land(m: folium.Map, countries: dict[str, Any], focus_border: str,
             attribution: str | None) -> None:
    """Land fill under everything, borders above the ground, neighbours lightly veiled."""
    fills = {"type": "FeatureCollection", "features": [
        {**f, "properties": {}} for f in countries["features"]]}
    _geojson(fills, "bmLand", "Land", {"stroke": False, "fillColor": "#efe9dc",
                                       "fillOpacity": 1.0}, attribution).add_to(m)
    neighbours = [f for f in countries["features"]
                  if f["properties"]["_style"]["color"] != focus_border]
    focus = [f for f in countries["features"]
             if f["properties"]["_style"]["color"] == focus_border]
    _geojson({"type": "FeatureCollection", "features": neighbours}, "bmVeil", "Neighbours",
             {"stroke": False, "fillColor": "#ffffff", "fillOpacity": VEIL_OPACITY}).add_to(m)
    for features, style in ((neighbours, {"color": "#8a8a8a", "weight": 0.8}),
                            (focus, {"color": focus_border, "weight": 1.6})):
        _geojson({"type": "FeatureCollection", "features": features}, "bmBorders", "Borders",
                 {**style, "fill": False, "opacity": 1.0}).add_to(m)


def add_relief(m: folium.Map, catalog: Catalog, asset_url: URLFor) -> bool:
    """The shaded-relief image, one overlay in Web Mercator rows, served by the app."""
    name = catalog.basemap.get("relief_web")
    bounds = catalog.basemap.get("relief_bounds")
    if not name or not bounds or len(bounds) != 4:
        return False
    west, south, east, north = (float(v) for v in bounds)
    _ReliefOverlay(asset_url("briefing", str(name)), [[south, west], [north, east]]).add_to(m)
    return True


def add_water_and_roads(m: folium.Map, rivers: dict[str, Any] | None,
                        lakes: dict[str, Any] | None, roads: dict[str, Any] | None) -> None:
    """Lakes, rivers, then the main roads (with a white casing, marked approximate)."""
    if lakes and lakes.get("features"):
        _geojson(lakes, "bmWater", "Lakes", {"color": WATER, "weight": 0.6,
                                             "fillColor": LAKE_FILL, "fillOpacity": 1.0}).add_to(m)
    if rivers and rivers.get("features"):
        _geojson(rivers, "bmWater", "Rivers", {"color": WATER, "weight": 1.6,
                                               "opacity": 0.95, "fill": False}).add_to(m)
    if roads and roads.get("features"):
        _geojson(roads, "bmRoads", "Road casing", {"color": ROAD_CASING, "weight": 3.6,
                                                   "opacity": 0.85, "fill": False}).add_to(m)
        _geojson(roads, "bmRoads", "Main roads (approximate)",
                 {"color": ROAD, "weight": 1.8, "opacity": 0.95, "fill": False,
                  "dashArray": "7 3"}).add_to(m)
