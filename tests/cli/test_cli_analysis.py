"""``python -m layers stats | measure | diff`` as an analyst runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO
from geo_reference import vincenty

from layers.cli.main import main
from layers.ingest.load import load_layer

SYRIA_KM2 = 185_941


def run_json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


# --- measure ----------------------------------------------------------------------------------

def test_measure_tartus_to_khmeimim(capsys):
    assert main(["measure", "Tartus naval facility", "Khmeimim"]) == 0
    out = capsys.readouterr().out
    ref_km, ref_bearing = vincenty(34.915, 35.874, 35.41167, 35.945)
    assert f"distance: {ref_km:,.2f} km" in out
    assert f"initial bearing: {ref_bearing:.1f}° (N)" in out
    assert "Tartus naval facility" in out and "Khmeimim air base" in out
    assert "36S YD 62566 67387" in out  # MGRS of the piers


def test_measure_json_with_spelling_variants_and_coordinates(capsys):
    result = run_json(capsys, "measure", "Hmeymim", "34.889,35.887", "--json")
    assert result["from"]["name"] == "Khmeimim air base"
    assert result["to"]["found_by"] == "coordinates"
    assert result["km"] == pytest.approx(vincenty(35.41167, 35.945, 34.889, 35.887)[0], abs=1e-3)
    assert result["nautical_miles"] == pytest.approx(result["km"] / 1.852, abs=1e-3)
    assert 180 < result["initial_bearing_deg"] < 190 and result["compass"] == "S"


def test_measure_a_degree_along_the_equator_needs_no_data(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFING_GEODATA", str(tmp_path))  # no catalog: coordinates only
    result = run_json(capsys, "measure", "0,0", "1,0", "--json")
    assert result["km"] == pytest.approx(110.574, abs=0.001)
    assert result["from"]["mgrs"] == "31N AA 66021 00000"


def test_measure_unknown_place_is_a_message_not_a_traceback(capsys):
    assert main(["measure", "Atlantis", "Tartus"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 'Atlantis' is not a place") and "Traceback" not in err


# --- stats ------------------------------------------------------------------------------------

def test_stats_json_on_8_december(capsys):
    stats = run_json(capsys, "stats", "--date", "2024-12-08", "--json")
    assert stats["date"] == "2024-12-08"
    assert stats["total_km2"] == pytest.approx(SYRIA_KM2, abs=1)
    areas = {a["controller"]: a["area_km2"] for a in stats["areas"]}
    assert sum(areas.values()) == pytest.approx(SYRIA_KM2, abs=1)
    assert areas["hts_led"] > areas.get("assad_government", 0)
    by_status = stats["installations"]["by_status"]
    assert by_status["active"] >= 2
    sites = {s["site_id"]: s["status"] for s in stats["installations"]["sites"]}
    assert sites["khmeimim"] == "active" and sites["tartus"] == "drawing_down"
    assert sum(by_status.values()) == len(sites)
    assert "within" not in stats


def test_stats_routes_and_exposure_on_13_december(capsys):
    # The FT reported the convoy on 15 Dec as done "in recent days": it is drawn 13-14 Dec.
    stats = run_json(capsys, "stats", "--date", "2024-12-13", "--json")
    convoy = next(r for r in stats["routes"] if r["route_id"] == "damascus-evacuation")
    assert sum(p["km"] for p in convoy["exposure"]) == pytest.approx(convoy["length_km"],
                                                                     rel=0.001)
    assert convoy["exposure"][0]["controller"] == "hts_led"
    assert convoy["exposure"][0]["label"] == "HTS-led forces (MOC)"
    assert 250 < convoy["length_km"] < 350


def test_stats_radius_lists_what_lies_near_each_base(capsys):
    stats = run_json(capsys, "stats", "--date", "2024-12-08", "--radius", "60", "--json")
    near = {b["site_id"]: b for b in stats["within"]}
    assert "khmeimim" in near and "tartus" in near
    names = [p["name"] for p in near["khmeimim"]["places"]]
    assert "Tartus naval facility" in names and "Jableh" in names and "Homs" not in names
    ground = sum(t["area_km2"] for t in near["khmeimim"]["territory"])
    assert ground == pytest.approx(3.14159 * 60**2, rel=0.01)


def test_stats_text_output(capsys):
    assert main(["stats", "--date", "2024-12-13"]) == 0
    out = capsys.readouterr().out
    assert "Figures for 2024-12-13" in out and "185,941 km²" in out
    assert "Damascus-area evacuation convoy" in out


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["stats", "--date", "2024-11-01"], 1, "no control zones on 2024-11-01"),
    (["stats", "--date", "08/12/2024"], 1, "YYYY-MM-DD"),
    (["stats", "--radius", "-3"], 2, "--radius must be a positive"),
])
def test_stats_bad_input(capsys, argv, code, message):
    assert main(argv) == code
    captured = capsys.readouterr()
    assert message in captured.err + captured.out


# --- diff -------------------------------------------------------------------------------------

def test_diff_json_26_nov_to_15_dec(capsys):
    result = run_json(capsys, "diff", "2024-11-26", "2024-12-15", "--json")
    rows = {r["controller"]: r for r in result["controllers"]}
    assert rows["assad_government"]["area_2_km2"] == 0
    assert rows["assad_government"]["lost_km2"] == pytest.approx(
        rows["assad_government"]["area_1_km2"], abs=0.2)
    assert rows["hts_led"]["gained_km2"] > 90_000
    for row in rows.values():
        assert row["net_km2"] == pytest.approx(row["area_2_km2"] - row["area_1_km2"], abs=0.3)
    assert sum(t["area_km2"] for t in result["transitions"]) == pytest.approx(
        result["changed_km2"], abs=0.5)
    assert result["transitions"][0]["from"] == "assad_government"


def test_diff_writes_a_layer_that_loads(capsys, tmp_path):
    out = tmp_path / "change.geojson"
    assert main(["diff", "2024-12-05", "2024-12-08", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Ground that changed hands" in printed and f"to {out}" in printed
    layer = load_layer(out)
    assert {"from_controller", "to_controller", "area_km2"} <= set(layer.columns)
    assert (layer["from_controller"] != layer["to_controller"]).all()
    assert layer["area_km2"].sum() > 1000


def test_diff_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "layers", "diff", "2024-11-26", "2024-12-08",
                           "--json"], cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["to"] == "2024-12-08"
