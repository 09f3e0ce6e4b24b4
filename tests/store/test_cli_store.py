"""``python -m layers store ...`` run as a subprocess, on both backends."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time

import pytest
from store_fixtures import GEODATA, event_id

from layers.cli.main import main
from layers.store import Provenance, Store

REPO = GEODATA.parent


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BRIEFING_STORE": url}
    return subprocess.run([sys.executable, "-m", "layers", "store", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=180)


def test_init_import_history_export_from_a_shell(store_url, tmp_path):
    done = run(store_url, "init")
    assert done.returncode == 0 and "schema 0001" in done.stdout, done.stderr
    args = ["import", str(GEODATA), "--user", "ana", "--source", "geodata seed",
            "--reason", "first import"]
    first = run(store_url, *args)
    assert first.returncode == 0, first.stderr
    assert "events (" in first.stdout and "71 new" in first.stdout

    fid = event_id(None)
    with Store(store_url) as store:
        base = store.current("events", fid)
        between = base.recorded_at + dt.timedelta(microseconds=1)
        time.sleep(0.002)
        store.edit("events", fid, based_on=base.vid, properties={"valid_from": "2024-12-07",
                                                              "valid_to": "2024-12-08"},
                   provenance=Provenance("bo", "ISW, 8 Dec 2024", "medium", "date corrected"))
    history = run(store_url, "history", "events", fid, "--json")
    rows = json.loads(history.stdout)
    assert [(r["version"], r["user"], r["valid_from"]) for r in rows] == [
        (1, "ana", base.valid_from), (2, "bo", "2024-12-07")]
    assert rows[1]["reason"] == "date corrected"
    assert f"valid_from: {base.valid_from} → 2024-12-07" in rows[1]["changes"]

    out = tmp_path / "then.geojson"
    then = run(store_url, "export", "--date", "2024-12-07", "--known-on",
               between.isoformat(), "--layers", "events", "--out", str(out))
    assert then.returncode == 0, then.stderr
    assert "as recorded by" in then.stdout
    doc = json.loads(out.read_text(encoding="utf-8"))
    starts = {f["properties"]["id"]: f["properties"]["valid_from"] for f in doc["features"]}
    assert starts.get(fid, base.valid_from) == base.valid_from

    review = tmp_path / "review"
    files = run(store_url, "export", "--out", str(review))
    assert files.returncode == 0, files.stderr
    for name in ("control_zones.geojson", "places.geojson", "installations.geojson"):
        assert (review / name).read_bytes() == (GEODATA / name).read_bytes()
    assert (review / "events.geojson").read_text("utf-8").count('"2024-12-07"') >= 1


def test_failures_are_one_line_and_usage_errors_exit_two(tmp_path, capsys, monkeypatch):
    down = run("postgresql+psycopg://nobody@127.0.0.1:9/none", "init")
    assert down.returncode == 1 and "Traceback" not in down.stderr
    assert len(down.stderr.strip().splitlines()) == 1 and "127.0.0.1" in down.stderr
    monkeypatch.setenv("BRIEFING_STORE", f"sqlite:///{tmp_path / 's.sqlite'}")
    with pytest.raises(SystemExit) as usage:
        main(["store", "history"])
    assert usage.value.code == 2
    assert main(["store", "import", str(tmp_path / "nope.geojson"), "--user", "a",
                 "--source", "b", "--reason", "c"]) == 1
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "events.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "x", "name": "x", "valid_from": "8 Dec",
                                           "source": "s", "confidence": "high",
                                           "category": "control"},
         "geometry": {"type": "Point", "coordinates": [36.3, 33.5]}}]}), encoding="utf-8")
    assert main(["store", "import", str(bad), "--user", "a", "--source", "b",
                 "--reason", "c"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["store", "history", "events", "x"]) == 1  # nothing was recorded
    assert "no feature events/x" in capsys.readouterr().out
