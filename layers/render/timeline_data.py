"""The whole timeline of the shown layers, once, for the map frame to play by itself.

A date step used to cost a rerun of the page and a new script of every feature
valid that day (:mod:`layers.render.webmap_fast`). Here each feature is sent
once, with the days it is valid on as integers (days since 1970-01-01;
``from`` inclusive, ``to`` exclusive, ``None`` for an open end), so the
browser picks what is valid on a day without asking the server
(``_assets/timeline.js``).

Everything the browser shows comes from the same per-feature functions the
per-date script uses (:class:`layers.render.webmap_fast._Store`: style, escaped
tooltip and popup, geometry rounded and simplified to the zoom band), so a
feature looks the same either way. Events keep their map window: an event is
on the map from its first day until ``window_days`` after its last.

Nothing here imports streamlit: the page writes the pack to a static file
(``dashboard/_timeline.py``) and sends the frame its address only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.core.catalog import LayerSpec
from layers.render import escape as esc
from layers.render import lod as _lod
from layers.render.timeline_chunks import ChunkPlan
from layers.render.timeline_chunks import plan as _plan

ShownLayer = tuple[LayerSpec, gpd.GeoDataFrame]

EPOCH = dt.date(1970, 1, 1)
#: Layers drawn by their own script, not by the timeline (marks of the analyst).
OWN_SCRIPT_KINDS = ("annotations",)


def day_number(day: dt.date | pd.Timestamp | None) -> int | None:
    """Whole days since 1970-01-01 (what ``timeline.js`` compares), None for a missing day."""
    if day is None or (not isinstance(day, dt.date) and pd.isna(day)):
        return None
    if isinstance(day, pd.Timestamp):
        if pd.isna(day):
            return None
        day = day.date()
    elif isinstance(day, dt.datetime):
        day = day.date()
    return (day - EPOCH).days


def from_day_number(number: int) -> dt.date:
    """The day of a day number (inverse of :func:`day_number`)."""
    return EPOCH + dt.timedelta(days=int(number))


def _stamp_days(values: pd.Series, *, ceil: bool = False) -> list[int | None]:
    """Day numbers of a datetime column; ``ceil`` rounds a time of day up (exclusive ends).

    Column-wise: at scale a layer has 100,000 rows, and a Timestamp per row cost
    the page a second.
    """
    stamps = pd.to_datetime(pd.Series(values), errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)  # the local day, as Timestamp.date() gives
    days = stamps.dt.normalize()
    numbers = (days - pd.Timestamp(EPOCH)).dt.days
    if ceil:
        numbers = numbers + (stamps != days).astype(int)
    missing = stamps.isna().to_numpy()
    return [None if gone else int(n) for n, gone in zip(numbers.fillna(0), missing,
                                                        strict=True)]


def validity(spec: LayerSpec, frame: gpd.GeoDataFrame) -> tuple[list[int | None],
                                                                  list[int | None]]:
    """Each row's ``[from, to)`` day numbers on the map (events: their window added)."""
    n = len(frame)
    if "valid_from" not in frame.columns:
        return [None] * n, [None] * n
    starts = _stamp_days(frame["valid_from"])
    ends = (_stamp_days(frame["valid_to"], ceil=True) if "valid_to" in frame.columns
            else [None] * n)
    if spec.kind != "events":
        return starts, ends
    window = int((spec.style or {}).get("window_days", 7))
    # layers.core.timeline.events_window: shown while [day - window, day] touches the event.
    out_ends: list[int | None] = []
    for start, end in zip(starts, ends, strict=True):
        last = end if end is not None else (start + 1 if start is not None else None)
        out_ends.append(None if last is None else last + window)
    return starts, out_ends


