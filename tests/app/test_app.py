"""The page, run headless with Streamlit's AppTest: widgets, URL, and what the map is sent.

The map is a streamlit-folium component; its arguments (``json_args``) are what
the browser receives: the frame's script, and the date's layers as feature-group
JavaScript. The frame's ``key`` must not change when only the date or a toggle
does, or the browser would rebuild the map and lose the analyst's view.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import _hostile
import pytest
from _map_sent import sent_features, timeline_options
from conftest import feature, square
from streamlit.testing.v1 import AppTest

from layers.core.catalog import LayerSpec
from layers.core.view import Overlay
from layers.ingest.load import load_layer

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
REPO = Path(__file__).resolve().parents[2]
DEC8 = dt.date(2024, 12, 8)


def _run(query: dict | None = None, **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query or {})
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _args(at: AppTest) -> dict:
    return json.loads(at.get("component_instance")[0].proto.json_args)


def _layers(at: AppTest) -> dict[str, list[dict]]:
    """Features the map draws on the server's day, by layer id (from each class name)."""
    out: dict[str, list[dict]] = {}
    for props in sent_features(_args(at)):
        layer = props["_style"]["className"].split("bm-layer-")[1]
        out.setdefault(layer, []).append(props)
    return out


def _tips(at: AppTest, layer: str) -> str:
    return " | ".join(p["_tip"] for p in _layers(at).get(layer, []))


@pytest.fixture(scope="module")
def default_run() -> AppTest:
    return _run()


def test_default_page_shows_8_december_with_every_layer(default_run):
    at = default_run
    assert at.date_input(key="day").value == DEC8
    layers = _layers(at)
    assert set(layers) == {"control_zones", "evacuation_routes", "installations", "events",
                           "places"}
    assert "Tartus naval facility" in _tips(at, "installations")
    assert "Khmeimim air base" in _tips(at, "installations")
    assert len(layers["control_zones"]) >= 5
    assert all(at.toggle(key=f"layer:{lid}").value for lid in layers)


def test_the_map_loads_nothing_from_another_host(default_run):
    args = _args(default_run)
    # One script file, served from the app's static folder: Leaflet first, then the
    # app's own scripts, then the drawing toolbar (the one third-party plugin, vendored).
    [bundle] = args["js_links"]
    assert re.fullmatch(r"/app/static/vendor/bundle-[0-9a-f]{20}\.js", bundle), bundle
    text = (REPO / "dashboard/static" / bundle.removeprefix("/app/static/")).read_text()
    parts = re.findall(r"^/\* (/app/static/\S+) \*/$", text, flags=re.MULTILINE)
    assert parts[0] == "/app/static/vendor/leaflet/leaflet.js"
    assert parts[-1] == "/app/static/vendor/leaflet-draw/leaflet.draw.js"
    assert "/app/static/vendor/briefing/measure.js" in parts
    assert "/app/static/vendor/briefing/timeline.js" in parts
    assert all(p.startswith("/app/static/vendor/briefing/") for p in parts[1:-1]), parts
    for link in parts:  # each part is the installed file, whole
        installed = (REPO / "dashboard/static" / link.removeprefix("/app/static/")).read_text()
        assert installed in text
    for link in args["css_links"]:
        assert (REPO / "dashboard/static" / link.removeprefix("/app/static/")).is_file()
    assert args["css_links"] == ["/app/static/vendor/leaflet/leaflet.css",
                                 "/app/static/vendor/leaflet-draw/leaflet.draw.css"]
    for text in (args["script"], args["header"], args["feature_group"]):
        assert not re.search(r"https?://(?!leafletjs\.com)", text)
    # The view, the click, the toolbar's drawings and the timeline's settled date.
    assert sorted(args["returned_objects"]) == ["all_drawings", "bounds", "center",
                                                "last_clicked", "last_object_clicked_tooltip",
                                                "zoom"]


def test_url_records_the_view(default_run):
    params = default_run.query_params
    assert params["date"] == "2024-12-08"
    assert params["layers"] == "control_zones,evacuation_routes,installations,events,places"
    assert params["basemap"] == "offline"


def test_moving_the_slider_swaps_layers_in_the_same_frame(default_run):
    at = _run()
    before = _args(at)
    at.date_input(key="day").set_value(dt.date(2024, 12, 15)).run()
    after = _args(at)
    assert after["key"] == before["key"] and after["script"] == before["script"]
    assert after["feature_group"] != before["feature_group"]
    tips = _tips(at, "installations")
    assert "Tiyas (T-4)" in tips and "Drawing down · 2024-12-15" in tips
    # 8 Dec: the sealift and the inbound airlift; 15 Dec: the T-4 withdrawal and the airlift out.
    assert "T-4 detachment withdrawal" in _tips(at, "evacuation_routes")
    assert "T-4 detachment withdrawal" not in _tips(default_run, "evacuation_routes")
    assert at.query_params["date"] == "2024-12-15"


