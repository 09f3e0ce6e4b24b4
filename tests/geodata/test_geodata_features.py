"""Checks on the four fact layers built by ``geodata/scripts/build_features.py``.

They read the GeoJSON with plain ``json``/geopandas (not the ``layers`` package) so the
data contract is checked independently of the code that will consume it, and they
compare positions with the facts sheet (FACTS.md) copied here by hand.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from facts_places import FACTS_PLACES
from pyproj import Geod
from shapely.geometry import Point, shape

ROOT = Path(__file__).resolve().parents[2]
GEODATA = ROOT / "geodata"
SCRIPT = GEODATA / "scripts" / "build_features.py"
FILES = ("installations.geojson", "evacuation_routes.geojson", "events.geojson",
         "places.geojson")
GEOD = Geod(ellps="WGS84")
#: Map frame of the basemap (lon_min, lat_min, lon_max, lat_max).
FRAME = (33.0, 30.0, 44.5, 39.0)
#: Natural Earth 1:10m draws the coast and borders to within about a kilometre; points on
#: the coast (Latakia port, Baniyas) or on the Turkish border (Kobani) fall just outside.
LAND_TOLERANCE_KM = 2.0
#: Territorial sea, 12 nautical miles: the furthest a sea leg or anchorage should lie.
SEA_TOLERANCE_KM = 22.2
OFFSHORE_EVENTS = {"2024-12-09-anchorage-anchorage"}

QUDSAYA = (33.536, 36.217)
KHMEIMIM = (35.41167, 35.94500)


VOCAB = {
    "installations.geojson": {
        "status": {"active", "drawing_down", "vacated", "uncertain"},
        "site_type": {"naval_base", "air_base", "airport", "garrison", "military_police",
                      "headquarters", "port"},
        "part": {"site", "outline", "perimeter", "runway"},
    },
    "evacuation_routes.geojson": {"mode": {"road", "air", "sea"}},
    "events.geojson": {"category": {"control", "russian_forces", "basing_talks"}},
    "places.geojson": {"place_type": {"city", "town", "crossing", "garrison"}},
}
GEOMETRIES = {
    "installations.geojson": {"Point", "Polygon", "LineString"},
    "evacuation_routes.geojson": {"LineString"},
    "events.geojson": {"Point"},
    "places.geojson": {"Point"},
}
EXTRA = {
    "installations.geojson": ("site_id", "status", "site_type", "part", "operator",
                              "other_names", "precision_m", "approximate", "notes"),
    "evacuation_routes.geojson": ("route_id", "mode", "origin", "destination", "personnel",
                                  "approximate", "notes"),
    "events.geojson": ("category", "date", "approximate", "notes"),
    "places.geojson": ("other_names", "place_type", "precision_m", "approximate", "notes"),
}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _load(name: str) -> dict[str, Any]:
    return json.loads((GEODATA / name).read_text(encoding="utf-8"))


def _features(name: str) -> list[dict[str, Any]]:
    return _load(name)["features"]


def _positions(coords: Any) -> list[tuple[float, float]]:
    if isinstance(coords[0], (int, float)):
        return [(coords[0], coords[1])]
    return [p for c in coords for p in _positions(c)]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in km between two (lat, lon) pairs."""
    return GEOD.inv(a[1], a[0], b[1], b[0])[2] / 1000


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(scope="module")
def syria_utm() -> Any:
    """Syria's outline in UTM 37N metres, for distances in km."""
    frame = gpd.read_file(GEODATA / "basemap" / "syria.geojson").set_crs(4326, allow_override=True)
    return frame.to_crs(32637).geometry.union_all()


def _km_outside(syria_utm: Any, lon: float, lat: float) -> float:
    pt = gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(32637).iloc[0]
    return syria_utm.distance(pt) / 1000


# --- files and the common contract ------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_file_loads(name: str) -> None:
    doc = _load(name)
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc, "RFC 7946: no crs member"
    frame = gpd.read_file(GEODATA / name)
    assert len(frame) == len(doc["features"]) > 0
    assert frame.geometry.is_valid.all()


