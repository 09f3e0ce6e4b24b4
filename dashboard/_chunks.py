"""The date chunks of big layers as files: the shown day's at once, the rest in the background.

A big layer's timeline goes to the map frame in date chunks
(:mod:`layers.render.timeline_chunks`). The page names every chunk in the layer's
part, builds the ones the shown day needs before it sends the map, and hands the
rest to one builder thread per process, nearest the shown day first. The frame
fetches what it needs and prefetches the neighbours; a chunk not built yet answers
404 and the frame asks again shortly (``_assets/timeline.js``).

Files are named by the layer's content (:func:`~layers.render.timeline_chunks.content_token`)
and the chunk number, so the team deployment's processes share them and a restart
finds them on disk.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time

import geopandas as gpd

from dashboard import _data
from dashboard._memo import IdentityMemo
from layers.core.catalog import LayerSpec
from layers.render import assets, timeline_chunks, timeline_data

FOLDER = _data.STATIC / "timeline" / "chunks"
URL = f"{assets.STATIC_URL}/timeline/chunks"
#: Chunk files kept on disk (the oldest go first): the scale set is ~200 per zoom band.
KEEP_FILES = 3_000
#: Longest pause of the builder between two chunks (it pauses as long as it built).
MAX_PAUSE = 0.5
_LOG = logging.getLogger("briefing.chunks")


@dataclasses.dataclass(eq=False)
class Stream:
    """One big layer at one zoom band: its chunk plan and where its files go."""

    spec: LayerSpec
    frame: gpd.GeoDataFrame
    band: int
    plan: timeline_chunks.ChunkPlan
    token: str
    focus: int = 0

    @property
    def prefix(self) -> str:
        """The address of chunk ``k`` is this plus ``k`` plus ``.json``."""
        return f"{URL}/{self.token}-"

    def build(self, k: int) -> bool:
        """Write chunk ``k``'s file unless it is there; True if it was written now."""
        path = FOLDER / f"{self.token}-{k}.json"
        if path.is_file():
            return False
        text = timeline_data.pack_json(timeline_data.chunk_part(
            self.spec, self.frame, self.band, self.plan, k))
        return assets.write_once(path, text)


_STREAMS = IdentityMemo(16)


def stream_for(spec: LayerSpec, frame: gpd.GeoDataFrame, band: int) -> Stream | None:
    """The layer's stream at ``band``, or None when it goes whole (a small layer)."""
    def make() -> Stream | None:
        plan = timeline_data.chunk_plan(spec, frame)
        if plan is None:
            return None
        return Stream(spec, frame, band, plan,
                      timeline_chunks.content_token(spec, frame, band))
    return _STREAMS.get([frame], (spec.id, repr(spec), band), make)


def ready(stream: Stream, day: int) -> None:
    """Build the chunks ``day`` needs now, and queue the rest nearest it first."""
    for k in stream.plan.needed(day):
        stream.build(k)
    stream.focus = day
    _builder().want(stream)


class Builder(threading.Thread):
    """Builds the queued streams' chunks, one at a time, the latest asked stream first."""

    def __init__(self) -> None:
        super().__init__(name="briefing-chunks", daemon=True)
        self._queue: list[Stream] = []
        self._wake = threading.Condition()
        self.built = 0

    def want(self, stream: Stream) -> None:
        """Put ``stream`` first (its focus may have moved); wake the thread."""
        with self._wake:
            self._queue = [stream] + [s for s in self._queue if s is not stream]
            self._wake.notify()

    def run(self) -> None:  # pragma: no cover - exercised through the page's tests
        """Build until every queued stream is done; sleep until asked again."""
        while True:
            with self._wake:
                while not self._queue:
                    self._wake.wait()
                stream = self._queue[0]
            started = time.perf_counter()
            try:
                done = self._one(stream)
            except Exception:  # never let the builder die: the frame retries, log it
                _LOG.exception("chunk build failed for %s", stream.spec.id)
                done = True
            if done:
                with self._wake:
                    self._queue = [s for s in self._queue if s is not stream]
            # Half the time at most: the pages' own runs share this process's interpreter
            # lock, and a chunk nobody waits for yet can come a moment later.
            time.sleep(min(MAX_PAUSE, time.perf_counter() - started) + 0.005)

    def _one(self, stream: Stream) -> bool:
        """Build the next missing chunk nearest the stream's focus; True when none is left."""
        for k in stream.plan.by_distance(stream.focus):
            if stream.build(k):
                self.built += 1
                if self.built % 50 == 0:
                    assets.prune_oldest(FOLDER, KEEP_FILES)
                return False
        return True


_BUILDER: Builder | None = None
_LOCK = threading.Lock()


def _builder() -> Builder:
    global _BUILDER
    with _LOCK:
        if _BUILDER is None or not _BUILDER.is_alive():
            _BUILDER = Builder()
            _BUILDER.start()
        return _BUILDER


