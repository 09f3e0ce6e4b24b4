"""Geodesic measures against independent references (Vincenty, equal-area projection)."""

from __future__ import annotations

import itertools
import math

import geopandas as gpd
import pytest
import shapely
from conftest import GEODATA
from geo_reference import haversine_km, laea_area_km2, polyline_km, vincenty
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.polygon import orient

from layers.geo import geodesy
from layers.geo.geodesy import (
    compass_point,
    densify,
    destination,
    distance_km,
    geodesic_area_km2,
    geodesic_circle,
    line_length_km,
    measure,
)

TARTUS = (34.91500, 35.87400)  # FACTS.md §1, Russian piers
KHMEIMIM = (35.41167, 35.94500)  # FACTS.md §1, Russian area of the airfield
KHMEIMIM_ARP = (35.40083, 35.94861)  # airport reference point
SYRIA_KM2 = 185_941  # Natural Earth 1:10m on WGS84 (geodata/README.md)


# --- distance and bearing ---------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "km"), [
    ((0.0, 0.0), (1.0, 0.0), 110.574),   # one degree of latitude at the equator
    ((0.0, 0.0), (0.0, 1.0), 111.319),   # one degree of longitude at the equator
    ((89.0, 0.0), (90.0, 0.0), 111.694),  # one degree of latitude at the pole
])
def test_textbook_degree_lengths(a, b, km):
    assert distance_km(*a, *b) == pytest.approx(km, abs=0.0005)


@pytest.mark.parametrize(("a", "b"), [
    (TARTUS, KHMEIMIM), (TARTUS, KHMEIMIM_ARP), ((33.5131, 36.2919), (36.2, 37.16)),
    ((32.548, 36.204), (37.052, 41.232)), ((51.4778, -0.0015), (40.7128, -74.006)),
    ((-33.8688, 151.2093), (35.6762, 139.6503)),
])
def test_distance_and_bearing_match_vincenty(a, b):
    ref_km, ref_bearing = vincenty(*a, *b)
    got = measure(*a, *b)
    assert got.km == pytest.approx(ref_km, abs=1e-4)  # 10 cm
    assert got.bearing == pytest.approx(ref_bearing, abs=1e-5)
    assert got.km == pytest.approx(haversine_km(*a, *b), rel=0.006)


def test_tartus_to_khmeimim_is_about_55_km_due_north():
    got = measure(*TARTUS, *KHMEIMIM)
    assert 54.5 < got.km < 56.5
    assert got.compass == "N" and 5 < got.bearing < 9
    assert got.back_bearing == pytest.approx((got.bearing + 180) % 360, abs=0.2)
    # The airport reference point, a kilometre south, gives the figure often quoted (~54 km).
    assert distance_km(*TARTUS, *KHMEIMIM_ARP) == pytest.approx(
        vincenty(*TARTUS, *KHMEIMIM_ARP)[0], abs=1e-4)


def test_out_of_range_coordinates_are_refused_with_the_likely_cause():
    with pytest.raises(ValueError, match="lat first"):
        measure(35.9, 135.0, 91.0, 35.0)


@pytest.mark.parametrize(("bearing", "name"), [(0, "N"), (11.2, "N"), (11.3, "NNE"),
                                                (90, "E"), (181, "S"), (350, "N"), (-45, "NW"),
                                                (359.9, "N"), (247.5, "WSW")])
def test_compass_points(bearing, name):
    assert compass_point(bearing) == name


@settings(max_examples=60, deadline=None)
@given(st.floats(-60, 60), st.floats(-179, 179), st.floats(0, 359.9), st.floats(0.1, 2000))
def test_destination_then_measure_round_trips(lat, lon, bearing, km):
    lat2, lon2 = destination(lat, lon, bearing, km)
    back = measure(lat, lon, lat2, lon2)
    assert back.km == pytest.approx(km, rel=1e-9, abs=1e-6)
    assert vincenty(lat, lon, lat2, lon2)[0] == pytest.approx(km, rel=1e-7)


# --- range rings ------------------------------------------------------------------------------

@pytest.mark.parametrize("radius", [10.0, 50.0, 100.0, 200.0])
def test_range_ring_vertices_lie_on_the_radius(radius):
    ring = geodesic_circle(*KHMEIMIM, radius)
    coords = list(ring.exterior.coords)[:-1]
    assert len(coords) == geodesy.CIRCLE_VERTICES
    for lon, lat in coords:
        assert vincenty(*KHMEIMIM, lat, lon)[0] == pytest.approx(radius, rel=0.001)
    assert ring.is_valid and ring.exterior.is_ccw  # RFC 7946 orientation


