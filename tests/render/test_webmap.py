"""The web map, rendered to HTML/JavaScript and read as text: no browser needed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pandas as pd
import pytest
from conftest import feature, square
from streamlit_folium import _get_feature_group_string, _get_map_string

from layers.core.catalog import LayerSpec, load_catalog
from layers.core.view import MapView, view_layers
from layers.ingest.catalog_layers import load_catalog_layers
from layers.ingest.load import load_layer
from layers.render import assets, webmap

CDN_HOSTS = ("jsdelivr", "jquery.com", "cdnjs", "netdna", "bootstrapcdn", "unpkg", "d3js")
HOSTILE = {
    "name": '<img src=x onerror="window.__pwned=1">',
    "source": "<script>window.__pwned=2</script>",
    "notes": "${window.__pwned=3}",
    "comment": "`;window.__pwned=4;`",
}


@pytest.fixture(scope="module")
def loaded():
    return load_catalog_layers()


@pytest.fixture(scope="module")
def dec8(loaded):
    return view_layers(loaded, MapView.create("2024-12-08", loaded.catalog.ids))


def _decoded(js: str) -> str:
    """Script text as the browser's JSON parser sees it (folium writes ``<`` as ``\\u003c``)."""
    for code, char in (("\\u003c", "<"), ("\\u003e", ">"), ("\\u0026", "&"),
                       ("\\u0027", "'")):
        js = js.replace(code, char)
    return js


def _features(group: folium.FeatureGroup) -> list[dict]:
    out = []
    for child in group._children.values():
        if isinstance(child, folium.GeoJson) and "bm-feature" in child.options.get(
                "class_name", ""):
            out.extend(child.data["features"])
    return out


def _spec(**kwargs) -> LayerSpec:
    base = {"id": "test", "title": "Test layer", "path": Path("x.geojson"), "kind": "generic",
            "geometry": "mixed", "style": {"by": "kind", "colors": {"a": "#112233"},
                                           "labels": {"a": "Kind A"}}}
    base.update(kwargs)
    return LayerSpec(**base)


def _frame(write_geojson, features):
    return load_layer(write_geojson(features), "generic")


# --- the base map ---------------------------------------------------------------------------

def test_offline_base_map_asks_no_other_host():
    m = webmap.base_map(load_catalog())
    page = m.get_root().render()
    assert "/app/static/vendor/leaflet/leaflet.js" in page
    assert "/app/static/vendor/leaflet/leaflet.css" in page
    for host in CDN_HOSTS:
        assert host not in page, host
    assert not re.search(r"""(src|href)=["']?https?://""", page)
    assert "tile.openstreetmap" not in page and "arcgisonline" not in page
    assert ".bm-legend-control" in page, "our stylesheet is inlined"


def test_base_map_draws_land_borders_and_names():
    m = webmap.base_map(load_catalog())
    script = _get_map_string(m)
    assert "bm-ground" in script and "bm-relief" in script
    assert "DAMASCUS" not in script and "Damascus" in script
    assert "TURKEY" in script and "IRAQ" in script
    geojsons = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    ground = {g.options.get("class_name", "").split()[-1] for g in geojsons}
    assert {"bm-bmLand", "bm-bmBorders", "bm-bmWater", "bm-bmRoads"} <= ground
    borders = [g for g in geojsons if g.options.get("class_name") == "bm-ground bm-bmBorders"]
    syria = borders[-1].data["features"][-1]["properties"]["_style"]
    assert syria["color"] == "#3d3d3d", "Syria drawn last, with the darker border"
    assert all(g.options["interactive"] is False for g in geojsons)


@pytest.mark.parametrize(("basemap", "host"), [("osm", "tile.openstreetmap.org"),
                                               ("imagery", "server.arcgisonline.com")])
def test_online_basemaps_are_an_option(basemap, host):
    script = _get_map_string(webmap.base_map(load_catalog(), basemap=basemap))
    assert host in script


def test_unknown_basemap_names_the_known_ones():
    with pytest.raises(ValueError, match="offline, osm, imagery"):
        webmap.base_map(load_catalog(), basemap="google")


def test_view_from_url_sets_center_and_zoom():
    m = webmap.base_map(load_catalog(), center=(35.4, 35.9), zoom=11)
    assert m.location == [35.4, 35.9]
    assert m.options["zoom"] == 11
    assert "fitBounds" not in _get_map_string(m)


def test_asset_urls_can_be_redirected():
    m = webmap.base_map(load_catalog(), asset_url=lambda folder, name: f"./{folder}/{name}")
    assert m.default_js == [("leaflet", "./leaflet/leaflet.js"),
                            ("briefing_measure", "./briefing/measure.js"),
                            ("briefing_map", "./briefing/briefing.js"),
                            ("briefing_annotations", "./briefing/annotations_draw.js"),
                            ("briefing_timeline", "./briefing/timeline.js"),
                            ("briefing_grid", "./briefing/grid.js"),
                            ("briefing_area", "./briefing/area.js")]


