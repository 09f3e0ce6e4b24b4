"""Styling: one description of how a feature looks, for the web map and the static map alike.

The colour comes from the catalog (``[layer.style]``: ``by`` names the property,
``colors`` maps its values); confidence changes the look the same way on every
layer, so an analyst reads it at a glance: high is solid, medium a lighter fill,
low a lighter fill with a dashed outline.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from layers.core.catalog import LayerSpec, label_for

DEFAULT_COLOR = "#555555"

#: Confidence → (fill factor, outline opacity, dash pattern or None).
CONFIDENCE_LOOK: dict[str, tuple[float, float, str | None]] = {
    "high": (1.0, 1.0, None),
    "medium": (0.75, 0.9, None),
    "low": (0.45, 0.8, "6 4"),
}
UNRATED_LOOK = (0.45, 0.8, "2 4")

#: Point symbols every renderer can draw: name -> matplotlib marker. The web map
#: draws the same outline as an SVG path (``L.bmMarker`` in ``_assets/briefing.js``,
#: and ``standalone.js`` in the HTML export).
POINT_SHAPES: dict[str, str] = {"circle": "o", "diamond": "D", "square": "s", "triangle": "^"}
#: A layer's point symbol by kind, unless its style says ``shape = "..."``.
KIND_SHAPES: dict[str, str] = {"events": "diamond"}


@dataclass(frozen=True)
class FeatureStyle:
    """Renderer-neutral look of one feature."""

    color: str
    fill_color: str
    weight: float = 2.0
    opacity: float = 1.0
    fill_opacity: float = 0.3
    dash: str | None = None
    radius: float = 6.0
    shape: str = "circle"


@dataclass(frozen=True)
class LegendEntry:
    """One row of a legend: a swatch and its label."""

    value: str
    label: str
    color: str
    dash: str | None = None


def _style_table(spec: LayerSpec) -> dict[str, Any]:
    return spec.style or {}


def color_for(spec: LayerSpec, value: Any) -> str:
    """Colour of a feature whose ``style.by`` property has ``value``."""
    colors = _style_table(spec).get("colors", {})
    return str(colors.get(str(value), _style_table(spec).get("color", DEFAULT_COLOR)))


def point_shape(spec: LayerSpec) -> str:
    """The symbol of a layer's points: its style's ``shape`` if known, else its kind's."""
    asked = str(_style_table(spec).get("shape") or "")
    return asked if asked in POINT_SHAPES else KIND_SHAPES.get(spec.kind, "circle")


def mpl_marker(style: FeatureStyle) -> str:
    """The matplotlib marker of a point style (the shape the web map draws too)."""
    return POINT_SHAPES.get(style.shape, "o")


def feature_style(spec: LayerSpec, properties: dict[str, Any]) -> FeatureStyle:
    """The look of one feature, from its layer's style and its own properties."""
    table = _style_table(spec)
    by = table.get("by")
    value = properties.get(by) if by else None
    color = color_for(spec, value)
    base = FeatureStyle(color=color, fill_color=color, weight=float(table.get("weight", 2)),
                        fill_opacity=float(table.get("fill_opacity", 0.3)),
                        radius=float(table.get("radius", 6)), shape=point_shape(spec),
                        dash=table.get("dash", {}).get(str(value)) if by else None)
    return apply_confidence(base, properties.get("confidence"))


def apply_confidence(style: FeatureStyle, confidence: Any) -> FeatureStyle:
    """Lighten and dash a style according to the feature's confidence."""
    factor, opacity, dash = CONFIDENCE_LOOK.get(str(confidence), UNRATED_LOOK)
    return replace(style, fill_opacity=round(style.fill_opacity * factor, 3), opacity=opacity,
                   dash=style.dash or dash)


def legend(spec: LayerSpec) -> list[LegendEntry]:
    """Legend rows of a layer, in the catalog's order."""
    table = _style_table(spec)
    dashes = table.get("dash", {})
    colors = table.get("colors", {})
    if not colors:
        return [LegendEntry("", spec.title, str(table.get("color", DEFAULT_COLOR)))]
    return [LegendEntry(str(value), label_for(spec, value), str(color), dashes.get(value))
            for value, color in colors.items()]



def to_leaflet(style: FeatureStyle) -> dict[str, Any]:
    """Leaflet path options."""
    out: dict[str, Any] = {"color": style.color, "fillColor": style.fill_color,
                           "weight": style.weight, "opacity": style.opacity,
                           "fillOpacity": style.fill_opacity}
    if style.dash:
        out["dashArray"] = style.dash
    return out


def to_matplotlib(style: FeatureStyle) -> dict[str, Any]:
    """Matplotlib keyword arguments for a patch or line."""
    out: dict[str, Any] = {"edgecolor": style.color, "facecolor": style.fill_color,
                           "linewidth": style.weight * 0.6, "alpha": None}
    if style.dash:
        on_off = tuple(float(x) for x in style.dash.split())
        out["linestyle"] = (0, on_off)
    return out
