"""One symbology and one labelling rule: screen, standalone HTML and print draw the same."""

from __future__ import annotations

import json
import re

import pytest

from layers.core.view import MapView, view_layers
from layers.export.html import page_data
from layers.ingest.catalog_layers import load_catalog_layers
from layers.render import labels, style
from layers.render import webmap_fast as fast
from layers.render.staticmap import render_figure
from layers.render.webmap_basemap import place_labels

ADD = re.compile(r"geo_json_feature_group_(\d+)_0_add\((\{.*\})\);$", re.MULTILINE)


@pytest.fixture(scope="module")
def dec8():
    loaded = load_catalog_layers()
    return loaded, MapView.create("2024-12-08", loaded.catalog.ids)


def _spec(loaded, kind):
    return next(s for s in loaded.specs() if s.kind == kind)


def test_events_are_diamonds_on_screen_in_html_and_in_print(dec8):
    loaded, view = dec8
    events = _spec(loaded, "events")
    assert style.point_shape(events) == "diamond"
    assert style.point_shape(_spec(loaded, "installations")) == "circle"
    shown = view_layers(loaded, view)
    script = fast.feature_group_script(shown, sources=loaded.frames)
    i = next(n for n, (spec, _) in enumerate(shown) if spec.kind == "events")
    data = {int(m.group(1)): json.loads(m.group(2)) for m in ADD.finditer(script)}[i]
    assert data["features"]
    assert {f["properties"]["_style"]["shape"] for f in data["features"]} == {"diamond"}
    assert "L.bmMarker" in script
    page = page_data(loaded, view, handling="TEST")
    html_events = next(la for la in page["layers"] if la["kind"] == "events")
    assert {f["style"]["shape"] for f in html_events["features"]} == {"diamond"}
    fig = render_figure(loaded, MapView.create("2024-12-08", [events.id]))
    markers = {line.get_marker() for ax in fig.axes for line in ax.lines
               if line.get_linestyle() == "None"}
    assert "D" in markers and "o" not in markers


def test_an_unknown_shape_falls_back_to_the_kind_shape(dec8):
    loaded, _ = dec8
    events = _spec(loaded, "events")
    odd = events.__class__(**{**events.__dict__, "style": {**events.style,
                                                           "shape": "<script>"}})
    assert style.point_shape(odd) == "diamond"
    assert style.mpl_marker(style.feature_style(odd, {})) == "D"


def test_one_label_rule_names_the_coast_in_html_as_on_screen(dec8):
    loaded, view = dec8
    page = {p["name"]: p for p in page_data(loaded, view, handling="TEST")["placeLabels"]}
    for name in ("Latakia", "Tartus", "Jableh"):
        assert page[name]["minZoom"] <= 9, name
    assert page["Latakia"]["minZoom"] == 0 and page["Jableh"]["minZoom"] == labels.TOWN_MIN_ZOOM
    screen = {f["properties"]["_label"]: f["properties"]["_cls"]
              for f in place_labels(loaded.catalog)["features"]}
    assert "bm-place-city" in screen["Latakia"] and "bm-place-town" in screen["Jableh"]
    sites = next(la for la in page_data(loaded, view, handling="T")["layers"]
                 if la["kind"] == "installations")
    named = {f["name"]: f["labelRank"] for f in sites["features"] if f["label_on_map"]}
    assert min(named.values()) == 0 and any("Khmeimim" in n for n in named)


def test_label_rule_ranks_bases_then_cities_then_towns():
    base = labels.label_rule("installations", {"name": "Hmeimim", "operator": "Russian VKS",
                                                "site_type": "air_base", "part": "site"})
    runway = labels.label_rule("installations", {"name": "Hmeimim", "part": "runway"})
    city = labels.label_rule("places", {"name": "Homs", "place_type": "city"})
    town = labels.label_rule("places", {"name": "Rastan", "place_type": "town"})
    assert runway is None and labels.label_rule("places", {"name": ""}) is None
    assert base.rank < city.rank < town.rank
    assert (base.min_zoom, city.min_zoom, town.min_zoom) == (0, 0, labels.TOWN_MIN_ZOOM)
    assert labels.zoom_for_span(3.5) >= labels.TOWN_MIN_ZOOM > labels.zoom_for_span(3.6)


def test_range_rings_and_measured_line_carry_their_figures(dec8):
    from layers.analysis.overlays import measure_overlay, rings_overlay

    loaded, _view = dec8
    rings = rings_overlay("Tartus", 34.915, 35.874, [50, 100])
    line = measure_overlay("Tartus", (34.915, 35.874), "Khmeimim", (35.41167, 35.945))
    script = fast.feature_group_script([(rings.spec, rings.frame), (line.spec, line.frame)])
    assert '"_label":"50 km"' in script and '"_label":"100 km"' in script
    assert re.search(r'"_label":"55\.\d km · 0\d\d°"', script), "distance and bearing"
    assert script.count("bm-label bm-measure") == 3
    fig = render_figure(loaded, MapView.create("2024-12-08", [rings.spec.id, line.spec.id],
                                               overlays=(rings, line),
                                               bbox=(34.8, 33.8, 37.2, 35.9)))
    fig.canvas.draw()
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert {"50 km", "100 km"} <= texts
    assert any(t.startswith("55.") and t.endswith("°") for t in texts)
