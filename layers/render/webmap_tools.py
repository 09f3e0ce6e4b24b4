"""Position tools on the web map: grid, cursor position, reset button, area measure.

The scripts are ``_assets/grid.js`` and ``_assets/area.js`` (a geodesic area
measure, beside the ruler), served by the app like Leaflet (no plugin from a
CDN). It draws the MGRS grid (100 km squares, then 10 km and 1 km lines as the map
zooms in) or a graticule for the visible area, shows the cursor's position as
decimal degrees, DMS or MGRS (the analyst's choice, remembered by the browser),
and adds a button that brings the map back to the catalog's region.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
from branca.element import MacroElement
from folium.template import Template

from layers.core.catalog import Catalog

SCRIPTS = (("briefing_grid", "grid.js"), ("briefing_area", "area.js"))


class _PositionTools(MacroElement):
    """Creates the controls of ``grid.js`` on the map, with the region to return to."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        if (L.Control.BriefingPosition) {
            new L.Control.BriefingPosition().addTo({{ this._parent.get_name() }});
            new L.Control.BriefingHome({bounds: {{ this.bounds|tojson }}})
                .addTo({{ this._parent.get_name() }});
        }
        if (L.Control.BriefingArea) {
            new L.Control.BriefingArea().addTo({{ this._parent.get_name() }});
        }
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "PositionTools"
        self.bounds = bounds


def add_position_tools(m: folium.Map, catalog: Catalog,
                       asset_url: Callable[[str, str], str]) -> folium.Map:
    """Load the scripts with the map; add the grid, cursor readout, reset and area tools."""
    for name, file in SCRIPTS:
        if all(key != name for key, _ in m.default_js):
            m.default_js = [*m.default_js, (name, asset_url("briefing", file))]
    minx, miny, maxx, maxy = catalog.region
    _PositionTools([[miny, minx], [maxy, maxx]]).add_to(m)
    return m
