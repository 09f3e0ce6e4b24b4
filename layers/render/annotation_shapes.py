"""The shapes of annotation marks, computed once for every renderer.

The web map (``_assets/annotations_draw.js``), the static map, the standalone HTML
and KML must draw a curved arrow along the same curve and a circle of the same
size, so the rules live here and the script mirrors them line for line:

* a curved arrow through two points bows to the left of its direction by a fifth
  of its length (a quadratic Bézier); through three or more points it is a
  Catmull-Rom spline that passes through every point. Both are computed in
  longitude/latitude, :data:`CURVE_STEPS` segments per span;
* a circle is a geodesic ring of ``radius_m`` metres around its centre;
* dashes are CSS pixels: dashed ``8 6``, dotted ``2 5``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from layers.core.annotation_rules import text_px
from layers.core.vocab import ANNOTATION_DEFAULTS, TEXT_SIZES
from layers.geo.geodesy import geodesic_circle

CURVE_STEPS = 16
BOW = 0.2
#: CSS-pixel dash patterns per line style (Leaflet ``dashArray``).
DASHES: dict[str, str | None] = {"solid": None, "dashed": "8 6", "dotted": "2 5"}
#: Line weight of a mark in CSS pixels, and its arrowhead's length and half-width.
WEIGHT = 3.0
HEAD_LENGTH = 14.0
HEAD_HALF_WIDTH = 7.0
#: Fill opacity of areas and circles: tinted, the map still readable beneath.
FILL_OPACITY = 0.15


def curve(points: np.ndarray, steps: int = CURVE_STEPS) -> np.ndarray:
    """The drawn path of a curved arrow through ``points`` (n × 2, lon/lat)."""
    pts = np.asarray(points, dtype=float)[:, :2]
    if len(pts) < 2:
        return pts
    if len(pts) == 2:
        a, b = pts
        d = b - a
        control = (a + b) / 2 + BOW * np.array([-d[1], d[0]])
        t = np.linspace(0.0, 1.0, steps + 1)[:, None]
        return (1 - t) ** 2 * a + 2 * (1 - t) * t * control + t ** 2 * b
    padded = np.vstack([2 * pts[0] - pts[1], pts, 2 * pts[-1] - pts[-2]])
    out = [pts[0]]
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        for k in range(1, steps + 1):
            t = k / steps
            out.append(0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
                              + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    return np.asarray(out)


def circle(geom: shapely.Geometry, radius_m: Any) -> Polygon | None:
    """The geodesic ring a circle mark draws, or None when its radius is unusable."""
    try:
        radius_km = float(radius_m) / 1000.0
        return geodesic_circle(geom.y, geom.x, radius_km, vertices=90)
    except (TypeError, ValueError):
        return None


def drawn_geometry(props: dict[str, Any], geom: shapely.Geometry) -> shapely.Geometry:
    """What a mark looks like as plain geometry: curves sampled, circles as rings.

    For formats that have no arrows or circles of their own (KML).
    """
    kind = props.get("annotation")
    if kind == "curved_arrow" and geom.geom_type == "LineString":
        return LineString(curve(np.asarray(geom.coords)))
    if kind == "circle" and geom.geom_type == "Point":
        ring = circle(geom, props.get("radius_m"))
        return ring if ring is not None else geom
    return geom


def look(props: dict[str, Any]) -> dict[str, Any]:
    """Colour, dash (CSS px), text size (CSS px) of a mark, defaults filled in."""
    color = str(props.get("color") or ANNOTATION_DEFAULTS["color"])
    style = str(props.get("line_style") or "solid")
    px = text_px(props.get("text_size") or "medium") or float(TEXT_SIZES["medium"])
    return {"color": color, "dash": DASHES.get(style), "text_px": px, "weight": WEIGHT}


def head_angle(path: np.ndarray, aspect: float = 1.0) -> float:
    """Direction (radians, on the drawn map) of the path's last segment that has length.

    ``aspect`` stretches latitude as the map does (1/cos of the mid latitude on the
    static map), so the head points where the line goes on paper.
    """
    for i in range(len(path) - 1, 0, -1):
        dx = path[i, 0] - path[i - 1, 0]
        dy = (path[i, 1] - path[i - 1, 1]) * aspect
        if dx or dy:
            return math.atan2(dy, dx)
    return 0.0


#: Legend swatch family per mark, and the name a mark without text is listed by.
_FAMILY = {"label": "point", "circle": "polygon", "area": "polygon"}
NAMES = {"arrow": "Arrow", "curved_arrow": "Curved arrow", "callout": "Callout",
         "label": "Label", "circle": "Circle", "freehand": "Freehand line", "area": "Area"}
LEGEND_ROWS = 8


def annotation_legend(frame: Any) -> list[tuple[str, Any]]:
    """Legend rows of an annotation layer: each mark by its text (or its kind), in its colour.

    At most :data:`LEGEND_ROWS`; the rest are counted in one last row.
    """
    from layers.render.style import LegendEntry

    rows: list[tuple[str, Any]] = []
    for _, row in frame.head(LEGEND_ROWS).iterrows():
        kind = str(row.get("annotation"))
        text = " ".join(str(row.get("text") or "").split())
        label = text if len(text) <= 60 else text[:59] + "…"
        rows.append((_FAMILY.get(kind, "line"),
                     LegendEntry(kind, label or NAMES.get(kind, kind), look(row)["color"],
                                 look(row)["dash"])))
    if len(frame) > LEGEND_ROWS:
        rows.append(("line", LegendEntry("", f"and {len(frame) - LEGEND_ROWS} more mark(s)",
                                         "#777777")))
    return rows