def test_a_toggle_removes_its_layer_in_the_same_frame():
    at = _run()
    key = _args(at)["key"]
    at.toggle(key="layer:installations").set_value(False).run()
    assert "installations" not in _layers(at)
    assert _args(at)["key"] == key
    assert "installations" not in at.query_params["layers"]


@pytest.mark.parametrize(("button", "expected"), [("next_change", dt.date(2024, 12, 9)),
                                                  ("prev_change", dt.date(2024, 12, 7))])
def test_jump_buttons_go_to_the_neighbouring_change_day(button, expected):
    at = _run()
    at.button(key=button).click().run()
    assert at.date_input(key="day").value == expected


def test_jump_list_moves_the_slider():
    at = _run()
    at.selectbox(key="jump").set_value(dt.date(2024, 12, 15)).run()
    assert at.date_input(key="day").value == dt.date(2024, 12, 15)
    assert "Dec 2024" in at.selectbox(key="jump").format_func(dt.date(2024, 12, 15))


def test_the_page_follows_the_date_the_map_settled_on_and_never_pulls_it_back():
    at = _run()
    first = timeline_options(_args(at))
    assert first["day"] == (DEC8 - dt.date(1970, 1, 1)).days
    # The frame's timeline reports the day it settled on (timeline.js, on drag release).
    at.session_state["map"] = {"last_object_clicked_tooltip": "day:2024-12-15#f1.1"}
    at.run()
    assert at.date_input(key="day").value == dt.date(2024, 12, 15)
    assert "as of Sun 15 Dec 2024" in at.markdown[0].value
    assert at.query_params["date"] == "2024-12-15"
    # The frame shows that day already: same sequence, so it is not told to jump.
    assert timeline_options(_args(at))["seq"] == first["seq"]
    # The server moves the date itself (the date box): a new sequence, the frame follows.
    at.date_input(key="day").set_value(dt.date(2024, 12, 10)).run()
    moved = timeline_options(_args(at))
    assert moved["seq"] > first["seq"]
    assert moved["day"] == (dt.date(2024, 12, 10) - dt.date(1970, 1, 1)).days
    # The same (stale) report again changes nothing.
    at.run()
    assert at.date_input(key="day").value == dt.date(2024, 12, 10)
    assert "T-4 detachment withdrawal" not in _tips(at, "evacuation_routes")


def test_a_shared_link_reopens_its_view():
    at = _run({"date": "2024-12-15", "layers": "control_zones,installations",
               "view": "35.4100,35.9500,10", "basemap": "offline"})
    assert at.date_input(key="day").value == dt.date(2024, 12, 15)
    assert set(_layers(at)) == {"control_zones", "installations"}
    assert not at.toggle(key="layer:events").value
    script = _args(at)["script"]
    assert "[35.41, 35.95]" in script and '"zoom": 10' in script


def test_a_broken_link_falls_back_to_the_defaults():
    at = _run({"date": "2024-13-45", "layers": "nope,<script>", "view": "x,y,z",
               "basemap": "evil"})
    assert at.date_input(key="day").value == DEC8
    assert "installations" in _layers(at)
    assert at.radio(key="basemap").value == "offline"
    notes = " ".join(c.value for c in at.sidebar.caption)
    assert "is not YYYY" in notes and "unknown layer" in notes
    assert "<script>" not in notes


def test_online_basemap_is_an_explicit_choice():
    at = _run()
    key = _args(at)["key"]
    at.radio(key="basemap").set_value("osm").run()
    args = _args(at)
    assert "tile.openstreetmap.org" in args["script"]
    assert args["key"] != key, "a new basemap is a new frame"
    assert at.query_params["basemap"] == "osm"


def test_the_analysis_panel_can_move_the_map():
    at = _run(map_focus=(35.41, 35.95, 12))
    args = _args(at)
    assert args["center"] == [35.41, 35.95] and args["zoom"] == 12


def test_the_map_report_reaches_the_panels_and_the_url(monkeypatch):
    import dashboard.analysis_panel as analysis_panel
    import dashboard.downloads as downloads

    seen = {}
    monkeypatch.setattr(analysis_panel, "render_analysis",
                        lambda loaded, view, clicked: seen.update(clicked=clicked) or [])
    monkeypatch.setattr(downloads, "render_downloads",
                        lambda loaded, view: seen.update(bbox=view.bbox))
    report = {"last_clicked": {"lat": 34.5, "lng": 38.25},
              "center": {"lat": 35.1, "lng": 36.7}, "zoom": 9,
              "bounds": {"_southWest": {"lat": 34.6, "lng": 35.9},
                         "_northEast": {"lat": 35.6, "lng": 37.5}}}
    at = _run(map=report, main_tab="Export")
    assert seen == {"clicked": (34.5, 38.25), "bbox": (35.9, 34.6, 37.5, 35.6)}
    assert at.query_params["view"] == "35.1000,36.7000,9"
    assert at.session_state["map_bbox"] == (35.9, 34.6, 37.5, 35.6)


