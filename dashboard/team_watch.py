"""One watcher per app process: when the shared store changes, every page here reruns.

A thread polls the store's data version every :data:`POLL_SECONDS` (one cheap
query per process, however many sessions it serves; a poll per session would
cost each of them a fragment run a second). When the version moves (an edit
saved by any process) or the store goes away or comes back, it asks every
session of this process to rerun, as Streamlit's own "run on save" does when a
source file changes, so the change shows within about a second, without a reload.
The requests are spread over up to a second (:data:`GAP_SECONDS` apart), not fired
at once.
Button presses are not replayed: the rerun keeps the widgets' values, as ``st.rerun()``.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import streamlit as st

from layers.store.live import StoreDownError, note_version, read_version

#: Seconds between two looks at the store.
POLL_SECONDS = 0.5
#: Seconds between two sessions' reruns after a change: spread over at most
#: :data:`SPREAD_SECONDS`, so a dozen pages rerunning at once do not queue behind each
#: other (and behind the analysts' own steps) for the process's one interpreter lock.
GAP_SECONDS = 0.05
SPREAD_SECONDS = 1.0
_LOG = logging.getLogger("briefing.team")


class Watcher(threading.Thread):
    """Polls ``url``'s data version and reruns this process's sessions on a change."""

    def __init__(self, url: str) -> None:
        super().__init__(name="briefing-store-watch", daemon=True)
        self.url = url
        self.version: object = None
        self.changes = 0
        #: The sessions of this process that showed a page (see :func:`register`).
        self.sessions: set[str] = set()
        self.stopping = threading.Event()

    def run(self) -> None:  # pragma: no cover - exercised by the team tests
        """Poll until the process ends (a daemon thread: it never holds the exit)."""
        while not self.stopping.wait(POLL_SECONDS):
            try:
                seen: object = read_version(self.url)
            except StoreDownError:
                seen = "store down"
            except Exception:  # never let the watcher die; log and look again
                _LOG.exception("store watch failed")
                continue
            if self.version is not None and seen != self.version:
                self.changes += 1
                if not isinstance(seen, str):  # the pages' cached version moves first
                    note_version(self.url, seen)
                rerun_all_sessions(self.sessions, gap=min(
                    GAP_SECONDS, SPREAD_SECONDS / max(1, len(self.sessions))))
            self.version = seen


#: Sessions asked to rerun by the watch and not yet run since (their next run is the
#: watch's, which :func:`dashboard.team.timed_run` logs apart from the analysts' steps).
_ASKED: set[str] = set()
_ASKED_LOCK = threading.Lock()


def take_asked(session_id: str) -> bool:
    """True (once) if the watch asked ``session_id`` to rerun since its last run."""
    with _ASKED_LOCK:
        if session_id in _ASKED:
            _ASKED.discard(session_id)
            return True
    return False


def rerun_all_sessions(session_ids: set[str], gap: float = 0.0) -> int:
    """Ask each still-open session in ``session_ids`` to rerun; how many were asked.

    Only Streamlit's public runtime calls: ``Runtime.instance().get_app_session``
    (thread-safe) and ``AppSession.request_rerun(None)``, which reruns with the
    widget values the session holds, as ``st.rerun()`` does (no button is pressed
    again). Sessions that have closed are forgotten. ``gap`` seconds pass between
    two requests.
    """
    try:
        from streamlit.runtime import Runtime

        runtime = Runtime.instance()
    except Exception:  # no runtime (AppTest, a script run bare): nothing to rerun
        return 0
    asked = 0
    for sid in list(session_ids):
        session = runtime.get_app_session(sid)
        if session is None:
            session_ids.discard(sid)
            continue
        if asked and gap:
            time.sleep(gap)
        try:
            with _ASKED_LOCK:
                _ASKED.add(sid)
            session.request_rerun(None)
            asked += 1
        except Exception:  # a session closing as we ask: skip it
            continue
    return asked


def register() -> None:
    """Put this page's session on the watch list of its process (called on every run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    url = os.environ.get("BRIEFING_STORE", "")
    if ctx is not None and url:
        watcher(url).sessions.add(ctx.session_id)


@st.cache_resource(show_spinner=False)
def watcher(url: str) -> Watcher:
    """The process's watcher for ``url`` (started once, on the first page)."""
    watch = Watcher(url)
    try:
        watch.version = read_version(url)
    except StoreDownError:
        watch.version = "store down"
    watch.start()
    time.sleep(0)
    return watch