@pytest.mark.parametrize("name", FILES)
def test_ids_unique(name: str) -> None:
    ids = [f["properties"]["id"] for f in _features(name)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("name", FILES)
def test_contract_properties(name: str) -> None:
    for f in _features(name):
        p = f["properties"]
        fid = p.get("id")
        assert isinstance(fid, str) and fid, f
        for key in ("name", "source"):
            assert isinstance(p.get(key), str) and p[key].strip(), (fid, key)
        assert ISO_DAY.match(p["valid_from"]), (fid, p["valid_from"])
        assert p["valid_to"] is None or ISO_DAY.match(p["valid_to"]), (fid, p["valid_to"])
        if p["valid_to"] is not None:
            assert _day(p["valid_from"]) < _day(p["valid_to"]), fid
        assert p["confidence"] in {"high", "medium", "low"}, fid
        for key in EXTRA[name]:
            assert key in p, (fid, key)
        assert isinstance(p["approximate"], bool), fid
        assert isinstance(p["notes"], str), fid
        precision = p.get("precision_m")
        assert precision is None or (isinstance(precision, (int, float)) and precision > 0), fid
        for key, allowed in VOCAB[name].items():
            assert p[key] in allowed, (fid, key, p[key])
        assert f["geometry"]["type"] in GEOMETRIES[name], fid


@pytest.mark.parametrize("name", FILES)
def test_no_invented_precision(name: str) -> None:
    """Never more than five decimals (about a metre) in any coordinate."""
    for f in _features(name):
        for lon, lat in _positions(f["geometry"]["coordinates"]):
            for value in (lon, lat):
                decimals = len(repr(float(value)).split(".")[1].rstrip("0"))
                assert decimals <= 5, (f["properties"]["id"], value)


@pytest.mark.parametrize("name", FILES)
def test_build_is_current_and_deterministic(name: str, tmp_path: Path) -> None:
    """Rebuilding gives the committed bytes: files and script cannot drift apart."""
    spec = importlib.util.spec_from_file_location("build_features", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    module.main(tmp_path)
    assert (tmp_path / name).read_bytes() == (GEODATA / name).read_bytes(), (
        f"{name} is stale: run python geodata/scripts/build_features.py")


# --- installations ------------------------------------------------------------------------


def test_site_periods_do_not_overlap() -> None:
    """Per site and part, the status periods follow each other without overlap or gap."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for f in _features("installations.geojson"):
        p = f["properties"]
        groups[(p["site_id"], p["part_id"])].append(p)
    assert groups
    for key, periods in groups.items():
        periods.sort(key=lambda p: p["valid_from"])
        assert len({p["part"] for p in periods}) == 1, key
        for before, after in itertools.pairwise(periods):
            assert before["valid_to"] is not None, (key, before["id"])
            assert before["valid_to"] <= after["valid_from"], (key, before["id"], after["id"])
            assert before["valid_to"] == after["valid_from"], ("gap", key, before["id"])
        assert periods[-1]["valid_to"] is None, (key, "a site's last state is open-ended")


def _on(features: list[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    return [f for f in features if f["properties"]["valid_from"] <= day
            and (f["properties"]["valid_to"] is None or day < f["properties"]["valid_to"])]


@pytest.mark.parametrize("site_id", ["tartus", "khmeimim"])
def test_main_bases_present_on_fall_of_damascus(site_id: str) -> None:
    today = [f["properties"] for f in _on(_features("installations.geojson"), "2024-12-08")
             if f["properties"]["site_id"] == site_id]
    sites = [p for p in today if p["part"] == "site"]
    assert len(sites) == 1, today
    assert sites[0]["status"] in {"active", "drawing_down"}
    assert {p["status"] for p in today} == {sites[0]["status"]}, "all parts share the status"
    print(f"{site_id} on 2024-12-08: {sites[0]['status']}")


@pytest.mark.parametrize("site_id", ["tartus", "khmeimim"])
def test_main_bases_still_held_mid_feb_2026(site_id: str) -> None:
    """FACTS §5: in mid-Feb 2026 Russia holds Khmeimim and Tartus only."""
    today = [f["properties"] for f in _on(_features("installations.geojson"), "2026-02-15")
             if f["properties"]["site_id"] == site_id and f["properties"]["part"] == "site"]
    assert [p["status"] for p in today] in (["uncertain"], ["drawing_down"])
    held = {f["properties"]["site_id"] for f in _on(_features("installations.geojson"),
                                                    "2026-02-15")
            if f["properties"]["status"] in {"active", "drawing_down", "uncertain"}
            and f["properties"]["site_type"] != "port"}
    assert held == {"tartus", "khmeimim"}


@pytest.mark.parametrize("site_id", ["shayrat", "hama-airport"])
def test_doubtful_sites_say_so(site_id: str) -> None:
    for f in _features("installations.geojson"):
        p = f["properties"]
        if p["site_id"] == site_id:
            assert p["confidence"] == "low", p["id"]
            assert "confirm" in p["notes"], p["id"]


def test_khmeimim_parts() -> None:
    parts = {f["properties"]["part_id"]: f for f in _features("installations.geojson")
             if f["properties"]["site_id"] == "khmeimim"}
    assert set(parts) == {"site", "perimeter", "runway-17r-35l", "runway-17l-35r"}
    perimeter = shape(parts["perimeter"]["geometry"])
    for key in ("site", "runway-17r-35l", "runway-17l-35r"):
        assert perimeter.contains(shape(parts[key]["geometry"])), key
    assert parts["runway-17l-35r"]["properties"]["confidence"] == "low"


def test_tartus_outline_inside_osm_bbox() -> None:
    outline = [f for f in _features("installations.geojson")
               if f["properties"]["site_id"] == "tartus" and f["properties"]["part"] == "outline"]
    assert outline
    for f in outline:
        assert f["properties"]["approximate"] is True
        geom = shape(f["geometry"])
        lon0, lat0, lon1, lat1 = geom.bounds
        assert lat0 >= 34.9087 and lat1 <= 34.9185 and lon0 >= 35.8591 and lon1 <= 35.8794
        assert geom.contains(Point(35.874, 34.915)), "the site point lies in its outline"


# --- routes ---------------------------------------------------------------------------------


def test_damascus_convoy() -> None:
    """Starts at Qudsaya, ends at Khmeimim, and is about as long as the road.

    The road distance Damascus–Latakia via Homs and Tartus is roughly 330–400 km; straight
    chords between sparse waypoints cut the bends, so the polyline may run up to about 15 %
    shorter than the road.
    """
    (convoy,) = [f for f in _features("evacuation_routes.geojson")
                 if f["properties"]["route_id"] == "damascus-evacuation"
                 and f["properties"]["mode"] == "road"]
    coords = convoy["geometry"]["coordinates"]
    start, end = (coords[0][1], coords[0][0]), (coords[-1][1], coords[-1][0])
    assert _km(start, QUDSAYA) < 3
    assert _km(end, KHMEIMIM) < 3
    lons, lats = zip(*coords, strict=True)
    length = GEOD.line_length(lons, lats) / 1000
    print(f"Damascus convoy polyline: {length:.0f} km")
    assert 280 <= length <= 400
    p = convoy["properties"]
    # Reported by the FT on 15 Dec as done "in recent days": drawn before the report.
    assert (p["valid_from"], p["valid_to"]) == ("2024-12-13", "2024-12-15")
    assert p["personnel"] == 400 and p["confidence"] == "low"
    assert "inferred" in p["notes"] and "Financial Times 15 Dec 2024" in p["source"]


def test_route_properties() -> None:
    for f in _features("evacuation_routes.geojson"):
        p = f["properties"]
        assert p["personnel"] is None or isinstance(p["personnel"], int)
        assert p["approximate"] is True
        assert isinstance(p["external"], bool)
        assert p["valid_to"] is not None, "a movement has an end"
        assert len(f["geometry"]["coordinates"]) >= 2


def test_external_air_legs_leave_the_map(syria_utm: Any) -> None:
    external = [f for f in _features("evacuation_routes.geojson") if f["properties"]["external"]]
    ends = {f["properties"]["destination"] for f in external} | {
        f["properties"]["origin"] for f in external}
    assert {"Russia (direction only)", "Libya (direction only)"} <= ends
    lon0, lat0, lon1, lat1 = FRAME
    for f in external:
        assert f["properties"]["mode"] == "air"
        coords = f["geometry"]["coordinates"]
        if f["properties"]["origin"].endswith("(direction only)"):  # inbound leg
            coords = coords[::-1]
        (sx, sy), (ex, ey) = coords[0], coords[-1]
        assert _km_outside(syria_utm, sx, sy) == 0, "its Syrian end is in Syria"
        assert not (lon0 <= ex <= lon1 and lat0 <= ey <= lat1), "ends just off the map"
        assert lon0 - 1 <= ex <= lon1 + 1 and lat0 - 1 <= ey <= lat1 + 1, "but only just"


# --- places and positions -------------------------------------------------------------------


def test_gazetteer_has_every_facts_place() -> None:
    by_name = {f["properties"]["name"]: f["geometry"]["coordinates"]
               for f in _features("places.geojson")}
    for name, (lat, lon) in FACTS_PLACES.items():
        assert name in by_name, name
        x, y = by_name[name]
        assert abs(x - lon) <= 0.01 and abs(y - lat) <= 0.01, (name, by_name[name])


def test_event_dates_match_their_text() -> None:
    """valid_from is the first day written, valid_to the day after the last."""
    for f in _features("events.geojson"):
        p = f["properties"]
        first, last = _day(p["valid_from"]), _day(p["valid_to"]) - dt.timedelta(days=1)
        text = p["date"]
        assert first.strftime("%b") in text and str(first.year) in text, p["id"]
        assert last.strftime("%b") in text and str(last.year) in text, p["id"]
        if text.startswith("early "):  # the first half of the month
            assert (first.day, last.day) == (1, 15), (p["id"], text)
            continue
        sides = text.removeprefix("about ").removeprefix("reported ").split(" – ")
        head = re.findall(r"\b(\d{1,2})\b", sides[0])
        tail = re.findall(r"\b(\d{1,2})\b", sides[-1])
        assert first.day == (int(head[0]) if head else 1), (p["id"], text)
        if tail:
            assert last.day == int(tail[-1]), (p["id"], text)
        else:  # a month without a day covers the whole month
            assert (last + dt.timedelta(days=1)).day == 1, (p["id"], text)


def test_every_facts_timeline_item_is_an_event() -> None:
    """FACTS §4 has 27 control, 20 Russian-forces and 14 basing-talks lines.

    Three lines are split where they name different reports for different facts (6 Dec:
    TRT World, Kurdpress and an undated SFA report; 8–9 Dec Manbij; The Times' HTS guards
    of 14 Dec apart from Maxar's 13 Dec images).
    """
    items: dict[str, set[str]] = defaultdict(set)
    for f in _features("events.geojson"):
        items[f["properties"]["category"]].add(f["properties"]["item_id"])
    assert {k: len(v) for k, v in items.items()} == {
        "control": 30, "russian_forces": 21, "basing_talks": 14}


@pytest.mark.parametrize("name", FILES)
def test_positions_inside_syria(name: str, syria_utm: Any) -> None:
    """Everything lies in Syria (lat/lon swapped would put it in Iran or Saudi Arabia).

    Tolerances: about 2 km for the generalised coast and border, the 12-mile territorial
    sea for sea legs and the offshore anchorage; external air legs are checked elsewhere.
    """
    worst = 0.0
    for f in _features(name):
        p = f["properties"]
        if p.get("external"):
            continue
        at_sea = p.get("mode") == "sea" or p["id"] in OFFSHORE_EVENTS
        limit = SEA_TOLERANCE_KM if at_sea else LAND_TOLERANCE_KM
        for lon, lat in _positions(f["geometry"]["coordinates"]):
            off = _km_outside(syria_utm, lon, lat)
            worst = max(worst, off) if not at_sea else worst
            assert off <= limit, (p["id"], lon, lat, f"{off:.1f} km outside Syria")
    print(f"{name}: worst land position {worst:.2f} km outside the outline")
