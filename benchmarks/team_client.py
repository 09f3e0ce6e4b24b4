"""A Streamlit session without a browser: the page's own websocket protocol, through the proxy.

Does what the browser does, with the protobuf messages that ship with the
``streamlit`` package: loads ``/`` (the proxy signs the user in and sets its
sticky-session cookie), opens ``/_stcore/stream`` with the same cookie and
credentials, sends ``BackMsg.rerun_script`` with the query string and widget
states, and reads ``ForwardMsg``\\ s until the run finishes. Moving the date slider
or a layer toggle is a rerun with that widget's new state, exactly as the page
sends it. When the socket drops (an app process killed, the proxy restarted) the
session reconnects through the proxy, offering its session id, and reruns with
the widget states it holds, as the browser's reconnect does.

Only loopback addresses are accepted; every wait has a timeout.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import http.client
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

#: ForwardMsg.script_finished values (ForwardMsg.ScriptFinishedStatus).
FINISHED, COMPILE_ERROR, EARLY_FOR_RERUN, FRAGMENT_DONE = 0, 1, 2, 3
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class NotLoopback(ValueError):
    """The load client only talks to this machine."""


@dataclass
class RunResult:
    """What one script run sent back."""

    seconds: float
    status: int
    texts: list[str] = field(default_factory=list)     # markdown, captions, alerts
    errors: list[str] = field(default_factory=list)    # st.error bodies and exceptions
    raw: bytes = b""                                   # every message, for searching
    app: str = ""                                      # which app process (sticky cookie)
    fragment: bool = False                             # a fragment's run (the live map)


@dataclass
class Widget:
    wid: str
    kind: str
    label: str


#: The user key of the page's date control (the slider today; the timeline's date box later).
DAY_KEY = "day"


def day_us(day: dt.date) -> float:
    """A day as the date slider's value (microseconds since the epoch, UTC midnight)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1e6


def set_day(session: Session, day: dt.date) -> None:
    """Set the page's date as the browser would: the one place that knows the date widget.

    The widget keyed :data:`DAY_KEY` gets ``day`` in its own wire format: a slider
    takes microseconds since the epoch, a date box (``st.date_input``) an ISO date
    string. Without such a key, the first date box on the page that is not the
    "as known on" one is used. Sent with the next rerun.
    """
    try:
        widget = session.widget(DAY_KEY)
    except LookupError:
        widget = next((w for w in session.widgets.values() if w.kind == "date_input"
                       and "known" not in w.wid), None)
        if widget is None:
            raise
    state = session._state(widget.wid)
    if widget.kind == "slider":
        state.double_array_value.data.append(day_us(day))
    elif widget.kind == "date_input":
        state.string_array_value.data.append(day.isoformat())
    else:
        raise LookupError(f"the date control {widget.wid!r} is a {widget.kind}, not a date")


