"""Level of detail: simplified zones still tile, rounding is bounded, dense points aggregate."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from layers.render import lod as _lod


def _wiggly_strips(n: int = 4, vertices: int = 800) -> np.ndarray:
    """``n`` strips side by side whose shared edges are the same wiggly lines."""
    rng = np.random.default_rng(3)
    ys = np.linspace(32.0, 37.0, vertices)
    edges = [np.column_stack([36.0 + k + 0.02 * np.sin(ys * 17) + rng.normal(0, 0.002, vertices),
                              ys]) for k in range(n + 1)]
    return np.array([shapely.Polygon(np.vstack([edges[k], edges[k + 1][::-1]]))
                     for k in range(n)])


@pytest.mark.parametrize(("zoom", "band"), [(None, 8), (7.5, 8), (3, 5), (12.2, 13),
                                            (20, 18), (float("nan"), 8)])
def test_zoom_band(zoom, band):
    assert _lod.zoom_band(zoom) == band


def test_decimals_keep_rounding_under_a_quarter_pixel():
    for band in _lod.BANDS:
        assert 10 ** -_lod.decimals(band) / 2 <= _lod.tolerance_deg(band, 0.25)
    assert _lod.decimals(8) < _lod.decimals(14)


def test_coverage_simplification_keeps_the_tiling_and_the_area():
    strips = _wiggly_strips()
    out = _lod.simplify_geoms(strips, 7, coverage=True)
    count = shapely.get_num_coordinates
    assert count(out).sum() < count(strips).sum() / 3
    assert shapely.coverage_is_valid(out)  # no gap, no overlap between neighbours
    assert shapely.union_all(out).area == pytest.approx(shapely.union_all(strips).area, rel=0.01)
    coords = shapely.get_coordinates(out)
    assert np.allclose(coords, np.round(coords, _lod.decimals(7)))


def test_detail_grows_with_zoom():
    strips = _wiggly_strips(2)
    counts = [shapely.get_num_coordinates(_lod.simplify_geoms(strips, b, coverage=True)).sum()
              for b in (6, 10, 14)]
    assert counts[0] < counts[1] <= counts[2]


def test_points_and_missing_geometries_pass_through():
    geoms = np.array([shapely.Point(36.123456, 33.5), None, shapely.LineString(
        [(36, 33), (36.5, 33.0001), (37, 33)])], dtype=object)
    out = _lod.simplify_geoms(geoms, 8)
    assert out[1] is None
    assert out[0].equals(shapely.Point(36.123, 33.5))
    assert shapely.get_num_coordinates(out[2]) == 2


def _events(n: int, seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame({
        "id": [f"e{i}" for i in range(n)], "name": [f"Event {i}" for i in range(n)],
        "category": rng.choice(["control", "russian_forces"], n),
        "valid_from": pd.Timestamp("2024-12-01") + pd.to_timedelta(rng.integers(0, 7, n), "D"),
        "source": "s", "confidence": "high"},
        geometry=shapely.points(rng.uniform(36, 37, n), rng.uniform(33, 34, n)), crs="EPSG:4326")


def test_dense_points_are_aggregated_and_every_event_counted():
    frame = _events(1000)
    out = _lod.aggregate_points(frame, 8, by="category", max_points=400)
    assert len(out) < len(frame)
    counts = out["cluster"].fillna(1).astype(int)
    assert counts.sum() == 1000
    clusters = out.loc[out["cluster"].notna()]
    assert clusters["name"].str.contains("events here").all()
    assert set(clusters["category"]) <= {"control", "russian_forces"}
    assert clusters["valid_from"].min() >= frame["valid_from"].min()
    singles = out.loc[out["cluster"].isna()]
    assert set(singles["id"]) <= set(frame["id"])


def test_sparse_points_are_left_alone():
    frame = _events(50)
    assert _lod.aggregate_points(frame, 8, by="category") is frame
