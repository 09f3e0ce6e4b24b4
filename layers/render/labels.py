"""Labels on the static map: installations first, then key places, never overlapping.

Placement is greedy: each label tries a few spots around its point (right, left,
above, below, diagonals) and takes the first that collides with nothing placed
before it, nor with the map furniture; a label that fits nowhere is dropped.
Installations go first, so a base is never the one left unnamed because a town
took its room.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.transforms import Bbox

from layers.core.catalog import LayerSpec

#: Installation types in the order their names matter to a briefing.
_SITE_RANK = {"naval_base": 0, "air_base": 1, "airport": 2, "headquarters": 3, "garrison": 4,
              "military_police": 5, "port": 6}
#: (dx, dy) in points, horizontal and vertical alignment.
_SPOTS = ((6, 0, "left", "center"), (-6, 0, "right", "center"), (0, 6, "center", "bottom"),
          (0, -6, "center", "top"), (5, 5, "left", "bottom"), (-5, 5, "right", "bottom"),
          (5, -5, "left", "top"), (-5, -5, "right", "top"))
#: Lon span (degrees) below which towns are named as well as cities.
TOWN_LABEL_SPAN = 3.5


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
    sites: list[tuple[int, Label]] = []
    places: list[tuple[int, Label]] = []
    seen: set[str] = set()
    for spec, frame in layers:
        if spec.kind == "installations":
            for _, row in frame.iterrows():
                geom = row.geometry
                if geom is None or geom.geom_type != "Point" or row.get("part", "site") != "site":
                    continue
                key = str(row.get("site_id") or row.get("name"))
                if key in seen:
                    continue
                seen.add(key)
                rank = _SITE_RANK.get(str(row.get("site_type")), 9)
                sites.append((rank, Label(str(row.get("name", "")), geom.x, geom.y, bold=True,
                                          size=8.0)))
        elif spec.kind == "places":
            towns = (maxx - minx) < TOWN_LABEL_SPAN
            for _, row in frame.iterrows():
                geom = row.geometry
                kind = str(row.get("place_type", "town"))
                if geom is None or geom.geom_type != "Point":
                    continue
                if kind != "city" and not towns:
                    continue
                places.append((0 if kind == "city" else 1,
                               Label(str(row.get("name", "")), geom.x, geom.y,
                                     size=8.0 if kind == "city" else 7.0, color="#333333")))
    sites.sort(key=lambda t: t[0])
    places.sort(key=lambda t: t[0])
    inside = [lab for _, lab in (*sites, *places)
              if lab.text and minx <= lab.lon <= maxx and miny <= lab.lat <= maxy]
    return inside


def place_labels(ax: Axes, labels: Iterable[Label], renderer: RendererBase, *,
                 avoid: Sequence[Bbox] = ()) -> list[str]:
    """Write each label at the first free spot; return the texts placed.

    Parameters
    ----------
    avoid
        Display-space boxes no label may touch (scale bar, north arrow).
    """
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
    ax.annotate(lab.text, (lab.lon, lab.lat), color="white", zorder=29.5,
                path_effects=[patheffects.Stroke(linewidth=2.6, foreground="white")],
                **style)
