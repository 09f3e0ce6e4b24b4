"""The drawing toolbar: folium's Draw plugin on the app's own copy of Leaflet.draw."""

from __future__ import annotations

import re

from folium.plugins import Draw

from layers.core.catalog import load_catalog
from layers.render import assets, webmap


def test_the_toolbar_loads_from_the_app_and_marks_what_it_draws():
    m = webmap.base_map(load_catalog(), draw=True)
    draws = [c for c in m._children.values() if isinstance(c, Draw)]
    assert len(draws) == 1
    assert draws[0].default_js == [("leaflet_draw_js",
                                    "/app/static/vendor/leaflet-draw/leaflet.draw.js")]
    assert draws[0].default_css == [("leaflet_draw_css",
                                     "/app/static/vendor/leaflet-draw/leaflet.draw.css")]
    assert draws[0].draw_options["rectangle"] is False
    assert draws[0].show_geometry_on_click is False  # no alert() with the coordinates
    html = m.get_root().render()
    assert "properties.bm_drawn = Date.now()" in html
    assert "window.bmDrawnItems = drawnItems_" in html
    assert not re.search(r"https?://(?!leafletjs\.com|github\.com)", html.split("<body>")[1])
    # The class keeps folium's links: only the app's map instance is repointed.
    assert Draw.default_js[0][1].startswith("https://")


def test_without_the_flag_there_is_no_toolbar():
    m = webmap.base_map(load_catalog())
    assert not any(isinstance(c, Draw) for c in m._children.values())


def test_install_copies_the_vendored_toolbar_with_its_licence(tmp_path):
    assets.install_static(tmp_path)
    folder = tmp_path / "vendor" / "leaflet-draw"
    for name in ("leaflet.draw.js", "leaflet.draw.css", "LICENSE", "images/spritesheet.svg",
                 "images/spritesheet.png"):
        assert (folder / name).is_file(), name
    assert "Leaflet.draw 1.0.4" in (folder / "leaflet.draw.js").read_text()[:200]
    assert "Permission is hereby granted" in (folder / "LICENSE").read_text()
