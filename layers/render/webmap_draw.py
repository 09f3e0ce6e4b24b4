"""The drawing toolbar on the app's map: folium's Draw plugin on the app's own Leaflet.draw.

folium's ``Draw`` loads Leaflet.draw from cdnjs; here the same plugin points at the
copy the app serves (``_assets/vendor/leaflet-draw``, npm 1.0.4), so the toolbar
works air-gapped. A drawn shape is only a proposal: streamlit-folium reports the
shapes of ``window.drawnItems`` (named here) as ``all_drawings``, and the page's
form (:mod:`dashboard.draw_form`) turns one into an annotation checked by the
same rules as an annotations file. The same layer is ``window.bmDrawnItems``, which
the annotation layer's script clears once the styled marks replace the raw shapes.
Each shape is stamped ``bm_drawn`` (a time): the newest is asked about first, and a
clicked site is never taken for a drawing.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
from branca.element import MacroElement
from folium.plugins import Draw
from folium.template import Template

from layers.render import assets

#: What a proposal looks like before it is saved (dashed grey: clearly not a mark yet).
PROPOSAL = {"color": "#555555", "weight": 3, "dashArray": "6 4", "opacity": 0.9}

DRAW_OPTIONS = {
    "polyline": {"shapeOptions": PROPOSAL},
    "polygon": {"shapeOptions": PROPOSAL, "showArea": False},
    "circle": {"shapeOptions": PROPOSAL, "showRadius": True, "metric": True},
    "marker": {},
    "rectangle": False,
    "circlemarker": False,
}


class _ExposeDrawn(MacroElement):
    """Names the plugin's layer of drawn shapes on ``window`` (streamlit-folium reads it)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.bmDrawnItems = drawnItems_{{ this.draw_name }};
        window.drawnItems = window.bmDrawnItems;
        // Mark what the toolbar made (streamlit-folium reports a clicked zone as
        // "last_active_drawing" too); the stamp also tells a repeated drawing apart.
        {{ this._parent.get_name() }}.on(L.Draw.Event.CREATED, function (e) {
            var f = e.layer.feature = e.layer.feature || {type: "Feature", properties: {}};
            f.properties = f.properties || {};
            f.properties.bm_drawn = Date.now();
            // The mouse-up that ends a circle also clicks the zone under it: no popup then.
            var map = this, close = function () { map.closePopup(); };
            map.once("popupopen", close);
            setTimeout(function () { map.off("popupopen", close); }, 500);
        });
        {% endmacro %}
    """)

    def __init__(self, draw_name: str) -> None:
        super().__init__()
        self._name = "ExposeDrawn"
        self.draw_name = draw_name


def add_draw_tools(m: folium.Map, asset_url: Callable[[str, str], str] = assets.url) -> Draw:
    """Add the drawing toolbar (line, area, circle, marker), loaded from ``asset_url``."""
    draw = Draw(position="topleft", show_geometry_on_click=False, draw_options=DRAW_OPTIONS,
                edit_options={"edit": False, "remove": False})
    # On the instance, not the class: every other map (exports) keeps folium's defaults.
    draw.default_js = [("leaflet_draw_js", asset_url(assets.DRAW, "leaflet.draw.js"))]
    draw.default_css = [("leaflet_draw_css", asset_url(assets.DRAW, "leaflet.draw.css"))]
    draw.add_to(m)
    _ExposeDrawn(draw.get_name()).add_to(m)
    return draw
