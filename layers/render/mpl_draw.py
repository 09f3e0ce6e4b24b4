"""Drawing a layer's features with matplotlib, in the styles the web map uses.

Every feature's look comes from :func:`layers.render.style.feature_style` (colour by the
catalog, confidence applied), so the printed map and the screen agree: same
colours, same lighter fill for medium confidence, same dashes for low.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from layers.core.catalog import LayerSpec
from layers.render.style import (
    CONFIDENCE_LOOK,
    DEFAULT_COLOR,
    UNRATED_LOOK,
    FeatureStyle,
    feature_style,
    mpl_marker,
)

#: z-order bands, bottom to top, so layers stack the same way whatever the catalog says.
Z_POLYGON, Z_LINE, Z_POINT = 3.0, 5.0, 7.0

#: Leaflet radii are CSS pixels; a printed point is 0.75 of one.
PX_TO_PT = 0.75


def rgba(color: Any, alpha: float) -> tuple[float, float, float, float]:
    """A colour for matplotlib; a value it cannot read (from an upload) becomes grey."""
    try:
        return to_rgba(str(color), max(0.0, min(1.0, float(alpha))))
    except ValueError:
        return to_rgba(DEFAULT_COLOR, max(0.0, min(1.0, float(alpha))))


def dash_style(dash: Any) -> Any:
    """A matplotlib dash tuple from a Leaflet ``dashArray``; solid when unreadable."""
    try:
        on_off = tuple(float(v) for v in str(dash).replace(",", " ").split())
    except ValueError:
        return "-"
    if not on_off or len(on_off) % 2 or any(v <= 0 for v in on_off):
        return "-"
    return (0, on_off)


def polygon_path(geom: shapely.Geometry) -> MplPath | None:
    """A matplotlib path for a (multi)polygon, holes included (even-odd rings)."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in parts:
        if poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            c = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
            c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def line_parts(geom: shapely.Geometry) -> list[np.ndarray]:
    """Coordinate arrays of each line of a (multi)line string."""
    parts = getattr(geom, "geoms", [geom])
    return [np.asarray(g.coords)[:, :2] for g in parts
            if g.geom_type in ("LineString", "LinearRing") and not g.is_empty]


def _properties(row: Any) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "geometry"}


def point_fill_alpha(confidence: Any) -> float:
    """Fill opacity of a point marker: near solid, lightened by confidence only.

    A point has no area to tint, so the pale polygon fill of the web styles would
    make it vanish on paper; the standalone HTML map uses the same value.
    """
    return round(0.95 * CONFIDENCE_LOOK.get(str(confidence), UNRATED_LOOK)[0], 3)


def _linewidth(style: FeatureStyle) -> float:
    """Leaflet weights are CSS pixels; printed lines look right a little thinner."""
    return float(style.weight) * 0.6


def draw_polygon(ax: Axes, geom: shapely.Geometry, style: FeatureStyle, *,
                 zorder: float = Z_POLYGON) -> None:
    """Fill and outline a polygon as Leaflet would (fill opacity, outline opacity, dash)."""
    path = polygon_path(geom)
    if path is None:
        return
    ax.add_patch(PathPatch(path, facecolor=rgba(style.fill_color, style.fill_opacity),
                           edgecolor=rgba(style.color, style.opacity),
                           linewidth=_linewidth(style), linestyle=dash_style(style.dash)
                           if style.dash else "-", zorder=zorder, joinstyle="round"))


def draw_line(ax: Axes, geom: shapely.Geometry, style: FeatureStyle, *,
              zorder: float = Z_LINE) -> None:
    """A polyline with a thin white casing, so it reads on any zone colour."""
    width = max(_linewidth(style), 0.8)
    linestyle = dash_style(style.dash) if style.dash else "-"
    for xy in line_parts(geom):
        ax.plot(xy[:, 0], xy[:, 1], color="white", linewidth=width + 1.6, alpha=0.8,
                solid_capstyle="round", zorder=zorder - 0.1)
        ax.plot(xy[:, 0], xy[:, 1], color=rgba(style.color, style.opacity),
                linewidth=width, linestyle=linestyle, solid_capstyle="round",
                dash_capstyle="butt", zorder=zorder)


def draw_point(ax: Axes, geom: shapely.Geometry, style: FeatureStyle, confidence: Any, *,
               marker: str = "o", zorder: float = Z_POINT) -> None:
    """A circle marker of the layer's radius, filled per :func:`point_fill_alpha`."""
    size = 2 * float(style.radius) * PX_TO_PT
    alpha = point_fill_alpha(confidence)
    edge = rgba("white", 1.0) if alpha > 0.6 else rgba(style.color, 1.0)
    for pt in getattr(geom, "geoms", [geom]):
        if pt.is_empty:
            continue
        ax.plot([pt.x], [pt.y], linestyle="none", marker=marker, markersize=size,
                markerfacecolor=rgba(style.fill_color, alpha), markeredgecolor=edge,
                markeredgewidth=0.8, zorder=zorder)


def draw_geometry(ax: Axes, geom: shapely.Geometry, style: FeatureStyle, confidence: Any, *,
                  marker: str = "o", point_z: float = Z_POINT) -> None:
    """Draw one geometry of any type (collections part by part)."""
    if geom is None or geom.is_empty:
        return
    kind = geom.geom_type
    if kind in ("Polygon", "MultiPolygon"):
        draw_polygon(ax, geom, style)
    elif kind in ("LineString", "MultiLineString", "LinearRing"):
        draw_line(ax, geom, style)
    elif kind in ("Point", "MultiPoint"):
        draw_point(ax, geom, style, confidence, marker=marker, zorder=point_z)
    elif kind == "GeometryCollection":
        for part in geom.geoms:
            draw_geometry(ax, part, style, confidence, marker=marker, point_z=point_z)


def draw_layer(ax: Axes, spec: LayerSpec, frame: gpd.GeoDataFrame) -> int:
    """Draw every feature of one as-of layer; return how many were drawn.

    Polygons, lines and points each go in their own z band, so a runway is never
    hidden under the base's perimeter fill and a town dot never under a zone.
    """
    if spec.kind == "annotations":  # marks carry their own look (annotations_static)
        from layers.render.annotations_static import draw_annotations
        return draw_annotations(ax, frame)
    point_z = Z_POINT + (0.5 if spec.kind == "installations" else 0.0)
    drawn = 0
    for _, row in frame.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        props = _properties(row)
        style = feature_style(spec, props)
        draw_geometry(ax, row.geometry, style, props.get("confidence"),
                      marker=mpl_marker(style), point_z=point_z)
        drawn += 1
    return drawn


def present_values(spec: LayerSpec, frames: Iterable[gpd.GeoDataFrame]) -> set[str]:
    """Values of the layer's ``style.by`` property that occur in the shown features."""
    by = (spec.style or {}).get("by")
    if not by:
        return set()
    out: set[str] = set()
    for frame in frames:
        if by in frame.columns:
            out.update(str(v) for v in frame[by].dropna())
    return out
