"""Annotation marks in KML: each mark as the geometry it is drawn as, in its own colour.

KML has no arrows, callout boxes or circles of its own, so a mark becomes what it
looks like: an arrow is its line plus a filled head (a small triangle at the tip,
an eighth of the arrow's length), a curved arrow its sampled curve, a circle its
geodesic ring, a callout its leader plus a point at the box that carries the text
as the placemark's name (Google Earth shows it as a label).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import GeometryCollection, LineString, Point, Polygon

from layers.render import annotation_shapes as shapes
from layers.render.style import FeatureStyle

#: An arrow's head as a share of its length in KML (no pixels there to size it by).
HEAD_SHARE = 0.12


def annotation_placemark(props: dict[str, Any], geom: shapely.Geometry
                         ) -> tuple[dict[str, Any], shapely.Geometry, FeatureStyle]:
    """The name-carrying properties, the geometry drawn and the style of one mark."""
    kind = str(props.get("annotation"))
    look = shapes.look(props)
    filled = kind in ("area", "circle")
    style = FeatureStyle(color=look["color"], fill_color=look["color"], weight=look["weight"],
                         fill_opacity=shapes.FILL_OPACITY if filled else 0.9,
                         dash=look["dash"], radius=5.0)
    drawn = shapes.drawn_geometry(props, geom)
    if kind in ("arrow", "curved_arrow") and drawn.geom_type == "LineString":
        drawn = GeometryCollection([drawn, _head(np.asarray(drawn.coords))])
    elif kind == "callout" and geom.geom_type == "LineString":
        drawn = GeometryCollection([geom, Point(geom.coords[-1])])
    text = str(props.get("text") or "")
    named = {**props, "name": text or shapes.NAMES.get(kind, kind)}
    return named, drawn, style


def _head(xy: np.ndarray) -> Polygon:
    """A triangle at the tip, pointing along the last segment (in locally scaled degrees)."""
    tip = xy[-1]
    scale = math.cos(math.radians(float(tip[1])))
    length = LineString(np.column_stack([xy[:, 0] * scale, xy[:, 1]])).length
    angle = shapes.head_angle(np.column_stack([xy[:, 0] * scale, xy[:, 1]]))
    size = HEAD_SHARE * length
    back = angle + math.pi
    pts = [(tip[0] + size * math.cos(back + da) / scale, tip[1] + size * math.sin(back + da))
           for da in (-0.45, 0.45)]
    return Polygon([tuple(tip), pts[0], pts[1], tuple(tip)])
