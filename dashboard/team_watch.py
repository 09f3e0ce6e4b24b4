"""One watcher per app process: when the shared store changes, every page here reruns.

A thread polls the store's data version every :data:`POLL_SECONDS` (one cheap
query per process, however many sessions it serves; a poll per session would
cost each of them a fragment run a second). When the version moves (an edit
saved by any process) or the store goes away or comes back, it asks every
session of this process to rerun, as Streamlit's own "run on save" does when a
source file changes, so the change shows within about a second, without a reload.
Button presses are not replayed: the rerun carries the widgets' values without
their triggers.
"""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st

from layers.store.live import StoreDownError, read_version

#: Seconds between two looks at the store.
POLL_SECONDS = 0.5
_TRIGGERS = {"trigger_value", "string_trigger_value", "json_trigger_value",
             "chat_input_value"}
_LOG = logging.getLogger("briefing.team")


class Watcher(threading.Thread):
    """Polls ``url``'s data version and reruns this process's sessions on a change."""

    def __init__(self, url: str) -> None:
        super().__init__(name="briefing-store-watch", daemon=True)
        self.url = url
        self.version: object = None
        self.changes = 0
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
                rerun_all_sessions()
            self.version = seen


def rerun_all_sessions() -> int:
    """Ask every active session of this process to rerun; how many were asked."""
    try:
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.runtime import Runtime

        sessions = Runtime.instance()._session_mgr.list_active_sessions()
    except Exception:  # no runtime (AppTest, a script run bare): nothing to rerun
        return 0
    asked = 0
    for info in sessions:
        session = info.session
        state = ClientState()
        previous = getattr(session, "_client_state", None)
        if previous is not None:
            state.CopyFrom(previous)
        keep = [w for w in state.widget_states.widgets if w.WhichOneof("value") not in _TRIGGERS]
        del state.widget_states.widgets[:]
        state.widget_states.widgets.extend(keep)
        state.fragment_id = ""
        state.is_auto_rerun = False
        try:
            session.request_rerun(state)
            asked += 1
        except Exception:  # a session closing as we ask: skip it
            continue
    return asked


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
