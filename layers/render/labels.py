"""Labels: one rule for every renderer, and their placement on the static map.

:func:`label_rule` says which names a map writes, in which priority and from
which zoom: Russia's bases always and first, other sites from zoom
:data:`SITE_MIN_ZOOM`, cities always, towns from :data:`TOWN_MIN_ZOOM`. The
web map (CSS classes and declutter order), the standalone HTML export and the
static map all read it, so the screen and the exports name the same places.

On the static map placement is greedy:
each label tries a few spots around its point (right, left,
above, below, diagonals) and takes the first that collides with nothing placed
before it, nor with the map furniture; a label that fits nowhere is dropped.
Installations go first, so a base is never the one left unnamed because a town
took its room.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from layers.core.catalog import LayerSpec

if TYPE_CHECKING:  # matplotlib only for the static map: the web map's path never loads it
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.transforms import Bbox

#: Installation types in the order their names matter to a briefing.
_SITE_RANK = {"naval_base": 0, "air_base": 1, "airport": 2, "headquarters": 3, "garrison": 4,
              "military_police": 5, "port": 6}
#: (dx, dy) in points, horizontal and vertical alignment.
_SPOTS = ((6, 0, "left", "center"), (-6, 0, "right", "center"), (0, 6, "center", "bottom"),
          (0, -6, "center", "top"), (5, 5, "left", "bottom"), (-5, 5, "right", "bottom"),
          (5, -5, "left", "top"), (-5, -5, "right", "top"))
#: Site types of Russia's own bases, whose names are always on the map.
MAIN_SITE_TYPES = ("naval_base", "air_base")
#: Zoom from which towns (crossings, garrisons) and the lesser sites are named.
TOWN_MIN_ZOOM = 8
SITE_MIN_ZOOM = 8
#: Width (px) a static map is read at when its extent is turned into a zoom.
STATIC_WIDTH_PX = 640


@dataclass(frozen=True)
class LabelRule:
    """Whether and how a feature is named: group (a switch), priority, zoom, CSS class."""

    group: str
    rank: int
    min_zoom: int
    css: str


def label_rule(kind: str, props: Mapping[str, Any]) -> LabelRule | None:
    """How a feature of a layer of ``kind`` is named; ``None`` when it carries no name.

    Lower ranks win a collision: bases (0), other sites (1), cities (2),
    countries (3), towns (4).
    """
    if _present(props.get("map_label")):  # a measure's own figure: the analyst asked for it
        return LabelRule("measures", 0, 0, "bm-measure")
    if not str(props.get("name") or "").strip():
        return None
    if kind == "installations":
        if str(props.get("part") or "site") != "site":
            return None  # a base's outline and runways carry no second name
        if (str(props.get("operator") or "").startswith("Russian")
                and props.get("site_type") in MAIN_SITE_TYPES):
            return LabelRule("sites", 0, 0, "bm-site bm-site-main")
        return LabelRule("sites", 1, SITE_MIN_ZOOM, "bm-site")
    if kind == "places":
        place = str(props.get("place_type") or "town")
        if place == "city":
            return LabelRule("cities", 2, 0, "bm-place bm-place-city")
        safe = "".join(c for c in place if c.isalnum() or c in "-_") or "town"
        return LabelRule("towns", 4, TOWN_MIN_ZOOM, f"bm-place bm-place-{safe}")
    if kind == "countries":
        return LabelRule("countries", 3, 7, "bm-country")
    return None


def _present(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def map_label_points(frame: gpd.GeoDataFrame) -> list[tuple[str, float, float]]:
    """``(text, lon, lat)`` of each feature's ``map_label``: a line's midpoint, else inside.

    Range rings carry their radius, measured lines their distance and bearing.
    """
    if "map_label" not in frame.columns:
        return []
    out = []
    for text, geom in zip(frame["map_label"], frame.geometry.values, strict=True):
        if not _present(text) or geom is None or geom.is_empty:
            continue
        at = (geom.interpolate(0.5, normalized=True) if geom.geom_type.endswith("LineString")
              else geom.representative_point())
        out.append((str(text), float(at.x), float(at.y)))
    return out


def zoom_for_span(lon_span: float, width_px: float = STATIC_WIDTH_PX) -> float:
    """The web-map zoom that shows ``lon_span`` degrees across ``width_px`` pixels."""
    return math.log2(width_px * 360.0 / (256.0 * max(lon_span, 1e-9)))


@dataclass(frozen=True)
class Label:
    """A name to write next to a point."""

    text: str
    lon: float
    lat: float
    bold: bool = False
    size: float = 8.0
    color: str = "#1b1b1b"


def candidates(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]],
               extent: tuple[float, float, float, float]) -> list[Label]:
    """Labels for installation sites and key places, in placement order.

    One label per installation (its ``site`` point; the outline and runways of the
    same base carry no second name); cities always, towns only on a close-up.
    """
    minx, miny, maxx, maxy = extent
    zoom = zoom_for_span(maxx - minx)
    ranked: list[tuple[int, int, Label]] = []
    seen: set[str] = set()
    for spec, frame in layers:
        if spec.kind not in ("installations", "places"):
            continue
        for _, row in frame.iterrows():
            geom = row.geometry
            if geom is None or geom.geom_type != "Point":
                continue
            rule = label_rule(spec.kind, row)
            if rule is None or zoom < rule.min_zoom:
                continue
            key = f"{spec.kind}:{row.get('site_id') or row.get('name')}"
            if key in seen:
                continue
            seen.add(key)
            ranked.append((rule.rank, _SITE_RANK.get(str(row.get("site_type")), 9),
                           _label(spec.kind, rule, str(row.get("name", "")), geom)))
    for _spec, frame in layers:
        ranked.extend((-1, 0, Label(text, lon, lat, bold=True, size=8.0))
                      for text, lon, lat in map_label_points(frame))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return [lab for _, _, lab in ranked
            if lab.text and minx <= lab.lon <= maxx and miny <= lab.lat <= maxy]


def _label(kind: str, rule: LabelRule, text: str, geom: Any) -> Label:
    if kind == "installations":
        return Label(text, geom.x, geom.y, bold=True, size=8.0)
    return Label(text, geom.x, geom.y, size=8.0 if rule.group == "cities" else 7.0,
                 color="#333333")


def place_labels(ax: Axes, labels: Iterable[Label], renderer: RendererBase, *,
                 avoid: Sequence[Bbox] = ()) -> list[str]:
    """Write each label at the first free spot; return the texts placed.

    Parameters
    ----------
    avoid
        Display-space boxes no label may touch (scale bar, north arrow).
    """
    from matplotlib.transforms import Bbox  # here: the web map imports this module too

    labels = list(labels)
    frame = ax.get_window_extent(renderer)
    taken: list[Bbox] = list(avoid)
    pad = 3.0 * renderer.points_to_pixels(1.0)
    for lab in labels:  # a name never covers another labelled point
        x, y = ax.transData.transform((lab.lon, lab.lat))
        taken.append(Bbox.from_extents(x - pad, y - pad, x + pad, y + pad))
    placed: list[str] = []
    for lab in labels:
        for dx, dy, ha, va in _SPOTS:
            style = {"xytext": (dx, dy), "textcoords": "offset points", "ha": ha, "va": va,
                     "fontsize": lab.size, "fontweight": "bold" if lab.bold else "normal",
                     "annotation_clip": True}
            text = ax.annotate(lab.text, (lab.lon, lab.lat), color=lab.color, zorder=30,
                               **style)
            bbox = text.get_window_extent(renderer).expanded(1.04, 1.1)
            inside = (bbox.x0 >= frame.x0 and bbox.x1 <= frame.x1 and bbox.y0 >= frame.y0
                      and bbox.y1 <= frame.y1)
            if inside and not any(bbox.overlaps(b) for b in taken):
                taken.append(bbox)
                placed.append(lab.text)
                _halo(ax, lab, style)
                break
            text.remove()
    return placed


def _halo(ax: Axes, lab: Label, style: dict) -> None:
    """A white outline drawn under the label, as a separate artist.

    Path effects turn text into outlines in PDF and SVG; keeping the halo apart
    leaves the label itself as real text, which stays searchable and editable.
    """
    from matplotlib import patheffects

    ax.annotate(lab.text, (lab.lon, lab.lat), color="white", zorder=29.5,
                path_effects=[patheffects.Stroke(linewidth=2.6, foreground="white")],
                **style)
