"""The on-disk cache of validated layers: hits only for the same bytes, never wrong, optional."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from conftest import feature, square

from layers.ingest import layer_cache as _layer_cache
from layers.ingest.load import load_layer

LIMITS = (1, 2)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(_layer_cache.ENV, str(folder))
    monkeypatch.setattr(_layer_cache, "WRITE_MIN_SECONDS", 0.0)  # the tests' layers are tiny
    return folder


def _counting_loader(path, kind="generic"):
    calls = []

    def load():
        calls.append(path)
        return load_layer(path, kind)
    return load, calls


def test_second_load_comes_from_the_cache_and_is_identical(cache, write_geojson):
    path = write_geojson([feature("a", name="Tartus", confidence="low"),
                          feature("b", geometry=square(36, 34), valid_to="2025-01-01")])
    load, calls = _counting_loader(path)
    first = _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    second = _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(pd.DataFrame(first.drop(columns="geometry")),
                                  pd.DataFrame(second.drop(columns="geometry")))
    assert shapely.equals_exact(first.geometry.values, second.geometry.values, 0).all()
    assert second["valid_to"].dtype.kind == "M" and second.crs == first.crs
    assert second.attrs["source"] == first.attrs["source"]


def test_warnings_survive_the_round_trip(cache, write_geojson):
    path = write_geojson([{"type": "Feature", "properties": {"label": "x"},
                           "geometry": {"type": "Point", "coordinates": [36.3, 33.5]}}])
    load, calls = _counting_loader(path, "generic")
    first = _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    second = _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    assert len(calls) == 1 and first.attrs["problems"]
    assert second.attrs["problems"] == first.attrs["problems"]


def test_changed_bytes_kind_or_coverage_miss(cache, write_geojson):
    path = write_geojson([feature("a")])
    load, calls = _counting_loader(path)
    _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    _layer_cache.cached_load(path, "other-kind", None, LIMITS, load)
    _layer_cache.cached_load(path, "generic", shapely.box(0, 0, 1, 1), LIMITS, load)
    write_geojson([feature("a", name="Renamed")])
    _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    assert len(calls) == 4


def test_off_switch_always_loads(monkeypatch, tmp_path, write_geojson):
    monkeypatch.setenv(_layer_cache.ENV, "off")
    assert _layer_cache.cache_dir() is None
    path = write_geojson([feature("a")])
    load, calls = _counting_loader(path)
    for _ in range(2):
        _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    assert len(calls) == 2


def test_damaged_entry_is_a_miss(cache, write_geojson):
    path = write_geojson([feature("a")])
    load, calls = _counting_loader(path)
    _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    for parquet in cache.glob("*.parquet"):
        parquet.write_bytes(b"not parquet")
    frame = _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    assert len(calls) == 2 and frame["id"].tolist() == ["a"]


def test_a_frame_that_does_not_read_back_identical_is_not_kept(cache, write_geojson):
    path = write_geojson([feature("a")])
    odd = gpd.GeoDataFrame({"mixed": pd.Series([1, "two"], dtype=object)},
                           geometry=[shapely.Point(0, 0), shapely.Point(1, 1)], crs="EPSG:4326")
    _layer_cache.cached_load(path, "places", None, LIMITS, lambda: odd)
    assert not list(cache.glob("*.parquet")) and not list(cache.glob("*.tmp"))


def test_failed_validation_is_not_cached(cache, write_geojson):
    path = write_geojson([feature("a", confidence="sure")])
    for _ in range(2):
        with pytest.raises(ValueError, match="confidence"):
            _layer_cache.cached_load(path, "places", None, LIMITS,
                                     lambda: load_layer(path, "places"))
    assert not list(cache.glob("*.parquet"))


def test_a_layer_that_loads_fast_is_not_worth_an_entry(cache, write_geojson, monkeypatch):
    monkeypatch.setattr(_layer_cache, "WRITE_MIN_SECONDS", 60.0)
    path = write_geojson([feature("a")])
    load, calls = _counting_loader(path)
    _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    _layer_cache.cached_load(path, "generic", None, LIMITS, load)
    assert len(calls) == 2  # loaded each time: nothing was written
    assert not list(cache.glob("*.parquet")) and not list(cache.glob("*.tmp"))
