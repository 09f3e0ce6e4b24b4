"""Uploads renamed and restyled in "Your layers" (AppTest): name, colour and symbol stick."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def panel_app() -> None:
    import streamlit as st

    from dashboard.uploads import render_uploads
    from layers.render.style import feature_style

    for o in render_uploads():
        look = feature_style(o.spec, {})
        st.text(f"overlay {o.spec.id}: {o.spec.title} | {look.color} | {look.shape} | "
                f"{o.spec.style.get('by')}")


SIDES = (b'{"type":"FeatureCollection","features":['
         b'{"type":"Feature","properties":{"name":"a","side":"x"},'
         b'"geometry":{"type":"Point","coordinates":[35.9,34.9]}},'
         b'{"type":"Feature","properties":{"name":"b","side":"y"},'
         b'"geometry":{"type":"Point","coordinates":[36.0,35.0]}}]}')


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_function(panel_app, default_timeout=30)
    at.run()
    at.file_uploader[0].set_value([("my_sites_v2.geojson", SIDES, "application/json")]).run()
    assert not at.exception, at.exception
    return at


def _line(at: AppTest) -> str:
    return next(t.value for t in at.text if t.value.startswith("overlay "))


def test_rename_recolour_and_change_symbol(app):
    assert "my_sites_v2.geojson" in _line(app) and _line(app).endswith("| side")
    app.selectbox(key="uploads:shape:upload-my-sites-v2").select("triangle").run()
    assert "| triangle | side" in _line(app), "a new symbol keeps the colours by value"
    app.text_input(key="uploads:title:upload-my-sites-v2").input("  Our  patrol sites ").run()
    app.color_picker(key="uploads:color:upload-my-sites-v2").pick("#00CED1").run()
    assert _line(app) == ("overlay upload-my-sites-v2: Our patrol sites | #00ced1 | triangle "
                          "| None")


def test_a_blank_name_keeps_the_old_one(app):
    app.text_input(key="uploads:title:upload-my-sites-v2").input("   ").run()
    assert "my_sites_v2.geojson |" in _line(app)
