"""The briefing page, run by ``dashboard/app.py`` on every rerun.

A thin page over :mod:`layers`: the sidebar picks a date and layers, the map
shows them as of that date, and beside it are the events, the features on the
map and their sources. Everything runs offline: Leaflet and the basemap are
served by the app itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from dashboard import (
    _data,
    _first_paint,
    _map,
    _panels,
    _sidebar,
    _timeline,
    _url,
    _url_compare,
    team,
    workspace,
)
from dashboard.identity import team_mode
from dashboard.live_map import live_map
from layers.core.catalog import Catalog
from layers.core.loaded import LoadedLayers
from layers.core.view import MapView
from layers.errors import LayersError
from layers.render import webmap

URL_READ = "_url_read"


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
        st.session_state[_first_paint.MAIN_TAB] = "Compare"
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


def _header(catalog: Catalog, day: dt.date) -> tuple[str, str, str]:
    """The page's CSS, its title line and the handling caption (:func:`_first_paint.layout`)."""
    return (_PAGE_CSS + _map.FIT_CSS + team.page_css(),
            f"#### {_sidebar.md_text(catalog.title)} · as of {day:%a %d %b %Y}",
            _sidebar.md_text(catalog.handling))


def _first_map(loaded: LoadedLayers, bounds: tuple[dt.date, dt.date],
               url_state: _url.UrlState, day: dt.date, header: tuple[str, str, str],
               painted: _first_paint.Painted | None) -> None:
    """A session's first map: the URL's (or the catalog's) layers on ``day``, nothing else.

    Drawn before the sidebar and the panels (a hundred widgets), which then follow
    after a pause (:func:`dashboard._first_paint.pause_for`): sent together, they held
    the map back by seconds.
    The page's own uploads and analysis overlays join the map on the next run.

    A new page without a link's parameters keeps its header and map on disk
    (:mod:`dashboard._snapshot`) for the next server process; a page that was sent
    the kept ones before it read anything (``painted``) draws nothing here: it
    checks them against what it read and reruns at once if they differ (a stale
    map is never left up).
    """
    view = MapView(day=day, layer_ids=_sidebar.start_layer_ids(loaded, url_state.layers))
    shown = _data.shown_layers(loaded, view)
    basemap = _sidebar.start_basemap(url_state.basemap)
    if team_mode():
        live_map(loaded.catalog, basemap, view, bounds, shown)
        return
    args = _map.map_args(loaded.catalog, basemap, shown, day=view.day, bounds=bounds)
    if painted is None:
        _first_paint.show_map(args)
        _first_paint.keep(header, args)
    elif _first_paint.keep(header, args, sent=painted.kept):
        from streamlit.logger import get_logger

        get_logger(__name__).warning("The first map sent from disk differed from the data "
                                     "read: replaced, and kept anew.")
        st.rerun()


def _as_first(loaded: LoadedLayers, url_state: _url.UrlState, view: MapView,
              basemap: str) -> bool:
    """True when ``view`` is what a new page's first map shows (:func:`_first_map`)."""
    return (not view.overlays and view.known_on is None
            and view.layer_ids == tuple(_sidebar.start_layer_ids(loaded, url_state.layers))
            and basemap == _sidebar.start_basemap(url_state.basemap)
            and st.session_state.get(_map.OPEN) is None
            and st.session_state.get(_map.FOCUS) is None)


def _draw_map(catalog: Catalog, basemap: str, shown: list, view: MapView,
              bounds: tuple[dt.date, dt.date]) -> dict | None:
    """The map; in team mode with the store's newest change, rerun alone on an edit elsewhere.

    Returns the component's arguments (None in team mode).
    """
    if team_mode():  # dashboard.live_map: the watch reruns the map, not the whole page
        live_map(catalog, basemap, view, bounds, shown)
        return None
    return _map.draw(catalog, basemap, shown, day=view.day, bounds=bounds,
                     overlays=view.overlays)


def main(painted: _first_paint.Painted | None = None) -> None:
    """Draw the page; ``painted``: a new page's first map was sent from disk already."""
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
    # A new page: the map first, then the rest.
    first = painted is not None or _first_paint.FIRST not in st.session_state
    cut_short = not first and st.session_state.get(_first_paint.FIRST) == "rest"

    # The main area's frame first (the same places on every run, so the map's frame is
    # kept): header, map slot, tabs. The sidebar and the panels are filled after it.
    header = _header(catalog, day)
    if painted is None:
        if asset_problem:
            st.error(asset_problem)
        frame = _first_paint.layout(header)
    else:  # sent with the kept first map, before anything was read
        frame = painted.frame
        if asset_problem:
            st.error(asset_problem)
    map_slot, waiting = frame.map_slot, frame.waiting
    t_analysis, t_export, t_edit, t_compare = frame.main_tabs
    t_events, t_map, t_sources = frame.side_tabs
    if first:
        st.session_state[_first_paint.FIRST] = "rest"
        with map_slot:
            _first_map(loaded, bounds, url_state, day, header, painted)
        if painted is None:
            waiting.caption("Loading the date and layer controls…")  # no reflow after
            _first_paint.give_way(_first_paint.pause_for())  # the browser draws the map first

    # The panels' modules only now: their imports (altair, about a second with the others
    # on a new process) come after a new page's first map, not before it. The Export,
    # Edit and Compare tabs' modules (matplotlib for the print layout) when a tab opens.
    from dashboard.analysis_panel import render_analysis
    from dashboard.annotations import render_annotations
    from dashboard.draw_form import render_draw_form
    from dashboard.uploads import render_uploads

    waiting.empty()
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
            args = _draw_map(catalog, basemap, shown, view, bounds)
        if cut_short and args is not None and _as_first(loaded, url_state, view, basemap):
            # The first run was stopped by the frame's first report (a kept first map's
            # run always is, in its pause): this run checks and keeps the first map.
            _first_paint.keep(header, args)
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
    st.session_state[_first_paint.FIRST] = "done"
    _first_paint.mark_read(st.session_state.get(_first_paint.KEPT_KEY))
    if first and view.overlays:  # the first map had the catalog's layers only: add the rest
        st.rerun()


def run(painted: _first_paint.Painted | None = None) -> None:
    """One run of the page, its time in the step log (``BRIEFING_STEP_LOG``)."""
    with team.timed_run():
        main(painted)