def test_place_and_country_labels_are_escaped(tmp_path):
    root = tmp_path / "geodata"
    (root / "basemap").mkdir(parents=True)
    (root / "catalog.toml").write_text('[catalog]\ntitle = "t"\n[[layer]]\nid = "p"\n'
                                       'title = "P"\nfile = "places.geojson"\nkind = "places"\n',
                                       encoding="utf-8")
    places = {"type": "FeatureCollection", "features": [
        feature("x", name=HOSTILE["name"], place_type="city")]}
    (root / "places.geojson").write_text(json.dumps(places), encoding="utf-8")
    countries = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": HOSTILE["notes"], "iso_n3": "1"},
         "geometry": square(36, 33, 3)}]}
    (root / "basemap" / "countries.geojson").write_text(json.dumps(countries), encoding="utf-8")
    script = _decoded(_get_map_string(webmap.base_map(load_catalog(root / "catalog.toml"))))
    assert "<img" not in script
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in script
    assert "${" not in script
    assert "&#36;&#123;WINDOW.__PWNED=3&#125;" in script


# --- the layers of a date -------------------------------------------------------------------

def test_one_group_per_layer_then_the_legend(dec8):
    groups = webmap.feature_groups(dec8)
    assert len(groups) == len(dec8) + 1
    for (spec, frame), group in zip(dec8, groups, strict=False):
        assert len(_features(group)) == len(frame), spec.id
    assert not _features(groups[-1])


def test_features_carry_only_style_and_escaped_html(dec8):
    spec, frame = next((s, f) for s, f in dec8 if s.id == "installations")
    data = webmap.layer_geojson(spec, frame)
    for label, feat in zip(frame.index, data["features"], strict=True):
        assert set(feat["properties"]) == {"_style", "_tip", "_pop", "_key"}
        assert feat["properties"]["_key"] == f"installations#{label}"  # the table's row key
    text = json.dumps(data)
    assert "Tartus naval facility" in text and "Khmeimim air base" in text
    assert "00:00:00" not in text and "NaT" not in text and "nan" not in text.lower().split()


def test_tooltip_and_popup_give_name_status_dates_source_confidence(dec8):
    spec, frame = next((s, f) for s, f in dec8 if s.id == "installations")
    row = frame[frame["id"] == "tartus-site-2024-12-06"].iloc[0]
    data = webmap.layer_geojson(spec, frame[frame["id"] == row["id"]])
    props = data["features"][0]["properties"]
    assert "Tartus naval facility" in props["_tip"]
    assert "Drawing down" in props["_tip"] and "2024-12-06 – 2025-01-27" in props["_tip"]
    assert "medium confidence" in props["_tip"] and "Source:" in props["_tip"]
    popup = props["_pop"]
    for text in ("Status", "Drawing down", "First day", "2024-12-06", "Last day", "2025-01-27",
                 "Planet Labs via Reuters", "Confidence", "medium", "±200 m",
                 "Source no.", f"[{row['source_refs']}] in the Sources list"):
        assert text in popup, text


def test_styles_follow_the_catalog_and_confidence(dec8):
    styles = {}
    for spec, frame in dec8:
        for feat, (_, row) in zip(webmap.layer_geojson(spec, frame)["features"],
                                  frame.iterrows(), strict=True):
            styles[(spec.id, row["id"])] = (feat["properties"]["_style"], row)
    khmeimim = styles[("installations", "khmeimim-site-2024-11-26")][0]
    assert khmeimim["color"] == "#d00000" and khmeimim["radius"] == 7 and khmeimim["fill"]
    assert "dashArray" not in khmeimim, "high confidence is solid"
    runway = styles[("installations", "khmeimim-runway-17l-35r-2024-11-26")][0]
    assert runway["dashArray"] == "6 4" and runway["fill"] is False, "low confidence: dashed"
    for (layer, _), (style, row) in styles.items():
        assert style["className"] == f"bm-feature bm-layer-{layer}"
        if layer == "control_zones":
            colors = load_catalog().get("control_zones").style["colors"]
            assert style["fillColor"] == colors[row["controller"]]
        if layer == "places":
            assert style["fillColor"] == "#ffffff", "places are rings"


def test_coordinates_are_rounded(dec8):
    spec, frame = dec8[0]
    text = json.dumps(webmap.layer_geojson(spec, frame)["features"][0]["geometry"])
    assert not re.search(r"\d\.\d{6,}", text)


def test_base_names_are_always_labelled_others_when_zoomed(dec8):
    spec, frame = next((s, f) for s, f in dec8 if s.id == "installations")
    labels = {f["properties"]["_label"]: f["properties"]["_cls"]
              for f in webmap.site_labels(spec, frame)["features"]}
    assert "bm-site-main" in labels["Tartus naval facility"]
    assert "bm-site-main" in labels["Khmeimim air base"]
    assert "bm-site-main" not in labels["Kobani base"]
    assert not any("outline" in name for name in labels)


