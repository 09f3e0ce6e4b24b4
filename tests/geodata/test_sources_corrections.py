"""Every catalog feature cites a publication; the corrections and new facts of FACTS.md are on
the map on their dates.

The expected dates and values are copied by hand from FACTS.md §1 and §4 (the sheet the data
was rebuilt from), so a rebuild that drifted from the facts fails here.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GEODATA = ROOT / "geodata"
CATALOG = tomllib.loads((GEODATA / "catalog.toml").read_text(encoding="utf-8"))
LAYER_FILES = [layer["file"] for layer in CATALOG["layer"]]
#: A source never names the working file, and never says it has none.
FORBIDDEN = re.compile(r"facts(\.md)?\b|facts sheet|not named|source unknown", re.IGNORECASE)


def _features(name: str) -> list[dict[str, Any]]:
    return json.loads((GEODATA / name).read_text(encoding="utf-8"))["features"]


def _on(layer: str, day: str, **match: str) -> list[dict[str, Any]]:
    out = []
    for f in _features(layer):
        p = f["properties"]
        if p["valid_from"] <= day and (p["valid_to"] is None or day < p["valid_to"]) \
                and all(p.get(k) == v for k, v in match.items()):
            out.append(p)
    return out


def _refs(source: str) -> list[str]:
    return [r.strip() for r in source.split(";") if r.strip()]


@pytest.mark.parametrize("name", LAYER_FILES)
def test_every_source_is_a_publication(name: str) -> None:
    """Never the facts sheet, never "not named"; an encyclopedia is said to be secondary."""
    for f in _features(name):
        p = f["properties"]
        assert p["source"].strip(), p["id"]
        assert not FORBIDDEN.search(p["source"]), (p["id"], p["source"])
        for ref in _refs(p["source"]):
            if ref.startswith("Wikipedia"):
                assert "(secondary" in ref, (p["id"], ref)


def test_the_check_itself_catches_the_old_sources() -> None:
    for old in ("FACTS.md §4 (source not named)", "FACTS.md §5 (26 Nov 2024, stable since 2020)",
                "Reuters 5 Dec 2024 via FACTS.md §4 (Hama)"):
        assert FORBIDDEN.search(old)
    assert not FORBIDDEN.search("Reuters 5 Dec 2024")


def test_catalog_attributions_do_not_name_the_working_file() -> None:
    for layer in CATALOG["layer"]:
        assert not FORBIDDEN.search(layer.get("attribution", "")), layer["id"]


def test_secondary_only_items_are_not_high() -> None:
    """FACTS §4: a line with only an encyclopedia behind it stays at medium at best."""
    for name in LAYER_FILES:
        for f in _features(name):
            p = f["properties"]
            refs = _refs(p["source"])
            if refs and all("(secondary" in r for r in refs):
                assert p["confidence"] != "high", (p["id"], p["source"])


def test_one_party_figures_are_not_high() -> None:
    for p in (f["properties"] for f in _features("events.geojson")):
        if "9,000 civilians" in p["name"] or "one party" in p["source"]:
            assert p["confidence"] != "high", p["id"]


# --- corrections (FACTS §1, §4) ----------------------------------------------------------


def test_tartus_warships_left_6_to_9_dec() -> None:
    """BlackSky/Maxar: in port on 5 Dec, gone 10 Dec; not 1–5 Dec."""
    assert [p["status"] for p in _on("installations.geojson", "2024-12-05", site_id="tartus",
                                     part="site")] == ["active"]
    assert [p["status"] for p in _on("installations.geojson", "2024-12-06", site_id="tartus",
                                     part="site")] == ["drawing_down"]
    (sealift,) = [f["properties"] for f in _features("evacuation_routes.geojson")
                  if f["properties"]["id"] == "tartus-sealift-anchorage"]
    assert (sealift["valid_from"], sealift["valid_to"]) == ("2024-12-06", "2024-12-10")
    warships = [p for p in (f["properties"] for f in _features("events.geojson"))
                if "Warships leave" in p["name"]]
    assert [(p["date"], p["valid_from"], p["valid_to"]) for p in warships] == [
        ("6–9 Dec 2024", "2024-12-06", "2024-12-10")]
    assert not _on("events.geojson", "2024-12-03", name="Warships leave the Tartus piers")


def test_tartus_drawdown_runs_through_the_sparta_loading() -> None:
    """The War Zone: Sparta and Sparta II loading 25–27 Jan 2025."""
    for day in ("2025-01-05", "2025-01-21", "2025-01-27"):
        assert [p["status"] for p in _on("installations.geojson", day, site_id="tartus",
                                         part="site")] == ["drawing_down"], day


def test_damascus_evacuation_before_the_ft_report() -> None:
    (event,) = [p for p in (f["properties"] for f in _features("events.geojson"))
                if p["item_id"] == "2024-12-15-qudsaya"]
    assert event["date"] == "reported 15 Dec 2024" and event["valid_from"] == "2024-12-15"
    assert "Financial Times 15 Dec 2024" in event["source"]
    assert [p["status"] for p in _on("installations.geojson", "2024-12-15",
                                     site_id="qudsaya-hq")] == ["vacated"]
    assert not _on("evacuation_routes.geojson", "2024-12-15", route_id="damascus-evacuation")


def test_qamishli_pullout_not_from_15_jan() -> None:
    """About 20–27 Jan 2026 (Reuters, Shafaq News 23 Jan, Rudaw 30 Jan, AFP 27 Jan)."""
    site = {"site_id": "qamishli-airport", "part": "site"}
    assert [p["status"] for p in _on("installations.geojson", "2026-01-16", **site)] == ["active"]
    assert [p["status"] for p in _on("installations.geojson", "2026-01-22", **site)] == [
        "drawing_down"]
    assert [p["status"] for p in _on("installations.geojson", "2026-01-28", **site)] == [
        "vacated"]
    assert not _on("evacuation_routes.geojson", "2026-01-16", route_id="qamishli-withdrawal")
    assert _on("evacuation_routes.geojson", "2026-01-22", route_id="qamishli-withdrawal")


def test_sarrin_position() -> None:
    """FACTS §1: Sarrin 36.5875, 38.2997, ±2 km."""
    for name in ("installations.geojson", "places.geojson"):
        for f in _features(name):
            p = f["properties"]
            if p.get("site_id") == "mp-sarrin" or p["id"] == "sarrin":
                assert f["geometry"]["coordinates"] == [38.2997, 36.5875], p["id"]
                assert p["precision_m"] == 2000, p["id"]


def test_khmeimim_runways_drawn_as_approximate() -> None:
    runways = [f["properties"] for f in _features("installations.geojson")
               if f["properties"]["part"] == "runway"]
    assert runways
    for p in runways:
        assert p["approximate"] is True and p["confidence"] == "low", p["id"]
        assert "Approximate" in p["notes"], p["id"]


# --- new facts (FACTS §4) ------------------------------------------------------------------


@pytest.mark.parametrize(("item_id", "day", "publication"), [
    ("2025-01-early-ships-refused", "2025-01-05", "The War Zone"),
    ("2025-01-25-sparta-loading", "2025-01-26", "The War Zone"),
    ("2024-12-libya-equipment", "2024-12-20", "Wall Street Journal"),
    ("2025-07-31-moscow", "2025-07-31", "Sputnik 31 Jul 2025"),
    ("2025-10-28-belousov", "2025-10-28", "TASS 28 Oct 2025"),
    ("2025-08-qamishli-patrols", "2025-08-15", "Kommersant via Syrian Observer"),
    ("2026-01-30-sdf-agreement", "2026-01-30", "Shafaq News 30 Jan 2026"),
    ("2024-12-11-peskov", "2024-12-11", "India TV 11 Dec 2024"),
    ("2024-12-20-mayadin", "2024-12-20", "TRT World"),
    ("2024-12-14-tartus-guards", "2024-12-14", "The Times 14 Dec 2024"),
])
def test_new_fact_is_an_event_on_its_date(item_id: str, day: str, publication: str) -> None:
    hits = [p for p in (f["properties"] for f in _features("events.geojson"))
            if p["item_id"] == item_id]
    assert hits, item_id
    for p in hits:
        assert p["valid_from"] <= day < p["valid_to"], (p["id"], day)
        assert publication in p["source"], (p["id"], p["source"])


def test_august_2025_asks_for_patrols_in_the_south() -> None:
    names = {p["name"] for p in _on("events.geojson", "2025-08-10")}
    assert "Russian patrols near Qamishli resume" in names
    assert any("patrols in the south" in n for n in names)


def test_shared_control_zones_are_marked() -> None:
    shared = [f["properties"] for f in _features("control_zones.geojson")
              if f["properties"]["controller"] == "shared_government_sdf"]
    assert shared and min(p["valid_from"] for p in shared) == "2025-04-12"
    assert any(p["valid_from"] == "2026-01-30" for p in shared)
    for p in shared:
        assert "Shared" in p["name"] and "shared" in p["notes"], p["id"]
    assert "shared_government_sdf" in CATALOG["layer"][0]["style"]["labels"]
