"""The MGRS grid drawn on maps: its squares carry the references the mgrs library gives."""

from __future__ import annotations

import pytest
import shapely
from pyproj import Transformer

from layers.geo import mgrs_grid
from layers.geo.coords import to_mgrs

#: Five points of the subject, in three UTM zones: (name, lat, lon).
POINTS = [
    ("Khmeimim air base", 35.4117, 35.9487),
    ("Tartus naval facility", 34.9122, 35.8736),
    ("Damascus", 33.5138, 36.2765),
    ("Palmyra", 34.5560, 38.2670),
    ("Qamishli", 37.0522, 41.2317),
]
SYRIA = (35.5, 32.2, 42.5, 37.4)


@pytest.fixture(scope="module")
def squares_100km():
    return mgrs_grid.grid_squares(SYRIA, 100_000)


@pytest.mark.parametrize(("name", "lat", "lon"), POINTS)
def test_100km_square_label_agrees_with_to_mgrs(squares_100km, name, lat, lon):
    square = mgrs_grid.square_at(squares_100km, lon, lat)
    assert square is not None, name
    # to_mgrs at 10 km precision is "37S BU 6 4": zone, band and square come first
    assert square.label == " ".join(to_mgrs(lat, lon, precision_m=10000).split()[:2])


@pytest.mark.parametrize(("name", "lat", "lon"), POINTS)
def test_10km_square_label_agrees_with_to_mgrs(name, lat, lon):
    frame = (lon - 0.2, lat - 0.2, lon + 0.2, lat + 0.2)
    square = mgrs_grid.square_at(mgrs_grid.grid_squares(frame, 10_000), lon, lat)
    assert square is not None, name
    assert square.label == to_mgrs(lat, lon, precision_m=10000)


@pytest.mark.parametrize(("name", "lat", "lon"), POINTS)
def test_lettering_alone_agrees_with_the_library(name, lat, lon):
    """The AA lettering worked out from UTM numbers, with no grid drawn."""
    zone = mgrs_grid.zone_of(lon)
    fwd = Transformer.from_crs("EPSG:4326", f"EPSG:{32600 + zone}", always_xy=True)
    east, north = fwd.transform(lon, lat)
    assert mgrs_grid.reference(zone, lat, east, north, 1000) == to_mgrs(lat, lon,
                                                                         precision_m=1000)


def test_lines_are_true_grid_lines_and_stop_at_zone_edges():
    lines = mgrs_grid.grid_lines(SYRIA, 100_000)
    assert {line.zone for line in lines} == {36, 37, 38}
    for line in lines:
        fwd = Transformer.from_crs("EPSG:4326", f"EPSG:{32600 + line.zone}", always_xy=True)
        xs, ys = fwd.transform(*zip(*line.geometry.coords, strict=True))
        held = xs if line.axis == "E" else ys
        assert max(abs(v - line.value) for v in held) < 5.0  # metres, after densifying
        west = -180 + 6 * (line.zone - 1)
        minx, _, maxx, _ = line.geometry.bounds
        assert west - 1e-9 <= minx and maxx <= west + 6 + 1e-9


def test_squares_tile_the_frame_without_gaps():
    frame = (35.6, 34.7, 36.3, 35.6)  # across the 36° E zone edge
    squares = mgrs_grid.grid_squares(frame, 10_000)
    union = shapely.union_all([s.geometry for s in squares])
    assert union.area == pytest.approx(shapely.box(*frame).area, rel=1e-4)
    assert {s.label[:3] for s in squares} == {"36S", "37S"}


def test_step_follows_the_frame():
    assert mgrs_grid.mgrs_step(SYRIA) == 100_000
    assert mgrs_grid.mgrs_step((35.6, 34.7, 36.3, 35.6)) == 10_000
