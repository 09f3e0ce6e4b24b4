"""One watcher per app process: when the shared store changes, every page here reruns.

A thread waits on the store's notifications (:class:`layers.store.listen.Listener`:
every write ends with ``NOTIFY briefing_store``, delivered on commit) and looks at
the store's data version at least every :data:`POLL_SECONDS` (the fallback: one
cheap query per process, however many sessions it serves, which also notices a
store gone away or come back). When the version moves it asks every session of
this process to rerun its live map (:mod:`dashboard.live_map`: the map and the
line naming the newest change, a fragment), so the change shows without a reload
(figures in ``benchmarks/RESULTS.md``); when the store goes away or comes back,
whole pages, whose gate says so in words.

The sessions rerun one at a time (:func:`rerun_in_turn`): the next is asked when
the previous one's run has ended. Fired every 50 ms instead, a dozen reruns ran
side by side on the process's one interpreter lock, each slowed by all the others
and every analyst's own step queued behind them all; in turn, a step shares the
lock with at most one watch run, and the pages still all rerun as fast as the
process can run them. Button presses are not replayed: the rerun keeps the
widgets' values, as ``st.rerun()``.

A new version is built once per process, by the first page of the turn (its
"lead"), while every other page keeps the version the watch last published
(:func:`page_version`): an analyst's step that came during the rebuild (the layers
read again, the gazetteer, the edited layer's timeline part: 0.3-0.5 s) used to
wait for it, and those were the slowest steps of a load run. When the lead's run
has ended the new version is published and the other pages rerun on it.
"""

from __future__ import annotations

import logging
import os
import random
import threading
from collections.abc import Callable, Iterable

import streamlit as st

from layers.store.listen import Listener
from layers.store.live import StoreDownError, current_version, note_version, read_version

#: Seconds between two looks at the store when no notification comes.
POLL_SECONDS = 0.5
#: Longest wait for one session's rerun before the next session is asked (a page
#: that closed, or a run stopped for the analyst's own step, ends no watch run).
TURN_SECONDS = 1.0
_LOG = logging.getLogger("briefing.team")


class Watcher(threading.Thread):
    """Waits for ``url``'s writes (notified, else polled) and reruns this process's sessions."""

    def __init__(self, url: str) -> None:
        super().__init__(name="briefing-store-watch", daemon=True)
        self.url = url
        self.version: object = None
        self.changes = 0
        #: The sessions of this process that showed a page (see :func:`register`).
        self.sessions: set[str] = set()
        self.stopping = threading.Event()
        self.listener = Listener(url)
        #: The version the pages use; the newer one being built, and the page building it.
        self.published: int | None = None
        self.pending: int | None = None
        self.lead: str | None = None
        self._lock = threading.Lock()

    def run(self) -> None:  # pragma: no cover - exercised by the team tests
        """Watch until the process ends (a daemon thread: it never holds the exit)."""
        while not self.stopping.is_set():
            self.listener.wait(POLL_SECONDS)
            try:
                self.look()
            except Exception:  # never let the watcher die; log and look again
                _LOG.exception("store watch failed")
                self.stopping.wait(POLL_SECONDS)
        self.listener.close()

    def look(self) -> bool:
        """Read the data version; on a change, rerun the sessions in turn. True if changed."""
        try:
            seen: object = read_version(self.url)
        except StoreDownError:
            seen = "store down"
        before = self.version
        changed = before is not None and seen != before
        self.version = seen
        if changed:
            self.changes += 1
            if isinstance(seen, str):  # the store went away: the pages say so
                rerun_in_turn(self.sessions, stopping=self.stopping, whole=True)
                return True
            note_version(self.url, seen)
            with self._lock:
                self.pending = seen
            try:
                # Back after the store was away: whole pages (they showed the gate's
                # words); else each page's live map alone (dashboard.live_map).
                rerun_in_turn(self.sessions, stopping=self.stopping, lead=self._lead,
                              led=self.publish, whole=isinstance(before, str))
            finally:
                self.publish()  # no page to lead, or the turn was cut short
        return changed

    def _lead(self, session_id: str) -> None:
        with self._lock:
            self.lead = session_id

    def publish(self) -> None:
        """The version being built becomes the one every page uses."""
        with self._lock:
            if self.pending is not None:
                self.published, self.pending, self.lead = self.pending, None, None

    def version_for(self, session_id: str | None) -> int | None:
        """The version a run of ``session_id`` uses: the lead's is the newest."""
        with self._lock:
            if self.pending is not None and session_id is not None and \
                    session_id == self.lead:
                return self.pending
            return self.published


