"""Check ``geodata/control_zones.geojson`` against FACTS.md and the data contract.

The zones are schematic, so these tests do not judge shapes: they check that each town named
in FACTS.md (§1 sites, §2 places, §3 waypoints) falls in the zone of the controller FACTS.md
§4/§5 gives for that day, including the days either side of a change, and that every date
tiles Syria. Plain geopandas on purpose: the ``layers`` package is not needed here.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from facts_places import FACTS_PLACES
from pyproj import Geod
from shapely.geometry import Point, shape

ROOT = Path(__file__).resolve().parents[2]
ZONES = ROOT / "geodata" / "control_zones.geojson"
SYRIA = ROOT / "geodata" / "basemap" / "syria.geojson"
GEOD = Geod(ellps="WGS84")
FIRST, LAST = date(2024, 11, 26), date(2026, 11, 25)
#: Town centres are good to 1-2 km (FACTS.md §2). A few, e.g. Kobani at the Turkish border,
#: fall just outside Natural Earth's 1:10m outline; they are matched to the nearest zone
#: within this distance (degrees, about 2 km).
TOWN_TOLERANCE_DEG = 0.02

CONTROLLERS = {
    "assad_government", "hts_led", "transitional_government", "sna", "sdf",
    "southern_factions", "druze_factions", "us_sfa", "israel", "shared_government_sdf",
}
REQUIRED = {"id", "name", "valid_from", "valid_to", "source", "confidence", "controller",
            "approximate", "notes"}

#: (lat, lon) from FACTS.md §2 unless marked.
TOWNS: dict[str, tuple[float, float]] = {
    **FACTS_PLACES,
    "al-Tanf": FACTS_PLACES["al-Tanf garrison"],
    # §3 waypoints
    "Khan Shaykhun": (35.442, 36.651), "Rastan": (34.917, 36.732), "Talbiseh": (34.84, 36.73),
    "Nabk": (34.024, 36.728),
    # §1 sites
    "Khmeimim": (35.41167, 35.94500), "Tartus naval facility": (34.91500, 35.87400),
    "Qamishli airport": (37.02056, 41.19139), "Kuweires": (36.18694, 37.58306),
    "Ain Issa": (36.385, 38.862), "Tell Tamr": (36.650, 40.367), "Qudsaya": (33.536, 36.217),
    # From the brief's interpretation of FACTS.md §5 (schematic positions, not in FACTS.md):
    "Sheikh Maqsoud": (36.226, 37.160), "Deir Hafer": (36.16, 37.71),
    "Tishrin Dam": (36.38, 38.18), "Mount Hermon (Syrian side)": (33.40, 35.86),
}

A, H, T = "assad_government", "hts_led", "transitional_government"
S = "shared_government_sdf"
CASES: list[tuple[str, str, str]] = [
    # Greater Idlib and the 27-30 Nov offensive (§4, §5)
    ("Idlib", "2024-11-26", H), ("Idlib", "2025-03-01", T), ("Jisr al-Shughur", "2024-11-26", H),
    ("Saraqib", "2024-11-26", A), ("Saraqib", "2024-11-30", H),
    ("Maarat al-Numan", "2024-11-29", A), ("Maarat al-Numan", "2024-11-30", H),
    ("Khan Shaykhun", "2024-11-30", H),
    ("Aleppo", "2024-11-29", A), ("Aleppo", "2024-11-30", H), ("Aleppo", "2025-02-01", T),
    ("Sheikh Maqsoud", "2024-12-15", "sdf"), ("Sheikh Maqsoud", "2026-01-09", "sdf"),
    ("Sheikh Maqsoud", "2026-01-10", T),
    # SNA, Tell Rifaat, Manbij (§4 30 Nov, 1 Dec, 9 Dec)
    ("Afrin", "2024-12-01", "sna"), ("Afrin", "2025-03-01", T), ("Azaz", "2024-11-26", "sna"),
    ("al-Bab", "2024-12-05", "sna"),
    ("Tell Rifaat", "2024-11-30", "sdf"), ("Tell Rifaat", "2024-12-02", "sna"),
    ("Kuweires", "2024-11-30", A), ("Kuweires", "2024-12-01", "sna"),
    ("Manbij", "2024-12-08", "sdf"), ("Manbij", "2024-12-10", "sna"), ("Manbij", "2025-02-01", T),
    ("Deir Hafer", "2024-12-15", "sdf"), ("Deir Hafer", "2026-01-16", "sdf"),
    ("Deir Hafer", "2026-01-17", T), ("Deir Hafer", "2026-01-21", T),
    ("Tishrin Dam", "2025-04-11", "sdf"), ("Tishrin Dam", "2025-04-12", S),
    # Hama, Homs, Damascus (§4 5-8 Dec)
    ("Hama", "2024-12-04", A), ("Hama", "2024-12-05", H),
    ("Rastan", "2024-12-05", A), ("Rastan", "2024-12-06", H), ("Talbiseh", "2024-12-06", H),
    ("Salamiyah", "2024-12-05", A),
    ("Homs", "2024-12-07", A), ("Homs", "2024-12-08", H),
    ("Damascus", "2024-12-07", A), ("Damascus", "2024-12-08", H), ("Damascus", "2025-02-01", T),
    ("Qudsaya", "2024-12-15", H), ("Nabk", "2024-12-08", H),
    # The coast (§4 8-9 Dec; §1 Russian sites)
    # TASS 9 Dec: the opposition controls the coast from 8 Dec (the zones said 9 Dec before).
    ("Latakia", "2024-12-07", A), ("Latakia", "2024-12-08", H), ("Latakia", "2024-12-10", H),
    ("Tartus", "2024-12-07", A), ("Tartus", "2024-12-08", H), ("Tartus", "2024-12-09", H),
    ("Jableh", "2024-12-09", H), ("Baniyas", "2025-03-01", T),
    ("Khmeimim", "2024-12-07", A), ("Khmeimim", "2024-12-08", H),
    ("Khmeimim", "2024-12-13", H),
    ("Tartus naval facility", "2025-10-15", T),
    # The south (§4 7-8 Dec, Jul 2025)
    ("Daraa", "2024-12-06", A), ("Daraa", "2024-12-10", "southern_factions"),
    ("Daraa", "2025-02-01", T),
    ("Suwayda", "2024-12-10", "druze_factions"), ("Suwayda", "2025-03-01", T),
    ("Suwayda", "2025-08-01", "druze_factions"),
    ("Mount Hermon (Syrian side)", "2024-12-07", A),
    ("Mount Hermon (Syrian side)", "2024-12-08", "israel"),
    # The desert: Palmyra, al-Tanf (§4 7 Dec, 11-12 Feb 2026)
    ("Palmyra", "2024-12-06", A), ("Palmyra", "2024-12-10", "us_sfa"),
    ("al-Tanf", "2024-11-26", "us_sfa"), ("al-Tanf", "2025-06-01", "us_sfa"),
    ("al-Tanf", "2026-02-11", "us_sfa"), ("al-Tanf", "2026-03-01", T),
    # The Euphrates (§4 6 and 11 Dec; §5 15 Dec)
    ("Deir ez-Zor", "2024-12-05", A), ("Deir ez-Zor", "2024-12-07", "sdf"),
    ("Deir ez-Zor", "2024-12-12", H), ("Deir ez-Zor", "2025-06-01", T),
    ("Mayadin", "2024-12-06", "sdf"), ("Albu Kamal", "2024-11-26", A),
    ("Albu Kamal", "2024-12-08", "sdf"),
    # TRT World: back with the new authorities by about 20 Dec 2024.
    ("Mayadin", "2024-12-19", "sdf"), ("Mayadin", "2024-12-21", H),
    ("Albu Kamal", "2024-12-21", H), ("Albu Kamal", "2025-03-01", T),
    # The north-east (§4 7 Dec, Jan 2026; §5 mid-Feb 2026)
    # The January 2026 offensive: Tabqa and Raqqa from 18 Jan (not 20 Jan).
    ("Raqqa", "2024-11-26", "sdf"), ("Raqqa", "2026-01-17", "sdf"), ("Raqqa", "2026-01-18", T),
    ("Raqqa", "2026-01-21", T),
    ("Tabqa", "2025-06-01", "sdf"), ("Tabqa", "2026-01-17", "sdf"), ("Tabqa", "2026-01-18", T),
    ("Tabqa", "2026-01-21", T),
    ("Ain Issa", "2024-11-26", "sdf"), ("Ain Issa", "2026-01-21", T),
    ("Tell Tamr", "2024-11-26", "sdf"), ("Tell Tamr", "2026-03-01", "sdf"),
    ("Kobani", "2024-11-26", "sdf"), ("Kobani", "2026-01-21", "sdf"),
    ("Kobani", "2026-11-25", "sdf"),
    # 30 Jan 2026 agreement: Interior Ministry forces into both cities, shared.
    ("Qamishli", "2024-11-26", A), ("Qamishli", "2024-12-10", "sdf"),
    ("Qamishli", "2026-01-29", "sdf"), ("Qamishli", "2026-01-30", S),
    ("Qamishli", "2026-03-01", S), ("Qamishli airport", "2024-12-06", A),
    ("Qamishli airport", "2024-12-07", "sdf"), ("Qamishli airport", "2026-02-01", S),
    ("Hasakah", "2024-11-26", A), ("Hasakah", "2026-01-29", "sdf"), ("Hasakah", "2026-03-01", S),
]


@cache
def zones() -> gpd.GeoDataFrame:
    """Load the zones once, with the date columns as datetime.date (None when open).

    The GeoJSON reader may already parse ``YYYY-MM-DD`` strings as datetimes; either way
    ``pd.to_datetime`` normalises them.
    """
    gdf = gpd.read_file(ZONES)
    gdf["from_d"] = pd.to_datetime(gdf["valid_from"]).dt.date
    to = pd.to_datetime(gdf["valid_to"])
    gdf["to_d"] = [None if pd.isna(t) else t.date() for t in to]
    return gdf


@cache
def syria() -> shapely.Geometry:
    """Syria's outline from the basemap."""
    return shape(json.loads(SYRIA.read_text(encoding="utf-8"))["features"][0]["geometry"])


