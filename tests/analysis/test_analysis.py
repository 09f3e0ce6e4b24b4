"""Analyst figures: territory, change, exposure, sites, rings — against independent values."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from geo_reference import laea_area_km2, polyline_km, vincenty
from shapely.geometry import LineString, box

from layers.analysis import measures as analysis
from layers.analysis.gazetteer import Gazetteer
from layers.core.loaded import LoadedLayers
from layers.core.timeline import as_of
from layers.errors import DateError, UnknownLayerError
from layers.geo.geodesy import geodesic_circle
from layers.ingest.catalog_layers import load_catalog_layers, syria_outline

SYRIA_KM2 = 185_941


def _zones(rows: list[tuple[str, str, str | None, shapely.Geometry]]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"id": [f"z{i}" for i in range(len(rows))], "controller": [r[0] for r in rows],
         "valid_from": pd.to_datetime([r[1] for r in rows]),
         "valid_to": pd.to_datetime([r[2] for r in rows]), "confidence": "medium"},
        geometry=[r[3] for r in rows], crs="EPSG:4326")
    return frame


# A 2°×1° "country": A holds the west, B the east; on 5 Dec B takes A's ground east of 36.5°.
COUNTRY = box(36.0, 33.0, 38.0, 34.0)
D1, D2 = "2024-12-01", "2024-12-05"


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    return _zones([
        ("a", D1, D2, box(36.0, 33.0, 37.0, 34.0)), ("a", D1, D2, box(37.0, 33.0, 37.5, 34.0)),
        ("b", D1, D2, box(37.5, 33.0, 38.0, 34.0)),
        ("a", D2, None, box(36.0, 33.0, 36.5, 34.0)), ("b", D2, None, box(36.5, 33.0, 38.0, 34.0)),
    ])


@pytest.fixture
def routes() -> gpd.GeoDataFrame:
    coords = [(36.1, 33.5), (36.5, 33.5), (37.5, 33.5), (38.0, 33.5), (38.5, 33.5)]
    return gpd.GeoDataFrame(
        {"id": ["r1"], "route_id": ["r"], "name": ["Convoy"], "mode": ["road"],
         "valid_from": pd.to_datetime([D1]), "valid_to": pd.to_datetime([None])},
        geometry=[LineString(coords)], crs="EPSG:4326")


@pytest.fixture(scope="module")
def loaded() -> LoadedLayers:
    result = load_catalog_layers()
    assert "control_zones" in result.frames, result.problems.get("control_zones")
    return result


# --- territory on fixtures --------------------------------------------------------------------

def test_area_by_controller_merges_features_and_matches_an_equal_area_projection(zones):
    table = analysis.area_by_controller(zones, D1).set_index("controller")
    assert table.loc["a", "area_km2"] == pytest.approx(laea_area_km2(box(36, 33, 37.5, 34)),
                                                       rel=1e-4)
    assert table.loc["b", "area_km2"] == pytest.approx(laea_area_km2(box(37.5, 33, 38, 34)),
                                                       rel=1e-4)
    assert table["share_pct"].sum() == pytest.approx(100)
    assert list(table.index) == ["a", "b"]  # largest first


def test_territory_over_time_has_every_controller_on_every_change_date(zones):
    table = analysis.territory_over_time(zones)
    assert sorted(table["date"].dt.date.unique()) == [dt.date(2024, 12, 1), dt.date(2024, 12, 5)]
    wide = table.pivot(index="date", columns="controller", values="area_km2")
    total = laea_area_km2(COUNTRY)
    assert wide.sum(axis=1).to_numpy() == pytest.approx([total, total], rel=1e-4)
    assert wide.loc[pd.Timestamp(D2), "a"] == pytest.approx(laea_area_km2(box(36, 33, 36.5, 34)),
                                                            rel=1e-4)


def test_diff_finds_the_ground_that_changed_hands(zones):
    moves = analysis.territory_diff(zones, D1, D2)
    assert list(zip(moves["from_controller"], moves["to_controller"], strict=True)) == [("a", "b")]
    assert moves.loc[0, "area_km2"] == pytest.approx(laea_area_km2(box(36.5, 33, 37.5, 34)),
                                                     rel=1e-4)
    assert moves.geometry[0].equals(box(36.5, 33.0, 37.5, 34.0))
    summary = analysis.diff_summary(zones, D1, D2).set_index("controller")
    assert summary.loc["b", "gained_km2"] == pytest.approx(moves.loc[0, "area_km2"])
    assert summary.loc["a", "lost_km2"] == pytest.approx(moves.loc[0, "area_km2"])
    assert summary.loc["a", "gained_km2"] == 0 and summary.loc["b", "lost_km2"] == 0
    net = summary["area_2_km2"] - summary["area_1_km2"]
    assert summary["net_km2"].to_numpy() == pytest.approx(net.to_numpy(), abs=1e-6)


def test_no_zones_on_a_date_is_a_date_error(zones):
    with pytest.raises(DateError, match="from 2024-12-01"):
        analysis.area_by_controller(zones, "2024-11-01")


# --- exposure on fixtures ---------------------------------------------------------------------

def test_route_exposure_splits_the_length_by_controller(zones, routes):
    table = analysis.route_exposure(routes, zones, D2).set_index("controller")
    seg = lambda lon1, lon2: vincenty(33.5, lon1, 33.5, lon2)[0]  # noqa: E731
    assert table.loc["a", "km"] == pytest.approx(seg(36.1, 36.5), abs=0.005)
    assert table.loc["b", "km"] == pytest.approx(seg(36.5, 37.5) + seg(37.5, 38.0), abs=0.005)
    assert table.loc[analysis.OUTSIDE, "km"] == pytest.approx(seg(38.0, 38.5), abs=0.005)
    length = polyline_km(list(routes.geometry[0].coords))
    assert table["km"].sum() == pytest.approx(length, rel=1e-6)
    assert table["length_km"].iloc[0] == pytest.approx(length, rel=1e-9)
    assert table["share_pct"].sum() == pytest.approx(100, rel=1e-6)
    before = analysis.route_exposure(routes, zones, D1).set_index("controller")
    assert before.loc["a", "km"] == pytest.approx(seg(36.1, 36.5) + seg(36.5, 37.5), abs=0.005)


def test_routes_not_valid_on_the_date_are_left_out(zones, routes):
    assert analysis.route_exposure(routes, zones, "2024-11-30").empty


# --- the real layers --------------------------------------------------------------------------

def test_zones_sum_to_syria_on_every_snapshot_date(loaded):
    zones = loaded.frames["control_zones"]
    days = analysis.snapshot_dates(zones)
    assert len(days) >= 6 and days[0] == dt.date(2024, 11, 26)
    totals = analysis.territory_over_time(zones).groupby("date")["area_km2"].sum()
    assert len(totals) == len(days)
    for day, total in totals.items():
        assert total == pytest.approx(SYRIA_KM2, abs=1.0), day


def test_syria_outline_measures_185941(loaded):
    from layers.geo.geodesy import geodesic_area_km2

    assert geodesic_area_km2(syria_outline(loaded.catalog)) == pytest.approx(SYRIA_KM2, abs=5)


def test_every_diff_between_snapshots_balances(loaded):
    zones = loaded.frames["control_zones"]
    days = analysis.snapshot_dates(zones)
    for d1, d2 in itertools.pairwise(days):
        summary = analysis.diff_summary(zones, d1, d2)
        change = summary["area_2_km2"] - summary["area_1_km2"]
        assert (summary["net_km2"] - change).abs().max() < 0.5, (d1, d2)
        assert summary["gained_km2"].sum() == pytest.approx(summary["lost_km2"].sum(), abs=0.5)


def test_fall_of_assad_between_26_nov_and_15_dec(loaded):
    summary = analysis.diff_summary(loaded.frames["control_zones"], "2024-11-26", "2024-12-15")
    row = summary.set_index("controller")
    assert row.loc["assad_government", "area_2_km2"] == 0
    assert row.loc["assad_government", "lost_km2"] == pytest.approx(
        row.loc["assad_government", "area_1_km2"], abs=0.5)
    assert row.loc["hts_led", "gained_km2"] > 90_000


def test_every_route_exposure_sums_to_its_length_on_every_date(loaded):
    routes = loaded.frames["evacuation_routes"]
    zones = loaded.frames["control_zones"]
    checked = 0
    for day in analysis.snapshot_dates(zones) + sorted({d.date() for d in routes["valid_from"]}):
        table = analysis.route_exposure(routes, zones, day)
        for rid, group in table.groupby("id"):
            geom = routes.loc[routes["id"] == rid].geometry.iloc[0]
            reference = sum(polyline_km(list(g.coords)) for g in shapely.get_parts(geom))
            assert group["km"].sum() == pytest.approx(reference, rel=0.001), (day, rid)
            checked += 1
    assert checked >= 9


def test_damascus_convoy_runs_through_hts_ground_on_13_december(loaded):
    table = analysis.route_exposure(loaded.frames["evacuation_routes"],
                                    loaded.frames["control_zones"], "2024-12-13")
    convoy = table[table["route_id"] == "damascus-evacuation"].set_index("controller")
    assert convoy["km"].sum() == pytest.approx(convoy["length_km"].iloc[0], rel=0.001)
    assert convoy.loc["hts_led", "share_pct"] > 90


def test_installations_by_status(loaded):
    sites = loaded.frames["installations"]
    on_8_dec = analysis.installations_by_status(sites, "2024-12-08").set_index("site_id")
    assert on_8_dec.loc["khmeimim", "status"] == "active"
    assert on_8_dec.loc["tartus", "status"] == "drawing_down"
    assert on_8_dec.index.is_unique
    expected = as_of(sites, "2024-12-08")
    assert len(on_8_dec) == expected.loc[expected["part"] == "site", "site_id"].nunique()
    later = analysis.installations_by_status(sites, "2026-03-01").set_index("site_id")
    assert later.loc["qamishli-airport", "status"] == "vacated"
    held = analysis.bases(sites, "2026-03-01")
    assert "qamishli-airport" not in set(held["site_id"])


def test_what_lies_within_rings_around_khmeimim(loaded):
    gaz = Gazetteer.from_loaded(loaded)
    kh = next(e for e in gaz.entries if e.key == "khmeimim")
    table = analysis.ring_contents(kh.lat, kh.lon, [50, 100, 200], gaz,
                                   exclude_site="khmeimim")
    rings = dict(zip(table["name"], table["ring_km"], strict=True))
    assert rings["Jableh"] == 50 and rings["Tartus naval facility"] == 100
    assert rings["Homs"] == 200 and "Damascus" not in rings and "Khmeimim air base" not in rings
    row = table.set_index("name").loc["Tartus naval facility"]
    ref_km, ref_bearing = vincenty(kh.lat, kh.lon, row["lat"], row["lon"])
    assert row["km"] == pytest.approx(ref_km, abs=1e-4)
    assert row["bearing"] == pytest.approx(ref_bearing, abs=1e-4)
    assert table["km"].is_monotonic_increasing


def test_ring_territory_adds_up_to_the_circle(loaded):
    zones = loaded.frames["control_zones"]
    table = analysis.ring_territory(35.41167, 35.945, 100, zones, "2024-12-07")
    circle = laea_area_km2(geodesic_circle(35.41167, 35.945, 100))
    assert table["area_km2"].sum() == pytest.approx(circle, rel=0.001)
    assert table["area_km2"].sum() == pytest.approx(math.pi * 100**2, rel=0.01)
    assert {"hts_led", "assad_government", analysis.OUTSIDE} <= set(table["controller"])


def test_missing_layer_kind_is_explained(loaded):
    empty = LoadedLayers(loaded.catalog)
    empty.problems["control_zones"] = []
    with pytest.raises(UnknownLayerError, match="did not load"):
        analysis.require_kind(empty, "control_zones")
    assert analysis.controller_label(loaded, "sdf") == "Syrian Democratic Forces (SDF)"


def test_a_town_sharing_the_bases_key_is_not_left_out(loaded):
    # The town of Tartus (places id "tartus") and the base (site_id "tartus") share a key.
    gaz = Gazetteer.from_loaded(loaded)
    base = next(e for e in gaz.entries if e.key == "tartus" and e.category == "site")
    near = analysis.within_radius(base.lat, base.lon, 10, gaz, exclude_site="tartus")
    assert list(near["name"]) == ["Tartus"]
    assert near["km"].iloc[0] == pytest.approx(vincenty(base.lat, base.lon, 34.889, 35.887)[0],
                                               abs=1e-3)
