"""Uploaded layers go into every export, and their hostile text stays text there too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from layers.core.view import MapView
from layers.export.files import export_bytes
from layers.ingest.catalog_layers import load_catalog_layers
from layers.ingest.upload import load_upload

CORPUS = Path(__file__).resolve().parents[1] / "bad_files"
SCRIPTS = ("<img src=x onerror=window.__pwned=1>", "<script>window.__pwned=1</script>",
           "<svg onload=window.__pwned=1>")


@pytest.fixture(scope="module")
def loaded():
    return load_catalog_layers()


@pytest.fixture(scope="module")
def hostile():
    overlay, _ = load_upload((CORPUS / "hostile.geojson").read_bytes(),
                             "<img src=x onerror=window.__pwned=1>.geojson")
    return overlay


def view_with(loaded, overlay, day="2024-12-08"):
    return MapView.create(day, [*loaded.catalog.ids, overlay.spec.id], overlays=(overlay,))


def test_html_export_carries_the_upload_as_inert_text(loaded, hostile):
    html = export_bytes(loaded, view_with(loaded, hostile), "html").decode("utf-8")
    for script in SCRIPTS:
        assert script not in html
    # the values are there, escaped or JSON-encoded, not dropped
    assert re.search(r"(\\u003c|&lt;)img src=x onerror=window\.__pwned=1", html)
    assert "upload-img-src-x-onerror-window-pwned-1" in html


@pytest.mark.parametrize("fmt", ["geojson", "kml"])
def test_data_exports_include_the_upload_and_reload_as_uploads(loaded, hostile, fmt):
    data = export_bytes(loaded, view_with(loaded, hostile), fmt)
    if fmt == "geojson":
        doc = json.loads(data)
        names = {f["properties"].get("name") for f in doc["features"]}
        assert "<img src=x onerror=window.__pwned=1>" in names
    overlay, problems = load_upload(data, f"export.{fmt}")
    assert overlay is not None, [p.describe() for p in problems]
    assert "<script>window.__pwned=1</script>" in set(overlay.frame["id"]) | set(
        overlay.frame.get("name", []))


def test_upload_follows_the_date(loaded):
    overlay, _ = load_upload((CORPUS / "kml-timespan.kml").read_bytes(), "sites.kml")
    for day, expected in (("2024-11-30", 0), ("2024-12-08", 2), ("2024-12-09", 1)):
        data = json.loads(export_bytes(loaded, view_with(loaded, overlay, day), "geojson"))
        ours = [f for f in data["features"]
                if overlay.spec.id in (f["properties"].get("layer"), f["properties"].get(
                    "layer_id"))]
        assert len(ours) == expected, day
