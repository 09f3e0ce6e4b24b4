"""Cached computations behind the analysis panel.

The panel reruns on every slider step; these wrappers make each figure cost a
look-up after the first time for a given layer content and date. Layers are
hashed by content once per frame object (seconds at scale otherwise).
"""

from __future__ import annotations

import datetime as dt
import weakref

import geopandas as gpd
import pandas as pd
import streamlit as st

from layers.analysis import measures as analysis
from layers.analysis.gazetteer import Gazetteer
from layers.core.records import content_token

_TOKENS: dict[int, tuple[weakref.ref, str]] = {}


def _frame_token(frame: gpd.GeoDataFrame) -> str:
    """Content hash of a layer, so cached figures follow edits to its file.

    Kept per frame object (loaded layers are never modified in place): hashing
    100,000 events on every rerun cost seconds at scale.
    """
    hit = _TOKENS.get(id(frame))
    if hit is not None and hit[0]() is frame:
        return hit[1]
    token = content_token(frame)
    _TOKENS[id(frame)] = (weakref.ref(frame), token)
    weakref.finalize(frame, _TOKENS.pop, id(frame), None)
    return token


_HASH = {gpd.GeoDataFrame: _frame_token}


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=_HASH)
def _over_time(zones: gpd.GeoDataFrame) -> pd.DataFrame:
    return analysis.territory_over_time(zones)


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs=_HASH)
def _diff(zones: gpd.GeoDataFrame, d1: dt.date, d2: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    moves = analysis.territory_diff(zones, d1, d2)
    return analysis.diff_summary(zones, d1, d2), pd.DataFrame(moves.drop(columns="geometry"))


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=_HASH)
def _gazetteer(places: gpd.GeoDataFrame | None, sites: gpd.GeoDataFrame | None) -> Gazetteer:
    return Gazetteer.from_frames(places, sites)


# Per-date figures, computed once per date (a slider step reruns the whole panel).
@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=_HASH)
def _areas(zones: gpd.GeoDataFrame, day: dt.date) -> pd.DataFrame:
    return analysis.area_by_controller(zones, day)


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=_HASH)
def _snapshots(zones: gpd.GeoDataFrame) -> list[dt.date]:
    return analysis.snapshot_dates(zones)


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=_HASH)
def _sites(installations: gpd.GeoDataFrame, day: dt.date) -> pd.DataFrame:
    return analysis.installations_by_status(installations, day)


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=_HASH)
def _ground(lat: float, lon: float, radius: float, zones: gpd.GeoDataFrame,
            day: dt.date) -> pd.DataFrame:
    return analysis.ring_territory(lat, lon, radius, zones, day)


@st.cache_data(show_spinner=False, max_entries=256, hash_funcs=_HASH)
def _route_table(routes: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
                 day: dt.date) -> pd.DataFrame:
    return analysis.route_exposure(routes, zones, day)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=_HASH)
def _ring_inside(lat: float, lon: float, radii: tuple[float, ...],
                 places: gpd.GeoDataFrame | None, sites: gpd.GeoDataFrame | None,
                 exclude: str | None) -> pd.DataFrame:
    return analysis.ring_contents(lat, lon, list(radii), _gazetteer(places, sites),
                                  exclude_site=exclude)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs=_HASH)
def _resolve(text: str, places: gpd.GeoDataFrame | None,
             sites: gpd.GeoDataFrame | None):  # -> Located; raises LayersError
    return _gazetteer(places, sites).resolve(text)