def zones_on(day: date) -> gpd.GeoDataFrame:
    """Features shown on ``day``: valid_from <= day < valid_to (null = still valid)."""
    gdf = zones()
    mask = (gdf["from_d"] <= day) & gdf["to_d"].map(lambda t: t is None or day < t)
    return gdf[mask]


def geodesic_km2(geom: shapely.Geometry) -> float:
    """Area on the WGS84 ellipsoid, km², densified so lon/lat-straight edges are honoured."""
    total = 0.0
    for poly in shapely.get_parts(shapely.segmentize(geom, 0.01)):
        if poly.geom_type != "Polygon":
            continue
        rings = [poly.exterior, *poly.interiors]
        areas = [abs(GEOD.polygon_area_perimeter(*r.coords.xy)[0]) for r in rings]
        total += areas[0] - sum(areas[1:])
    return total / 1e6


def controller_at(lat: float, lon: float, day: date) -> str:
    """The controller of the single zone containing a town (or nearest within 2 km)."""
    today = zones_on(day)
    pt = Point(lon, lat)
    hits = today[today.intersects(pt)]
    if hits.empty:
        # Plain shapely: a degree distance is all we need, so no geographic-CRS warning.
        dist = pd.Series([g.distance(pt) for g in today.geometry], index=today.index)
        assert dist.min() < TOWN_TOLERANCE_DEG, f"({lat}, {lon}) is {dist.min():.3f}° from Syria"
        hits = today[dist == dist.min()]
    assert hits["controller"].nunique() == 1, f"ambiguous at ({lat}, {lon}): {hits['id'].tolist()}"
    return str(hits["controller"].iloc[0])


