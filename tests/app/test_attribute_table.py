"""The "On the map" attribute table (AppTest): a row click flies the map and opens the feature."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _map_sent import sent_features
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
#: FACTS §1: the Tartus naval facility's site point (lat, lon).
TARTUS = (34.915, 35.874)


def _args(at: AppTest) -> dict:
    return json.loads(at.get("component_instance")[0].proto.json_args)


def _table(at: AppTest):
    return next(df for df in at.dataframe if df.key == "on_map_rows")


@pytest.fixture(scope="module")
def on_map() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"date": "2024-12-08"})
    at.session_state["side_tab"] = "On the map"
    at.run()
    assert not at.exception, at.exception
    return at


def test_table_shows_full_names_and_every_column(on_map):
    table = _table(on_map).value
    assert list(table.columns) == ["Layer", "Name", "What", "First day", "Last day",
                                   "Confidence", "Source no.", "Source"]
    assert "Tartus naval facility" in set(table["Name"])
    assert "map_open" not in on_map.session_state


def test_selecting_a_row_flies_the_map_to_that_feature_and_opens_it(on_map):
    at = on_map
    table = _table(at).value
    row = list(table["Name"]).index("Tartus naval facility")
    at.session_state["on_map_rows"] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    assert not at.exception, at.exception
    lat, lon, zoom = at.session_state["map_focus"]
    assert (lat, lon) == pytest.approx(TARTUS, abs=0.03) and zoom >= 10
    key = at.session_state["map_open"]
    args = _args(at)
    assert args["center"] == pytest.approx([lat, lon]) and args["zoom"] == zoom
    assert f"window.bmOpenFeature({json.dumps(key)})" in args["feature_group"]
    # The frame can find it: the feature it draws on this day carries that key.
    assert key in {f.get("_key") for f in sent_features(args)}
    assert any("Tartus naval facility" in m.value for m in at.markdown)
    at.session_state["on_map_rows"] = {"selection": {"rows": [], "columns": []}}
    at.run()
    assert "map_open" not in at.session_state
    assert "bmOpenFeature" not in _args(at)["feature_group"]
