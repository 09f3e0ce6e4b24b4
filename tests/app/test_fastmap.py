"""The map component fed from cached pieces gets the same arguments ``st_folium`` would send."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit_folium import generate_js_hash

REPO = Path(__file__).resolve().parents[2]  # on sys.path (pyproject), as the page needs


def _page() -> None:
    import streamlit as st
    from streamlit_folium import st_folium

    from dashboard import _fastmap
    from dashboard._first_paint import show_map
    from layers.core.catalog import load_catalog
    from layers.render import webmap

    catalog = load_catalog()
    st_folium(webmap.base_map(catalog), key="a", height=300, use_container_width=True,
              returned_objects=["last_clicked", "zoom"], feature_group_to_add=[])
    show_map(_fastmap.component_args(_fastmap.base_args(webmap.base_map(catalog)), "",
                                     key="b", height=300,
                                     returned_objects=["last_clicked", "zoom"]))
    st.session_state["done"] = True


def test_same_arguments_as_st_folium():
    at = AppTest.from_function(_page, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    folium_args, fast_args = (json.loads(c.proto.json_args)
                              for c in at.get("component_instance"))
    assert set(fast_args) == set(folium_args)
    for name in ("script", "header", "html", "id", "height", "width", "returned_objects",
                 "default", "css_links", "js_links", "zoom", "center"):
        assert fast_args[name] == folium_args[name], name
    # The frame's key is the hash of the script and the key: "b" here, "a" for st_folium.
    assert fast_args["key"] == generate_js_hash(folium_args["script"], "b", False)
    assert folium_args["key"] == generate_js_hash(folium_args["script"], "a", False)
    assert len(fast_args["script"]) > 1000 and fast_args["js_links"]
    assert all(link.startswith("/app/static/") for link in fast_args["js_links"])


def test_the_offline_basemap_goes_as_a_file_the_frame_fetches(tmp_path):
    import re

    from dashboard import _fastmap
    from layers.core.catalog import load_catalog
    from layers.render import webmap

    base = _fastmap.base_args(webmap.base_map(load_catalog()))
    moved = _fastmap.external_ground(base, tmp_path, "/app/static/ground")
    # Every layer's data left the script; one fetch of one file brings it all back.
    assert len(moved.script) < len(base.script) / 5
    assert not re.search(r"geo_json_\w+_add\(\{", moved.script)
    [name] = [p.name for p in tmp_path.iterdir()]
    assert f'fetch("/app/static/ground/{name}"' in moved.script
    data = json.loads((tmp_path / name).read_text(encoding="utf-8"))
    adds = re.findall(r"(geo_json_\w+)_add\(data\[(\d+)\]\);", moved.script)
    inline = dict(re.findall(r"^[ \t]*(geo_json_\w+)_add\((\{.*\})\);[ \t]*$", base.script,
                             re.MULTILINE))
    assert {fn for fn, _ in adds} == set(inline)  # the same layers, each given its own data
    for fn, i in adds:
        assert data[int(i)] == json.loads(inline[fn])
    assert len(data) < len(adds)  # the borders drawn twice are stored once
    # A new script is a new frame key (the component keys the frame by its script).
    assert moved.leaflet_hash("map") != base.leaflet_hash("map")
