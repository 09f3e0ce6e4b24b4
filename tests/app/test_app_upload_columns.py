"""The upload panel's column mapping (AppTest): a table with its own names, corrected in the app."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

CORPUS = Path(__file__).resolve().parents[1] / "bad_files"


def panel_app() -> None:
    import streamlit as st

    from dashboard.uploads import render_uploads

    for o in render_uploads():
        dated = o.frame["valid_from"].notna().sum() if "valid_from" in o.frame else 0
        st.text(f"layer {o.spec.id}: {len(o.frame)} rows, {dated} dated, "
                f"{(o.frame.geometry.geom_type == 'Polygon').sum()} circles")


def _upload(name: str, data: bytes) -> AppTest:
    at = AppTest.from_function(panel_app, default_timeout=30)
    at.run()
    at.file_uploader[0].set_value([(name, data, "text/csv")]).run()
    assert not at.exception, at.exception
    return at


def layers(at: AppTest) -> list[str]:
    return [t.value for t in at.text if t.value.startswith("layer ")]


def test_acled_csv_loads_with_its_precision_and_shows_the_columns_read():
    at = _upload("acled-export.csv", (CORPUS / "acled-export.csv").read_bytes())
    assert layers(at) == ["layer upload-acled-export: 3 rows, 3 dated, 2 circles"]
    boxes = {s.label: s.value for s in at.selectbox}
    assert boxes["Latitude"] == "latitude" and boxes["Date (or start)"] == "event_date"
    assert boxes["Place precision (ACLED 1–3)"] == "geo_precision"


def test_analyst_corrects_the_columns_and_the_layer_is_read_again():
    data = b"northing,easting,when_seen,label\n34.9117,35.8867,2024-12-08,Tartus\n"
    at = _upload("mine.csv", data)
    assert not layers(at) and "is a table without a lat or lon column" in at.error[0].value
    at.selectbox(key="uploads:map:" + _digest(data) + ":lat").set_value("northing")
    at.selectbox(key="uploads:map:" + _digest(data) + ":lon").set_value("easting")
    at.selectbox(key="uploads:map:" + _digest(data) + ":date").set_value("when_seen")
    next(b for b in at.button if b.label == "Reload with these columns").click().run()
    assert not at.exception
    assert layers(at) == ["layer upload-mine: 1 rows, 1 dated, 0 circles"]
    assert "read 'when\\_seen' as the date" in at.warning[0].value


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16]
