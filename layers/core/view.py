"""The as-of view: what a map of a given date, layers and extent shows.

The web map, the static map and every export take a :class:`MapView` and call
:func:`view_layers`, so they cannot disagree about what is on the map.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import geopandas as gpd

from layers.core.catalog import LayerSpec
from layers.core.loaded import LoadedLayers
from layers.core.timeline import as_of, events_window, parse_date


@dataclass(frozen=True)
class Overlay:
    """A layer that is not in the catalog: an upload, range rings, a change layer.

    It carries its own spec (title, kind, style) so every renderer treats it like
    a catalog layer. ``spec.path`` may be empty.
    """

    spec: LayerSpec
    frame: gpd.GeoDataFrame = field(compare=False, hash=False)


@dataclass(frozen=True)
class MapView:
    """What the analyst is looking at.

    Attributes
    ----------
    day
        The as-of date.
    layer_ids
        Visible layers (catalog ids and overlay ids). Drawing follows the
        catalog's order, overlays on top.
    bbox
        ``(minlon, minlat, maxlon, maxlat)`` of the view, or None for the
        catalog's region.
    title
        Title for exports; None for the catalog's title.
    overlays
        Session layers (uploads, analysis results) drawn on top when visible.
    known_on
        "As known on": the record time the layers were read at (the workspace
        store), or None for the latest record. :func:`known_on_title` stamps it.
    """

    day: dt.date
    layer_ids: tuple[str, ...]
    bbox: tuple[float, float, float, float] | None = None
    title: str | None = None
    overlays: tuple[Overlay, ...] = ()
    known_on: dt.datetime | None = None

    @classmethod
    def create(cls, day: str | dt.date, layer_ids: list[str] | tuple[str, ...], **kwargs
               ) -> MapView:
        """Build a view, reading ``day`` as YYYY-MM-DD."""
        return cls(day=parse_date(day), layer_ids=tuple(layer_ids), **kwargs)


def known_on_title(title: str, day: dt.date, known_on: dt.datetime | None) -> str:
    """A title that stamps both dates of an as-known-on view (unchanged without one).

    ``Syria — situation on 8 Dec 2024, as recorded by 20 Dec 2024``: a map of what
    the team knew then must never pass for what it knows now.
    """
    if known_on is None:
        return title
    end_of_day = (known_on.hour, known_on.minute, known_on.second) == (23, 59, 59)
    clock = "" if end_of_day else f" {known_on:%H:%M} UTC"
    return (f"{title} — situation on {day.day} {day:%b %Y}, as recorded by "
            f"{known_on.day} {known_on:%b %Y}{clock}")


#: As-of frames kept per source frame (dates an analyst moves between).
VIEW_CACHE_SIZE = 128
_VIEWS: dict[int, tuple[weakref.ref, OrderedDict]] = {}


def layer_as_of(spec: LayerSpec, frame: gpd.GeoDataFrame, day: dt.date) -> gpd.GeoDataFrame:
    """One layer's features for a day (the same frame each time it is asked for again).

    Events are shown over a window (``style.window_days`` before the date) since a
    one-day event would otherwise vanish from the map the day after it happened.

    The result is computed once per (frame, date, window) and shared: the map,
    the tables and the exports of one step all ask for it, and a slider step
    back to a date costs a look-up. Treat it as read-only (``copy()`` to edit).
    """
    window = int(spec.style.get("window_days", 7)) if spec.kind == "events" else None
    views = _views_of(frame)
    key = (window, day)
    hit = views.get(key)
    if hit is not None:
        views.move_to_end(key)
        return hit
    out = as_of(frame, day) if window is None else events_window(frame, day, before=window)
    views[key] = out
    if len(views) > VIEW_CACHE_SIZE:
        views.popitem(last=False)
    return out


def _views_of(frame: gpd.GeoDataFrame) -> OrderedDict:
    """The as-of cache of one source frame; it goes when the frame goes."""
    entry = _VIEWS.get(id(frame))
    if entry is not None and entry[0]() is frame:
        return entry[1]
    views: OrderedDict = OrderedDict()
    _VIEWS[id(frame)] = (weakref.ref(frame), views)
    weakref.finalize(frame, _VIEWS.pop, id(frame), None)
    return views


def view_layers(loaded: LoadedLayers, view: MapView
                ) -> list[tuple[LayerSpec, gpd.GeoDataFrame]]:
    """Visible layers with their features as of the view's date, in drawing order."""
    out = [(spec, layer_as_of(spec, loaded.frames[spec.id], view.day))
           for spec in loaded.specs() if spec.id in view.layer_ids]
    out.extend((o.spec, layer_as_of(o.spec, o.frame, view.day))
               for o in view.overlays if o.spec.id in view.layer_ids)
    return out
