"""The view in the address bar: date, layers, map position and basemap.

A briefing view is shared by sending its URL, so everything needed to reopen it
lives in four query parameters::

    ?date=2024-12-08&layers=control_zones,installations&view=34.90,38.00,7&basemap=offline

Parsing is strict and forgiving at once: a value that does not parse is ignored
(and reported), never trusted, so a tampered link cannot put odd text into the page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

DATE, LAYERS, VIEW, BASEMAP = "date", "layers", "view", "basemap"
#: Layer list meaning "none visible" (an empty value would look like a missing one).
NO_LAYERS = "none"


@dataclass
class UrlState:
    """What a URL asked for; None where it asked for nothing usable."""

    day: dt.date | None = None
    layers: list[str] | None = None
    view: tuple[float, float, float] | None = None
    basemap: str | None = None
    problems: list[str] = field(default_factory=list)


def _first(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return None if value is None else str(value)


def parse(params: Mapping[str, object], *, known_layers: Iterable[str],
          day_bounds: tuple[dt.date, dt.date], basemaps: Iterable[str]) -> UrlState:
    """Read the query parameters; keep what is valid, note the rest.

    Parameters
    ----------
    params
        ``st.query_params`` or any mapping of name to text.
    known_layers
        Layer ids that may be switched on; others are dropped.
    day_bounds
        First and last day of the slider; a date outside is moved inside.
    basemaps
        Valid basemap keys.
    """
    state = UrlState()
    known = list(known_layers)
    raw_day = _first(params, DATE)
    if raw_day:
        try:
            day = dt.date.fromisoformat(raw_day.strip())
        except ValueError:
            state.problems.append(f"date {raw_day[:40]!r} is not YYYY-MM-DD; showing the "
                                  "default date")
        else:
            lo, hi = day_bounds
            if not lo <= day <= hi:
                state.problems.append(f"date {day} is outside {lo} – {hi}; moved inside")
            state.day = min(max(day, lo), hi)
    raw_layers = _first(params, LAYERS)
    if raw_layers is not None:
        asked = [x.strip() for x in raw_layers.split(",") if x.strip()]
        if asked == [NO_LAYERS]:
            state.layers = []
        else:
            unknown = [x for x in asked if x not in known]
            if unknown:
                state.problems.append(f"{len(unknown)} unknown layer id(s) in the link ignored")
            chosen = [x for x in known if x in asked]
            # A list of nothing but unknown ids is a broken link: show the default layers.
            state.layers = chosen if chosen or not asked else None
    raw_view = _first(params, VIEW)
    if raw_view:
        state.view = parse_view(raw_view)
        if state.view is None:
            state.problems.append("map position in the link not understood; showing the region")
    raw_basemap = _first(params, BASEMAP)
    if raw_basemap:
        if raw_basemap in set(basemaps):
            state.basemap = raw_basemap
        else:
            state.problems.append("unknown basemap in the link; using the offline one")
    return state


def parse_view(text: str) -> tuple[float, float, float] | None:
    """``"lat,lon,zoom"`` as numbers within the globe and Leaflet's zoom range, or None."""
    parts = text.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = (float(p) for p in parts)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (lat, lon, zoom)):
        return None
    if not (-85 <= lat <= 85 and -180 <= lon <= 180 and 1 <= zoom <= 19):
        return None
    return lat, lon, zoom


def format_view(lat: float, lon: float, zoom: float) -> str:
    """The ``view`` parameter: four decimals (about 10 m) are plenty for a map position."""
    zoom_text = f"{zoom:g}"
    return f"{lat:.4f},{lon:.4f},{zoom_text}"


def encode(*, day: dt.date, layers: Iterable[str], view: tuple[float, float, float] | None,
           basemap: str) -> dict[str, str]:
    """The query parameters of a view."""
    ids = list(layers)
    out = {DATE: day.isoformat(), LAYERS: ",".join(ids) if ids else NO_LAYERS,
           BASEMAP: basemap}
    if view is not None:
        out[VIEW] = format_view(*view)
    return out


def changes(current: Mapping[str, object], wanted: Mapping[str, str]) -> dict[str, str]:
    """The parameters whose value must be written (unchanged ones are left alone)."""
    return {k: v for k, v in wanted.items() if _first(current, k) != v}
