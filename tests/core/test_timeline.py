import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from layers import DateError, as_of, change_dates, events_window, parse_date


def frame(rows):
    return gpd.GeoDataFrame(
        {"id": [r[0] for r in rows],
         "valid_from": pd.to_datetime([r[1] for r in rows]),
         "valid_to": pd.to_datetime([r[2] for r in rows])},
        geometry=[Point(36, 34)] * len(rows), crs="EPSG:4326")


ZONES = frame([("a", "2024-12-01", "2024-12-09"), ("b", "2024-12-09", None),
               ("c", "2024-11-26", "2024-12-01")])


@pytest.mark.parametrize(("day", "expected"), [
    ("2024-11-26", ["c"]),          # first day of c
    ("2024-11-30", ["c"]),          # last day of c
    ("2024-12-01", ["a"]),          # c ends (exclusive), a starts (inclusive)
    ("2024-12-08", ["a"]),
    ("2024-12-09", ["b"]),          # the day a zone ends it is gone, the next is there
    ("2026-11-25", ["b"]),          # open-ended
    ("2024-11-25", []),             # before the data
])
def test_as_of_boundaries(day, expected):
    assert list(as_of(ZONES, day)["id"]) == expected


def test_change_dates_are_sorted_unique_starts_and_ends():
    assert change_dates([ZONES]) == [dt.date(2024, 11, 26), dt.date(2024, 12, 1),
                                     dt.date(2024, 12, 9)]


def test_events_window_keeps_recent_events_only():
    events = frame([("old", "2024-11-20", "2024-11-21"), ("recent", "2024-12-03", "2024-12-04"),
                    ("today", "2024-12-08", "2024-12-09"), ("future", "2024-12-10", None)])
    assert list(events_window(events, "2024-12-08", before=7)["id"]) == ["recent", "today"]


@pytest.mark.parametrize("bad", ["08/12/2024", "2024-13-01", "2024-02-30", "yesterday", ""])
def test_parse_date_rejects_with_the_value_named(bad):
    with pytest.raises(DateError, match="date"):
        parse_date(bad)


def test_parse_date_error_is_a_value_error():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("8 Dec 2024")


def test_parse_date_accepts_dates_and_strings():
    assert parse_date("2024-12-08") == dt.date(2024, 12, 8)
    assert parse_date(dt.date(2024, 12, 8)) == dt.date(2024, 12, 8)
