"""The export panel's page settings make the same slide as the command line it prints."""

from __future__ import annotations

import datetime as dt
import io
import shlex

import numpy as np
import pytest
from export_fixtures import load_fixture
from PIL import Image

from layers.cli.main import main

BBOX = (35.6, 34.7, 36.3, 35.6)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("geodata"))


def _panel_app(catalog_path: str) -> None:
    import streamlit as st  # noqa: F401

    from dashboard.downloads import render_downloads
    from layers.core.catalog import load_catalog
    from layers.core.view import MapView
    from layers.ingest.catalog_layers import load_catalog_layers

    loaded = load_catalog_layers(load_catalog(catalog_path))
    render_downloads(loaded, MapView.create("2024-12-16", loaded.catalog.ids,
                                            bbox=(35.6, 34.7, 36.3, 35.6)))


def test_app_and_cli_make_the_same_png(loaded, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    import dashboard.downloads as downloads

    made = {}
    real = downloads.maker

    def spy(loaded_, view, fmt, handling, **kw):
        made[fmt] = (loaded_, view, handling, kw)
        return real(loaded_, view, fmt, handling, **kw)

    monkeypatch.setattr(downloads, "maker", spy)
    at = AppTest.from_function(_panel_app, args=(str(loaded.catalog.root / "catalog.toml"),),
                               default_timeout=60)
    at.session_state["export_title"] = "Coast — {date}"
    at.session_state["print_preset"] = "a4-landscape"
    at.session_state["print_grid"] = "mgrs"
    at.session_state["print_subtitle"] = "Situation on {date}"
    at.session_state["print_compare"] = dt.date(2024, 12, 8)
    at.run()
    assert not at.exception, at.exception
    command = at.code[0].value
    for part in ("--layout a4-landscape", "--grid mgrs", "--compare 2024-12-08",
                 "--title 'Coast — {date}'", "--subtitle 'Situation on {date}'"):
        assert part in command
    assert "beside 8 December 2024" in at.caption[0].value

    loaded_, view, handling, kw = made["png"]
    app_png = real(loaded_, view, "png", handling, **kw)()
    argv = shlex.split(command)[3:]  # drop "python -m layers"
    argv[argv.index("--out") + 1] = str(tmp_path / "cli.png")
    argv[argv.index("--format") + 1] = "png"
    monkeypatch.setenv("BRIEFING_GEODATA", str(loaded.catalog.root))
    assert main(argv) == 0
    with Image.open(io.BytesIO(app_png)) as a, Image.open(tmp_path / "cli.png") as b:
        assert a.size == b.size == (int(11.69 * 300), int(8.27 * 300))
        pa, pb = np.asarray(a.convert("RGB")), np.asarray(b.convert("RGB"))
    # The pages differ at most in the "Made HH:MM" stamp: sample a 40 × 40 grid of pixels
    rows = np.linspace(0, pa.shape[0] - 1, 40).astype(int)
    cols = np.linspace(0, pa.shape[1] - 1, 40).astype(int)
    sample_a, sample_b = pa[np.ix_(rows, cols)], pb[np.ix_(rows, cols)]
    assert (sample_a != sample_b).any(axis=2).mean() < 0.005
    assert (pa != pb).any(axis=2).mean() < 0.002