class Session:
    """One analyst's page: ``await open()``, then ``await step(...)`` / ``toggle(...)``."""

    def __init__(self, base: str, user: str, password: str | None, query: str = "",
                 timeout: float = 30.0, headers: dict[str, str] | None = None) -> None:
        parsed = urlparse(base)
        if parsed.hostname not in LOOPBACK:
            raise NotLoopback(f"{base}: the load client only talks to loopback")
        self.host, self.port = parsed.hostname, parsed.port or 80
        #: Sent on the page load and the websocket: the proxy's credentials (none when
        #: ``password`` is None) and any ``headers`` (the forged-header drill sets some).
        self.headers = dict(headers or {})
        if password is not None:
            self.headers["Authorization"] = "Basic " + base64.b64encode(
                f"{user}:{password}".encode()).decode()
        self.xsrf = ""
        self.user = user
        self.query = query
        self.timeout = timeout
        self.cookie = ""
        self.session_id = ""
        self.widgets: dict[str, Widget] = {}  # every widget seen, by id
        self.states: dict[str, object] = {}   # widget id -> WidgetState
        self.ws = None
        self.reconnects = 0
        self.app = ""
        #: Large messages already received, by hash: offered on each rerun like the
        #: browser's message cache, so the server sends a reference instead.
        self.cache: dict[str, bytes] = {}
        self.bytes_in = 0
        self.unasked: list[tuple[float, RunResult]] = []  # (time, run) the server started
        self._current = RunResult(seconds=0.0, status=-1)
        self._chunks: list[bytes] = []

    # -- connection ---------------------------------------------------------------
    def _get_page(self, path: str = "") -> int:
        """GET the page (or ``path``); keeps the proxy's sticky cookie and the XSRF one."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            headers = dict(self.headers)
            if self.cookie:
                headers["Cookie"] = self.cookie
            conn.request("GET", path or "/" + (f"?{self.query}" if self.query else ""),
                         headers=headers)
            resp = conn.getresponse()
            resp.read()
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie" and value.startswith("BRIEFING_APP="):
                    self.cookie = value.split(";", 1)[0]
                    self.app = self.cookie.split("=", 1)[1]
                elif name.lower() == "set-cookie" and value.startswith("_streamlit_xsrf="):
                    self.xsrf = value.split(";", 1)[0].split("=", 1)[1]
            return resp.status
        finally:
            conn.close()

    async def connect(self) -> None:
        """Load the page and open the websocket (offering the old session id, if any)."""
        import websockets

        self._current = RunResult(seconds=0.0, status=-1)
        self._chunks = []
        if self.cookie and not self.app:
            self.app = self.cookie.split("=", 1)[1]
        status = await asyncio.to_thread(self._get_page)
        if status != 200:
            raise ConnectionError(f"GET / answered {status}")
        # The second entry is the XSRF token (none here: no auth cookie to vouch for),
        # the third the session to resume; websockets refuses an empty entry.
        protocols = (["streamlit", "none", self.session_id] if self.session_id
                     else ["streamlit"])
        headers = dict(self.headers)
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.ws = await asyncio.wait_for(websockets.connect(
            f"ws://{self.host}:{self.port}/_stcore/stream", subprotocols=protocols,
            additional_headers=headers, max_size=None, open_timeout=self.timeout,
            ping_interval=None), self.timeout)

    async def open(self) -> RunResult:
        """The first run of the page (as a browser's first load)."""
        await self.connect()
        return await self.rerun()

    async def close(self) -> None:
        """Close the websocket; if the server does not answer (a killed app), drop it.

        A socket left to the garbage collector warns (ResourceWarning) wherever the
        collection happens to run, which pytest turns into a failure of a later test.
        """
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
            transport = getattr(self.ws, "transport", None)
            if transport is not None and not transport.is_closing():
                transport.abort()
            self.ws = None

    # -- runs -----------------------------------------------------------------------
    def _back_msg(self) -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = ""
        for state in self.states.values():
            msg.rerun_script.widget_states.widgets.append(state)
        msg.rerun_script.cached_message_hashes.extend(self.cache)
        return msg.SerializeToString()

    async def rerun(self) -> RunResult:
        """Send the widget states; wait for the full run to finish.

        Runs the server started by itself since the last call (the live watch) are
        read first and kept in :attr:`unasked`, so they are not taken for this one;
        so are fragment runs (the watch's live map) arriving while this one runs.
        """
        await self.drain()
        start = time.perf_counter()
        await self.ws.send(self._back_msg())
        return await self._read_run(start, deadline=time.monotonic() + self.timeout)

    async def drain(self) -> None:
        """Read what has arrived already (a short wait only)."""
        while True:
            try:
                data = await asyncio.wait_for(self.ws.recv(), 0.002)
            except TimeoutError:
                return
            done = self._process(data)
            if done is not None:
                done.seconds = 0.0
                self.unasked.append((time.time(), done))
                del self.unasked[:-20]

    async def _read_run(self, start: float, deadline: float, *,
                        whole: bool = True) -> RunResult:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.user}: no end of run within {self.timeout:.0f} s")
            done = self._process(await asyncio.wait_for(self.ws.recv(), left))
            if done is not None and done.fragment and whole:  # the watch's, not this one
                self.unasked.append((time.time(), done))
                del self.unasked[:-20]
            elif done is not None:
                done.seconds = time.perf_counter() - start
                return done

    def _process(self, data: bytes) -> RunResult | None:
        """Take one ForwardMsg; the finished run when it ends one, else None."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.bytes_in += len(data)
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash" and msg.ref_hash in self.cache:
            data = self.cache[msg.ref_hash]
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = data
        cur = self._current
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self._current = RunResult(seconds=0.0, status=-1, app=self.app)
        elif kind == "delta":
            self._chunks.append(data)
            self._read_delta(msg.delta, cur)
        elif kind == "script_finished" and msg.script_finished != EARLY_FOR_RERUN:
            cur.status = msg.script_finished
            cur.fragment = msg.script_finished == FRAGMENT_DONE
            cur.raw = b"".join(self._chunks)
            self._chunks = []
            self._current = RunResult(seconds=0.0, status=-1, app=self.app)
            return cur
        return None

    def _read_delta(self, delta, result: RunResult) -> None:
        if delta.WhichOneof("type") == "add_block":  # a section that reruns when opened
            block = delta.add_block
            if block.WhichOneof("type") == "expandable" and block.expandable.id:
                self.widgets[block.expandable.id] = Widget(
                    block.expandable.id, "expander", block.expandable.label)
            return
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind in ("slider", "checkbox", "selectbox", "radio", "text_input", "text_area",
                    "button", "date_input", "number_input"):
            widget = getattr(el, kind)
            self.widgets[widget.id] = Widget(widget.id, kind, widget.label)
        elif kind == "markdown":
            result.texts.append(el.markdown.body)
        elif kind == "alert":
            result.texts.append(el.alert.body)
            if el.alert.format == 1:  # Alert.ERROR
                result.errors.append(el.alert.body)
        elif kind == "exception":
            result.errors.append(f"{el.exception.type}: {el.exception.message}")

    async def wait_run(self, seconds: float) -> RunResult | None:
        """A run the server starts by itself (the live watch), or None within ``seconds``."""
        if self.unasked:
            return self.unasked.pop(0)[1]
        try:
            return await self._read_run(time.perf_counter(), time.monotonic() + seconds,
                                        whole=False)
        except TimeoutError:
            return None

    # -- widgets --------------------------------------------------------------------
    def widget(self, key: str) -> Widget:
        """The widget with user key ``key`` (Streamlit's ids end in ``-KEY``)."""
        for wid, widget in self.widgets.items():
            if wid.endswith(f"-{key}"):
                return widget
        raise LookupError(f"no widget keyed {key!r} on the page")

    def _state(self, wid: str):
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState()
        state.id = wid
        self.states[wid] = state
        return state

    async def step(self, day: dt.date) -> RunResult:
        """Move the page to ``day`` (see :func:`set_day`) and wait for the run."""
        set_day(self, day)
        return await self.rerun()

    async def toggle(self, layer_id: str, on: bool) -> RunResult:
        """Switch a layer's toggle (keyed ``layer:ID``)."""
        self._state(self.widget(f"layer:{layer_id}").wid).bool_value = on
        return await self.rerun()

    async def open_section(self, key: str) -> RunResult | None:
        """Open the section keyed ``key`` (its content is drawn from the run this asks for).

        None when it is open already (nothing to ask).
        """
        wid = self.widget(key).wid
        current = self.states.get(wid)
        if current is not None and current.bool_value:
            return None
        self._state(wid).bool_value = True
        return await self.rerun()

    async def set_text(self, key: str, text: str) -> None:
        """Type into a text field (sent with the next rerun)."""
        self._state(self.widget(key).wid).string_value = text

    async def click(self, key: str) -> RunResult:
        """Press a button (a trigger, sent once)."""
        wid = self.widget(key).wid
        state = self._state(wid)
        state.trigger_value = True
        try:
            return await self.rerun()
        finally:
            self.states.pop(wid, None)

    def upload(self, data: bytes, name: str = "layer.geojson", file_id: str = "f1") -> int:
        """PUT a file to this session's uploader endpoint as the browser does; the status.

        Sent through the same proxy, cookie and XSRF token as the page (204: taken;
        413: over ``server.maxUploadSize``).
        """
        boundary = "briefingloadtest"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{name}\"\r\nContent-Type: application/geo+json\r\n\r\n"
                ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        if not self.xsrf:  # the browser's page takes it from the health check's answer
            self._get_page("/_stcore/health")
        headers = dict(self.headers, **{
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": "; ".join(c for c in (self.cookie, f"_streamlit_xsrf={self.xsrf}") if c),
            "X-Xsrftoken": self.xsrf})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request("PUT", f"/_stcore/upload_file/{self.session_id}/{file_id}",
                         body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            return resp.status
        finally:
            conn.close()

    async def reconnect(self, budget: float = 30.0) -> tuple[RunResult, float]:
        """Reconnect through the proxy until a run is served; returns it and the seconds taken."""
        start = time.monotonic()
        await self.close()
        last: Exception | None = None
        while time.monotonic() - start < budget:
            try:
                await self.connect()
                result = await self.rerun()
                self.reconnects += 1
                return result, time.monotonic() - start
            except Exception as exc:
                last = exc
                await self.close()
                await asyncio.sleep(0.25)
        raise ConnectionError(f"{self.user}: not served again within {budget:.0f} s ({last})")
