"""Buffers and areas are geodesic: sizes on the ground, checked against pyproj's Geod."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon

from layers.analysis.buffers import buffer_overlay, geodesic_buffer, size_label
from layers.geo.geodesy import geodesic_area_km2

GEOD = Geod(ellps="WGS84")
KHMEIMIM = Point(35.9487, 35.4117)
ROAD = LineString([(36.2765, 33.5138), (36.72, 34.73), (36.75, 35.15)])  # Damascus–Homs–Hama


def _distance_to(line: LineString, lon: float, lat: float) -> float:
    """Shortest geodesic distance in km from a point to a line densified every 200 m."""
    coords = []
    for (x1, y1), (x2, y2) in zip(line.coords[:-1], line.coords[1:], strict=True):
        r = GEOD.inv_intermediate(x1, y1, x2, y2, del_s=200, initial_idx=0, terminus_idx=0,
                                   return_back_azimuth=True)
        coords += list(zip(r.lons, r.lats, strict=True))
    lons, lats = np.array([c[0] for c in coords]), np.array([c[1] for c in coords])
    _, _, metres = GEOD.inv(np.full(len(lons), lon), np.full(len(lats), lat), lons, lats)
    return float(metres.min()) / 1000


def test_point_buffer_is_a_true_circle():
    ring = geodesic_buffer(KHMEIMIM, 50)
    lons, lats = np.asarray(ring.exterior.coords).T
    _, _, metres = GEOD.inv(np.full(len(lons), KHMEIMIM.x), np.full(len(lats), KHMEIMIM.y),
                            lons, lats)
    assert np.allclose(metres, 50_000, atol=1)
    assert geodesic_area_km2(ring) == pytest.approx(np.pi * 50**2, rel=0.002)


def test_line_buffer_edge_is_the_distance_on_the_ground():
    zone = geodesic_buffer(ROAD, 20)
    edge = np.asarray(zone.exterior.coords)[::7]
    distances = [_distance_to(ROAD, lon, lat) for lon, lat in edge]
    assert min(distances) == pytest.approx(20, rel=0.003)
    assert max(distances) == pytest.approx(20, rel=0.003)
    assert zone.contains(ROAD)


def test_polygon_buffer_and_area_agree_with_geod():
    area = Polygon([(36.0, 34.0), (37.0, 34.0), (37.0, 35.0), (36.0, 35.0)])
    grown = geodesic_buffer(area, 10)
    assert grown.contains(area)
    lons, lats = np.asarray(area.exterior.coords).T
    geod_area, geod_perimeter = GEOD.polygon_area_perimeter(lons, lats)
    label = size_label(area)
    assert f"{abs(geod_area) / 1e6:,.0f} km²" in label
    assert f"perimeter {geod_perimeter / 1000:,.0f} km" in label
    # buffering 10 km grows the area by about perimeter × 10 + π × 10²
    expected = abs(geod_area) / 1e6 + geod_perimeter / 1000 * 10 + np.pi * 100
    assert geodesic_area_km2(grown) == pytest.approx(expected, rel=0.01)


def test_buffer_layer_says_its_size():
    overlay = buffer_overlay("Khmeimim air base", KHMEIMIM, 50)
    name = overlay.frame["name"].iloc[0]
    ring = overlay.frame.geometry.iloc[0]
    lons, lats = np.asarray(ring.exterior.coords).T
    geod_km2 = abs(GEOD.polygon_area_perimeter(lons, lats)[0]) / 1e6
    assert name == f"Within 50 km of Khmeimim air base: {geod_km2:,.0f} km²"
    assert geod_km2 == pytest.approx(np.pi * 2500, rel=0.002)
    assert overlay.spec.title == name and overlay.spec.geometry == "polygon"
    assert shapely.get_num_coordinates(overlay.frame.geometry.iloc[0]) > 60


@pytest.mark.parametrize("km", [0, -5, 5000])
def test_bad_distances_are_refused(km):
    with pytest.raises(ValueError, match="buffer distance"):
        geodesic_buffer(KHMEIMIM, km)