def _features(spec: LayerSpec, frame: gpd.GeoDataFrame, band: int) -> list[dict[str, Any]]:
    """Every row of ``frame`` with geometry, properties and validity, drawn at ``band``."""
    from layers.render.webmap_fast import _store

    store = _store(spec, frame)  # cached per loaded frame: each row's HTML built once
    geoms = frame.geometry.values
    present = ~shapely.is_missing(geoms)
    present[present] = ~shapely.is_empty(geoms[present])
    frame = frame.loc[present]
    if not len(frame):
        return []
    labels = list(frame.index)
    props = store._props(frame, labels)
    starts, ends = validity(spec, frame)
    shapes = np.empty(len(frame), dtype=object)
    # Zones tile one date at a time: simplified together per validity, so neighbours keep
    # one shared edge (all dates at once overlap, and the coverage check took minutes).
    keys = pd.Series(list(zip(starts, ends, strict=True)), dtype=object)
    for group in keys.groupby(keys.map(str), sort=False).indices.values():
        shapes[group] = store._geometries(frame.geometry.values[group],
                                          [labels[n] for n in group], band,
                                          np.ones(len(group), dtype=bool))
    return [{"geometry": json.loads(g), "properties": json.loads(p), "from": f, "to": t}
            for g, p, f, t in zip(shapes, props, starts, ends, strict=True)]


