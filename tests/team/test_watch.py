"""The live watch: woken by the store's NOTIFY, pages rerun one at a time (no server needed)."""

from __future__ import annotations

import threading
import time

import pytest

from dashboard import team_watch
from layers.store.listen import Listener, conninfo
from layers.store.store import Store


class FakeSession:
    """A page whose rerun runs on a thread of its own, as Streamlit's script runner does."""

    def __init__(self, sid: str, log: list, seconds: float = 0.02, runs: bool = True) -> None:
        self.sid, self.log, self.seconds, self.runs = sid, log, seconds, runs

    def request_rerun(self, client_state: object) -> None:
        assert client_state is None  # the widget values the session holds, as st.rerun()
        if self.runs:
            threading.Thread(target=self._run).start()

    def _run(self) -> None:
        assert team_watch.run_started(self.sid)  # the run the watch asked for
        self.log.append(("start", self.sid, time.monotonic()))
        time.sleep(self.seconds)
        self.log.append(("end", self.sid, time.monotonic()))
        team_watch.run_ended(self.sid)


class FakeRuntime:
    def __init__(self, sessions: dict[str, FakeSession]) -> None:
        self.sessions = sessions

    def get_app_session(self, sid: str) -> FakeSession | None:
        return self.sessions.get(sid)


def test_sessions_rerun_one_after_the_other_and_closed_ones_are_forgotten():
    log: list = []
    runtime = FakeRuntime({f"s{k}": FakeSession(f"s{k}", log) for k in range(5)})
    ids = {f"s{k}" for k in range(5)} | {"closed"}
    asked = team_watch.rerun_in_turn(ids, runtime=runtime, turn=2.0)
    assert asked == 5
    assert "closed" not in ids and len(ids) == 5
    events = [(kind, sid) for kind, sid, _ in log]
    assert len(events) == 10
    # One at a time: every run ends before the next starts.
    for k in range(0, 10, 2):
        assert events[k][0] == "start" and events[k + 1] == ("end", events[k][1])
    assert {sid for _, sid in events} == {f"s{k}" for k in range(5)}


def test_a_page_that_never_runs_holds_the_turn_for_at_most_turn_seconds():
    log: list = []
    runtime = FakeRuntime({"gone": FakeSession("gone", log, runs=False),
                           "live": FakeSession("live", log)})
    start = time.monotonic()
    asked = team_watch.rerun_in_turn({"gone", "live"}, runtime=runtime, turn=0.2)
    assert asked == 2
    assert time.monotonic() - start < 1.0
    assert [e[:2] for e in log] == [("start", "live"), ("end", "live")]
    team_watch.run_started("gone")  # leave no request behind for other tests
    team_watch.run_ended("gone")


def test_the_order_changes_so_no_page_is_always_last():
    lasts = set()
    for _ in range(30):
        log: list = []
        runtime = FakeRuntime({f"s{k}": FakeSession(f"s{k}", log, 0.0) for k in range(4)})
        team_watch.rerun_in_turn(set(runtime.sessions), runtime=runtime, turn=1.0)
        lasts.add(log[-1][1])
    assert len(lasts) > 1


def test_a_run_in_progress_is_let_finish_before_the_watch_asks():
    log: list = []
    runtime = FakeRuntime({"busy": FakeSession("busy", log)})
    assert team_watch.run_started("busy") is False  # the analyst's own step begins

    def step() -> None:
        time.sleep(0.3)
        log.append(("own end", "busy", time.monotonic()))
        team_watch.run_ended("busy")

    threading.Thread(target=step).start()
    assert team_watch.rerun_in_turn({"busy"}, runtime=runtime, turn=2.0) == 1
    assert [e[0] for e in log] == ["own end", "start", "end"]  # asked after, not during


def test_the_first_page_asked_leads_and_the_others_follow_when_its_run_ended():
    log: list = []
    runtime = FakeRuntime({f"s{k}": FakeSession(f"s{k}", log, 0.05) for k in range(3)})

    def lead(sid: str) -> None:
        log.append(("lead", sid, time.monotonic()))

    def done() -> None:
        log.append(("published", "", time.monotonic()))

    team_watch.rerun_in_turn(set(runtime.sessions), runtime=runtime, turn=2.0,
                             lead=lead, led=done)
    kinds = [(kind, sid) for kind, sid, _ in log]
    first = kinds[0][1]
    assert kinds[:4] == [("lead", first), ("start", first), ("end", first), ("published", "")]
    assert [k for k, _ in kinds[4:]] == ["start", "end", "start", "end"]


