"""Uploads kept in the workspace (AppTest): back after a reload and a restart, owner's choice.

Each test has its own workspace store (``BRIEFING_WORKSPACE``, set by the conftest);
a "reload" is a new AppTest session on it, a "restart" also empties Streamlit's
resource cache so the store is opened again from its file.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from layers.store import Store
from layers.store.engine import default_path
from layers.store.workspace import list_items

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
SITES = (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
         b'{"id":"tartus","name":"Tartus","valid_from":"2024-12-01","source":"x",'
         b'"confidence":"high"},"geometry":{"type":"Point","coordinates":[35.8867,34.9117]}}]}')


def panel_app() -> None:
    import streamlit as st

    from dashboard.uploads import render_uploads

    overlays = render_uploads()
    st.text("overlays: " + ", ".join(f"{o.spec.id}={len(o.frame)}" for o in overlays))


def _session(user: str = "ana", **state) -> AppTest:
    at = AppTest.from_function(panel_app, default_timeout=120)
    at.session_state["workspace:user"] = user
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _upload(at: AppTest, name: str = "sites.geojson", data: bytes = SITES) -> AppTest:
    at.file_uploader[0].set_value([(name, data, "application/geo+json")]).run()
    assert not at.exception, at.exception
    return at


def _overlays(at: AppTest) -> str:
    return next(t.value for t in at.text if t.value.startswith("overlays:"))


def _items(user: str) -> list:
    with Store(f"sqlite:///{default_path()}") as store:
        return list_items(store, user, "upload")


def test_an_upload_comes_back_after_a_reload_and_a_restart():
    at = _upload(_session())
    assert _overlays(at) == "overlays: upload-sites=1"
    assert any("saved, private" in m.value for m in at.markdown)
    [item] = _items("ana")
    assert (item.owner, item.shared, item.payload["file"]) == ("ana", False, "sites.geojson")

    again = _session()  # a reload: a new session, nothing uploaded in it
    assert _overlays(again) == "overlays: upload-sites=1"
    st.cache_resource.clear()  # a restart: the store is opened again from its file
    st.cache_data.clear()
    after_restart = _session()
    assert _overlays(after_restart) == "overlays: upload-sites=1"
    # A second file of the same name is a second layer, kept as a second item.
    _upload(after_restart, data=SITES.replace(b"Tartus", b"Tartous"))
    assert _overlays(after_restart) == "overlays: upload-sites=1, upload-sites-2=1"
    assert len(_items("ana")) == 2


def test_private_is_the_owners_shared_is_everyones_and_only_the_owner_deletes():
    _upload(_session())  # private
    _upload(_session(**{"uploads:shared": True}), "team.geojson")
    assert _overlays(_session("ben")) == "overlays: upload-team=1"
    bens = _session("ben")
    assert any("shared by ana" in m.value for m in bens.markdown)
    bens.button(key="uploads:remove:upload-team").click().run()  # hides it for ben only
    assert _overlays(bens) == "overlays:"
    assert len(_items("ana")) == 2

    anas = _session()
    assert _overlays(anas) == "overlays: upload-sites=1, upload-team=1"
    anas.button(key="uploads:remove:upload-team").click().run()  # the owner deletes it
    assert [i.name for i in _items("ana")] == ["upload-sites"]
    assert _overlays(_session("ben")) == "overlays:"
    assert _overlays(_session()) == "overlays: upload-sites=1"


def test_the_page_lists_a_saved_upload_in_a_new_session():
    _upload(_session(user="ana"))
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["workspace:user"] = "ana"
    at.run()
    assert not at.exception, at.exception
    assert any("sites" in m.value and "saved, private" in m.value for m in at.markdown)
    toggle = at.toggle(key="layer:overlay:upload-sites")
    assert toggle.value is True  # on the map, in the layer list, in the exports


def test_a_renamed_and_recoloured_upload_comes_back_so_and_only_its_owner_keeps_it():
    at = _upload(_session(**{"uploads:shared": True}))
    at.text_input(key="uploads:title:upload-sites").input("Port <b>sites</b>").run()
    at.color_picker(key="uploads:color:upload-sites").pick("#00CED1").run()
    assert not at.exception, at.exception
    [item] = _items("ana")
    assert item.payload["look"] == {"title": "Port <b>sites</b>", "color": "#00ced1"}

    again = AppTest.from_function(style_app, default_timeout=120)
    again.session_state["workspace:user"] = "ana"
    again.run()
    assert [t.value for t in again.text if t.value.startswith("look ")] == [
        "look upload-sites: Port <b>sites</b> | #00ced1"]

    other = AppTest.from_function(style_app, default_timeout=120)
    other.session_state["workspace:user"] = "ben"
    other.run()
    other.color_picker(key="uploads:color:upload-sites").pick("#123456").run()
    [item] = _items("ana")
    assert item.payload["look"]["color"] == "#00ced1"  # ben's colour is his session's only


def style_app() -> None:
    import streamlit as st

    from dashboard.uploads import render_uploads

    for o in render_uploads():
        st.text(f"look {o.spec.id}: {o.spec.title} | {o.spec.style.get('color')}")
