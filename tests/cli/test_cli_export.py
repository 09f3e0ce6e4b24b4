"""``python -m layers export`` and ``pack`` as an analyst runs them: files written, clear
errors (1 for bad input, 2 for usage), never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
from export_fixtures import build_geodata, cli_caller
from PIL import Image
from pypdf import PdfReader

from layers.export.files import FORMATS

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def geodata(tmp_path_factory):
    return build_geodata(tmp_path_factory.mktemp("geodata")).parent


@pytest.fixture
def run(geodata, monkeypatch, capsys):
    """Run the CLI in-process on the fixture data; return (exit code, stdout, stderr)."""
    return cli_caller(geodata, monkeypatch, capsys)


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_writes_every_format(run, tmp_path, fmt):
    out = tmp_path / f"map.{fmt}"
    code, stdout, stderr = run("export", "--date", "2024-12-08", "--format", fmt,
                               "--out", str(out), "--dpi", "50")
    assert code == 0, stderr
    assert out.is_file() and out.stat().st_size > 500
    assert f"wrote {out} ({fmt}" in stdout and "installations 5" in stdout
    assert "Traceback" not in stderr


def test_format_from_the_suffix_layers_bbox_title(run, tmp_path):
    out = tmp_path / "coast.geojson"
    code, stdout, _ = run("export", "--date", "2024-12-16", "--out", str(out),
                          "--layers", "installations,places", "--bbox", "35.6,34.7,36.3,35.6",
                          "--title", "Coast")
    assert code == 0
    doc = json.loads(out.read_text())
    assert doc["name"] == "Coast" and doc["as_of"] == "2024-12-16"
    assert {f["properties"]["layer"] for f in doc["features"]} == {"installations", "places"}
    assert "kobani-2" not in {f["properties"]["id"] for f in doc["features"]}
    assert "installations 4, places 1" in stdout


def test_handling_line_is_configurable(run, tmp_path):
    out = tmp_path / "map.pdf"
    code, _, _ = run("export", "--date", "2024-12-08", "--out", str(out),
                     "--handling", "CONFIDENTIAL // EXERCISE")
    assert code == 0
    assert PdfReader(out).pages[0].extract_text().count("CONFIDENTIAL // EXERCISE") == 2


@pytest.mark.parametrize("bad", ["2024-13-01", "08/12/2024", "yesterday", "2024-02-30"])
def test_bad_date_exits_1_naming_the_value_and_the_form(run, tmp_path, bad):
    code, _, stderr = run("export", "--date", bad, "--out", str(tmp_path / "m.png"))
    assert code == 1
    assert bad in stderr and ("YYYY-MM-DD" in stderr or "calendar" in stderr)
    assert "Traceback" not in stderr
    assert not list(tmp_path.iterdir())


def test_date_before_the_data_exits_1(run, tmp_path):
    code, _, stderr = run("export", "--date", "2020-01-01", "--out", str(tmp_path / "m.kml"))
    assert code == 1 and "2020-01-01" in stderr and "2024-11-26" in stderr


def test_unknown_layer_exits_1_naming_the_known_ids(run, tmp_path):
    code, _, stderr = run("export", "--date", "2024-12-08", "--out", str(tmp_path / "m.png"),
                          "--layers", "installations,bases")
    assert code == 1
    assert "'bases'" in stderr
    assert "control_zones, evacuation_routes, installations, events, places" in stderr


@pytest.mark.parametrize("where", ["missing/m.png", "file.txt/m.png", "."])
def test_unwritable_path_exits_1_naming_it(run, tmp_path, where):
    (tmp_path / "file.txt").write_text("x")
    target = tmp_path / where
    code, _, stderr = run("export", "--date", "2024-12-08", "--format", "png",
                          "--out", str(target))
    assert code == 1
    assert f"cannot write {target}" in stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_exits_1(run, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, _, stderr = run("export", "--date", "2024-12-08", "--out", str(folder / "m.png"))
    finally:
        folder.chmod(0o700)
    assert code == 1 and "no permission" in stderr


@pytest.mark.parametrize("argv", [
    ["export", "--date", "2024-12-08"],                                     # no --out
    ["export", "--out", "m.png"],                                           # no --date
    ["export", "--date", "2024-12-08", "--out", "m.png", "--format", "tif"],
    ["export", "--date", "2024-12-08", "--out", "m.png", "--format", "pdf"],  # mismatch
    ["export", "--date", "2024-12-08", "--out", "m.docx"],                   # unknown suffix
    ["export", "--date", "2024-12-08", "--out", "m.png", "--bbox", "36,35,35,36"],
    ["export", "--date", "2024-12-08", "--out", "m.png", "--bbox", "35.5,34.5"],
    ["pack", "--dates", "2024-12-08", "--out", "p.png"],
    ["pack", "--out", "p.pdf"],
])
def test_usage_errors_exit_2(run, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run(*argv)
    assert code == 2
    assert "usage:" in stderr and "Traceback" not in stderr
    assert not list(tmp_path.iterdir())


def test_pack_pdf_and_gif(run, tmp_path):
    pdf, gif = tmp_path / "pack.pdf", tmp_path / "pack.gif"
    dates = "2024-11-30,2024-12-08,2024-12-16"
    code, stdout, _ = run("pack", "--dates", dates, "--out", str(pdf))
    assert code == 0 and "3 pages" in stdout
    assert len(PdfReader(pdf).pages) == 3
    code, stdout, _ = run("pack", "--dates", dates, "--out", str(gif), "--dpi", "30",
                          "--frame-ms", "500")
    assert code == 0 and "3 frames" in stdout
    with Image.open(gif) as im:
        assert im.n_frames == 3


def test_pack_bad_date_exits_1(run, tmp_path):
    code, _, stderr = run("pack", "--dates", "2024-12-08,2024-12-32", "--out",
                          str(tmp_path / "p.pdf"))
    assert code == 1 and "2024-12-32" in stderr
    assert not list(tmp_path.iterdir())


def test_as_a_new_user_runs_it(tmp_path):
    """The real data, a fresh interpreter, the working directory at the repository."""
    env = {k: v for k, v in os.environ.items() if k != "BRIEFING_GEODATA"}
    out = tmp_path / "briefing.gpkg"
    done = subprocess.run([sys.executable, "-m", "layers", "export", "--date", "2024-12-08",
                           "--format", "gpkg", "--out", str(out)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert {name for name, _ in pyogrio.list_layers(out)} == {
        "control_zones", "evacuation_routes", "installations", "events", "places"}
    done = subprocess.run([sys.executable, "-m", "layers", "export", "--date", "8 Dec 2024",
                           "--out", str(tmp_path / "x.png")], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("error: date '8 Dec 2024' is not in the form YYYY-MM-DD")
