"""Slider steps on a real Streamlit script: server time and bytes sent, per step.

Runs a page under :class:`streamlit.testing.v1.AppTest` (the real script, the
real widgets, Streamlit's own script runner) and moves its date slider across a
list of days. For each step it records:

server time
    Wall time of :meth:`ScriptRunner._run_script` for the rerun, i.e. the time
    the server spends running the page (reruns the page asks for included), not
    AppTest's own bookkeeping, which is reported apart as ``wall_ms``.
bytes sent
    The size of every ForwardMsg the rerun produced, as a browser would receive
    it: Streamlit sends a message of 10 kB or more that the browser already
    holds (same hash, seen in the last two runs) as a short reference, so those
    count at the size of the reference. ``raw_bytes`` is the serialized
    messages; ``bytes`` is what goes on the wire: the same, deflated as the
    server's websocket does when ``server.enableWebsocketCompression`` is on
    (permessage-deflate as uvicorn configures it: 4 kB window, memLevel 5,
    context kept between messages). The time spent deflating is counted in the
    server time (``compress_ms``). The map's share (the component's element,
    before compression) is reported as ``map_bytes``.
peak memory
    ``ru_maxrss`` of this process (peak resident set, loading included).

Run it in a fresh process (``python -m benchmarks._steps``) so caches are cold
and the memory figure is this page's alone; :func:`run_in_subprocess` does that.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: Streamlit's ``global.maxCachedMessageAge``: runs a browser keeps a cached message.
CACHE_AGE = 2


class _Recorder:
    """Collects the ForwardMsgs of each run and the time spent running the script."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.run_seconds: list[float] = []
        self.cached: dict[str, int] = {}  # hash -> last run it reached the browser
        self.run_index = 0
        self.compress = False
        self.encoder = zlib.compressobj(wbits=-12, memLevel=5)
        self.raw = 0
        self.compress_seconds = 0.0

    def install(self) -> None:
        from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
        from streamlit.runtime.scriptrunner import script_runner

        recorder = self
        enqueue = ForwardMsgQueue.enqueue
        run_script = script_runner.ScriptRunner._run_script

        def recording_enqueue(queue: ForwardMsgQueue, msg: Any) -> None:
            recorder.messages.append(msg)
            enqueue(queue, msg)

        def timed_run_script(runner: Any, rerun_data: Any) -> None:
            start = time.perf_counter()
            try:
                run_script(runner, rerun_data)
            finally:
                recorder.run_seconds.append(time.perf_counter() - start)

        self._restore = [(ForwardMsgQueue, "enqueue", enqueue),
                         (script_runner.ScriptRunner, "_run_script", run_script)]
        ForwardMsgQueue.enqueue = recording_enqueue  # type: ignore[method-assign]
        script_runner.ScriptRunner._run_script = timed_run_script  # type: ignore[method-assign]

    def uninstall(self) -> None:
        """Put Streamlit back as it was (the recorder may run inside a test session)."""
        for owner, name, original in getattr(self, "_restore", []):
            setattr(owner, name, original)
        self._restore = []

    def read_config(self) -> None:
        """Deflate on the wire only if the app's config turns websocket compression on."""
        from streamlit import config

        self.compress = bool(config.get_option("server.enableWebsocketCompression"))

    def start_run(self) -> None:
        self.messages.clear()
        self.run_seconds.clear()
        self.run_index += 1

    def bytes_sent(self) -> int:
        """Bytes of this run's messages on the wire (``self.raw``: before deflating).

        A message the browser holds counts as the reference Streamlit sends instead.
        """
        from streamlit.runtime.forward_msg_cache import create_reference_msg

        total = raw = 0
        seconds = 0.0
        for msg in self.messages:
            cached = msg.metadata.cacheable and msg.hash and (
                self.run_index - self.cached.get(msg.hash, -99) <= CACHE_AGE)
            data = (create_reference_msg(msg) if cached else msg).SerializeToString()
            raw += len(data)
            if self.compress:
                start = time.perf_counter()
                wire = self.encoder.compress(data) + self.encoder.flush(zlib.Z_SYNC_FLUSH)
                seconds += time.perf_counter() - start
                total += len(wire) - 4  # permessage-deflate drops the 00 00 ff ff tail
            else:
                total += len(data)
            if msg.metadata.cacheable and msg.hash:
                self.cached[msg.hash] = self.run_index
        self.raw = raw
        self.compress_seconds = seconds
        return total