def test_side_panels_list_events_features_and_sources():
    at = _run()
    tables = [df.value for df in at.dataframe]
    events = next(t for t in tables if "Event" in t.columns)
    assert "Damascus falls" in " ".join(events["Event"])
    assert set(events["When"]) >= {"today"}
    assert not [t for t in tables if "Layer" in t.columns or "Features" in t.columns], \
        "hidden side tabs are not computed"
    at.session_state["side_tab"] = "On the map"
    at.run()
    tables = [df.value for df in at.dataframe]
    on_map = next(t for t in tables if "Layer" in t.columns and "Name" in t.columns)
    assert len(on_map) == sum(len(v) for v in _layers(at).values())
    assert "Tartus naval facility" in set(on_map["Name"])
    assert not [t for t in tables if "Event" in t.columns]
    at.session_state["side_tab"] = "Sources"
    at.run()
    sources = next(df.value for df in at.dataframe
                   if list(df.value.columns) == ["No.", "Publication", "Date", "Supports",
                                                 "Features"])
    # Each reference once, numbered; the "On the map" table points at those numbers.
    cited = {r.strip() for v in on_map["Source"] for r in v.split(";") if r.strip()}
    assert len(sources) == len(cited) and sources["No."].is_unique
    numbers = {int(n) for v in on_map["Source no."] for n in v.split(", ") if n}
    assert numbers == set(sources["No."])
    paste = next(c.value for c in at.code if " — " in c.value)  # the text to paste
    assert [int(line.split(".")[0]) for line in paste.splitlines()] == list(sources["No."])


def test_closed_analysis_sections_draw_nothing_until_opened():
    at = _run(an_open_rings=True)
    at.checkbox(key="an_rings_show").check().run()
    assert len(_layers(at)["analysis-rings"]) == 3  # 50, 100, 200 km
    at.session_state["an_open_rings"] = False
    at.run()
    assert "analysis-rings" not in _layers(at)
    assert not [df for df in at.dataframe if "Ring" in df.value.columns]
    at.session_state["an_open_rings"] = True
    at.run()
    assert len(_layers(at)["analysis-rings"]) == 3, "reopened with its inputs kept"


def _overlay(write_geojson, layer_id: str, title: str) -> Overlay:
    frame = load_layer(write_geojson([feature("o1", square(38, 34), kind="x",
                                              name="Overlay square")], name=f"{layer_id}.json"),
                       "generic")
    spec = LayerSpec(id=layer_id, title=title, path=Path(""), kind="generic",
                     geometry="polygon", style={"by": "kind", "colors": {"x": "#123456"}})
    return Overlay(spec, frame)


def test_uploads_and_analysis_overlays_are_drawn(monkeypatch, write_geojson):
    import dashboard.analysis_panel as analysis_panel
    import dashboard.uploads as uploads

    upload = _overlay(write_geojson, "upload-1", "My <b>sites</b>")
    rings = _overlay(write_geojson, "rings", "Range rings")
    seen = {}
    monkeypatch.setattr(uploads, "render_uploads", lambda: [upload])

    def fake_analysis(loaded, view, clicked):
        seen["upload in view"] = "upload-1" in view.layer_ids
        return [rings]

    monkeypatch.setattr(analysis_panel, "render_analysis", fake_analysis)
    at = _run()
    assert seen["upload in view"]
    assert {"upload-1", "rings"} <= set(_layers(at))
    toggle = at.toggle(key="layer:overlay:upload-1")
    assert toggle.label == r"My <b>sites</b>".replace("<", "\\<").replace(">", "\\>")
    toggle.set_value(False).run()
    assert "upload-1" not in _layers(at) and "rings" in _layers(at)


def test_hostile_text_is_escaped_everywhere(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_GEODATA", str(_hostile.build(tmp_path / "geodata")))
    at = _run({"layers": "control_zones,hostile"})
    sent = json.dumps(_args(at))
    for attack in (*_hostile.STRINGS, _hostile.LABEL, "<b>title</b>"):
        assert attack not in sent and json.dumps(attack)[1:-1] not in sent, attack
    props = _layers(at)["hostile"]
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in props[0]["_tip"]
    html = " ".join(m.value for m in at.sidebar.markdown)
    assert "<img" not in html and "&lt;img src=y onerror=window.__pwned=6&gt;" in html
    assert 'onmouseover' not in html
    label = at.toggle(key="layer:hostile").label
    assert "\\<b\\>" in label and "\\$" in label and "\\[link\\]" in label


def test_a_broken_layer_is_reported_and_the_others_drawn(tmp_path, monkeypatch):
    root = _hostile.build(tmp_path / "geodata")
    (root / "events.geojson").write_text('{"type": "FeatureCollection", "features": [',
                                         encoding="utf-8")
    monkeypatch.setenv("BRIEFING_GEODATA", str(root))
    at = _run()
    assert "events" not in _layers(at) and "installations" in _layers(at)
    assert at.toggle(key="layer:events").disabled
    assert any("not loaded" in e.value for e in at.sidebar.error)
