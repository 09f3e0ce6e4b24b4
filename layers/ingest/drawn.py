"""A shape drawn on the app's map, made into an annotation feature.

Leaflet.draw reports what the analyst drew as a GeoJSON Feature: a LineString
(the line tool), a Polygon (area), a Point (marker) or a Point with
``properties.radius`` (circle, metres), stamped ``bm_drawn`` by the map. The
analyst then says which mark it is; this module builds the feature an
annotations file would hold, so the drawn mark goes through exactly the
validation of a loaded file (:func:`layers.ingest.annotations.read_annotations`).
Only geometry is taken from the browser; every property comes from the form.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

#: Kinds offered for each drawn geometry, the first being the default.
KINDS_FOR: dict[str, tuple[str, ...]] = {
    "LineString": ("arrow", "curved_arrow", "freehand", "callout"),
    "Polygon": ("area",),
    "Point": ("callout", "label", "circle"),
    "Circle": ("circle", "label", "callout"),
}
#: How far (screen pixels at the zoom drawn) a marker's callout box sits from its point.
CALLOUT_OFFSET_PX = 70
COORD_DECIMALS = 6
#: The property the map's toolbar stamps on what it draws (``layers.render.webmap_draw``).
DRAWN_STAMP = "bm_drawn"


class DrawingError(ValueError):
    """The drawing cannot be the mark asked for (its fix is in the message)."""


def drawn_shape(drawing: Any) -> str | None:
    """``LineString``, ``Polygon``, ``Point`` or ``Circle`` for a drawing, else None."""
    if not isinstance(drawing, dict):
        return None
    props = drawing.get("properties")
    if not isinstance(props, dict) or not props.get(DRAWN_STAMP):
        return None  # a clicked site or route, not something the toolbar made
    geometry = drawing.get("geometry")
    if not isinstance(geometry, dict):
        return None
    kind = geometry.get("type")
    if kind == "Point" and _radius(drawing) is not None:
        return "Circle"
    return kind if kind in KINDS_FOR else None


def drawing_key(drawing: Any) -> str:
    """A stable fingerprint of a drawing (so a saved or dismissed one is not asked again)."""
    return json.dumps(drawing, sort_keys=True, default=str)[:4000]


def _radius(drawing: dict) -> float | None:
    props = drawing.get("properties")
    try:
        radius = float(props.get("radius")) if isinstance(props, dict) else float("nan")
    except (TypeError, ValueError):
        return None
    return radius if radius > 0 else None


def _point(value: Any) -> list[float]:
    try:
        lon, lat = float(value[0]), float(value[1])
    except (TypeError, ValueError, IndexError) as exc:
        raise DrawingError("the drawing has an unreadable position; draw it again.") from exc
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise DrawingError("the drawing has an unreadable position; draw it again.")
    return [round(lon, COORD_DECIMALS), round(lat, COORD_DECIMALS)]


def _callout_line(point: list[float], zoom: float) -> list[list[float]]:
    """From the marked point to a box up and to the right of it, as seen when drawn."""
    degrees = CALLOUT_OFFSET_PX * 360.0 / (256.0 * 2.0 ** zoom)
    lat_step = degrees * math.cos(math.radians(point[1]))
    return [point, [round(point[0] + degrees, COORD_DECIMALS),
                    round(point[1] + lat_step * 0.6, COORD_DECIMALS)]]


def drawn_geometry(drawing: dict, kind: str, *, zoom: float = 8.0,
                   radius_m: float | None = None) -> tuple[dict[str, Any], float | None]:
    """The geometry (and radius) the mark ``kind`` needs, from what was drawn.

    Raises
    ------
    DrawingError
        When the drawn shape cannot be that mark (a polygon as an arrow, say).
    """
    shape = drawn_shape(drawing)
    if shape is None:
        raise DrawingError("nothing usable was drawn; use the toolbar on the map's left.")
    if kind not in KINDS_FOR[shape]:
        raise DrawingError(f"a {kind.replace('_', ' ')} cannot be drawn as a "
                           f"{shape.lower()}; pick one of: "
                           f"{', '.join(k.replace('_', ' ') for k in KINDS_FOR[shape])}.")
    coords = drawing["geometry"].get("coordinates")
    if shape == "LineString":
        line = [_point(c) for c in coords or []]
        if kind == "callout":
            line = [line[0], line[-1]] if line else line
        return {"type": "LineString", "coordinates": line}, None
    if shape == "Polygon":
        rings = [[_point(c) for c in ring] for ring in coords or []]
        return {"type": "Polygon", "coordinates": rings[:1]}, None
    point = _point(coords)
    if kind == "callout":
        return {"type": "LineString", "coordinates": _callout_line(point, zoom)}, None
    radius = _radius(drawing) if shape == "Circle" else radius_m
    return {"type": "Point", "coordinates": point}, (radius if kind == "circle" else None)


def drawn_feature(drawing: dict, *, ident: str, kind: str, text: str, color: str,
                  line_style: str, text_size: str, valid_from: dt.date | None = None,
                  last_day: dt.date | None = None, zoom: float = 8.0,
                  radius_m: float | None = None, author: str = "") -> dict[str, Any]:
    """The annotation feature for a drawing and the form's answers.

    ``last_day`` is the last day the mark shows (inclusive, as the form asks);
    it is stored as the exclusive ``valid_to`` every layer uses. Without dates
    the mark is fixed to the view (shown on every date).
    """
    geometry, radius = drawn_geometry(drawing, kind, zoom=zoom, radius_m=radius_m)
    props: dict[str, Any] = {"id": ident, "annotation": kind, "text": text.strip(),
                             "color": color, "line_style": line_style,
                             "text_size": text_size, "author": author,
                             "source": "Drawn on the map"}
    if radius is not None:
        props["radius_m"] = round(float(radius), 1)
    if valid_from is not None:
        props["valid_from"] = valid_from.isoformat()
    if last_day is not None:
        props["valid_to"] = (last_day + dt.timedelta(days=1)).isoformat()
    return {"type": "Feature", "properties": props, "geometry": geometry}
