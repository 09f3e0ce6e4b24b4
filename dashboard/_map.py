"""The map on the page: one Leaflet frame per session, layers swapped inside it.

streamlit-folium keys its frame by the map's script, so the base map is built
from things that do not change while the analyst works (catalog, basemap,
initial view); the date's layers go through ``feature_group_to_add``, which the
component swaps in place: zoom and pan stay, nothing flickers.

The frame reports the last click and the view (centre, zoom, bounds) and
nothing else, so hovering never reruns the page. A pan or a click reruns it
once: the click feeds the analysis panel, the extent feeds the exports ("the
map's current extent") and the ``view`` in the URL. :func:`read_state` takes
them from the component's value at the top of the run, before any panel uses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import _data
from layers import webmap
from layers.catalog import Catalog, LayerSpec

ShownLayer = tuple[LayerSpec, gpd.GeoDataFrame]

MAP_KEY = "map"
#: Session keys: the view the frame is built with; the analysis panel's "fly to".
HOME, FOCUS = "map_home", "map_focus"
#: Session keys kept for other panels: latest view (lat, lon, zoom) and extent (bbox).
VIEW, BBOX = "map_view", "map_bbox"
#: What the component sends back. Not "last_object_clicked" etc.: fewer reruns.
RETURNED = ["last_clicked", "center", "zoom", "bounds"]
HEIGHT = 680


@dataclass(frozen=True)
class MapState:
    """What the analyst last did on the map, as the component reported it."""

    clicked: tuple[float, float] | None = None
    view: tuple[float, float, float] | None = None
    bbox: tuple[float, float, float, float] | None = None


def _latlon(point: Any) -> tuple[float, float] | None:
    if not isinstance(point, dict):
        return None
    try:
        return float(point["lat"]), float(point["lng"])
    except (KeyError, TypeError, ValueError):
        return None


def parse_value(value: Any) -> MapState:
    """The component's value (``last_clicked``, ``center``, ``zoom``, ``bounds``) as numbers."""
    if not isinstance(value, dict):
        return MapState()
    center, zoom = _latlon(value.get("center")), value.get("zoom")
    view = (center[0], center[1], float(zoom)) if center and isinstance(
        zoom, (int, float)) else None
    bounds = value.get("bounds") if isinstance(value.get("bounds"), dict) else {}
    south_west, north_east = _latlon(bounds.get("_southWest")), _latlon(bounds.get("_northEast"))
    bbox = ((south_west[1], south_west[0], north_east[1], north_east[0])
            if south_west and north_east else None)
    return MapState(clicked=_latlon(value.get("last_clicked")), view=view, bbox=bbox)


def read_state() -> MapState:
    """The map's latest report (set by the component before this run started)."""
    state = parse_value(st.session_state.get(MAP_KEY))
    if state.view:
        st.session_state[VIEW] = state.view
    if state.bbox:
        st.session_state[BBOX] = state.bbox
    return MapState(clicked=state.clicked, view=st.session_state.get(VIEW),
                    bbox=st.session_state.get(BBOX))


def _focus() -> tuple[tuple[float, float] | None, float | None]:
    focus = st.session_state.get(FOCUS)
    try:
        lat, lon, zoom = (float(v) for v in focus)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None, None
    return (lat, lon), zoom


def build_map(catalog: Catalog, basemap: str) -> folium.Map:
    """The session's base map, at the view it was opened (or last re-based) with."""
    home = st.session_state.get(HOME)
    if home:
        return webmap.base_map(catalog, basemap=basemap, center=(home[0], home[1]),
                               zoom=home[2])
    return webmap.base_map(catalog, basemap=basemap)


@st.cache_data(show_spinner=False, max_entries=512)
def _catalog_geojson(layer_id: str, fingerprint: tuple, rows: tuple,
                     _spec: LayerSpec, _frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """A catalog layer's map data, per set of rows: a date between two changes is free."""
    return webmap.layer_geojson(_spec, _frame)


def _geojson(catalog: Catalog) -> webmap.GeoJsonOf:
    specs = {spec.id: spec for spec in catalog.layers}
    stamp = _data.fingerprint()

    def build(spec: LayerSpec, frame: gpd.GeoDataFrame) -> dict[str, Any]:
        if specs.get(spec.id) != spec:  # uploads and analysis results: not cached
            return webmap.layer_geojson(spec, frame)
        return _catalog_geojson(spec.id, stamp, tuple(frame.index), spec, frame)

    return build


def draw(catalog: Catalog, basemap: str, shown: Sequence[ShownLayer]) -> None:
    """Draw the map with the as-of layers ``shown``, flying to ``map_focus`` if it changed.

    The feature groups are built fresh on every run: streamlit-folium renames the
    elements it renders, so a group drawn once cannot be drawn again.
    """
    center, zoom = _focus()
    st_folium(build_map(catalog, basemap), key=MAP_KEY, height=HEIGHT,
              use_container_width=True, returned_objects=RETURNED,
              feature_group_to_add=webmap.feature_groups(shown, geojson=_geojson(catalog)),
              center=center, zoom=zoom)


def rebase_on_current_view() -> None:
    """Basemap change: the new frame opens where the analyst was looking."""
    if st.session_state.get(VIEW):
        st.session_state[HOME] = st.session_state[VIEW]
