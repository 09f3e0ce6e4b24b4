"""The upload panel on its own (AppTest): report, layer list, removal, repair, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

CORPUS = Path(__file__).resolve().parents[1] / "bad_files"


def panel_app() -> None:
    import streamlit as st

    from dashboard.uploads import render_uploads

    overlays = render_uploads()
    st.text("overlays: " + ", ".join(f"{o.spec.id}={len(o.frame)}" for o in overlays))


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_function(panel_app, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, *names: str, raw: dict[str, bytes] | None = None) -> AppTest:
    files = [(n, (CORPUS / n).read_bytes(), "application/octet-stream") for n in names]
    files += [(n, d, "application/octet-stream") for n, d in (raw or {}).items()]
    at.file_uploader[0].set_value(files).run()
    assert not at.exception, at.exception
    return at


def overlays(at: AppTest) -> str:
    return next(t.value for t in at.text if t.value.startswith("overlays:"))


def sites_geojson() -> bytes:
    return (b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
            b'{"id":"tartus","name":"Tartus","valid_from":"2024-12-01","source":"x",'
            b'"confidence":"high"},"geometry":{"type":"Point","coordinates":[35.8867,34.9117]}}]}')


def test_good_file_becomes_a_layer_and_picker_empties(app):
    upload(app, raw={"sites.geojson": sites_geojson()})
    assert overlays(app) == "overlays: upload-sites=1"
    assert [s.value for s in app.success] == ["**sites\\.geojson** loaded."]
    assert app.file_uploader[0].value in (None, [])  # ready for the next file
    assert any("Tartus" not in m.value and "1 feature" in m.value for m in app.markdown)


def test_bad_file_reports_and_keeps_the_loaded_layers(app):
    upload(app, raw={"sites.geojson": sites_geojson()})
    upload(app, "bad-coordinates.geojson", "zip-slip.zip")
    assert overlays(app) == "overlays: upload-sites=1"
    errors = [e.value for e in app.error]
    assert len(errors) == 2
    assert "**bad\\-coordinates\\.geojson** was not loaded (1 problem)" in errors[0]
    assert "feature '\\'khmeimim\\' \\(\\#0\\)" not in errors[0]  # escaped once, not twice
    assert "not a finite number" in errors[0] and "*Fix:*" in errors[0]
    assert "zip path traversal" in errors[1] and "\\.\\./evil\\.shp" in errors[1]


def test_remove_button_takes_the_layer_away(app):
    upload(app, raw={"sites.geojson": sites_geojson(), "more.geojson": sites_geojson()})
    assert overlays(app) == "overlays: upload-sites=1, upload-more=1"
    app.button(key="uploads:remove:upload-sites").click().run()
    assert overlays(app) == "overlays: upload-more=1"


def test_same_name_twice_gets_distinct_ids_same_file_is_not_duplicated(app):
    upload(app, raw={"sites.geojson": sites_geojson()})
    upload(app, raw={"sites.geojson": sites_geojson()})
    assert overlays(app) == "overlays: upload-sites=1"
    assert "is already loaded" in app.warning[0].value
    upload(app, raw={"sites.geojson": sites_geojson().replace(b"Tartus", b"Tartous")})
    assert overlays(app) == "overlays: upload-sites=1, upload-sites-2=1"


def test_refused_invalid_geometry_can_be_loaded_repaired(app):
    upload(app, "self-intersection.geojson")
    assert "invalid geometry" in app.error[0].value
    [button] = [b for b in app.button if b.label == "Load it with geometries repaired"]
    button.click().run()
    assert overlays(app) == "overlays: upload-self-intersection=1"
    assert "repaired automatically" in app.warning[0].value


def test_repair_checkbox_applies_to_the_next_upload(app):
    app.checkbox(key="uploads:repair").check().run()
    upload(app, "self-intersection.geojson")
    assert overlays(app) == "overlays: upload-self-intersection=1"


def test_hostile_text_is_escaped_in_the_panel(app):
    name = "<img src=x onerror=window.__pwned=1>.geojson"
    upload(app, raw={name: (CORPUS / "hostile.geojson").read_bytes()})
    assert overlays(app) == "overlays: upload-img-src-x-onerror-window-pwned-1=3"
    shown = " ".join(m.value for m in [*app.markdown, *app.success])
    assert re.search(r"(?<!\\)[<>`$]", shown) is None  # every < > ` $ backslash-escaped
    assert "\\<img src=x onerror=window\\.\\_\\_pwned=1\\>" in shown


def test_env_limits_are_used(app, monkeypatch):
    monkeypatch.setenv("BRIEFING_MAX_UPLOAD_FEATURES", "1")
    upload(app, "duplicate-id.geojson")
    assert "more than the limit of 1" in app.error[0].value
    assert "1 features per file" in " ".join(c.value for c in app.caption)


def test_shapefile_parts_picked_together(app, tmp_path):
    import geopandas as gpd
    import shapely

    gpd.GeoDataFrame({"id": ["a", "b"], "name": ["A", "B"]},
                     geometry=[shapely.Point(36.2, 33.5), shapely.Point(36.3, 33.6)],
                     crs="EPSG:4326").to_file(tmp_path / "posts.shp")
    upload(app, raw={p.name: p.read_bytes() for p in sorted(tmp_path.glob("posts.*"))})
    assert overlays(app) == "overlays: upload-posts=2"
    assert app.warning[0].value.startswith("**posts\\.shp** loaded, with notes")
