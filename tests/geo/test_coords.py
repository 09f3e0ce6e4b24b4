"""Coordinate notations: decimal, DMS and MGRS, formatted and read back."""

from __future__ import annotations

import pytest
from geo_reference import vincenty
from hypothesis import given, settings
from hypothesis import strategies as st

from layers.errors import LayersError
from layers.geo.coords import (
    CoordinateError,
    format_decimal,
    format_dms,
    from_mgrs,
    looks_like_coordinates,
    parse_dms,
    parse_latlon,
    to_dms,
    to_mgrs,
)

lats = st.floats(-80, 84, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)


# --- DMS --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "is_lat", "text"), [
    (34.915, True, "34°54'54.0\"N"),
    (35.874, False, "35°52'26.4\"E"),
    (-33.8688, True, "33°52'07.7\"S"),
    (-0.5, False, "0°30'00.0\"W"),
    (0.0, True, "0°00'00.0\"N"),
    (35.99999999, True, "36°00'00.0\"N"),  # rounding carries into degrees: never 60"
    (179.999999, False, "180°00'00.0\"E"),
])
def test_to_dms(value, is_lat, text):
    assert to_dms(value, is_lat=is_lat) == text


def test_format_dms_and_decimal_put_latitude_first():
    assert format_dms(34.915, 35.874) == "34°54'54.0\"N 35°52'26.4\"E"
    assert format_decimal(34.915, 35.874) == "34.91500, 35.87400"


@settings(max_examples=200, deadline=None)
@given(lats, lons)
def test_dms_round_trips_to_a_twentieth_of_a_second(lat, lon):
    back_lat, back_lon = parse_latlon(format_dms(lat, lon))
    assert back_lat == pytest.approx(lat, abs=0.05 / 3600 + 1e-12)
    assert back_lon == pytest.approx(lon, abs=0.05 / 3600 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(lats, lons)
def test_decimal_round_trips(lat, lon):
    back = parse_latlon(format_decimal(lat, lon, places=7))
    assert back == pytest.approx((lat, lon), abs=1e-7)


@pytest.mark.parametrize(("text", "value"), [
    ("34.915", 34.915), ("-34.915", -34.915), ("34°54'54\"N", 34.915),
    ("34° 54′ 54″ N", 34.915), ("35 52 26.4 E", 35.874), ("33°52'S", -33 - 52 / 60),
    ("34d54m54sN", 34.915), ("34.915n", 34.915),
])
def test_parse_dms_forms(text, value):
    assert parse_dms(text) == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize("text", ["34°61'00\"N", "34°10'75\"N", "north", ""])
def test_parse_dms_refuses_bad_values(text):
    with pytest.raises(CoordinateError):
        parse_dms(text)


# --- parsing a point --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "34.915,35.874", "34.915, 35.874", "34.915 35.874", "34.915;35.874", "34.915N 35.874E",
    "34.915N, 35.874E", "35.874E 34.915N", "34°54'54\"N 35°52'26.4\"E",
    "34 54 54 N 35 52 26.4 E", "34 54 54 35 52 26.4", "36S YD 62566 67387", "36SYD6256667387",
])
def test_parse_latlon_accepts_what_analysts_type(text):
    lat, lon = parse_latlon(text)
    assert vincenty(lat, lon, 34.915, 35.874)[0] < 0.002  # within 2 m


@pytest.mark.parametrize(("text", "match"), [
    ("Tartus", "not a position"), ("34.9", "not a position"), ("91,35", "latitude must lie"),
    ("34N 35N", "two latitudes"), ("34.9,200", "longitude"),
])
def test_parse_latlon_errors_say_what_to_write(text, match):
    with pytest.raises(CoordinateError, match=match) as info:
        parse_latlon(text)
    assert isinstance(info.value, ValueError) and isinstance(info.value, LayersError)


def test_names_are_not_coordinates():
    assert not looks_like_coordinates("Deir ez-Zor")
    assert not looks_like_coordinates("T4")
    assert looks_like_coordinates("35.41167,35.945")


# --- MGRS -------------------------------------------------------------------------------------

def test_mgrs_of_the_origin():
    assert to_mgrs(0.0, 0.0, spaced=False) == "31NAA6602100000"
    assert to_mgrs(0.0, 0.0) == "31N AA 66021 00000"


def test_mgrs_of_tartus_and_precisions():
    assert to_mgrs(34.915, 35.874) == "36S YD 62566 67387"
    assert to_mgrs(34.915, 35.874, precision_m=100) == "36S YD 625 673"
    assert to_mgrs(34.915, 35.874, precision_m=10000) == "36S YD 6 6"
    with pytest.raises(CoordinateError, match="precision"):
        to_mgrs(34.915, 35.874, precision_m=5)
    with pytest.raises(CoordinateError, match="UPS"):
        to_mgrs(89.0, 0.0)


@settings(max_examples=100, deadline=None)
@given(lats, st.floats(-179.9, 179.9))
def test_mgrs_round_trips_within_a_metre_and_a_half(lat, lon):
    back = from_mgrs(to_mgrs(lat, lon))
    # A 1 m reference names the square's SW corner: at most √2 m from the point.
    assert vincenty(lat, lon, *back)[0] * 1000 < 1.5


@pytest.mark.parametrize("lat", [-1e-10, -1e-7, 0.0, 1e-10])
def test_mgrs_just_south_of_the_equator_reads_back(lat):
    # Found by hypothesis: the library wrote '31M AA 66021 00000', which it cannot read.
    back = from_mgrs(to_mgrs(lat, 0.0))
    assert vincenty(lat, 0.0, *back)[0] * 1000 < 1.5


@pytest.mark.parametrize("text", ["36S YD 6256 67387", "hello", "36SYD123", "99Z AA 1 1"])
def test_from_mgrs_refuses_malformed_references(text):
    with pytest.raises(CoordinateError):
        from_mgrs(text)