def test_pages_keep_the_published_version_while_the_lead_builds_the_new_one():
    watch = team_watch.Watcher("postgresql+psycopg://nobody@127.0.0.1:9/none")
    watch.published = 3
    assert watch.version_for("a") == 3 and watch.version_for(None) == 3
    watch.pending = 4
    watch._lead("a")
    assert watch.version_for("a") == 4  # the lead builds the new version
    assert watch.version_for("b") == 3 and watch.version_for(None) == 3  # the others wait
    watch.publish()
    assert watch.version_for("a") == watch.version_for("b") == 4
    assert watch.pending is None and watch.lead is None


def test_without_a_watch_a_page_uses_the_stores_version(monkeypatch):
    monkeypatch.setattr(team_watch, "current_version", lambda url: ("store's", url))
    assert team_watch.page_version("nowhere://x") == ("store's", "nowhere://x")
    watch = team_watch.Watcher("nowhere://x")
    monkeypatch.setitem(team_watch._WATCHERS, "nowhere://x", watch)
    assert team_watch.page_version("nowhere://x") == ("store's", "nowhere://x")  # none yet
    watch.published = 7
    assert team_watch.page_version("nowhere://x") == 7


def test_no_runtime_no_reruns():
    assert team_watch.rerun_in_turn({"a"}) == 0  # AppTest and bare scripts have none


@pytest.mark.parametrize("url, expected", [
    ("postgresql+psycopg://u:p%40ss@127.0.0.1:5433/briefing",
     "postgresql://u:p%40ss@127.0.0.1:5433/briefing"),
    ("postgresql://postgres@127.0.0.1:55442/briefing",
     "postgresql://postgres@127.0.0.1:55442/briefing"),
    ("sqlite:////tmp/store.sqlite", None),
    ("/tmp/not-a-url", None),
])
def test_the_listener_speaks_libpq_to_postgresql_only(url, expected):
    assert conninfo(url) == expected


def test_a_sqlite_store_has_no_notifications_so_the_listener_only_sleeps(tmp_path):
    listener = Listener(f"sqlite:///{tmp_path / 'store.sqlite'}")
    start = time.monotonic()
    assert listener.wait(0.1) is False
    assert 0.09 <= time.monotonic() - start < 1.0
    assert not listener.listening


def test_a_listener_whose_database_is_away_retries_later_without_raising():
    listener = Listener("postgresql+psycopg://nobody@127.0.0.1:9/none")  # port 9: refused
    assert listener.wait(0.05) is False
    assert not listener.listening


def test_a_write_wakes_the_listener_at_once(pg_database):
    listener = Listener(pg_database)
    store = Store(pg_database)
    try:
        assert listener.wait(0.05) is False  # connected and listening; nothing yet
        assert listener.listening

        def write() -> None:
            time.sleep(0.2)
            with store.write():  # any write transaction notifies on commit
                pass

        writer = threading.Thread(target=write)
        writer.start()
        start = time.monotonic()
        assert listener.wait(5.0) is True
        assert time.monotonic() - start < 2.0  # woken by the write, not the timeout
        writer.join()
        assert listener.heard >= 1
    finally:
        listener.close()
        store.close()


def test_the_watch_reads_the_new_version_after_a_write(pg_database):
    store = Store(pg_database)
    watch = team_watch.Watcher(pg_database)
    try:
        assert watch.look() is False  # the first look only learns the version
        watch.published = watch.version
        assert watch.look() is False
        with store.write():
            pass
        before = watch.published
        assert watch.look() is True and watch.changes == 1
        # No page to lead here (no runtime): the new version is published at once.
        assert watch.published == watch.version and watch.published != before
        assert watch.pending is None
    finally:
        watch.listener.close()
        store.close()


class _Runner:
    """Streamlit's script runner as far as a rerun request goes: its real request queue."""

    def __init__(self, first_run: object) -> None:
        from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequests

        self.requests = ScriptRequests()
        self.requests.request_rerun(first_run)  # what ScriptRunner.__init__ does

    def request_rerun(self, rerun_data: object) -> bool:
        return self.requests.request_rerun(rerun_data)