@pytest.mark.parametrize(("town", "day", "expected"), CASES,
                         ids=[f"{t}-{d}" for t, d, _ in CASES])
def test_town_controller(town: str, day: str, expected: str) -> None:
    lat, lon = TOWNS[town]
    assert controller_at(lat, lon, date.fromisoformat(day)) == expected


def test_enough_fact_cases() -> None:
    assert len(CASES) >= 40
    assert {c for _, _, c in CASES} <= CONTROLLERS


def test_contract_properties() -> None:
    raw = json.loads(ZONES.read_text(encoding="utf-8"))
    assert raw["type"] == "FeatureCollection" and "crs" not in raw
    ids = [f["properties"]["id"] for f in raw["features"]]
    assert len(ids) == len(set(ids))
    for feature in raw["features"]:
        props = feature["properties"]
        assert props.keys() >= REQUIRED, props["id"]
        assert props["controller"] in CONTROLLERS
        assert props["confidence"] in {"high", "medium", "low"}
        assert props["approximate"] is True
        assert props["source"] and props["notes"] and props["name"]
        date.fromisoformat(props["valid_from"])
        if props["valid_to"] is not None:
            assert date.fromisoformat(props["valid_to"]) > date.fromisoformat(props["valid_from"])
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_geometries_valid_ccw_and_rounded() -> None:
    raw = json.loads(ZONES.read_text(encoding="utf-8"))
    minx, miny, maxx, maxy = syria().bounds
    for feature in raw["features"]:
        geom = shape(feature["geometry"])
        assert geom.is_valid, feature["properties"]["id"]
        for poly in shapely.get_parts(geom):
            assert poly.exterior.is_ccw and not any(r.is_ccw for r in poly.interiors)
        coords = shapely.get_coordinates(geom)
        assert (coords == coords.round(5)).all()
        x0, y0, x1, y1 = geom.bounds
        assert x0 >= minx - 1e-5 and y0 >= miny - 1e-5 and x1 <= maxx + 1e-5 and y1 <= maxy + 1e-5