def _labels(spec: LayerSpec, frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """An installations layer's site names, each with its row's validity."""
    from layers.render.site_labels import site_label_rows

    if spec.kind != "installations" or frame.empty:
        return []
    starts, ends = validity(spec, frame)
    return [{"geometry": feature["geometry"], "properties": feature["properties"],
             "from": starts[i], "to": ends[i]} for i, feature in site_label_rows(spec, frame)]


def _event_ticks(layers: Sequence[ShownLayer]) -> list[dict[str, Any]]:
    """Dated events for the strip's ticks: day number and escaped name, one per day."""
    ticks: dict[int, str] = {}
    for spec, frame in layers:
        if spec.kind != "events" or "valid_from" not in frame.columns or frame.empty:
            continue
        names = frame["name"] if "name" in frame.columns else pd.Series("", index=frame.index)
        for start, name in zip(_stamp_days(frame["valid_from"]), names, strict=True):
            if start is not None and start not in ticks:
                ticks[start] = esc.text(name) if isinstance(name, str) else ""
    return [{"day": d, "name": ticks[d]} for d in sorted(ticks)]


def _legend(layers: Sequence[ShownLayer]) -> str:
    from layers.render.webmap import legend_sections
    from layers.render.webmap_html import legend_html

    html = legend_html(legend_sections(list(layers)))
    return f"<details open><summary>Legend</summary>{html}</details>" if html else ""


def layer_part(spec: LayerSpec, frame: gpd.GeoDataFrame, band: int, *,
               chunks: tuple[ChunkPlan, str] | None = None) -> dict[str, Any]:
    """One layer's share of the pack: every feature and site label with its validity.

    A part depends on that layer alone, so the page keeps it (and the file it is
    written to) while the layer's frame is unchanged: an edit of one feature costs
    the frame one small file, not the whole timeline again (``dashboard/_timeline.py``).

    Parameters
    ----------
    chunks
        For a big layer, its :class:`~layers.render.timeline_chunks.ChunkPlan` and the
        address prefix of its chunk files (``prefix + k + ".json"``): the part then
        holds the plan's long-lived rows only and says where the rest is.
    """
    part = {"id": esc.text(spec.id), "kind": spec.kind,
            "className": f"bm-layer-{esc.css_class(spec.id)}",
            "features": [], "labels": _labels(spec, frame)}
    if chunks is None:
        part["features"] = _features(spec, frame, band)
        return part
    plan, prefix = chunks
    part["features"] = _features(spec, frame.iloc[plan.base], band)
    part["chunks"] = {"prefix": prefix, "days": plan.days, "reach": plan.reach,
                      "have": sorted(plan.rows)}
    return part


def chunk_plan(spec: LayerSpec, frame: gpd.GeoDataFrame) -> ChunkPlan | None:
    """How a layer's timeline is cut into date chunks, or None if it goes whole."""
    starts, ends = validity(spec, frame)
    vertices = int(shapely.get_num_coordinates(frame.geometry.values).sum())
    return _plan(starts, ends, vertices=vertices)


def chunk_part(spec: LayerSpec, frame: gpd.GeoDataFrame, band: int, plan: ChunkPlan,
               k: int) -> dict[str, Any]:
    """The features of chunk ``k`` of a big layer (see :func:`layer_part`)."""
    return {"k": int(k), "features": _features(spec, frame.iloc[plan.rows[k]], band)}


def pack_meta(layers: Sequence[ShownLayer], *, band: int,
              bounds: tuple[dt.date, dt.date] | None = None) -> dict[str, Any]:
    """What the pack says about all its layers together: strip ticks, legend, bounds."""
    from layers.core.timeline import change_dates

    drawn = [(s, f) for s, f in layers if s.kind not in OWN_SCRIPT_KINDS]
    changes = [day_number(d) for d in change_dates([f for _, f in drawn])]
    lo, hi = bounds if bounds else (None, None)
    return {"band": band, "change_days": changes, "events": _event_ticks(drawn),
            "legend": _legend(layers), "bounds": [day_number(lo), day_number(hi)]}


def timeline_pack(layers: Sequence[ShownLayer], *, zoom: float | None = None,
                  bounds: tuple[dt.date, dt.date] | None = None) -> dict[str, Any]:
    """The shown layers' features over all dates, for ``timeline.js`` (JSON-able).

    The page sends it as parts (:func:`pack_meta` and one :func:`layer_part` per
    layer, each a file of its own) that the frame puts together into this.

    Parameters
    ----------
    layers
        ``(spec, frame)`` in drawing order, each frame holding every date's rows
        (the loaded layer, not its as-of cut).
    zoom
        The map's zoom: geometry is simplified and rounded for its band
        (:func:`layers.render.lod.zoom_band`).
    bounds
        First and last day the strip offers (the sidebar's range).

    Returns
    -------
    dict
        ``layers`` (id, kind, features, labels), ``change_days``, ``events``
        (ticks), ``legend`` (escaped HTML), ``band`` and ``bounds`` (day numbers).
    """
    band = _lod.zoom_band(zoom)
    drawn = [(s, f) for s, f in layers if s.kind not in OWN_SCRIPT_KINDS]
    return {**pack_meta(layers, band=band, bounds=bounds),
            "layers": [layer_part(spec, frame, band) for spec, frame in drawn]}


def features_on(pack: Mapping[str, Any], day: dt.date) -> dict[str, int]:
    """How many features of each layer the pack shows on ``day`` (what ``timeline.js`` does)."""
    number = day_number(day)
    assert number is not None
    return {layer["id"]: sum(1 for f in layer["features"]
                             if (f["from"] is None or f["from"] <= number)
                             and (f["to"] is None or number < f["to"]))
            for layer in pack["layers"]}


def pack_json(pack: Mapping[str, Any]) -> str:
    """The pack as compact JSON text (no NaN: an invalid number is a bug, not a value)."""
    return json.dumps(pack, ensure_ascii=False, separators=(",", ":"), allow_nan=False)



_SHOW_JS = """if (window.BMTimeline) {{ window.BMTimeline.show(map_div, {opts}, {{bind: _bmBind, label: _bmLabel}}); }}
window.feature_group = window.feature_group || [];
"""  # noqa: E501


def frame_script(meta_url: str, part_urls: Sequence[str], *, day: dt.date, seq: int,
                 bounds: tuple[dt.date, dt.date], own_script: str = "",
                 early: Sequence[str] = ()) -> str:
    """The per-rerun ``feature_group`` script: where the pack's parts are and the server's day.

    Parameters
    ----------
    meta_url, part_urls
        Addresses of the pack's files (written by the page under its static route):
        :func:`pack_meta`, then one :func:`layer_part` per layer in drawing order. The
        frame fetches each address once and keeps it, so after an edit it fetches the
        edited layer's part only.
    day, seq
        The server's date and how many times the server changed it itself; the frame
        follows ``day`` only when ``seq`` is new, so a rerun for a date the frame
        reported never pulls the map back.
    bounds
        First and last day of the strip.
    own_script
        The rest of the script (:func:`layers.render.webmap_fast.feature_group_script`
        of the layers the timeline does not draw, e.g. the analyst's marks); it
        defines ``_bmBind`` and ``_bmLabel``.
    early
        Addresses of the date chunks the server's day needs (big layers only): the
        frame fetches them at once, beside the parts that name them.
    """
    from layers.render.webmap_fast import js_json

    opts = js_json({"meta": meta_url, "parts": list(part_urls), "day": day_number(day),
                    "seq": int(seq), "lo": day_number(bounds[0]), "hi": day_number(bounds[1]),
                    "early": list(early)})
    return own_script + _SHOW_JS.format(opts=opts)
