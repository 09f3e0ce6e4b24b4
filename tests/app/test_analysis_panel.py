"""The analysis panel on its own (AppTest): readout, search, measure, rings, change, exposure."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest


def panel_app() -> None:
    import json

    import streamlit as st

    from dashboard.analysis_panel import render_analysis
    from layers.core.view import MapView
    from layers.ingest.catalog_layers import load_catalog_layers

    day = st.session_state.get("test_day", "2024-12-08")
    clicked = st.session_state.get("test_click")
    loaded = load_catalog_layers()
    view = MapView.create(day, loaded.catalog.ids)
    overlays = render_analysis(loaded, view, tuple(clicked) if clicked else None)
    st.text("overlays: " + json.dumps({o.spec.id: [o.spec.title, len(o.frame)]
                                       for o in overlays}))
    st.text("focus: " + json.dumps(st.session_state.get("map_focus")))


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_function(panel_app, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def overlays(at: AppTest) -> dict:
    text = next(t.value for t in at.text if t.value.startswith("overlays:"))
    return json.loads(text.removeprefix("overlays: "))


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


SECTIONS = ("an_open_rings", "an_open_territory", "an_open_change", "an_open_exposure")


def open_sections(at: AppTest, *keys: str) -> AppTest:
    """Open collapsed sections, as a click on their headers does (they compute only when open)."""
    for key in keys or SECTIONS:
        at.session_state[key] = True
    return rerun(at)


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def frame_with(at: AppTest, column: str):
    return next(f for f in frames(at) if column in f.columns)


def test_default_panel_measures_tartus_to_khmeimim_and_draws_nothing(app):
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Distance"] == "55.5 km"
    assert metrics["Initial bearing"].endswith("° N") and metrics["Initial bearing"][0] == "6"
    assert overlays(app) == {}
    open_sections(app)
    assert overlays(app) == {}
    ground = frame_with(app, "Ground within 200 km")
    assert ground["km²"].sum() == pytest.approx(3.14159 * 200**2, rel=0.01)
    assert set(frame_with(app, "Ring")["Ring"]) == {"≤ 50 km", "≤ 100 km", "≤ 200 km"}
    areas = next(f for f in frames(app) if "Held on 08 Dec 2024" in f.columns)
    assert areas["km²"].sum() == pytest.approx(185_941, abs=2)


def test_click_readout_in_three_notations_and_who_holds_it(app):
    app.session_state["test_click"] = (34.915, 35.874)
    rerun(app)
    code = app.code[0].value
    assert "34.91500, 35.87400" in code and "34°54'54.0\"N 35°52'26.4\"E" in code
    assert "MGRS 36S YD 62566 67387" in code
    caption = " ".join(c.value for c in app.caption)
    assert "Held by" in caption and "of Tartus" in caption


def test_search_sets_the_map_focus(app):
    app.text_input(key="an_search").set_value("Hmeymim")
    rerun(app)
    assert app.selectbox(key="an_search_pick").options[0].startswith("Khmeimim air base")
    app.button(key="an_search_go").click()
    rerun(app)
    focus = next(t.value for t in app.text if t.value.startswith("focus:"))
    assert json.loads(focus.removeprefix("focus: ")) == [35.41167, 35.945, 11]


def test_measure_from_a_clicked_point_and_draw_it(app):
    app.session_state["test_click"] = (33.5131, 36.2919)  # Damascus
    rerun(app)
    app.button(key="an_from_click").click()
    rerun(app)
    assert app.text_input(key="an_from").value == "33.51310, 36.29190"
    app.checkbox(key="an_measure_show").check()
    rerun(app)
    distance = float(next(m.value for m in app.metric if m.label == "Distance").split()[0])
    assert 200 < distance < 230  # Damascus to Khmeimim
    assert overlays(app)["analysis-measure"] == ["Measured distance", 1]


def test_bad_place_is_a_warning_not_a_crash(app):
    app.text_input(key="an_to").set_value("Atlantis")
    rerun(app)
    assert any("not a place" in w.value for w in app.warning)
    assert not [m for m in app.metric if m.label == "Distance"]


def test_closed_sections_compute_nothing_and_opening_one_draws_it(app):
    assert {e.label for e in app.expander} >= {"Range rings", "Territory over time",
                                               "Change between two dates", "Route exposure"}
    assert not [f for f in frames(app) if {"Ring", "Gained", "Through"} & set(f.columns)]
    assert app.session_state["an_open_rings"] is False
    open_sections(app, "an_open_rings")
    assert any("only while this section is open" in c.value for c in app.caption)
    app.text_input(key="an_radii").set_value("70")
    app.checkbox(key="an_rings_show").check()
    assert overlays(rerun(app))["analysis-rings"] == ["Range rings: Khmeimim air base", 1]
    app.session_state["an_open_rings"] = False
    assert overlays(rerun(app)) == {}
    assert not [f for f in frames(app) if "Ring" in f.columns]
    open_sections(app, "an_open_rings")  # reopened: its inputs were kept while closed
    assert app.text_input(key="an_radii").value == "70"
    assert overlays(app)["analysis-rings"] == ["Range rings: Khmeimim air base", 1]


def test_range_rings_table_and_overlay(app):
    open_sections(app, "an_open_rings")
    app.text_input(key="an_radii").set_value("60, 30")
    app.checkbox(key="an_rings_show").check()
    rerun(app)
    table = frame_with(app, "Ring")
    assert set(table["Ring"]) <= {"≤ 30 km", "≤ 60 km"}
    assert "Tartus naval facility" in set(table["Name"]) and "Jableh" in set(table["Name"])
    assert overlays(app)["analysis-rings"] == ["Range rings: Khmeimim air base", 2]
    app.text_input(key="an_radii").set_value("fifty")
    rerun(app)
    assert any("Radii" in w.value for w in app.warning)


def test_change_between_dates_tables_and_overlays(app):
    open_sections(app, "an_open_change")
    app.checkbox(key="an_change_show").check()
    app.checkbox(key="an_compare_show").check()
    rerun(app)
    summary = next(f for f in frames(app) if "Gained" in f.columns)
    row = summary.set_index("Controller").loc["Assad government"]
    assert row["08 Dec"] < row["26 Nov"] and row["Lost"] > 100_000
    found = overlays(app)
    assert found["analysis-change"][0] == "Changed hands 26 Nov 2024 → 8 Dec 2024"
    assert found["analysis-change"][1] >= 5
    assert found["analysis-compare"][0] == "Zones on 26 Nov 2024"


def test_route_exposure_on_13_december(app):
    # The FT reported the convoy on 15 Dec as done "in recent days": it is drawn 13-14 Dec.
    app.session_state["test_day"] = "2024-12-13"
    open_sections(app, "an_open_exposure")
    table = next(f for f in frames(app) if "Through" in f.columns)
    convoy = table[table["Route"] == "Damascus-area evacuation convoy to Khmeimim"]
    assert convoy["km"].sum() == pytest.approx(convoy["Route km"].iloc[0], abs=0.2)
    assert convoy.iloc[0]["Through"] == "HTS-led forces (MOC)"


def test_typed_text_is_shown_as_text_not_markdown(app):
    app.text_input(key="an_to").set_value("[evil](javascript:alert(1)) **bold**")
    rerun(app)
    warning = next(w.value for w in app.warning if "not a place" in w.value)
    assert "\\[evil\\]" in warning and "\\*\\*bold\\*\\*" in warning
