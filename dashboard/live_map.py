"""Team mode: the map and the store's latest change, in a fragment the live watch reruns alone.

When another process saves an edit, every page of this process must show it
within 2 s (issue 14). Rerunning each whole page for that cost 70-100 ms of one
interpreter per page (a hundred widgets, the panels, the URL), run one page after
another: the twelfth page of a process saw the edit seconds later under load.
What an edit elsewhere changes on a page is the map's layers and the line naming
the newest change, so those two are a fragment (``st.fragment``) and the watch
(:mod:`dashboard.team_watch`) reruns that fragment only; the tables and panels
follow on the analyst's next step, as the date's panels do during play.

A fragment also reruns alone when a widget inside it reports, and the map's frame
reports the analyst's clicks, pans and settled dates, which the whole page must
hear. Such a run sees the map's value differ from the one the last full run read
and turns into a full run at once (``st.rerun()``).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import _data, _map, team
from dashboard.team_watch import note_fragment, session_id
from layers.core.catalog import Catalog
from layers.core.view import MapView

#: Session key: the map's value as the last full run read it.
SEEN = "_live_map_seen"


def _fragment_id() -> str | None:
    """The id of the fragment running now (Streamlit's thread state), else None."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

        return ThreadState.get().fragment_id
    except Exception:  # another Streamlit: the watch then reruns whole pages
        return None


def _alone() -> bool:
    """True when this run is the fragment's own, not part of a run of the whole page."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


@st.fragment
def live_map(catalog: Catalog, basemap: str, view: MapView,
             bounds: tuple[dt.date, dt.date], shown: list[_map.ShownLayer]) -> None:
    """The newest change in the shared store and, under it, the map of ``view``.

    Within a run of the whole page, ``shown`` is drawn as given. Run alone (the
    watch asked: the store has a new version), the layers are read again and cut
    for the same view, so the map shows the edit; the view itself is the one the
    last full run settled (Streamlit keeps the fragment's arguments).
    """
    sid, fragment_id = session_id(), _fragment_id()
    if sid is not None and fragment_id is not None:
        note_fragment(sid, fragment_id)
    if not _alone():
        st.session_state[SEEN] = st.session_state.get(_map.MAP_KEY)
        _draw(catalog, basemap, view, bounds, shown)
        return
    if st.session_state.get(_map.MAP_KEY) != st.session_state.get(SEEN):
        st.rerun()  # the analyst's own click, pan or date: the whole page hears it
    with team.timed_run():
        try:
            shown = _data.shown_layers(_data.loaded_layers(), view)
        except Exception:  # the store went away meanwhile: the page's gate says so
            st.rerun()
        _draw(catalog, basemap, view, bounds, shown)


def _draw(catalog: Catalog, basemap: str, view: MapView,
          bounds: tuple[dt.date, dt.date], shown: list[_map.ShownLayer]) -> None:
    team.latest_caption()  # above the map: below it, the map's height put it out of sight
    _map.draw(catalog, basemap, shown, day=view.day, bounds=bounds, overlays=view.overlays)