@pytest.mark.parametrize("radius", [25.0, 50.0, 100.0, 200.0])
def test_range_ring_area_is_pi_r_squared(radius):
    ring = geodesic_circle(*TARTUS, radius)
    # Measured independently (equal-area projection), compared with the flat-disc formula.
    assert laea_area_km2(ring) == pytest.approx(math.pi * radius**2, rel=0.01)
    assert geodesic_area_km2(ring) == pytest.approx(math.pi * radius**2, rel=0.01)


def test_range_ring_is_wider_in_degrees_east_west_than_north_south():
    # At 35° N a degree of longitude is ~91 km, so a true circle spans more degrees E–W.
    minx, miny, maxx, maxy = geodesic_circle(*KHMEIMIM, 100).bounds
    assert (maxx - minx) / (maxy - miny) == pytest.approx(1 / math.cos(math.radians(35.4)),
                                                          rel=0.02)


@pytest.mark.parametrize("radius", [0, -5, float("nan"), 6000])
def test_bad_radius_is_refused(radius):
    with pytest.raises(ValueError, match="radius"):
        geodesic_circle(*TARTUS, radius)


# --- lengths and densify ----------------------------------------------------------------------

def test_line_length_matches_vincenty_segment_sum():
    coords = [(36.217, 33.536), (36.368, 33.558), (36.709, 34.731), (35.887, 34.889),
              (35.945, 35.41167)]
    assert line_length_km(LineString(coords)) == pytest.approx(polyline_km(coords), abs=1e-3)
    multi = MultiLineString([coords[:3], coords[2:]])
    assert line_length_km(multi) == pytest.approx(polyline_km(coords), abs=1e-3)
    assert line_length_km(None) == 0.0 and line_length_km(Point(0, 0)) == 0.0


def test_densify_keeps_length_and_ends_and_puts_points_on_the_geodesic():
    line = LineString([(35.945, 35.41167), (37.6, 55.75)])  # Khmeimim toward Moscow
    dense = densify(line, 5.0)
    coords = list(dense.coords)
    assert coords[0] == line.coords[0] and coords[-1] == line.coords[-1]
    steps = [vincenty(y1, x1, y2, x2)[0] for (x1, y1), (x2, y2) in
             itertools.pairwise(coords)]
    assert max(steps) <= 5.0 + 1e-6
    total = vincenty(35.41167, 35.945, 55.75, 37.6)[0]
    assert sum(steps) == pytest.approx(total, rel=1e-7)  # points lie on the geodesic
    assert line_length_km(dense) == pytest.approx(line_length_km(line), rel=1e-9)
    assert densify(box(0, 0, 1, 1)).equals(box(0, 0, 1, 1))


# --- areas ------------------------------------------------------------------------------------

def test_syria_area():
    syria = shapely.union_all(gpd.read_file(GEODATA / "basemap" / "syria.geojson").geometry)
    assert geodesic_area_km2(syria) == pytest.approx(SYRIA_KM2, abs=5)
    assert laea_area_km2(syria) == pytest.approx(SYRIA_KM2, rel=1e-4)


@pytest.mark.parametrize("geom", [
    box(36, 33, 37, 34),
    orient(box(36, 33, 37, 34), -1),
    Polygon(orient(box(36, 33, 38, 35), -1).exterior.coords,
            [orient(box(36.5, 33.5, 37, 34), -1).exterior.coords]),
    MultiPolygon([box(36, 33, 37, 34), orient(box(38, 33, 39, 34), -1)]),
    box(36, 33, 38, 35).difference(box(37, 34, 39, 36)),  # GEOS output: clockwise shell
])
def test_area_does_not_depend_on_ring_orientation(geom):
    assert geodesic_area_km2(geom) == pytest.approx(laea_area_km2(geom), rel=1e-4)


def test_zero_width_sliver_has_no_area():
    # What an overlay leaves along a shared 100 km edge: planar area 0, not half a km².
    sliver = Polygon([(36.0, 33.0), (36.5, 33.8), (37.0, 34.6), (36.0, 33.0)])
    assert sliver.area < 1e-12
    assert geodesic_area_km2(sliver) < 0.01
    assert geodesic_area_km2(None) == 0.0 and geodesic_area_km2(Polygon()) == 0.0


def test_validate_uses_the_same_area_function():
    from layers.core import tiling

    assert tiling.geodesic_area_km2 is geodesic_area_km2
