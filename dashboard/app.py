"""The briefing dashboard: ``streamlit run dashboard/app.py`` (``bash run.sh`` does it).

A thin page over :mod:`layers`: the sidebar picks a date and layers, the map
shows them as of that date, and beside it are the events, the features on the
map and their sources. Everything runs offline: Leaflet and the basemap are
served by the app itself.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]
if str(_REPO) not in sys.path:  # `streamlit run` puts only dashboard/ on the path
    sys.path.insert(0, str(_REPO))

import streamlit as st  # noqa: E402

from dashboard import (  # noqa: E402
    _data,
    _map,
    _panels,
    _sidebar,
    _timeline,
    _url,
    _url_compare,
    team,
    workspace,
)
from dashboard.identity import team_mode  # noqa: E402
from dashboard.live_map import live_map  # noqa: E402
from layers.core.catalog import Catalog  # noqa: E402
from layers.core.loaded import LoadedLayers  # noqa: E402
from layers.core.view import MapView  # noqa: E402
from layers.errors import LayersError  # noqa: E402
from layers.render import webmap  # noqa: E402

URL_READ = "_url_read"
#: Session key of the open side tab ("Events", "On the map" or "Sources").
SIDE_TAB = "side_tab"


def _history_navigation() -> bool:
    """True when the browser's back or forward button started this run.

    Every settled date, layer set and view is written to the URL, and Streamlit
    pushes each change on the browser's history; back and forward then rerun the
    page with that entry's URL and say so (``is_history_navigation``).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


def _read_url(loaded: LoadedLayers, bounds: tuple[dt.date, dt.date]) -> _url.UrlState:
    """The URL sets the view when a session starts and on back/forward; else the widgets rule."""
    back = URL_READ in st.session_state and _history_navigation()
    if URL_READ in st.session_state and not back:
        return st.session_state[URL_READ]
    state = _url.parse(st.query_params, known_layers=loaded.catalog.ids, day_bounds=bounds,
                       basemaps=webmap.BASEMAPS)
    st.session_state[URL_READ] = state
    st.session_state[_sidebar.DAY] = state.day or _data.default_day(loaded, bounds)
    if not back and _url_compare.CMP in st.query_params:  # a link to a comparison opens it
        st.session_state[team.MAIN_TAB] = "Compare"
    if state.view and not back:  # the frame opens there (a new home would be a new frame)
        st.session_state[_map.HOME] = state.view
    if back:  # the widgets, drawn later in this run, follow the history entry
        if state.layers is not None:
            for layer_id in loaded.catalog.ids:
                st.session_state[_sidebar.layer_key(layer_id)] = layer_id in state.layers
        if state.basemap:
            st.session_state[_sidebar.BASEMAP] = state.basemap
        if state.view and state.view != st.session_state.get(_map.VIEW):
            st.session_state[_map.FOCUS] = state.view
    return state