class _LoopSession:
    """An AppSession's parts the watch touches: its event loop and its runner."""

    def __init__(self, loop: object, runner: _Runner | None,
                 fragments: tuple[str, ...] = ()) -> None:
        self._event_loop, self._scriptrunner = loop, runner
        self.fresh_runs: list = []
        self.fragments = set(fragments)

    def request_rerun(self, client_state: object) -> None:
        self.fresh_runs.append(client_state)

    def has_fragment(self, fragment_id: str) -> bool:
        return fragment_id in self.fragments

    def _create_scriptrunner(self, rerun_data: object) -> None:
        self.fresh_runs.append(rerun_data)


def _on_a_loop(session_for, fragment_id: str | None = None, settle: float = 0.0):
    import asyncio

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        session = session_for(loop)
        team_watch.ask_rerun(session, fragment_id)
        asyncio.run_coroutine_threadsafe(asyncio.sleep(settle), loop).result(5)  # ask ran
        return session
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def test_a_watch_rerun_keeps_the_click_whose_run_has_not_started():
    """The analyst clicked a tab; its run is queued, not started, when the watch asks."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

    click = WidgetStates()
    tab = click.widgets.add()
    tab.id, tab.string_value = "main-tab", "Edit"
    runner = _Runner(RerunData(widget_states=click))
    session = _on_a_loop(lambda loop: _LoopSession(loop, runner))
    assert session.fresh_runs == []  # no new run that would stop the queued one
    request = runner.requests.on_scriptrunner_ready()
    assert [(w.id, w.string_value) for w in request.rerun_data.widget_states.widgets] == [
        ("main-tab", "Edit")]


def test_a_watch_rerun_with_no_run_starts_one_on_the_values_held():
    session = _on_a_loop(lambda loop: _LoopSession(loop, None))
    assert session.fresh_runs == [None]


def test_an_idle_page_reruns_its_live_map_alone():
    """An edit elsewhere reruns the page's map fragment, not its hundred widgets."""
    session = _on_a_loop(lambda loop: _LoopSession(loop, None, ("live-map",)), "live-map")
    [run] = session.fresh_runs
    assert run.fragment_id_queue == ["live-map"] and run.widget_states is None
    assert not run.is_fragment_scoped_rerun  # queued behind a run, never stopping one


def test_a_live_map_rerun_asked_during_a_click_keeps_the_click_and_runs_the_whole_page():
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

    click = WidgetStates()
    tab = click.widgets.add()
    tab.id, tab.string_value = "main-tab", "Edit"
    runner = _Runner(RerunData(widget_states=click))
    session = _on_a_loop(lambda loop: _LoopSession(loop, runner, ("live-map",)), "live-map")
    assert session.fresh_runs == []
    request = runner.requests.on_scriptrunner_ready()
    # The click's full run draws the map too: the fragment needs no run of its own.
    assert request.rerun_data.fragment_id_queue == []
    assert [(w.id, w.string_value) for w in request.rerun_data.widget_states.widgets] == [
        ("main-tab", "Edit")]


def test_a_page_whose_live_map_is_gone_reruns_whole():
    """The last full run stopped before the map (the store was away): the whole page."""
    session = _on_a_loop(lambda loop: _LoopSession(loop, None, ()), "live-map")
    assert session.fresh_runs == [None]


class _StoppingRunner:
    """A runner that has ended its run: it refuses requests until its end is handled."""

    def __init__(self) -> None:
        self.session: _LoopSession | None = None

    def request_rerun(self, rerun_data: object) -> bool:
        self.session._scriptrunner = None  # the loop handles the run's end and shutdown
        return False


def test_a_live_map_rerun_waits_for_the_stopping_runner_so_the_run_end_reaches_the_page():
    """A runner started before the previous run's end is handled drops that end."""
    runner = _StoppingRunner()

    def session_for(loop):
        session = _LoopSession(loop, runner, ("live-map",))
        runner.session = session
        return session

    session = _on_a_loop(session_for, "live-map", settle=0.1)
    [run] = session.fresh_runs
    assert run.fragment_id_queue == ["live-map"]