def test_last_period_open_and_periods_contiguous() -> None:
    gdf = zones()
    starts = sorted(set(gdf["from_d"]))
    assert starts[0] == FIRST
    for start, nxt in zip(starts, [*starts[1:], None], strict=True):
        assert set(gdf.loc[gdf["from_d"] == start, "to_d"]) == {nxt}


def _check_dates() -> list[date]:
    """Every snapshot, the day before each, and every 5th day from 26 Nov 2024 on."""
    starts = set(zones()["from_d"])
    sample = {FIRST + timedelta(days=n) for n in range(0, (LAST - FIRST).days + 1, 5)}
    before = {d - timedelta(days=1) for d in starts if d > FIRST}
    return sorted(starts | sample | before | {LAST})


@cache
def _tiling_figures(ids: frozenset[str]) -> tuple[float, float]:
    """(|area(union) - area(Syria)|, worst pairwise overlap), km², for one set of features."""
    gdf = zones()
    geoms = list(gdf[gdf["id"].isin(ids)].geometry)
    union = shapely.union_all(geoms)
    worst = 0.0
    for i, a in enumerate(geoms):
        for b in geoms[i + 1:]:
            if a.intersects(b):
                worst = max(worst, geodesic_km2(a.intersection(b)))
    return abs(geodesic_km2(union) - geodesic_km2(syria())), worst


@pytest.mark.parametrize("day", _check_dates(), ids=str)
def test_every_date_tiles_syria(day: date) -> None:
    today = zones_on(day)
    assert not today.empty
    diff, overlap = _tiling_figures(frozenset(today["id"]))
    assert diff < 1.0, f"{day}: union differs from Syria by {diff:.3f} km²"
    assert overlap < 0.01, f"{day}: zones overlap by {overlap:.4f} km²"