#: Less padding than Streamlit's default: the map is the page.
_PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding: 3.4rem 1.6rem 1rem 1.6rem; }
[data-testid="stSidebarUserContent"] { padding-top: 0.5rem; }
</style>"""


def _header(catalog: Catalog, day: dt.date) -> None:
    st.html(_PAGE_CSS + _map.FIT_CSS + team.page_css())
    st.markdown(f"#### {_sidebar.md_text(catalog.title)} · as of {day:%a %d %b %Y}",
                anchors=False)
    st.caption(_sidebar.md_text(catalog.handling))


#: Seconds between the first map and the rest of a new page (``BRIEFING_FIRST_MAP_PAUSE``).
FIRST_MAP_PAUSE = 0.5


def _first_map_pause() -> float:
    """How long the browser has the map to itself before the full page follows.

    Sent at once, the rest of the page (a hundred widgets) reached the browser before
    it had made the map's frame, and the frame waited for all of it: the map came
    after the panels, at 2.3 s. Given half a second (the server idle meanwhile, so the
    frame's files come at once), the frame is up at 0.8 s. Tests without a browser set
    ``BRIEFING_FIRST_MAP_PAUSE=0``.
    """
    try:
        return max(0.0, min(5.0, float(os.environ.get("BRIEFING_FIRST_MAP_PAUSE",
                                                      FIRST_MAP_PAUSE))))
    except ValueError:
        return FIRST_MAP_PAUSE


def _first_map(loaded: LoadedLayers, bounds: tuple[dt.date, dt.date],
               url_state: _url.UrlState, day: dt.date) -> None:
    """A session's first map: the URL's (or the catalog's) layers on ``day``, nothing else.

    Drawn before the sidebar and the panels (a hundred widgets), which then follow
    after :func:`_first_map_pause`: sent together, they held the map back by seconds.
    The page's own uploads and analysis overlays join the map on the next run.
    """
    view = MapView(day=day, layer_ids=_sidebar.start_layer_ids(loaded, url_state.layers))
    _draw_map(loaded.catalog, _sidebar.start_basemap(url_state.basemap),
              _data.shown_layers(loaded, view), view, bounds)


def _draw_map(catalog: Catalog, basemap: str, shown: list, view: MapView,
              bounds: tuple[dt.date, dt.date]) -> None:
    """The map; in team mode with the store's newest change, rerun alone on an edit elsewhere."""
    if team_mode():  # dashboard.live_map: the watch reruns the map, not the whole page
        live_map(catalog, basemap, view, bounds, shown)
    else:
        _map.draw(catalog, basemap, shown, day=view.day, bounds=bounds,
                  overlays=view.overlays)


def main() -> None:
    """Draw the page."""
    st.set_page_config(page_title="Briefing map", page_icon="🗺️", layout="wide",
                       initial_sidebar_state="expanded")
    team.gate()  # team deployment: a vouched user and a live store, or a message
    asset_problem = _data.ensure_static_assets()
    try:
        loaded = _data.loaded_layers()
    except LayersError as exc:
        st.error(f"The data could not be read.\n\n{exc}")
        st.stop()
    catalog = loaded.catalog
    bounds = _data.day_bounds(loaded)
    url_state = _read_url(loaded, bounds)
    _sidebar.apply_pending_day()
    on_map = _map.read_state()
    _timeline.adopt_frame_day(on_map.day_report, _sidebar.DAY, bounds)  # the map's date
    day = _sidebar.current_day(bounds)
    first = _map.FIRST not in st.session_state  # a new page: the map first, then the rest

    # The main area's frame first (the same places on every run, so the map's frame is
    # kept): header, map slot, tabs. The sidebar and the panels are filled after it.
    if asset_problem:
        st.error(asset_problem)
    _header(catalog, day)
    col_map, col_side = st.columns([2.6, 1], gap="small")
    with col_map:
        map_slot = st.container()
        t_analysis, t_export, t_edit, t_compare = st.tabs(["Analysis", "Export", "Edit",
                                                           "Compare"], **team.tab_options())
    with col_side:
        # Only the open side tab runs: hidden ones cost every slider step time at scale.
        t_events, t_map, t_sources = st.tabs(["Events", "On the map", "Sources"],
                                             key=SIDE_TAB, on_change="rerun")
    waiting = st.sidebar.empty()  # on every run: the sidebar's elements keep their places
    if first:
        st.session_state[_map.FIRST] = "rest"
        with map_slot:
            _first_map(loaded, bounds, url_state, day)
        waiting.caption("Loading the date and layer controls…")  # no reflow when they come
        time.sleep(_first_map_pause())  # the browser draws the map before the rest comes
        waiting.empty()

    # The panels' modules only now: their imports (altair, about a second with the others
    # on a new process) come after a new page's first map, not before it. The Export,
    # Edit and Compare tabs' modules (matplotlib for the print layout) when a tab opens.
    from dashboard.analysis_panel import render_analysis
    from dashboard.annotations import render_annotations
    from dashboard.draw_form import render_draw_form
    from dashboard.uploads import render_uploads

    with st.sidebar:
        team.show_identity(list(catalog.ids))
        day = _sidebar.date_controls(_data.change_days(loaded), bounds,
                                     _data.event_labels(loaded))
        known_on = workspace.known_on_control()
        st.subheader("Layers")
        layer_ids = _sidebar.layer_controls(loaded, url_state.layers)
        render_draw_form(on_map.drawings, day, on_map.view[2] if on_map.view else None)
        with st.expander("Your layers", expanded=False):
            uploads = list(render_uploads() or [])
            marks = render_annotations()
            uploads += [marks] if marks is not None else []
            upload_ids = _sidebar.overlay_controls(uploads)
        basemap = _sidebar.basemap_control(url_state.basemap, _map.rebase_on_current_view)
        st.caption("The address bar holds this view (date, layers, map position): copy it "
                   "to share or reopen it.")
        for problem in url_state.problems:
            st.caption(f"Link: {_sidebar.md_text(problem)}")

    view = MapView(day=day, layer_ids=tuple(layer_ids + upload_ids), bbox=on_map.bbox,
                   overlays=tuple(uploads), known_on=known_on,
                   title=workspace.view_title(catalog.title, day, known_on))

    with t_analysis:
        extra = list(render_analysis(loaded, view, on_map.clicked) or [])
    if extra:
        view = replace(view, overlays=view.overlays + tuple(extra),
                       layer_ids=view.layer_ids + tuple(o.spec.id for o in extra))
    # Source numbers on every feature: popups, tables and the Sources panel share them.
    shown = _data.shown_layers(loaded, view)
    with t_map:  # before the map: a row picked in the table flies the map there
        if t_map.open:
            _panels.render_on_map(shown)
    # The map goes to the browser before the slower panels are built (first map fast).
    if not first:  # (a new page has its first map already)
        with map_slot:
            _draw_map(catalog, basemap, shown, view, bounds)
    with t_export:
        if team.runs(t_export):  # only the open tab runs
            from dashboard.downloads import render_downloads

            render_downloads(loaded, view)
    with t_edit:
        if team.runs(t_edit):
            from dashboard.edits import render_edits

            render_edits(loaded)
    with t_compare:
        if team.runs(t_compare):
            from dashboard.compare import render_compare

            render_compare(loaded, view)
    with t_events:
        if t_events.open:
            _panels.render_events(loaded, day)
    with t_sources:
        if t_sources.open:
            _panels.render_sources(shown, str(catalog.basemap.get("attribution", "")))

    wanted = _url.encode(day=day, layers=layer_ids, view=on_map.view, basemap=basemap)
    with st.sidebar, st.expander("Workspace: saved views", expanded=False):
        workspace.render_saved_views(day=day, layer_ids=layer_ids, all_layers=catalog.ids,
                                     view=on_map.view, bbox=on_map.bbox, basemap=basemap,
                                     link=wanted)
        workspace.status_line()
    for name, value in _url.changes(st.query_params, wanted).items():
        st.query_params[name] = value
    st.session_state[_map.FIRST] = "done"
    if first and view.overlays:  # the first map had the catalog's layers only: add the rest
        st.rerun()


with team.timed_run():
    main()
