"""The timeline pack: every feature once, with its validity as day numbers, drawn as today."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from layers.core.timeline import as_of
from layers.core.view import MapView, view_layers
from layers.ingest.catalog_layers import load_catalog_layers
from layers.render import timeline_data as td
from layers.render import webmap_fast as fast


@pytest.fixture(scope="module")
def loaded():
    return load_catalog_layers()


def _zones_spec(loaded):
    return next(s for s in loaded.catalog.layers if s.kind == "control_zones")


def _one_zone(name: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "id": ["z1"], "name": [name], "controller": ["government"],
        "valid_from": [pd.Timestamp("2024-12-01")], "valid_to": [pd.Timestamp("2024-12-09")],
        "source": ["Report <b>1</b>"], "confidence": ["medium"]},
        geometry=[shapely.box(36, 34, 37, 35)], crs="EPSG:4326")


def test_a_feature_valid_1_to_8_december_is_in_the_pack_once(loaded):
    spec = _zones_spec(loaded)
    pack = td.timeline_pack([(spec, _one_zone("Zone A"))], zoom=7)
    (layer,) = pack["layers"]
    assert len(layer["features"]) == 1
    feature = layer["features"][0]
    assert td.from_day_number(feature["from"]) == dt.date(2024, 12, 1)
    assert td.from_day_number(feature["to"]) == dt.date(2024, 12, 9)  # exclusive: gone on 9 Dec
    assert td.features_on(pack, dt.date(2024, 12, 8))[spec.id] == 1
    assert td.features_on(pack, dt.date(2024, 12, 9))[spec.id] == 0
    assert td.features_on(pack, dt.date(2024, 11, 30))[spec.id] == 0
    assert [td.from_day_number(d) for d in pack["change_days"]] == [
        dt.date(2024, 12, 1), dt.date(2024, 12, 9)]
    assert feature["geometry"]["type"] == "Polygon"


def test_hostile_names_stay_escaped(loaded):
    spec = _zones_spec(loaded)
    attack = '<img src=x onerror="window.__pwned=1">'
    pack = td.timeline_pack([(spec, _one_zone(attack))], zoom=7)
    text = td.pack_json(pack)
    assert attack not in text and "<b>1</b>" not in text
    props = pack["layers"][0]["features"][0]["properties"]
    assert "&lt;img" in props["_tip"] and "&lt;b&gt;1&lt;/b&gt;" in props["_pop"]


def test_the_pack_shows_on_each_day_what_the_per_date_script_shows(loaded):
    layers = [(s, loaded.frames[s.id]) for s in loaded.specs()]
    pack = td.timeline_pack(layers, zoom=7.5)
    for day in (dt.date(2024, 12, 1), dt.date(2024, 12, 8), dt.date(2024, 12, 15)):
        shown = view_layers(loaded, MapView.create(day.isoformat(), loaded.catalog.ids))
        counts = td.features_on(pack, day)
        for spec, frame in shown:
            present = frame[~frame.geometry.is_empty & frame.geometry.notna()]
            assert counts[spec.id] == len(present), (spec.id, day)


def test_same_properties_as_the_per_date_script(loaded):
    spec = _zones_spec(loaded)
    frame = loaded.frames[spec.id]
    pack = td.timeline_pack([(spec, frame)], zoom=7.5)
    script = fast.feature_group_script([(spec, as_of(frame, "2024-12-08"))], zoom=7.5,
                                       sources=loaded.frames, with_legend=False)
    tips = {f["properties"]["_tip"] for f in pack["layers"][0]["features"]}
    start = script.index("_0_add({") + len("_0_add(")
    data = json.loads(script[start:script.index(");\n", start)])
    assert {f["properties"]["_tip"] for f in data["features"]} <= tips


def test_events_stay_on_the_map_over_their_window(loaded):
    spec = next(s for s in loaded.catalog.layers if s.kind == "events")
    spec = dataclasses.replace(spec, style={**(spec.style or {}), "window_days": 3})
    frame = gpd.GeoDataFrame({
        "id": ["e1"], "name": ["Strike"], "category": ["control"],
        "valid_from": [pd.Timestamp("2024-12-05")], "valid_to": [pd.NaT],
        "source": ["x"], "confidence": ["low"]},
        geometry=[shapely.Point(37, 35)], crs="EPSG:4326")
    pack = td.timeline_pack([(spec, frame)])
    assert td.features_on(pack, dt.date(2024, 12, 8))[spec.id] == 1
    assert td.features_on(pack, dt.date(2024, 12, 9))[spec.id] == 0
    assert pack["events"] == [{"day": td.day_number(dt.date(2024, 12, 5)), "name": "Strike"}]