def _map_bytes(at: Any) -> int:
    """Size of what the map component was handed (its JSON arguments), 0 if none."""
    return sum(c.proto.ByteSize() for c in at.get("component_instance"))


def _slider(at: Any, key: str) -> Any:
    for slider in [*at.slider, *at.date_input]:  # ours: a date box; naive: a slider
        if slider.key == key:
            return slider
    raise LookupError(f"no date slider or box with key {key!r} on the page")


def measure_steps(script: Path, geodata: Path, days: Sequence[dt.date], *,
                  warmup: Sequence[dt.date] = (), slider_key: str = "day",
                  timeout: float = 900) -> dict[str, Any]:
    """Open ``script`` on ``geodata``, then move the slider to each of ``days``.

    Parameters
    ----------
    script
        A Streamlit page with a date slider keyed ``slider_key``.
    geodata
        The data folder (``BRIEFING_GEODATA``).
    days
        The days of the measured steps, in order.
    warmup
        Days of steps taken first and not counted (the first steps of a session
        fill lazy caches once). Give days not in ``days``, so that every
        measured step shows a date for the first time.

    Returns
    -------
    dict
        ``first_run_s``; per-step lists ``server_ms`` (``script_ms`` plus
        ``compress_ms``), ``wall_ms``, ``bytes`` (on the wire), ``raw_bytes``,
        ``map_bytes`` and the ``days``; ``compression`` and ``peak_rss_mb``.
    """
    recorder = _Recorder()
    with _geodata_env(geodata):
        recorder.install()
        try:
            return _measure(recorder, script, days, warmup, slider_key, timeout)
        finally:
            recorder.uninstall()


@contextlib.contextmanager
def _geodata_env(geodata: Path) -> Iterator[None]:
    """``BRIEFING_GEODATA`` set for the measurement, then put back."""
    previous = os.environ.get("BRIEFING_GEODATA")
    os.environ["BRIEFING_GEODATA"] = str(geodata)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("BRIEFING_GEODATA", None)
        else:
            os.environ["BRIEFING_GEODATA"] = previous


def _measure(recorder: _Recorder, script: Path, days: Sequence[dt.date],
             warmup: Sequence[dt.date], slider_key: str, timeout: float) -> dict[str, Any]:
    from streamlit.testing.v1 import AppTest

    recorder.read_config()
    at = AppTest.from_file(str(script.resolve()), default_timeout=timeout)
    recorder.start_run()
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{script} failed: {at.exception[0].message}")
    recorder.bytes_sent()
    out: dict[str, Any] = {"first_run_s": first, "server_ms": [], "script_ms": [],
                           "compress_ms": [], "wall_ms": [], "bytes": [], "raw_bytes": [],
                           "map_bytes": [], "days": [], "compression": recorder.compress}
    warm = list(warmup)
    _steps_over(at, recorder, [*warm, *days], len(warm), slider_key, script, out)
    # A second pass over the same days: what an analyst scrubbing back and forth gets.
    again: dict[str, Any] = {k: [] for k in ("server_ms", "script_ms", "compress_ms", "wall_ms",
                                              "bytes", "raw_bytes", "map_bytes", "days")}
    _steps_over(at, recorder, list(days), 0, slider_key, script, again)
    out["revisit"] = again
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _steps_over(at: Any, recorder: _Recorder, days: Sequence[dt.date], skip: int,
                slider_key: str, script: Path, out: dict[str, Any]) -> None:
    """Move the slider to each day in turn, recording all but the first ``skip`` steps."""
    for index, day in enumerate(days):
        _slider(at, slider_key).set_value(day)
        recorder.start_run()
        start = time.perf_counter()
        at.run()
        wall = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(f"{script} failed on {day}: {at.exception[0].message}")
        sent = recorder.bytes_sent()
        if index < skip:
            continue
        script_ms = 1000 * sum(recorder.run_seconds)
        out["script_ms"].append(script_ms)
        out["compress_ms"].append(1000 * recorder.compress_seconds)
        out["server_ms"].append(script_ms + 1000 * recorder.compress_seconds)
        out["wall_ms"].append(1000 * wall)
        out["bytes"].append(sent)
        out["raw_bytes"].append(recorder.raw)
        out["map_bytes"].append(_map_bytes(at))
        out["days"].append(day.isoformat())


