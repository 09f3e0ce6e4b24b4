"""``who``: every FACTS.md §2 town, on a sample of dates, answers as the FACTS timeline says.

The expected controllers are written here by hand from FACTS.md §4 (the dated changes)
and §5 (the snapshots), not read from the data; days the facts leave unclear are skipped.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache

import pytest
from facts_places import FACTS_PLACES

from layers.analysis.who import OutsideZonesError, who_held
from layers.cli.main import main
from layers.errors import DateError

A, H, T, S = "assad_government", "hts_led", "transitional_government", "shared_government_sdf"
SDF, SNA, US = "sdf", "sna", "us_sfa"
MERGE = "2025-01-29"  # HTS and the factions dissolve into the state (Reuters 29 Jan 2025)

#: town -> [(from day, controller), ...] and the windows FACTS leaves unclear [from, to).
TIMELINE: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "Damascus": ([("2024-11-26", A), ("2024-12-08", H), (MERGE, T)], []),
    "Homs": ([("2024-11-26", A), ("2024-12-08", H), (MERGE, T)], [("2024-12-07", "2024-12-08")]),
    "Hama": ([("2024-11-26", A), ("2024-12-05", H), (MERGE, T)], []),
    "Aleppo": ([("2024-11-26", A), ("2024-11-30", H), (MERGE, T)],
               [("2024-11-29", "2024-11-30")]),
    "Idlib": ([("2024-11-26", H), (MERGE, T)], []),
    # TASS 9 Dec: the opposition holds the coast from 8 Dec.
    **{town: ([("2024-11-26", A), ("2024-12-08", H), (MERGE, T)], [])
       for town in ("Latakia", "Tartus", "Jableh", "Baniyas")},
    "Daraa": ([("2024-11-26", A), ("2024-12-07", "southern_factions"), (MERGE, T)], []),
    "Suwayda": ([("2024-11-26", A), ("2024-12-07", "druze_factions"),
                 ("2025-07-17", "druze_factions")], [(MERGE, "2025-07-17")]),
    "Deir ez-Zor": ([("2024-11-26", A), ("2024-12-06", SDF), ("2024-12-11", H), (MERGE, T)],
                    []),
    "Raqqa": ([("2024-11-26", SDF), ("2026-01-18", T)], []),
    "Tabqa": ([("2024-11-26", SDF), ("2026-01-18", T)], []),
    "Qamishli": ([("2024-11-26", A), ("2024-12-08", SDF), ("2026-01-30", S)],
                 [("2024-12-07", "2024-12-08")]),
    "Hasakah": ([("2024-11-26", A), ("2024-12-15", SDF), ("2026-01-30", S)],
                [("2024-12-07", "2024-12-15")]),
    "Manbij": ([("2024-11-26", SDF), ("2024-12-09", SNA), (MERGE, T)],
               [("2024-12-08", "2024-12-09")]),
    "Kobani": ([("2024-11-26", SDF)], []),
    **{town: ([("2024-11-26", SNA), (MERGE, T)], []) for town in ("Afrin", "Azaz", "al-Bab")},
    "Tell Rifaat": ([("2024-11-26", SDF), ("2024-12-01", SNA), (MERGE, T)], []),
    "Jisr al-Shughur": ([("2024-11-26", H), (MERGE, T)], []),
    "Saraqib": ([("2024-11-26", A), ("2024-11-30", H), (MERGE, T)], []),
    "Maarat al-Numan": ([("2024-11-26", A), ("2024-11-30", H), (MERGE, T)], []),
    "Salamiyah": ([("2024-11-26", A), ("2024-12-08", H), (MERGE, T)],
                  [("2024-12-06", "2024-12-08")]),
    "Palmyra": ([("2024-11-26", A), ("2024-12-07", US), (MERGE, T)],
                [("2024-12-07", "2024-12-08"), ("2024-12-15", MERGE)]),
    **{town: ([("2024-11-26", A), ("2024-12-06", SDF), ("2024-12-21", H), (MERGE, T)],
              [("2024-12-11", "2024-12-21")]) for town in ("Mayadin", "Albu Kamal")},
    "al-Tanf garrison": ([("2024-11-26", US), ("2026-02-12", T)],
                         [("2026-02-11", "2026-02-12")]),
}
SAMPLE = ("2024-11-26", "2024-11-28", "2024-11-30", "2024-12-01", "2024-12-04", "2024-12-05",
          "2024-12-06", "2024-12-07", "2024-12-08", "2024-12-10", "2024-12-12", "2024-12-15",
          "2024-12-22", "2025-02-15", "2025-05-01", "2025-08-01", "2025-12-31", "2026-01-12",
          "2026-01-17", "2026-01-18", "2026-01-21", "2026-02-01", "2026-03-01", "2026-06-01")


def _expected(town: str, day: str) -> str | None:
    steps, unclear = TIMELINE[town]
    if any(a <= day < b for a, b in unclear):
        return None
    return [c for since, c in steps if since <= day][-1]


CASES = [(town, day, _expected(town, day)) for town in FACTS_PLACES for day in SAMPLE
         if _expected(town, day) is not None]


@cache
def _zones():
    from layers.ingest.catalog_layers import load_catalog_layers

    return load_catalog_layers().frames["control_zones"]


def test_every_facts_town_has_a_timeline() -> None:
    assert set(TIMELINE) == set(FACTS_PLACES)
    assert len(CASES) > 600


@pytest.mark.parametrize(("town", "day", "expected"), CASES,
                         ids=[f"{t}-{d}" for t, d, _ in CASES])
def test_who_held_each_town_as_facts_say(town: str, day: str, expected: str) -> None:
    lat, lon = FACTS_PLACES[town]
    got = who_held(_zones(), lat, lon, day)
    assert got.controller == expected
    assert got.since <= dt.date.fromisoformat(day) and (got.until is None
                                                         or dt.date.fromisoformat(day) < got.until)
    assert got.source and "FACTS" not in got.source and got.confidence in {"high", "medium", "low"}


def test_since_and_until_follow_the_changes() -> None:
    raqqa = who_held(_zones(), *FACTS_PLACES["Raqqa"], "2025-06-01")
    assert (raqqa.controller, raqqa.since, raqqa.until) == (
        SDF, dt.date(2024, 11, 26), dt.date(2026, 1, 18))
    assert raqqa.since == raqqa.data_starts and raqqa.last_day == dt.date(2026, 1, 17)
    hama = who_held(_zones(), *FACTS_PLACES["Hama"], "2024-12-20")
    assert (hama.controller, hama.since, hama.until) == (H, dt.date(2024, 12, 5),
                                                         dt.date(2025, 1, 29))
    assert "Reuters 5 Dec 2024" in hama.source


def test_kobani_just_outside_the_border_is_answered_from_the_nearest_zone() -> None:
    got = who_held(_zones(), *FACTS_PLACES["Kobani"], "2026-03-01")
    assert got.controller == SDF and got.outside_km is not None and 0.3 < got.outside_km < 1.0
    inside = who_held(_zones(), *FACTS_PLACES["Raqqa"], "2026-03-01")
    assert inside.outside_km is None


def test_far_outside_and_before_the_data_are_clear_errors() -> None:
    with pytest.raises(OutsideZonesError, match="lat,lon order"):
        who_held(_zones(), 34.5, 33.0, "2024-12-01")  # at sea off Lebanon
    with pytest.raises(DateError, match="2024-11-26 onwards"):
        who_held(_zones(), *FACTS_PLACES["Damascus"], "2024-01-01")


def test_cli_answers_by_name_and_by_coordinates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who", "Kobani", "--date", "2026-01-21"]) == 0
    out = capsys.readouterr().out
    assert "Syrian Democratic Forces (SDF)" in out and "outside Natural Earth's border" in out
    assert "since at least 26 Nov 2024" in out and "source: " in out
    assert main(["who", "Deir", "ezzor", "--date", "2024-12-08", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["place"] == "Deir ez-Zor" and answer["controller"] == SDF
    assert (answer["since"], answer["until"]) == ("2024-12-06", "2024-12-11")
    assert answer["source"] == "Kurdpress 6 Dec 2024" and answer["confidence"] == "medium"
    assert main(["who", "37.052,41.232", "--date", "2026-02-01", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["controller"] == S and answer["controller_label"].startswith("Shared")


def test_cli_bad_input_is_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who", "Atlantis", "--date", "2024-12-01"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 'Atlantis' is not a place") and "Traceback" not in err
