"""The map on the page: one Leaflet frame per session, layers swapped inside it.

streamlit-folium keys its frame by the map's script, so the base map is built
from things that do not change while the analyst works (catalog, basemap,
initial view), once (:mod:`dashboard._fastmap`); the date's layers go in the
component's feature-group script (:mod:`layers.render.webmap_fast`, built once per
date and zoom band), which the frame swaps in place: zoom and pan stay,
nothing flickers.

The frame reports the last click and the view (centre, zoom, bounds) and
nothing else, so hovering never reruns the page. A pan or a click reruns it
once: the click feeds the analysis panel, the extent feeds the exports ("the
map's current extent") and the ``view`` in the URL. :func:`read_state` takes
them from the component's value at the top of the run, before any panel uses them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import streamlit as st

from dashboard import _data, _fastmap, _timeline
from dashboard._first_paint import MAP_KEY, show_map
from layers.core.catalog import Catalog, LayerSpec
from layers.core.view import Overlay
from layers.render import assets, webmap
from layers.render.feature_focus import open_script
from layers.render.webmap_fast import feature_group_script

ShownLayer = tuple[LayerSpec, gpd.GeoDataFrame]

#: Session keys: the view the frame is built with; the analysis panel's "fly to".
HOME, FOCUS = "map_home", "map_focus"
#: Session key: the attribute table's selected feature, whose popup the frame opens.
OPEN = "map_open"
#: Session keys kept for other panels: latest view (lat, lon, zoom) and extent (bbox).
VIEW, BBOX = "map_view", "map_bbox"
#: What the component sends back. Not "last_object_clicked" etc.: fewer reruns.
#: "all_drawings": the toolbar's shapes only ("last_active_drawing" is also a clicked zone).
#: ``last_object_clicked_tooltip`` carries the timeline's settled date ("day:YYYY-MM-DD#n").
RETURNED = ["last_clicked", "center", "zoom", "bounds", "all_drawings",
            "last_object_clicked_tooltip"]
#: How the frame's timeline marks its report of the settled date.
DAY_REPORT = "day:"
#: The frame's height as the component is told it; the page's CSS (FIT_CSS) overrides it.
HEIGHT = 680
def fit_css(above_px: int = 160) -> str:
    """The CSS that sizes the map's frame to the window below ``above_px`` of page.

    The map fills the window below the page's header (the frame's top is about 146 px
    down at 1280x720), never less than 380 px; inside the frame the map fills the frame
    (``#map_div`` in ``_assets/briefing.css``), and a resize redraws the basemap with
    no seam. The team page passes more room for its latest-change line.
    """
    return ("<style>\niframe[title=\"streamlit_folium.st_folium\"] { height: "
            f"max(380px, calc(100vh - {above_px}px)) !important; }}\n</style>")


#: The page's map frame CSS (:func:`fit_css` below the header).
FIT_CSS = fit_css()


@dataclass(frozen=True)
class MapState:
    """What the analyst last did on the map, as the component reported it."""

    clicked: tuple[float, float] | None = None
    view: tuple[float, float, float] | None = None
    bbox: tuple[float, float, float, float] | None = None
    #: The shapes drawn with the toolbar (GeoJSON Features), for the annotation form.
    drawings: tuple[dict, ...] = ()
    #: The date the timeline settled on, as ``"YYYY-MM-DD#token"`` (new token, new report).
    day_report: str | None = None


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
    drawn = value.get("all_drawings")
    tip = value.get("last_object_clicked_tooltip")
    report = (tip[len(DAY_REPORT):] if isinstance(tip, str) and tip.startswith(DAY_REPORT)
              else None)
    return MapState(clicked=_latlon(value.get("last_clicked")), view=view, bbox=bbox,
                    drawings=tuple(d for d in drawn if isinstance(d, dict))
                    if isinstance(drawn, list) else (), day_report=report)


def read_state() -> MapState:
    """The map's latest report (set by the component before this run started)."""
    state = parse_value(st.session_state.get(MAP_KEY))
    if state.view:
        st.session_state[VIEW] = state.view
    if state.bbox:
        st.session_state[BBOX] = state.bbox
    return MapState(clicked=state.clicked, view=st.session_state.get(VIEW),
                    bbox=st.session_state.get(BBOX), drawings=state.drawings,
                    day_report=state.day_report)


def _focus() -> tuple[tuple[float, float] | None, float | None]:
    focus = st.session_state.get(FOCUS)
    try:
        lat, lon, zoom = (float(v) for v in focus)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None, None
    return (lat, lon), zoom


@st.cache_resource(show_spinner=False, max_entries=8)
def _base(fingerprint: tuple, basemap: str, home: tuple | None,
          _catalog: Catalog) -> _fastmap.BaseArgs:
    """The base map's component arguments, rendered once per files, basemap and home view.

    The frame's scripts go as one file (:func:`layers.render.assets.bundle`): the
    component fetches its scripts one at a time, a round trip each before the map;
    the offline basemap's data goes as a file too (:func:`_fastmap.external_ground`).
    """
    if home:
        base = _fastmap.base_args(webmap.base_map(_catalog, basemap=basemap, draw=True,
                                                  center=(home[0], home[1]), zoom=home[2]))
    else:
        base = _fastmap.base_args(webmap.base_map(_catalog, basemap=basemap, draw=True))
    try:
        base = _fastmap.external_ground(base, _data.STATIC / "ground",
                                        f"{assets.STATIC_URL}/ground")
        return replace(base, js_links=(assets.bundle(base.js_links, _data.STATIC),))
    except (OSError, ValueError):  # a read-only checkout: inline data, separate files
        return base


def _zoom() -> float:
    """The zoom the analyst is looking at, for the level of detail.

    Before the frame has reported its view, the zoom it opens at: a first page built
    for another zoom band would be built again as soon as the frame reports.
    """
    view = st.session_state.get(VIEW) or st.session_state.get(HOME)
    try:
        return float(view[2])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return float(webmap.START_ZOOM)


def map_args(catalog: Catalog, basemap: str, shown: Sequence[ShownLayer], *,
             day: dt.date | None = None, bounds: tuple[dt.date, dt.date] | None = None,
             overlays: Sequence[Overlay] = ()) -> dict[str, Any]:
    """The map component's arguments for the as-of layers ``shown`` (:func:`draw`)."""
    center, zoom = _focus()
    home = st.session_state.get(HOME)
    # The files' fingerprint, not the store's version: the frame depends on the catalog and
    # basemap files only, so saving an annotation or a view keeps the same frame.
    base = _base(_data.file_fingerprint(), basemap, tuple(home) if home else None, catalog)
    if day is not None and bounds is not None:  # the frame plays the timeline itself
        sources = {**_data.loaded_layers().frames, **{o.spec.id: o.frame for o in overlays}}
        script = _timeline.frame_script(shown, day=day, bounds=bounds, zoom=_zoom(),
                                        sources=sources)
    else:
        script = feature_group_script(shown, zoom=_zoom(),
                                      sources=_data.loaded_layers().frames)
    script += open_script(st.session_state.get(OPEN))
    return _fastmap.component_args(base, script, key=MAP_KEY, height=HEIGHT,
                                   returned_objects=RETURNED, center=center, zoom=zoom)


def draw(catalog: Catalog, basemap: str, shown: Sequence[ShownLayer], *,
         day: dt.date | None = None, bounds: tuple[dt.date, dt.date] | None = None,
         overlays: Sequence[Overlay] = ()) -> dict[str, Any]:
    """Draw the map with the as-of layers ``shown``, flying to ``map_focus`` if it changed.

    The base map is rendered once (:func:`_base`); the layers come as the script
    :func:`layers.render.webmap_fast.feature_group_script` writes, each row built once
    per loaded file and each date's geometry once per zoom band. Returns the
    component's arguments (a new page's are kept: :mod:`dashboard._snapshot`).
    """
    args = map_args(catalog, basemap, shown, day=day, bounds=bounds, overlays=overlays)
    show_map(args)
    return args


def rebase_on_current_view() -> None:
    """Basemap change: the new frame opens where the analyst was looking."""
    if st.session_state.get(VIEW):
        st.session_state[HOME] = st.session_state[VIEW]