class _Runs:
    """The pages' runs as the watch sees them: asked for, running, ended (an event each)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.asked: dict[str, threading.Event] = {}
        self.active: dict[str, threading.Event] = {}

    def ask(self, session_id: str) -> threading.Event:
        """The watch asks ``session_id`` to rerun: the event is set when that run ends."""
        with self.lock:
            done = self.asked[session_id] = threading.Event()
        return done

    def start(self, session_id: str) -> bool:
        """A run of ``session_id`` begins; True if it is the one the watch asked for."""
        with self.lock:
            done = self.asked.pop(session_id, None)
            self.active[session_id] = done or threading.Event()
        return done is not None

    def end(self, session_id: str) -> None:
        with self.lock:
            done = self.active.pop(session_id, None)
        if done is not None:
            done.set()

    def running(self, session_id: str) -> bool:
        """True while a run of ``session_id`` is in progress."""
        with self.lock:
            return session_id in self.active

    def wait_idle(self, session_id: str, seconds: float) -> None:
        """Wait (at most ``seconds``) for a run of ``session_id`` in progress to end."""
        with self.lock:
            running = self.active.get(session_id)
        if running is not None:
            running.wait(seconds)


#: Every page run of this process starts and ends here (:func:`dashboard.team.timed_run`),
#: so the watch knows which run it asked for (logged apart from the analysts' steps)
#: and when it ended.
_RUNS = _Runs()


def run_started(session_id: str) -> bool:
    """A page run begins; True (once) if the watch asked for it since the last one."""
    return _RUNS.start(session_id)


def run_ended(session_id: str) -> None:
    """A page run has ended: the watch may ask the next session."""
    _RUNS.end(session_id)


def rerun_in_turn(session_ids: set[str], *, turn: float = TURN_SECONDS,
                  stopping: threading.Event | None = None, runtime: object = None,
                  lead: Callable[[str], None] | None = None,
                  led: Callable[[], None] | None = None, whole: bool = False) -> int:
    """Ask each still-open session in ``session_ids`` to rerun, one after the other.

    The next session is asked when the previous one's run has ended
    (:func:`run_ended`) or after ``turn`` seconds; a session whose own run is in
    progress is asked when that run ends (or after ``turn`` seconds). Each is asked
    by :func:`ask_rerun`, which reruns with the widget values the session holds, as
    ``st.rerun()`` does, and keeps a click on its way in. Sessions that have
    closed are forgotten. ``lead`` is told which session is asked first, and ``led``
    called when its turn is over. A page's live map (:mod:`dashboard.live_map`) is
    rerun alone unless ``whole`` (the store went away or came back: the whole page
    says so). Returns how many were asked.
    """
    runtime = runtime if runtime is not None else _runtime()
    if runtime is None:  # no runtime (AppTest, a script run bare): nothing to rerun
        return 0
    asked = 0
    for sid in _open_sessions(runtime, session_ids):
        if stopping is not None and stopping.is_set():
            break
        # A run in progress (the analyst's own step, an editor's save) is let finish:
        # asked now, it would be stopped and started again, its work thrown away.
        _RUNS.wait_idle(sid, turn)
        if lead is not None and not asked:
            lead(sid)
        done = _RUNS.ask(sid)
        try:
            ask_rerun(runtime.get_app_session(sid),
                      None if whole else _FRAGMENTS.get(sid))
        except Exception:  # a session closing as we ask: skip it
            run_started(sid)
            run_ended(sid)
            continue
        asked += 1
        done.wait(turn)
        if led is not None and asked == 1:
            led()
    return asked


#: How often (5 ms apart) a fragment's rerun waits for a stopping runner before the
#: whole page is asked instead.
_FRAGMENT_TRIES = 200
#: Each session's live-map fragment (:func:`note_fragment`), which the watch reruns alone.
_FRAGMENTS: dict[str, str] = {}


def note_fragment(session_id: str, fragment_id: str) -> None:
    """The live map of ``session_id`` is the fragment ``fragment_id`` (said on every run)."""
    _FRAGMENTS[session_id] = fragment_id


def ask_rerun(session: object, fragment_id: str | None = None) -> None:
    """Ask a Streamlit ``AppSession`` to rerun without losing a click on its way in.

    ``AppSession.request_rerun(None)`` stops the run in progress under Streamlit's fast
    reruns and starts one on the widget values the session last applied. A run the
    browser had just asked for, whose values (the tab or the box the analyst clicked)
    were not applied yet, was lost that way: the Edit tab opened empty in a browser
    test, once in a CI run. Asked on the session's event loop, where the browser's
    messages are handled (so none lands in between), a run in progress or about to start
    is told to run again with its own values kept (Streamlit merges a rerun that carries
    no values into the one pending); with no run, a new one starts on the values held.

    With ``fragment_id`` (a live map the session's last full run drew), only that
    fragment reruns: queued behind a run in progress, never stopping it.
    """
    loop = getattr(session, "_event_loop", None)
    if loop is None:  # not Streamlit's AppSession (tests' fakes): the public call
        session.request_rerun(None)  # type: ignore[attr-defined]
        return

    def ask(tries: int = 0) -> None:
        from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

        runner = getattr(session, "_scriptrunner", None)
        has = getattr(session, "has_fragment", None)
        if fragment_id and callable(has) and has(fragment_id) and tries < _FRAGMENT_TRIES:
            data = RerunData(fragment_id_queue=[fragment_id])
            if runner is None:
                session._create_scriptrunner(data)  # type: ignore[attr-defined]
            elif not runner.request_rerun(data):
                # The runner has ended a run and is stopping; the run's end is still on
                # its way on this loop. A runner started now would have that end dropped
                # (the page never hears its run finished): ask again once it is through.
                loop.call_later(0.005, ask, tries + 1)
            return
        if runner is not None and runner.request_rerun(RerunData()):
            return
        session.request_rerun(None)  # type: ignore[attr-defined]

    loop.call_soon_threadsafe(ask)


def _runtime() -> object:
    try:
        from streamlit.runtime import Runtime

        return Runtime.instance()
    except Exception:
        return None


def _open_sessions(runtime: object, session_ids: set[str]) -> Iterable[str]:
    """The ids still open, in a new order each time (no page is always the last).

    The closed ones leave ``session_ids``.
    """
    ids = list(session_ids)
    random.shuffle(ids)
    ids.sort(key=_RUNS.running)  # idle pages first: the first leads, without waiting
    for sid in ids:
        if runtime.get_app_session(sid) is None:  # type: ignore[attr-defined]
            session_ids.discard(sid)
            _FRAGMENTS.pop(sid, None)
            continue
        yield sid


def register() -> None:
    """Put this page's session on the watch list of its process (called on every run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    url = os.environ.get("BRIEFING_STORE", "")
    if ctx is not None and url:
        watcher(url).sessions.add(ctx.session_id)


def page_version(url: str) -> object:
    """The data version this page's layers are keyed by (see the module's docstring).

    The version the process's watch published; the newest for the page leading its
    build; without a watch (none started yet, AppTest), the store's own.
    """
    watch = _WATCHERS.get(url)
    version = None if watch is None else watch.version_for(session_id())
    return current_version(url) if version is None else version


def session_id() -> str | None:
    """The id of the session whose page run this thread is in (None outside a run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.session_id


#: The running watchers, by store URL (for :func:`page_version`).
_WATCHERS: dict[str, Watcher] = {}


@st.cache_resource(show_spinner=False)
def watcher(url: str) -> Watcher:
    """The process's watcher for ``url`` (started once, on the first page)."""
    watch = Watcher(url)
    try:
        watch.version = read_version(url)
        watch.published = int(watch.version)  # type: ignore[call-overload]
    except StoreDownError:
        watch.version = "store down"
    watch.start()
    _WATCHERS[url] = watch
    return watch
