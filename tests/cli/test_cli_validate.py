"""``python -m layers validate``: exit codes and readable reports, never a traceback."""

import subprocess
import sys

from conftest import REPO, feature

from layers.cli.main import main


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_valid_file_exits_zero(write_geojson, capsys):
    path = write_geojson([feature("a", category="control")], name="my_events.geojson")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ok      {path} (events): 1 features")


def test_invalid_file_exits_one_with_every_problem(write_geojson, capsys):
    path = write_geojson([feature("a", confidence="sure", category="control"),
                          feature("a", valid_from="12/08/2024", category="control")],
                         name="events.geojson")
    assert main(["validate", "--kind", "events", str(path)]) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out and "3 error(s)" in out
    assert "confidence 'sure' is not one of high, medium, low" in out
    assert "repeats the id of feature #0" in out
    assert "valid_from '12/08/2024'" in out
    assert '"2024-08-12" or "2024-12-08"' in out and "ambiguous" in out
    assert "Traceback" not in out


def test_missing_file_is_reported_not_raised(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.geojson")]) == 1
    assert "cannot be read" in capsys.readouterr().out


def test_usage_error_exits_two():
    result = run_cli("validate", "--kind", "bogus", "x.geojson")
    assert result.returncode == 2
    assert "invalid choice: 'bogus'" in result.stderr and "Traceback" not in result.stderr


def test_repository_geodata_validates():
    files = sorted(str(p.relative_to(REPO)) for p in (REPO / "geodata").glob("*.geojson"))
    assert len(files) >= 5, files
    result = run_cli("validate", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok      ") == len(files)
