"""A big layer's timeline in date chunks, so the map frame fetches only the days it shows.

At scale (``benchmarks/generate.py``: 2,000 zones of 2,000 vertices over 100
weeks, 100,000 events) a layer's whole timeline is tens of megabytes even at map
precision, and building it takes the server minutes. So a layer with more than
:data:`MIN_FEATURES` features is cut by date:

* a feature valid for at most :attr:`ChunkPlan.days` days goes into the chunk
  of the day it starts on (chunk ``k`` holds starts in ``[k * days, (k + 1) * days)``);
* the rest (open ends, long-lived features) stay in the layer's part, sent whole.

A day in chunk ``k`` then needs chunks ``k - 1`` and ``k`` only: a feature that
started earlier than ``(k - 1) * days`` and lasts ``days`` at most has ended before
day ``k * days``. The frame fetches those two, prefetches the neighbours and keeps
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
#: Chunk lengths tried, in days: the shortest that holds :data:`SHARE` of the features whole.
SPANS = (7, 14, 28, 56, 112, 224)
SHARE = 0.9


@dataclasses.dataclass(frozen=True)
class ChunkPlan:
    """Which rows of a layer go in its part and which in each date chunk.

    Attributes
    ----------
    days
        Days per chunk; also the longest validity a chunked feature has.
    base
        Row positions sent with the layer's part (open ends, long-lived features).
    rows
        Chunk number → row positions of the features starting in it.
    """

    days: int
    base: np.ndarray
    rows: dict[int, np.ndarray]

    def needed(self, day: int) -> tuple[int, ...]:
        """The chunks that hold every chunked feature valid on ``day`` (a day number)."""
        k = day // self.days
        return tuple(c for c in (k - 1, k) if c in self.rows)

    def by_distance(self, day: int) -> list[int]:
        """Every chunk, the ones the day needs first, then outward from it."""
        k = day // self.days
        return sorted(self.rows, key=lambda c: (c not in (k - 1, k), abs(c - k + 0.5)))


def plan(starts: list[int | None], ends: list[int | None], *, vertices: int = 0,
         min_features: int = MIN_FEATURES, min_vertices: int = MIN_VERTICES
         ) -> ChunkPlan | None:
    """The chunk plan of a layer's rows given their ``[from, to)`` day numbers, or None.

    None when the layer is small enough to go whole (fewer than ``min_features``
    rows and ``min_vertices`` vertices in all), or when too few of its features
    have a short, closed validity for chunks to save anything.
    """
    if len(starts) < min_features and vertices < min_vertices:
        return None
    lo = np.array([np.nan if s is None else s for s in starts], dtype=float)
    hi = np.array([np.nan if e is None else e for e in ends], dtype=float)
    closed = ~np.isnan(lo) & ~np.isnan(hi)
    length = np.where(closed, hi - lo, np.inf)
    for days in SPANS:
        short = closed & (length <= days)
        if short.mean() >= SHARE:
            break
    else:
        return None
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
    return ChunkPlan(days=days, base=np.flatnonzero(~short), rows=rows)


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