def measure_exports(kind: str, geodata: Path, formats: Sequence[str] = ("png", "pdf")
                    ) -> dict[str, float]:
    """Seconds to export the default date over the whole region, per format.

    ``kind`` is ``"ours"`` (:func:`layers.export.files.export_bytes` on the layers the
    page has loaded, as when an analyst clicks a download) or ``"naive"``
    (:func:`benchmarks.naive.export_static`, which reads the files again).
    """
    with _geodata_env(geodata):
        return _exports(kind, geodata, formats)


def _exports(kind: str, geodata: Path, formats: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    if kind == "naive":
        from benchmarks import naive

        catalog = naive.read_catalog(geodata)
        day = dt.date.fromisoformat(catalog["catalog"]["default_date"])
        for fmt in formats:
            start = time.perf_counter()
            data = naive.export_static(geodata, day, fmt)
            out[fmt] = time.perf_counter() - start
            out[f"{fmt}_bytes"] = len(data)
        return out
    from layers.core.catalog import load_catalog
    from layers.core.view import MapView
    from layers.export.files import export_bytes
    from layers.ingest.catalog_layers import load_catalog_layers

    loaded = load_catalog_layers(load_catalog())
    catalog = loaded.catalog
    view = MapView.create(catalog.default_date or catalog.start,
                          [s.id for s in catalog.layers if s.visible])
    for fmt in formats:
        start = time.perf_counter()
        data = export_bytes(loaded, view, fmt)
        out[fmt] = time.perf_counter() - start
        out[f"{fmt}_bytes"] = len(data)
    return out


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, 95th percentile (nearest rank) and maximum."""
    if not values:
        return {"median": float("nan"), "p95": float("nan"), "max": float("nan")}
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))  # ceil(0.95 n)
    return {"median": float(statistics.median(ordered)), "p95": float(ordered[rank - 1]),
            "max": float(ordered[-1])}


def run_in_subprocess(script: Path, geodata: Path, days: Sequence[dt.date], *,
                      warmup: Sequence[dt.date] = (), exports: str = "",
                      timeout: float = 1800) -> dict[str, Any]:
    """:func:`measure_steps` in a new Python process (cold caches, its own peak memory).

    With ``exports`` (``"ours"`` or ``"naive"``), the same process then times the
    PNG and PDF exports (:func:`measure_exports`) under the key ``exports``.
    """
    cmd = [sys.executable, "-m", "benchmarks._steps", str(script), str(geodata),
           "--warmup", _days_arg(warmup), "--days", _days_arg(days), "--exports", exports]
    env = {**os.environ, "BRIEFING_GEODATA": str(geodata), "PYTHONPATH": str(REPO)}
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"measuring {script.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _days_arg(days: Sequence[dt.date]) -> str:
    return ",".join(d.isoformat() for d in days)


def _parse_days(text: str) -> list[dt.date]:
    return [dt.date.fromisoformat(d) for d in text.split(",") if d]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: measure one script, print the result as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", type=Path)
    parser.add_argument("geodata", type=Path)
    parser.add_argument("--days", required=True, help="comma-separated YYYY-MM-DD")
    parser.add_argument("--warmup", default="", help="comma-separated YYYY-MM-DD")
    parser.add_argument("--exports", default="", choices=("", "ours", "naive"),
                        help="then time the PNG and PDF exports of this approach")
    args = parser.parse_args(argv)
    result = measure_steps(args.script, args.geodata, _parse_days(args.days),
                           warmup=_parse_days(args.warmup))
    if args.exports:
        result["exports"] = measure_exports(args.exports, args.geodata)
        result["peak_rss_after_exports_mb"] = (
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
