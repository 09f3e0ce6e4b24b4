"""The "Who held this place?" box (AppTest): the same answer as ``python -m layers who``."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def who_app() -> None:
    import streamlit as st

    from dashboard.analysis_panel import render_analysis
    from layers.core.view import MapView
    from layers.ingest.catalog_layers import load_catalog_layers

    loaded = load_catalog_layers()
    clicked = st.session_state.get("test_click")
    view = MapView.create(st.session_state.get("test_day", "2026-01-21"), loaded.catalog.ids)
    render_analysis(loaded, view, tuple(clicked) if clicked else None)


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_function(who_app, default_timeout=60)
    at.session_state["an_open_who"] = True
    at.run()
    assert not at.exception, at.exception
    return at


def _said(at: AppTest) -> str:
    text = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    return text.replace("\\", "")  # data text is shown escaped (md_text)


def test_kobani_by_name_says_nearest_zone(app: AppTest) -> None:
    app.text_input(key="an_who_query").input("Kobani").run()
    assert not app.exception
    said = _said(app)
    assert "Kobani" in said and "Syrian Democratic Forces (SDF)" in said
    assert "since at least 26 Nov 2024" in said and "nearest zone" in said
    assert "confidence: low" in said and "ISW/CTP control maps, mid" in said


def test_raqqa_on_21_jan_2026_changed_on_18_jan(app: AppTest) -> None:
    app.text_input(key="an_who_query").input("Raqqa").run()
    said = _said(app)
    assert "Transitional government" in said and "since 18 Jan 2026" in said


def test_clicked_point_and_bad_name(app: AppTest) -> None:
    app.session_state["test_click"] = (37.052, 41.232)  # Qamishli, after the 30 Jan deal
    app.session_state["test_day"] = "2026-02-01"
    app.run()
    assert "Shared: government and SDF" in _said(app)
    app.text_input(key="an_who_query").input("Atlantis").run()
    assert not app.exception
    assert any("is not a place" in w.value for w in app.warning)
