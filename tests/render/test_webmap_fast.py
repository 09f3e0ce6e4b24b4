"""The fast map script: the same features, styles, tooltips and popups as the Folium path."""

from __future__ import annotations

import gc
import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from layers.core.view import MapView, view_layers
from layers.ingest.catalog_layers import load_catalog_layers
from layers.render import lod as _lod
from layers.render import webmap
from layers.render import webmap_fast as fast

ADD = re.compile(r"geo_json_feature_group_(\d+)_0_add\((\{.*\})\);$", re.MULTILINE)


@pytest.fixture(scope="module")
def dec8():
    loaded = load_catalog_layers()
    view = MapView.create("2024-12-08", loaded.catalog.ids)
    return loaded, view_layers(loaded, view)


def _collections(script: str) -> dict[int, dict]:
    return {int(m.group(1)): json.loads(m.group(2)) for m in ADD.finditer(script)}


def test_same_features_properties_and_points_as_webmap(dec8):
    loaded, shown = dec8
    script = fast.feature_group_script(shown, sources=loaded.frames)
    got = _collections(script)
    assert len(got) == len(shown)
    for i, (spec, frame) in enumerate(shown):
        ref = json.loads(json.dumps(webmap.layer_geojson(spec, frame)))["features"]
        mine = got[i]["features"]
        assert [f["properties"] for f in mine] == [f["properties"] for f in ref], spec.id
        for a, b in zip(mine, ref, strict=True):
            if a["geometry"]["type"] == "Point":
                assert a["geometry"] == b["geometry"]
            else:
                area = shapely.area(shapely.geometry.shape(b["geometry"]))
                assert shapely.area(shapely.geometry.shape(a["geometry"])) == pytest.approx(
                    area, rel=0.05, abs=1e-6), spec.id


def test_every_group_is_added_and_the_legend_comes_last(dec8):
    loaded, shown = dec8
    script = fast.feature_group_script(shown, sources=loaded.frames)
    for i in range(len(shown) + 1):
        assert f"map_div.addLayer(feature_group_feature_group_{i});" in script
    assert "bm-legend-control" in script and "Legend" in script
    assert "geo_json_feature_group_2_1_add(" in script  # site labels of the installations
    assert "http" not in script.replace("https://", "").lower() or "cdn" not in script.lower()


def test_zones_get_more_detail_as_the_map_zooms_in(dec8):
    loaded, shown = dec8
    counts = []
    for zoom in (6, 9, 15):
        zones = _collections(fast.feature_group_script(shown, zoom=zoom,
                                                       sources=loaded.frames))[0]
        counts.append(sum(len(json.dumps(f["geometry"])) for f in zones["features"]))
    assert counts[0] < counts[1] < counts[2]


def test_a_date_seen_before_is_a_cache_hit(dec8):
    loaded, shown = dec8
    first = fast.feature_group_script(shown, sources=loaded.frames)
    assert fast.feature_group_script(shown, sources=loaded.frames) is first


def test_text_cannot_close_the_script():
    text = fast.js_json({"_tip": "</script><img src=x onerror=alert(1)> & 'x'"})
    assert "<" not in text and ">" not in text and "&" not in text and "'" not in text
    assert json.loads(text)["_tip"].startswith("</script>")


def _events(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(5)
    return gpd.GeoDataFrame({
        "id": [f"e{i}" for i in range(n)], "name": [f"Event {i}" for i in range(n)],
        "category": rng.choice(["control", "russian_forces"], n),
        "valid_from": pd.Timestamp("2024-12-01"), "valid_to": pd.Timestamp("2024-12-02"),
        "source": "synthetic", "confidence": "medium"},
        geometry=shapely.points(rng.uniform(36, 41, n), rng.uniform(33, 37, n)),
        crs="EPSG:4326")


def test_dense_events_are_aggregated_and_all_counted(dec8):
    loaded, _ = dec8
    spec = next(s for s in loaded.catalog.layers if s.kind == "events")
    frame = _events(3 * _lod.MAX_POINTS)
    features = _collections(fast.feature_group_script([(spec, frame)], zoom=6))[0]["features"]
    assert len(features) < len(frame)
    clusters = [f for f in features if "events here" in f["properties"]["_tip"]]
    assert clusters
    counted = sum(int(re.search(r"(\d+) events here", f["properties"]["_tip"]).group(1))
                  for f in clusters) + len(features) - len(clusters)
    assert counted == len(frame)
    radius = {f["properties"]["_style"]["radius"] for f in clusters}
    assert min(radius) > spec.style.get("radius", 5)


def test_the_cache_of_a_reloaded_layer_goes_with_it(dec8):
    loaded, _ = dec8
    spec = next(s for s in loaded.catalog.layers if s.kind == "events")
    frame = _events(10)
    fast.feature_group_script([(spec, frame.iloc[:5])], sources={spec.id: frame})
    before = len(fast._STORES)
    del frame
    gc.collect()
    assert len(fast._STORES) < before
