"""Reference grids drawn on the static map: the MGRS grid or the graticule, or neither.

The frame's edges always carry degree ticks (a position can be read off any
page); the choice is what is drawn across the map. With MGRS the 100 km squares
carry their letters, and on a frame of 300 km or less the 10 km lines are drawn
too, numbered at the bottom and left edges as on a printed military map.
"""

from __future__ import annotations

import math

from matplotlib import patheffects
from matplotlib.axes import Axes

from layers.geo import mgrs_grid
from layers.render.cartography import Extent, draw_graticule

GRID_COLOR = "#3b4a66"


def draw_grid(ax: Axes, extent: Extent, grid: str) -> dict[str, int]:
    """Draw the chosen grid; return what was drawn (counts), for tests and the caller.

    ``graticule`` is the degree grid; ``mgrs`` the military grid over degree ticks;
    ``none`` leaves the ticks only.
    """
    draw_graticule(ax, extent)
    if grid == "graticule":
        return {"graticule": 1}
    ax.grid(False)
    if grid != "mgrs":
        return {}
    return draw_mgrs(ax, extent)


def _text(ax: Axes, x: float, y: float, text: str, **style) -> None:
    """A grid label over a white halo drawn as its own artist.

    Path effects turn text into outlines in PDF and SVG; with the halo apart the
    label stays real text, searchable in the PDF and editable in the SVG.
    """
    gid = style.pop("gid")
    ax.text(x, y, text, color="white", zorder=11.9, clip_on=True,
            path_effects=[patheffects.Stroke(linewidth=2.2, foreground="white")], **style)
    ax.text(x, y, text, color=GRID_COLOR, zorder=12, clip_on=True, gid=gid, **style)


def draw_mgrs(ax: Axes, extent: Extent) -> dict[str, int]:
    """100 km squares with their letters; 10 km lines with their numbers on a small frame."""
    step = mgrs_grid.mgrs_step(extent)
    counts = {"squares": 0, "lines": 0}
    if step < 100_000:
        for line in mgrs_grid.grid_lines(extent, step):
            if line.value % 100_000 == 0:
                continue
            _plot(ax, line.geometry, 0.35, 0.55)
            counts["lines"] += 1
            _edge_label(ax, line, extent)
    for line in mgrs_grid.grid_lines(extent, 100_000):
        _plot(ax, line.geometry, 0.8, 0.8)
        counts["lines"] += 1
    for square in mgrs_grid.grid_squares(extent, 100_000):
        piece = square.geometry
        if piece.area < 0.04 * _cell_area(extent, step=100_000):
            continue
        spot = piece.representative_point()
        _text(ax, spot.x, spot.y, square.label, ha="center", va="center", fontsize=7.5,
              gid="mgrs-square")
        counts["squares"] += 1
    return counts


def _cell_area(extent: Extent, *, step: float) -> float:
    """Rough area in square degrees of a grid square (for skipping slivers at zone edges)."""
    lat = (extent[1] + extent[3]) / 2
    return (step / 111_320 / max(math.cos(math.radians(lat)), 0.1)) * (step / 110_570)


def _plot(ax: Axes, geom, width: float, alpha: float) -> None:
    for part in getattr(geom, "geoms", [geom]):
        xs, ys = part.xy
        ax.plot(xs, ys, color=GRID_COLOR, linewidth=width, alpha=alpha, zorder=11,
                solid_capstyle="butt", gid="mgrs-line")


def _edge_label(ax: Axes, line: mgrs_grid.GridLine, extent: Extent) -> None:
    """Number a 10 km line where it meets the bottom (eastings) or left edge (northings)."""
    minx, miny, maxx, maxy = extent
    coords = [c for part in getattr(line.geometry, "geoms", [line.geometry])
              for c in part.coords]
    if line.axis == "E":
        x, y = min(coords, key=lambda c: c[1])
        if y > miny + 0.02 * (maxy - miny):
            return
        _text(ax, x, miny + 0.012 * (maxy - miny), line.label, ha="center", va="bottom",
              fontsize=6, gid="mgrs-num")
    else:
        x, y = min(coords, key=lambda c: c[0])
        if x > minx + 0.02 * (maxx - minx):
            return
        _text(ax, minx + 0.008 * (maxx - minx), y, line.label, ha="left", va="center",
              fontsize=6, gid="mgrs-num")
