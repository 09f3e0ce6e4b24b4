"""The page's side of the team deployment: who is signed in, a live store, step timings.

Three hooks for :mod:`dashboard.app`, each doing nothing outside team mode
(``BRIEFING_TEAM=1``) but the first:

- :func:`gate` runs first: no vouched identity, no page; a store that does not
  answer, a page that says so in words (and comes back when the store does);
- :func:`show_identity` names the user in the sidebar (and offers the edit form);
  the process's :mod:`dashboard.team_watch` thread reruns every page's map
  (:mod:`dashboard.live_map`, with :func:`latest_caption` over it) when another
  process saved something: an edit shows everywhere without a reload;
- :func:`timed_run` records each full run's server time (``BRIEFING_STEP_LOG``), the
  figure the load benchmark reports.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import threading
import time
from collections.abc import Iterator

import streamlit as st

from dashboard._first_paint import FIRST
from dashboard._map import fit_css
from dashboard._priority import WATCH_NICE, lowered, share_interpreter
from dashboard._run_profile import profiled
from dashboard._sidebar import md_text
from dashboard.identity import IDENTITY, current_identity, team_mode
from dashboard.team_edit import render_team_edit
from dashboard.team_watch import register, run_ended, run_started
from dashboard.team_watch import session_id as current_session
from layers.store.live import (
    StoreDownError,
    current_version,
    latest_change,
    unavailable_message,
)
from layers.store.roles import Identity

_LOG_LOCK = threading.Lock()
_LOG_NO_ID = logging.getLogger("briefing.team.identity")


def _url() -> str:
    return os.environ.get("BRIEFING_STORE", "")


def gate() -> Identity:
    """The session's identity; stops the page when there is none or the store is down."""
    if not team_mode():
        ident = current_identity()
        st.session_state[IDENTITY] = ident
        return ident
    share_interpreter()  # many sessions' runs on one interpreter lock
    register()  # this page reruns when the store changes, goes away or comes back
    try:
        # The version this process read less than PROBE_TTL ago, else a fresh look: the
        # watch looks twice a second and reruns every page when the store goes away, so
        # a store gone is still said within a second, and a step no longer waits on a
        # query of its own (34 ms a run under load, most of it waiting for the lock).
        current_version(_url())
        ident = current_identity()
    except StoreDownError as exc:
        _unavailable(str(exc))
    except Exception as exc:
        _unavailable(unavailable_message(exc))
    if ident.name is None:
        _LOG_NO_ID.warning("no vouched identity; headers present: %s; secret set: %s",
                           sorted(k.lower() for k in st.context.headers),
                           bool(os.environ.get("BRIEFING_PROXY_SECRET")))
        st.error("No identity: this connection did not come through the team's proxy, so "
                 "nobody vouches for who you are and nothing is shown. Open the dashboard "
                 "at the team's address (deploy/team.sh status prints it).")
        st.stop()
    st.session_state[IDENTITY] = ident
    return ident


def _unavailable(message: str) -> None:
    st.error(message)
    st.caption(f"Last tried {dt.datetime.now():%H:%M:%S}. The page comes back by itself when "
               "the store answers again.")
    st.stop()


def show_identity(layer_ids: list[str]) -> None:
    """In the sidebar: who is signed in and what they may do, the live watch, the edit form."""
    ident: Identity | None = st.session_state.get(IDENTITY)
    if not team_mode() or ident is None:
        return
    may = {"viewer": "view and export", "editor": "view, export, edit and upload",
           "admin": "everything, and manage layers and roles"}.get(ident.role or "", "")
    st.caption(f"Signed in as **{md_text(ident.name)}** ({ident.role}: {may}).")
    render_team_edit(ident, layer_ids)


_LATEST: dict[object, object] = {}


def latest_caption() -> None:
    """The newest version in the shared store, in words (read once per data version).

    Over the map (:mod:`dashboard.live_map`), which the live watch reruns when the
    store changes: the line an analyst reads to know an edit has arrived.
    """
    if not team_mode():
        return
    try:
        version = current_version(_url())
        if version not in _LATEST:
            _LATEST.clear()
            _LATEST[version] = latest_change(_url())
        change = _LATEST[version]
    except Exception:  # the gate already said whether the store answers
        return
    if change:
        user, layer, fid, reason, at_us = change
        when = dt.datetime.fromtimestamp(at_us / 1e6, dt.UTC)
        with st.container(key=LATEST_KEY):  # one line (LATEST_CSS): the map keeps its room
            st.caption(f"Latest in the shared store ({when:%d %b %H:%M:%S} UTC): "
                       f"{md_text(user)} recorded {md_text(layer)}/{md_text(fid)}: "
                       f"{md_text(reason)}")


#: The latest-change line's container; its CSS keeps it to one line over the map, whose
#: frame is then that line (about 1.6 rem) shorter than the page's FIT_CSS makes it.
LATEST_KEY = "latest_change"
LATEST_CSS = """<style>
.st-key-latest_change [data-testid="stCaptionContainer"] {
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.st-key-latest_change { margin-bottom: -0.6rem; }
</style>""" + fit_css(190)


def page_css() -> str:
    """The team page's CSS (none outside team mode), sent with the page's own."""
    return LATEST_CSS if team_mode() else ""


def runs(tab: object) -> bool:
    """True when the content of ``tab`` should run: only the open tab's does.

    The tabs under the map (:func:`dashboard._first_paint.layout`) rerun the page when
    one is picked. Every hidden panel cost every date step (the export previews, the
    edit panel's store reads), and on a new page the browser drew all of them before
    the map was ready.
    """
    return bool(getattr(tab, "open", True))



@contextlib.contextmanager
def timed_run() -> Iterator[None]:
    """Append this run's server time to ``BRIEFING_STEP_LOG`` (one JSON line per run).

    A session's first page is marked ``first`` (it builds what later steps reuse), and
    a run the live watch asked for (another process saved an edit) ``cause: watch``, so
    the benchmark can tell the analysts' steps from page loads and from the watch.
    """
    path = os.environ.get("BRIEFING_STEP_LOG")
    # A session's first page (dashboard.app draws its map first, then the rest).
    first = st.session_state.get(FIRST) != "done"
    session_id = current_session()
    # The live watch's run (another process saved), not the analyst's own.
    watched = session_id is not None and run_started(session_id)
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        # The watch's rerun gives way to the analysts' own steps (dashboard._priority).
        with lowered(WATCH_NICE if watched else 0), profiled("watch" if watched else "page"):
            yield
    finally:
        if session_id is not None:  # the watch may ask its next session now
            run_ended(session_id)
        if path:
            record = {"t": round(time.time(), 3),
                      "ms": round((time.perf_counter() - start) * 1000, 2),
                      # this thread's CPU: what is left of "ms" waited on other threads
                      "cpu_ms": round((time.thread_time() - cpu) * 1000, 2),
                      "user": getattr(st.session_state.get(IDENTITY), "name", None),
                      "first": first, "cause": "watch" if watched else "page"}
            with _LOG_LOCK, open(path, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
