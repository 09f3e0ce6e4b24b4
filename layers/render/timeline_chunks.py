"""A big layer's timeline in date chunks, so the map frame fetches only the days it shows.

At scale (``benchmarks/generate.py``: 2,000 zones of 2,000 vertices over 100
weeks, 100,000 events) a layer's whole timeline is tens of megabytes even at map
precision, and building it takes the server minutes. So a layer with more than
:data:`MIN_FEATURES` features is cut by date:

* a feature valid for at most ``days * reach`` days goes into the chunk of the
  day it starts on (chunk ``k`` holds starts in ``[k * days, (k + 1) * days)``);
* the rest (open ends, long-lived features) stay in the layer's part, sent whole.

A day in chunk ``k`` then needs chunks ``k - reach`` to ``k`` only: a feature that
started before chunk ``k - reach`` and lasts ``days * reach`` at most has ended
before chunk ``k`` began. ``days`` and ``reach`` are chosen per layer so that a day
fetches as few days' features as possible (one-day events shown for a week: 4-day
chunks, two back). The frame fetches those two, prefetches the neighbours and keeps
what it fetched (``_assets/timeline.js``), so a step to a fetched date draws at
once and a step to a new one costs one or two chunk files.

Each chunk's file is named by a token of the layer's content (:func:`content_token`),
not by its own content, so the page can name every chunk before any is built: the
frame asks for the ones it needs, and the server builds them near the shown day
first (``dashboard/_chunks.py``). Nothing here imports streamlit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.core.catalog import LayerSpec

#: A layer with fewer features and fewer vertices than these is sent whole.
MIN_FEATURES = 5_000
MIN_VERTICES = 200_000
#: Chunk lengths tried, in days.
DAYS = (1, 2, 3, 4, 5, 7, 10, 14, 21, 28, 56, 112, 224)
#: Most chunks a layer is cut into (files on disk, requests in the frame).
MAX_CHUNKS = 200
#: Share of the features that must have a closed validity short enough to be chunked.
SHARE = 0.9


@dataclasses.dataclass(frozen=True)
class ChunkPlan:
    """Which rows of a layer go in its part and which in each date chunk.

    Attributes
    ----------
    days
        Days per chunk.
    reach
        How many chunks back a feature can still be valid: a chunked feature lasts
        at most ``days * reach`` days, so a day in chunk ``k`` needs ``k - reach`` to ``k``.
    base
        Row positions sent with the layer's part (open ends, long-lived features).
    rows
        Chunk number → row positions of the features starting in it.
    """

    days: int
    reach: int
    base: np.ndarray
    rows: dict[int, np.ndarray]

    def needed(self, day: int) -> tuple[int, ...]:
        """The chunks that hold every chunked feature valid on ``day`` (a day number)."""
        k = day // self.days
        return tuple(c for c in range(k - self.reach, k + 1) if c in self.rows)

    def by_distance(self, day: int) -> list[int]:
        """Every chunk, the ones the day needs first, then outward from it."""
        k = day // self.days
        first = set(self.needed(day))
        middle = k - self.reach / 2
        return sorted(self.rows, key=lambda c: (c not in first, abs(c - middle)))


def _cut(lengths: np.ndarray, first: float, last: float) -> tuple[int, int] | None:
    """``(days, reach)`` that fetch the fewest days per shown day, within :data:`MAX_CHUNKS`.

    A day needs ``reach + 1`` chunks of ``days`` days; ``reach`` is what the
    :data:`SHARE`-th longest closed validity takes.
    """
    longest = float(np.quantile(lengths, SHARE)) if len(lengths) else 1.0
    best: tuple[int, int, int] | None = None
    for days in DAYS:
        if (last - first) / days + 1 > MAX_CHUNKS:
            continue
        reach = max(1, int(np.ceil(longest / days)))
        window = (reach + 1) * days
        if best is None or window < best[0]:
            best = (window, days, reach)
    return None if best is None else (best[1], best[2])


def plan(starts: list[int | None], ends: list[int | None], *, vertices: int = 0,
         min_features: int = MIN_FEATURES, min_vertices: int = MIN_VERTICES
         ) -> ChunkPlan | None:
    """The chunk plan of a layer's rows given their ``[from, to)`` day numbers, or None.

    None when the layer is small enough to go whole (fewer than ``min_features``
    rows and ``min_vertices`` vertices in all), or when too few of its features
    have a closed validity for chunks to save anything.
    """
    if len(starts) < min_features and vertices < min_vertices:
        return None
    lo = np.array([np.nan if s is None else s for s in starts], dtype=float)
    hi = np.array([np.nan if e is None else e for e in ends], dtype=float)
    closed = ~np.isnan(lo) & ~np.isnan(hi)
    if not len(lo) or closed.mean() < SHARE:
        return None
    cut = _cut((hi - lo)[closed], float(np.nanmin(lo)), float(np.nanmax(lo)))
    if cut is None:
        return None
    days, reach = cut
    short = closed & (np.where(closed, hi - lo, np.inf) <= days * reach)
    chunk = np.where(short, np.floor_divide(np.nan_to_num(lo), days), -1).astype(np.int64)
    order = np.flatnonzero(short)
    rows: dict[int, np.ndarray] = {}
    if len(order):
        keys = chunk[order]
        sort = np.argsort(keys, kind="stable")
        keys, order = keys[sort], order[sort]
        cuts = np.flatnonzero(np.diff(keys)) + 1
        for part in np.split(order, cuts):
            rows[int(chunk[part[0]])] = part
    return ChunkPlan(days=days, reach=reach, base=np.flatnonzero(~short), rows=rows)


def content_token(spec: LayerSpec, frame: gpd.GeoDataFrame, band: int) -> str:
    """A name for the layer's chunks that changes whenever what they show could.

    A hash of the layer's definition, the zoom band, every row's label, attributes
    and geometry: two processes holding the same layer name its chunks alike (the
    team deployment's app processes share the files), an edit names them anew
    (the frame keeps a fetched address forever). Attributes that pandas cannot
    hash (lists, mappings) make the token unique to this call instead.
    """
    digest = hashlib.sha256(f"{spec!r}|{band}".encode())
    geometry = frame.geometry.name
    try:
        hashed = pd.util.hash_pandas_object(frame.drop(columns=[geometry]), index=True)
    except TypeError:
        return uuid.uuid4().hex[:20]
    digest.update(hashed.to_numpy().tobytes())
    for wkb in shapely.to_wkb(frame.geometry.values):
        digest.update(b"-" if wkb is None else wkb)
    return digest.hexdigest()[:20]
