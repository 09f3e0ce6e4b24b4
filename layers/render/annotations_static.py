"""Annotation marks on the static map (PNG, PDF, SVG), drawn as the web map draws them.

Arrows get a filled head at their last point, curved arrows follow
:func:`~layers.render.annotation_shapes.curve`, callouts a white box with a leader
to what they point at, labels bold text with a white halo, circles a geodesic
ring, areas a tinted polygon. Sizes are the screen's CSS pixels at 0.75 pt each
(the web map's own conversion), so a mark has the same weight beside the layers
on paper as on screen. Text stays text: in SVG and PDF it is selectable, and
mathtext is off on every page, so a ``$`` in a callout is printed as written.
"""

from __future__ import annotations

import textwrap
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.markers import MarkerStyle
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D

from layers.render import annotation_shapes as shapes
from layers.render.mpl_draw import PX_TO_PT, dash_style, polygon_path, rgba

#: Above every data layer and the place labels.
Z_MARK = 11.0
Z_TEXT = 12.0
#: Callout text wraps at this many characters a line (the web map wraps the same way).
WRAP_CHARS = 32
#: Arrowhead outline, tip at the origin pointing along +x (CSS px).
_HEAD = MplPath([(0, 0), (-shapes.HEAD_LENGTH, shapes.HEAD_HALF_WIDTH),
                 (-0.72 * shapes.HEAD_LENGTH, 0), (-shapes.HEAD_LENGTH, -shapes.HEAD_HALF_WIDTH),
                 (0, 0)], closed=True)


def wrap(text: str) -> str:
    """Callout text broken into lines as the web map breaks it."""
    return "\n".join(textwrap.wrap(text, WRAP_CHARS, break_long_words=True)) or text


def draw_annotations(ax: Axes, frame: gpd.GeoDataFrame) -> int:
    """Draw every mark of an as-of annotation layer; return how many were drawn."""
    drawn = 0
    for _, row in frame.iterrows():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        props = {k: v for k, v in row.items() if k != "geometry"}
        _DRAW.get(str(props.get("annotation")), _draw_line_mark)(ax, props, geom)
        drawn += 1
    return drawn


def _aspect(ax: Axes) -> float:
    aspect = ax.get_aspect()
    return float(aspect) if isinstance(aspect, (int, float)) else 1.0


def _line_kw(look: dict[str, Any]) -> dict[str, Any]:
    return {"color": rgba(look["color"], 1.0), "linewidth": look["weight"] * PX_TO_PT,
            "linestyle": dash_style(look["dash"]) if look["dash"] else "-",
            "solid_capstyle": "round", "dash_capstyle": "round", "zorder": Z_MARK}


def _casing(ax: Axes, xy: np.ndarray, look: dict[str, Any]) -> None:
    ax.plot(xy[:, 0], xy[:, 1], color="white", linewidth=(look["weight"] + 2.5) * PX_TO_PT,
            alpha=0.85, solid_capstyle="round", zorder=Z_MARK - 0.1)


def _head(ax: Axes, xy: np.ndarray, color: str) -> None:
    angle = shapes.head_angle(xy, _aspect(ax))
    marker = MarkerStyle(_HEAD, transform=Affine2D().rotate(angle))
    ax.plot([xy[-1, 0]], [xy[-1, 1]], linestyle="none", marker=marker,
            markersize=2 * shapes.HEAD_LENGTH * PX_TO_PT, markerfacecolor=rgba(color, 1.0),
            markeredgecolor="white", markeredgewidth=0.6, zorder=Z_MARK + 0.2)


def _text(ax: Axes, x: float, y: float, text: str, look: dict[str, Any], *,
          bold: bool = True, box: bool = False) -> None:
    if not text:
        return
    kw: dict[str, Any] = {"fontsize": look["text_px"] * PX_TO_PT, "ha": "center",
                          "va": "center", "zorder": Z_TEXT, "clip_on": True}
    if box:
        kw["bbox"] = {"boxstyle": "round,pad=0.4", "facecolor": "white",
                      "edgecolor": rgba(look["color"], 1.0), "linewidth": 1.2}
        ax.text(x, y, wrap(text), color="#1b1b1b", **kw)
        return
    ax.text(x, y, text, color=rgba(look["color"], 1.0), fontweight="bold" if bold else None,
            path_effects=[patheffects.withStroke(linewidth=3, foreground="white")], **kw)


def _draw_arrow(ax: Axes, props: dict[str, Any], geom: shapely.Geometry) -> None:
    look = shapes.look(props)
    xy = np.asarray(geom.coords)[:, :2]
    if props.get("annotation") == "curved_arrow":
        xy = shapes.curve(xy)
    _casing(ax, xy, look)
    ax.plot(xy[:, 0], xy[:, 1], **_line_kw(look))
    _head(ax, xy, look["color"])
    mid = xy[len(xy) // 2]
    _text(ax, mid[0], mid[1], str(props.get("text") or ""), look)


def _draw_callout(ax: Axes, props: dict[str, Any], geom: shapely.Geometry) -> None:
    look = shapes.look(props)
    xy = np.asarray(geom.coords)[:, :2]
    anchor, box = xy[0], xy[-1]
    ax.plot([anchor[0], box[0]], [anchor[1], box[1]], **_line_kw(look))
    ax.plot([anchor[0]], [anchor[1]], linestyle="none", marker="o", markersize=5,
            markerfacecolor=rgba(look["color"], 1.0), markeredgecolor="white",
            zorder=Z_MARK + 0.2)
    _text(ax, box[0], box[1], str(props.get("text") or ""), look, box=True)


def _draw_label(ax: Axes, props: dict[str, Any], geom: shapely.Geometry) -> None:
    _text(ax, geom.x, geom.y, str(props.get("text") or ""), shapes.look(props))


def _draw_area(ax: Axes, props: dict[str, Any], geom: shapely.Geometry) -> None:
    look = shapes.look(props)
    ring = shapes.circle(geom, props.get("radius_m")) if geom.geom_type == "Point" else geom
    path = polygon_path(ring) if ring is not None else None
    if path is None:
        return
    ax.add_patch(PathPatch(path, facecolor=rgba(look["color"], shapes.FILL_OPACITY),
                           edgecolor=rgba(look["color"], 1.0),
                           linewidth=look["weight"] * PX_TO_PT,
                           linestyle=dash_style(look["dash"]) if look["dash"] else "-",
                           zorder=Z_MARK - 0.5))
    centre = ring.centroid
    _text(ax, centre.x, centre.y, str(props.get("text") or ""), look)


def _draw_line_mark(ax: Axes, props: dict[str, Any], geom: shapely.Geometry) -> None:
    """Freehand (and anything of no known mark): the line as drawn, text at its middle."""
    look = shapes.look(props)
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type != "LineString":
            continue
        xy = np.asarray(part.coords)[:, :2]
        _casing(ax, xy, look)
        ax.plot(xy[:, 0], xy[:, 1], **_line_kw(look))
        mid = xy[len(xy) // 2]
        _text(ax, mid[0], mid[1], str(props.get("text") or ""), look)


_DRAW = {"arrow": _draw_arrow, "curved_arrow": _draw_arrow, "callout": _draw_callout,
         "label": _draw_label, "circle": _draw_area, "area": _draw_area,
         "freehand": _draw_line_mark}
