"""A big layer's timeline in date chunks: every day's features are in the chunks it needs."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from layers.ingest.catalog_layers import load_catalog_layers
from layers.render import timeline_chunks as tc
from layers.render import timeline_data as td

START = dt.date(2025, 1, 6)


@pytest.fixture(scope="module")
def events_spec():
    return next(s for s in load_catalog_layers().catalog.layers if s.kind == "events")


def _events(n: int, *, seed: int = 3, long_every: int = 0) -> gpd.GeoDataFrame:
    """``n`` one-day events over 300 days; every ``long_every``-th lasts 200 days."""
    rng = np.random.default_rng(seed)
    days = [START + dt.timedelta(days=int(d)) for d in rng.integers(0, 300, n)]
    ends = [d + dt.timedelta(days=200 if long_every and i % long_every == 0 else 1)
            for i, d in enumerate(days)]
    return gpd.GeoDataFrame({
        "id": [f"e{i}" for i in range(n)], "name": [f"Event {i}" for i in range(n)],
        "category": ["control"] * n, "source": ["Report 1, 2025-01-01"] * n,
        "confidence": ["medium"] * n,
        "valid_from": pd.to_datetime(days), "valid_to": pd.to_datetime(ends)},
        geometry=shapely.points(rng.uniform(36, 41, n), rng.uniform(33, 37, n)),
        crs="EPSG:4326")


def _visible(spec, frame, day: dt.date) -> set[str]:
    starts, ends = td.validity(spec, frame)
    n = td.day_number(day)
    return {i for i, s, e in zip(frame["id"], starts, ends, strict=True)
            if (s is None or s <= n) and (e is None or n < e)}


def test_a_small_layer_goes_whole(events_spec):
    starts, ends = td.validity(events_spec, _events(50))
    assert tc.plan(starts, ends) is None


def test_many_vertices_alone_make_a_layer_big():
    starts, ends = [0, 7], [7, 14]
    assert tc.plan(starts, ends) is None
    plan = tc.plan(starts, ends, vertices=1_000_000)
    assert plan is not None and plan.days * plan.reach >= 7
    assert sorted(np.concatenate(list(plan.rows.values())).tolist()) == [0, 1]


def test_each_day_finds_every_feature_it_shows_in_the_chunks_it_needs(events_spec):
    frame = _events(3000, long_every=97)
    starts, ends = td.validity(events_spec, frame)
    plan = tc.plan(starts, ends, min_features=1000)
    assert plan is not None
    # one-day events stay on the map 8 days (their window): over 300 days, 2-day chunks
    # four back, so a day fetches 10 days of events (two 14-day chunks would be 28)
    assert plan.days * plan.reach >= 8 and (plan.days, plan.reach) == (2, 4)
    base_ids = set(frame["id"].iloc[plan.base])
    assert base_ids == {f"e{i}" for i in range(0, 3000, 97)}  # the long-lived ones
    for offset in (0, 13, 14, 15, 150, 299, 310):
        day = START + dt.timedelta(days=offset)
        held = set(base_ids)
        for k in plan.needed(td.day_number(day)):
            held |= set(frame["id"].iloc[plan.rows[k]])
        assert _visible(events_spec, frame, day) <= held, day


def test_every_row_is_in_exactly_one_place(events_spec):
    frame = _events(2000, long_every=50)
    plan = tc.plan(*td.validity(events_spec, frame), min_features=1000)
    placed = np.concatenate([plan.base, *plan.rows.values()])
    assert sorted(placed.tolist()) == list(range(len(frame)))


def test_the_builder_starts_with_what_the_day_needs_then_goes_outward():
    starts = list(range(0, 70, 7))
    plan = tc.plan(starts, [s + 7 for s in starts], vertices=10**6)
    day = 36
    first = plan.needed(day)
    assert first and all(day // plan.days - plan.reach <= k <= day // plan.days for k in first)
    order = plan.by_distance(day)
    assert order[:len(first)] == sorted(first, key=lambda k: abs(k - (day // plan.days
                                                                  - plan.reach / 2)))
    distances = [abs(k - day // plan.days) for k in order[len(first):]]
    assert distances[0] <= distances[-1] and sorted(order) == sorted(plan.rows)


def test_a_layer_over_many_days_is_cut_in_at_most_max_chunks():
    starts = list(range(0, 6000))
    plan = tc.plan(starts, [s + 1 for s in starts])
    assert plan is not None and len(plan.rows) <= tc.MAX_CHUNKS


def test_a_layer_of_long_lived_features_is_not_cut(events_spec):
    starts = list(range(0, 6000))
    assert tc.plan(starts, [None] * 6000) is None


def test_the_part_names_its_chunks_and_each_chunk_holds_its_features(events_spec):
    frame = _events(1500)
    plan = tc.plan(*td.validity(events_spec, frame), min_features=1000)
    part = td.layer_part(events_spec, frame, 8, chunks=(plan, "/app/static/timeline/chunks/t-"))
    assert part["features"] == []
    assert part["chunks"] == {"prefix": "/app/static/timeline/chunks/t-", "days": plan.days,
                              "reach": plan.reach, "have": sorted(plan.rows)}
    k = part["chunks"]["have"][3]
    chunk = td.chunk_part(events_spec, frame, 8, plan, k)
    assert chunk["k"] == k
    assert len(chunk["features"]) == len(plan.rows[k])
    assert all(f["from"] // plan.days == k for f in chunk["features"])
    names = {f["properties"]["_tip"].split("</b>")[0].rsplit(">", 1)[1]
             for f in chunk["features"]}
    assert names == set(frame["name"].iloc[plan.rows[k]])


def test_the_token_follows_the_content(events_spec):
    frame = _events(200)
    same = tc.content_token(events_spec, frame.copy(), 8)
    assert tc.content_token(events_spec, frame, 8) == same
    assert tc.content_token(events_spec, frame, 9) != same
    moved = frame.copy()
    moved.loc[moved.index[5], "geometry"] = shapely.Point(38, 35)
    assert tc.content_token(events_spec, moved, 8) != same
    renamed = frame.copy()
    renamed.loc[renamed.index[5], "name"] = "Another"
    assert tc.content_token(events_spec, renamed, 8) != same
