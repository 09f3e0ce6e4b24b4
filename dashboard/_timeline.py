"""The map's timeline on the page: the pack as a static file, the frame's settled date.

The frame plays the timeline by itself (``layers/render/_assets/timeline.js``): it
fetches every feature of the shown layers once, from files written here under
``dashboard/static/timeline/`` with content-hash names (Streamlit serves them at
``/app/static/timeline/``), so the websocket never carries them: one file per
layer and zoom band (kept while the layer is unchanged, so an edit costs one
small file) and one for the strip's ticks and the legend. Per rerun the frame
gets a few hundred bytes: the file's address, the server's date and a sequence
number that changes only when the server itself moved the date (the date box, a
jump button, the URL), so a rerun never pulls the map back to a stale date.

When the analyst's date settles the frame reports ``day:YYYY-MM-DD#token``;
:func:`adopt_frame_day` puts it in the sidebar's date before any widget is drawn,
and the page (header, panels, URL) follows.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping, Sequence

import geopandas as gpd
import streamlit as st

from dashboard import _chunks, _data
from dashboard._memo import IdentityMemo
from layers.core.catalog import LayerSpec
from layers.render import assets, lod, timeline_data
from layers.render.webmap_fast import feature_group_script

ShownLayer = tuple[LayerSpec, gpd.GeoDataFrame]

FOLDER = _data.STATIC / "timeline"
URL = f"{assets.STATIC_URL}/timeline"
#: Session keys: the server's date sequence, the day it was set for, the last report read.
SEQ, SEQ_DAY, SEEN = "_timeline_seq", "_timeline_seq_day", "_timeline_seen"
#: Session key: the day the sequence number was last moved for (what the script carries).
SEQ_SHOWN = "_timeline_seq_shown"
#: Pack files kept on disk (the least recently used go when a new one is written).
KEEP_FILES = 256
#: A file in use is touched at most this often, so pruning (by age) never takes it.
TOUCH_SECONDS = 60.0


def _publish(name: str, text: str) -> str:
    """Make sure the file ``name`` holding ``text`` is on disk; its URL.

    The app processes of the team deployment share the folder and prune it by age
    (:func:`layers.render.assets.prune_oldest`): a file still in use is written again
    if another process took it, and touched now and then so that it is never the oldest.
    """
    path = FOLDER / name
    try:
        if time.time() - path.stat().st_mtime > TOUCH_SECONDS:
            os.utime(path)
    except FileNotFoundError:
        if assets.write_once(path, text):
            assets.prune_oldest(FOLDER, KEEP_FILES)
    return f"{URL}/{name}"


def _named(text: str) -> tuple[str, str]:
    return assets.content_name(text, ".json"), text



#: Each layer's part per (loaded frame, band), and the meta file per set of parts: built
#: once per process, whichever session asks first.
_PARTS = IdentityMemo(96)
_METAS = IdentityMemo(96)


def _part_url(spec: LayerSpec, frame: gpd.GeoDataFrame, band: int,
              day: dt.date) -> tuple[str, list[str]]:
    """One layer's part file at ``band``, and the addresses of the chunks ``day`` needs.

    The part is built once per loaded frame; a layer that goes whole has no chunks.
    After an edit only the edited layer's frame is new (the store hands the others
    back as the same objects), so only its part is built and fetched again. A big
    layer's part names its date chunks instead of holding them; the ones ``day``
    needs are written before the map is sent (and the frame fetches them beside the
    part), the rest in the background.
    """
    stream = _chunks.stream_for(spec, frame, band)
    chunks = None if stream is None else (stream.plan, stream.prefix)
    name, text = _PARTS.get([frame], (spec.id, repr(spec), band), lambda: _named(
        timeline_data.pack_json(timeline_data.layer_part(spec, frame, band, chunks=chunks))))
    early: list[str] = []
    if stream is not None:
        number = timeline_data.day_number(day) or 0
        _chunks.ready(stream, number)
        early = [f"{stream.prefix}{k}.json" for k in stream.plan.needed(number)]
    return _publish(name, text), early


def _meta_url(layers: Sequence[ShownLayer], parts: tuple[str, ...], band: int,
              bounds: tuple[dt.date, dt.date]) -> str:
    """The file of the pack's ticks, legend and bounds for these parts."""
    name, text = _METAS.get([], (parts, band, bounds, tuple(repr(s) for s, _ in layers)),
                            lambda: _named(timeline_data.pack_json(
                                timeline_data.pack_meta(layers, band=band, bounds=bounds))))
    return _publish(name, text)


def _full(shown: Sequence[ShownLayer],
          sources: Mapping[str, gpd.GeoDataFrame]) -> list[ShownLayer]:
    """Each shown layer with every date's rows (its loaded frame), as-of cut if unknown."""
    return [(spec, sources.get(spec.id, frame)) for spec, frame in shown
            if spec.kind not in timeline_data.OWN_SCRIPT_KINDS]


def _server_seq(day: dt.date) -> int:
    """The sequence number of the server's date: new only when the server moved it.

    A session sent a kept first map (:mod:`dashboard._first_paint`) has none yet when
    its frame first reports a day (:func:`adopt_frame_day`): it starts at 1, as the
    kept map's script does, so the frame does not take it for a move of the server's.
    """
    if SEQ not in st.session_state or st.session_state.get(SEQ_DAY) != day:
        st.session_state[SEQ] = int(st.session_state.get(SEQ, 0)) + 1
        st.session_state[SEQ_DAY] = st.session_state[SEQ_SHOWN] = day
    return int(st.session_state[SEQ])


def frame_script(shown: Sequence[ShownLayer], *, day: dt.date,
                 bounds: tuple[dt.date, dt.date], zoom: float | None,
                 sources: Mapping[str, gpd.GeoDataFrame]) -> str:
    """The small per-rerun script: the pack's address, the server's day and sequence."""
    full = _full(shown, sources)
    band = lod.zoom_band(zoom)
    seq = _server_seq(day)
    shown_day = st.session_state.get(SEQ_SHOWN, day)
    made = [_part_url(spec, frame, band, day) for spec, frame in full]
    parts = tuple(url for url, _ in made)
    meta = _meta_url(full, parts, band, bounds)
    own = [(s, f) for s, f in shown if s.kind in timeline_data.OWN_SCRIPT_KINDS]
    return timeline_data.frame_script(
        meta, parts, day=shown_day, seq=seq, bounds=bounds,
        early=[url for _, urls in made for url in urls],
        own_script=feature_group_script(own, zoom=zoom, sources=sources, with_legend=False))


def adopt_frame_day(reported: str | None, day_key: str,
                    bounds: tuple[dt.date, dt.date]) -> dt.date | None:
    """Take the date the frame settled on, once per report, before the widgets are drawn.

    Parameters
    ----------
    reported
        ``"YYYY-MM-DD#token"`` from :func:`dashboard._map.parse_value`, or None.
    day_key
        Session key of the sidebar's date.
    bounds
        The date range; a day outside is moved inside.
    """
    if not reported or reported == st.session_state.get(SEEN):
        return None
    st.session_state[SEEN] = reported
    try:
        day = dt.date.fromisoformat(reported.split("#", 1)[0])
    except ValueError:
        return None
    day = min(max(day, bounds[0]), bounds[1])
    st.session_state[day_key] = day
    # The frame shows this day already: not a move of the server's, so no new sequence.
    st.session_state[SEQ_DAY] = day
    return day