def test_legend_lists_what_is_on_the_map(dec8):
    sections = dict((s.id, [e.value for e in entries])
                    for s, entries in webmap.legend_sections(dec8))
    assert sections["evacuation_routes"] == ["air", "sea"], "the inbound airlift and the sealift"
    # TASS 9 Dec: the coast is the opposition's from 8 Dec, so no Assad zone is left.
    assert "hts_led" in sections["control_zones"]
    assert "assad_government" not in sections["control_zones"]
    assert "transitional_government" not in sections["control_zones"]
    assert "places" not in sections


def test_date_change_changes_only_the_groups(loaded):
    def render(day):
        shown = view_layers(loaded, MapView.create(day, loaded.catalog.ids))
        m = webmap.base_map(loaded.catalog)
        base = _get_map_string(m)
        groups = "".join(_get_feature_group_string(g, m, i)
                         for i, g in enumerate(webmap.feature_groups(shown)))
        return base, groups

    base8, groups8 = render("2024-12-08")
    base15, groups15 = render("2024-12-15")
    assert base8 == base15, "the frame's script must not depend on the date"
    assert groups8 != groups15


def test_empty_layer_is_an_empty_group(dec8):
    spec, frame = dec8[0]
    group = webmap.layer_group(spec, frame.iloc[0:0])
    assert not group._children


# --- hostile text ---------------------------------------------------------------------------

def test_hostile_properties_reach_the_page_escaped(write_geojson):
    frame = _frame(write_geojson, [feature("a", square(37, 34), kind="a", **HOSTILE),
                                   feature("b", kind=HOSTILE["comment"], **HOSTILE)])
    spec = _spec(title="<b>T</b> ${t}")
    groups = webmap.feature_groups([(spec, frame)])
    m = webmap.base_map(load_catalog())
    js = _decoded("".join(_get_feature_group_string(g, m, i) for i, g in enumerate(groups)))
    for raw in (*HOSTILE.values(), "<b>T</b>", "${t}"):
        assert raw not in js, raw
    data = _features(groups[0])
    popup = data[0]["properties"]["_pop"]
    assert "&lt;script&gt;window.__pwned=2&lt;/script&gt;" in popup
    assert "&#36;&#123;window.__pwned=3&#125;" in popup
    assert "&#96;;window.__pwned=4;&#96;" in popup
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in data[0]["properties"][
        "_tip"]


def test_hostile_legend_labels_and_colours(write_geojson):
    spec = _spec(style={"by": "kind", "colors": {"a": '#fff" onmouseover="x', "b": "#0b6e4f"},
                        "labels": {"a": "<img src=y onerror=z>", "b": "`b`"},
                        "dash": {"a": '1" onload="x'}})
    frame = _frame(write_geojson, [feature("a", kind="a"), feature("b", kind="b")])
    html = webmap.legend_html(webmap.legend_sections([(spec, frame)]))
    assert "<img" not in html and "onmouseover" not in html and "onload" not in html
    assert "&lt;img src=y onerror=z&gt;" in html and "&#96;b&#96;" in html
    assert 'stroke="#555555"' in html and 'fill="#0b6e4f"' in html
    sidebar = webmap.sidebar_legend_html(spec)
    assert "<img" not in sidebar and "&lt;img" in sidebar


def test_generic_layers_show_their_own_properties_escaped(write_geojson):
    frame = _frame(write_geojson, [feature("a", kind="a", **HOSTILE, extra_count=3)])
    data = webmap.layer_geojson(_spec(), frame)
    popup = data["features"][0]["properties"]["_pop"]
    assert "<th>extra_count</th><td>3</td>" in popup
    assert "<th>comment</th><td>&#96;;window.__pwned=4;&#96;</td>" in popup


def test_open_ended_and_dated_features(write_geojson):
    frame = _frame(write_geojson, [feature("a", valid_from="2024-12-01", valid_to=None),
                                   feature("b", valid_from="2024-12-01",
                                           valid_to="2024-12-02")])
    tips = [f["properties"]["_tip"] for f in webmap.layer_geojson(_spec(), frame)["features"]]
    assert "since 2024-12-01" in tips[0]
    assert "2024-12-01" in tips[1] and "–" not in tips[1], "a one-day feature shows one day"
    assert pd.Timestamp("2024-12-02").strftime("%Y-%m-%d") not in tips[1]


def test_measuring_tool_is_served_locally_and_added_to_the_map():
    m = webmap.base_map(load_catalog())
    html = m.get_root().render()
    assert ("briefing_measure", "/app/static/vendor/briefing/measure.js") in m.default_js
    assert "new L.Control.BriefingMeasure().addTo(" in html
    assert (assets.OWN_ASSETS / "measure.js").is_file()
