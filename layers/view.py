"""The as-of view: what a map of a given date, layers and extent shows.

The web map, the static map and every export take a :class:`MapView` and call
:func:`view_frames`, so they cannot disagree about what is on the map.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd

from layers.data import LoadedLayers
from layers.timeline import as_of, events_window, parse_date


@dataclass(frozen=True)
class MapView:
    """What the analyst is looking at.

    Attributes
    ----------
    day
        The as-of date.
    layer_ids
        Visible layers, in the catalog's drawing order or any order (drawing
        always follows the catalog).
    bbox
        ``(minlon, minlat, maxlon, maxlat)`` of the view, or None for the
        catalog's region.
    title
        Title for exports; None for the catalog's title.
    extra
        Session layers (uploads) to draw on top, by id.
    """

    day: dt.date
    layer_ids: tuple[str, ...]
    bbox: tuple[float, float, float, float] | None = None
    title: str | None = None
    extra: dict[str, gpd.GeoDataFrame] = field(default_factory=dict, compare=False,
                                                hash=False)

    @classmethod
    def create(cls, day: str | dt.date, layer_ids: list[str] | tuple[str, ...], **kwargs
               ) -> MapView:
        """Build a view, reading ``day`` as YYYY-MM-DD."""
        return cls(day=parse_date(day), layer_ids=tuple(layer_ids), **kwargs)


def view_frames(loaded: LoadedLayers, view: MapView) -> dict[str, gpd.GeoDataFrame]:
    """The features of each visible layer as of the view's date, in drawing order.

    Events are shown over a window (``style.window_days`` before the date) since
    a one-day event would otherwise vanish from the map the day after.
    """
    out: dict[str, gpd.GeoDataFrame] = {}
    for spec in loaded.specs():
        if spec.id not in view.layer_ids:
            continue
        frame = loaded.frames[spec.id]
        if spec.kind == "events":
            days = int(spec.style.get("window_days", 7))
            out[spec.id] = events_window(frame, view.day, before=days)
        else:
            out[spec.id] = as_of(frame, view.day)
    for layer_id, frame in view.extra.items():
        if layer_id in view.layer_ids:
            out[layer_id] = as_of(frame, view.day)
    return out
