"""The zone tiling check: the fast coverage path and the exact path agree with geometry."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from layers.core import tiling


def _zones(geoms, controllers, day="2024-12-01") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "id": [f"z{i}" for i in range(len(geoms))], "controller": controllers,
        "valid_from": pd.Timestamp(day), "valid_to": pd.NaT}, geometry=geoms, crs="EPSG:4326")


def _check(frame, coverage=None) -> list:
    problems: list = []
    tiling.check_zone_tiling(frame, "zones.geojson", problems, coverage=coverage)
    return problems


def test_shared_edges_take_the_coverage_path_and_pass():
    geoms = [shapely.box(36, 34, 36.5, 35), shapely.box(36.5, 34, 37, 35)]
    assert tiling._is_coverage(pd.Series(geoms).to_numpy())
    assert _check(_zones(geoms, ["sdf", "sna"]), coverage=shapely.box(36, 34, 37, 35)) == []


def test_edges_that_do_not_share_vertices_still_pass_on_the_exact_path():
    # The right square's edge has a vertex in the middle the left one lacks (a T-junction).
    left = shapely.box(36, 34, 36.5, 35)
    right = shapely.Polygon([(36.5, 34), (37, 34), (37, 35), (36.5, 35), (36.5, 34.5)])
    geoms = [left, right]
    assert not tiling._is_coverage(pd.Series(geoms).to_numpy())
    assert _check(_zones(geoms, ["sdf", "sna"]), coverage=shapely.box(36, 34, 37, 35)) == []


def test_overlap_between_controllers_is_measured_once_per_pair():
    geoms = [shapely.box(36, 34, 36.6, 35), shapely.box(36.5, 34, 37, 35),
             shapely.box(36.55, 34, 37, 35)]
    problems = _check(_zones(geoms, ["sdf", "sna", "sna"]))
    assert [p.rule for p in problems] == ["zone-overlap"]
    # 0.1 degree by 1 degree near 34.5N: about 9.2 km x 111 km.
    area = float(problems[0].message.split("overlap by ")[1].split(" km")[0].replace(",", ""))
    assert 900 < area < 1150


def test_same_controller_overlap_is_not_a_conflict():
    geoms = [shapely.box(36, 34, 36.6, 35), shapely.box(36.5, 34, 37, 35)]
    assert _check(_zones(geoms, ["sdf", "sdf"])) == []


def test_gap_is_found_on_both_paths():
    coverage = shapely.box(36, 34, 37.5, 35)
    tiled = [shapely.box(36, 34, 36.5, 35), shapely.box(36.5, 34, 37, 35)]
    junction = [tiled[0], shapely.Polygon([(36.5, 34), (37, 34), (37, 35), (36.5, 35),
                                           (36.5, 34.5)])]
    for geoms in (tiled, junction):
        problems = _check(_zones(geoms, ["sdf", "sna"]), coverage=coverage)
        assert [p.rule for p in problems] == ["zone-gap"]
        assert "unassigned" in problems[0].message
