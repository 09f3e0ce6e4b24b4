"""The print options of ``export`` and ``pack``: layout, texts with dates, grid, overlays,
two dates side by side."""

from __future__ import annotations

import json

import pytest
from export_fixtures import build_geodata, cli_caller
from PIL import Image
from pypdf import PdfReader

DAYS = ("2024-11-30", "2024-12-08", "2024-12-16")
LONG = {"2024-11-30": "30 November 2024", "2024-12-08": "8 December 2024",
        "2024-12-16": "16 December 2024"}


@pytest.fixture(scope="module")
def geodata(tmp_path_factory):
    return build_geodata(tmp_path_factory.mktemp("geodata")).parent


@pytest.fixture
def run(geodata, monkeypatch, capsys):
    """Run the CLI in-process on the fixture data; return (exit code, stdout, stderr)."""
    return cli_caller(geodata, monkeypatch, capsys)


def test_a_three_date_pack_prints_each_pages_own_date_in_its_title(run, tmp_path):
    out = tmp_path / "pack.pdf"
    code, _, err = run("pack", "--dates", ",".join(DAYS), "--out", str(out),
                       "--title", "Russia in Syria — {date}", "--layout", "a4-landscape")
    assert code == 0, err
    pages = PdfReader(out).pages
    assert len(pages) == 3
    for page, day in zip(pages, DAYS, strict=True):
        text = page.extract_text()
        assert f"Russia in Syria — {LONG[day]}" in text
        assert f"As of {LONG[day]}" in text
        others = [LONG[d] for d in DAYS if d != day]
        assert not any(f"— {o}" in text for o in others)
        width, height = (float(v) for v in page.mediabox.upper_right)
        assert (width, height) == pytest.approx((11.69 * 72, 8.27 * 72), abs=1)


def test_export_with_overlay_grid_and_texts(run, tmp_path):
    arrows = tmp_path / "axis of advance.geojson"
    arrows.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Axis north", "kind": "arrow"},
         "geometry": {"type": "LineString", "coordinates": [[36.2, 33.6], [36.7, 34.7]]}}]}))
    out = tmp_path / "map.svg"
    code, stdout, err = run("export", "--date", "2024-12-08", "--out", str(out),
                            "--overlay", str(arrows), "--grid", "mgrs",
                            "--subtitle", "Situation on {date}", "--caveat", "Test caveat.",
                            "--handling", "UNCLASSIFIED // TEST")
    assert code == 0, err
    assert "upload-axis-of-advance 1" in stdout
    svg = out.read_text(encoding="utf-8")
    assert "axis of advance.geojson" in svg  # the overlay's legend section
    assert "Situation on 8 December 2024" in svg and "Test caveat." in svg
    assert "37S BU" in svg and "37S CV" in svg  # MGRS squares over Syria


def test_a_bad_overlay_stops_before_drawing_and_says_why(run, tmp_path):
    bad = tmp_path / "notes.geojson"
    bad.write_text("this is not json")
    out = tmp_path / "map.png"
    code, _, err = run("export", "--date", "2024-12-08", "--out", str(out),
                       "--overlay", str(bad))
    assert code == 1 and "--overlay" in err and "notes.geojson" in err
    assert not out.exists()
    code, _, err = run("export", "--date", "2024-12-08", "--out", str(out),
                       "--overlay", str(tmp_path / "missing.kml"))
    assert code == 1 and "missing.kml" in err and "Fix" in err


def test_compare_makes_a_side_by_side_slide(run, tmp_path):
    out = tmp_path / "pair.pdf"
    code, _, err = run("export", "--date", "2024-12-08", "--compare", "2024-11-30",
                       "--out", str(out))
    assert code == 0, err
    text = PdfReader(out).pages[0].extract_text()
    assert "As of 30 November 2024" in text and "As of 8 December 2024" in text
    assert text.index("As of 30 November 2024 and") >= 0


@pytest.mark.parametrize("argv", [
    ("--layout", "letter"), ("--grid", "utm"), ("--compare", "2024-11-30", "--format", "kml"),
])
def test_print_usage_errors_exit_2(run, tmp_path, argv):
    suffix = "kml" if "kml" in argv else "png"
    code, _, err = run("export", "--date", "2024-12-08", "--out", str(tmp_path / f"m.{suffix}"),
                       *argv)
    assert code == 2
    assert "16:9" in err or "graticule" in err or "png, pdf or svg" in err


def test_layout_sets_the_png_size(run, tmp_path):
    out = tmp_path / "a3.png"
    code, _, err = run("export", "--date", "2024-12-08", "--out", str(out), "--dpi", "40",
                       "--layout", "A3 portrait")
    assert code == 0, err
    with Image.open(out) as im:
        assert im.size == (int(11.69 * 40), int(16.54 * 40))
