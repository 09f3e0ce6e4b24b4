"""Map furniture for the static map: extent and aspect, scale bar, north arrow, graticule.

The static map is drawn in plate carrée (longitude, latitude as x, y) with the
axes' aspect set to ``1 / cos(latitude)`` at the centre of the frame, so a
kilometre is as long east–west as north–south there. Over Syria (32–37.5° N) the
east–west scale then drifts by at most ±3 % from top to bottom, which is why the
scale bar is measured geodesically *at its own latitude* and says so: an analyst
who measures on the printed page with a ruler gets the right number where the
bar is.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter

from layers.geo.geodesy import GEOD

Extent = tuple[float, float, float, float]

#: Scale-bar lengths an analyst reads at a glance.
_NICE_KM = (0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000,
            2000, 5000)
#: Graticule steps in degrees.
_NICE_DEG = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0,
             15.0, 30.0, 45.0, 90.0)
#: Plate carrée with a cos(latitude) aspect is no map of the poles: frames stop here.
MAX_LAT = 80.0


def aspect_for(extent: Extent) -> float:
    """Axes aspect (y units per x unit on screen) that makes a km equal both ways.

    At latitude φ a degree of longitude is cos φ times as long as a degree of
    latitude, so one degree of y must be drawn 1 / cos φ times as long as one of x.
    """
    lat = (extent[1] + extent[3]) / 2
    return 1.0 / math.cos(math.radians(lat))


def fit_extent(extent: Extent, width_in: float, height_in: float) -> Extent:
    """Grow ``extent`` about its centre so it fills a box of this shape exactly.

    The requested extent stays wholly visible; only the short side grows. This
    keeps the frame full (no white bands) and the aspect true.
    """
    minx, miny, maxx, maxy = extent
    miny, maxy = max(miny, -MAX_LAT), min(maxy, MAX_LAT)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    coslat = math.cos(math.radians(cy))
    w_deg, h_deg = maxx - minx, maxy - miny
    target = width_in / height_in  # ground width / ground height wanted
    if w_deg * coslat / h_deg < target:
        w_deg = h_deg * target / coslat
    else:
        h_deg = w_deg * coslat / target
    if h_deg > 2 * MAX_LAT:  # a frame wider than the world: keep the shape, drop some longitude
        h_deg = 2 * MAX_LAT
        w_deg = h_deg * target / coslat
    cy = min(max(cy, -MAX_LAT + h_deg / 2), MAX_LAT - h_deg / 2)
    return (cx - w_deg / 2, cy - h_deg / 2, cx + w_deg / 2, cy + h_deg / 2)


def km_per_degree_lon(lat: float, lon: float = 0.0) -> float:
    """Length of one degree of longitude along the parallel at ``lat`` (WGS84 ellipsoid)."""
    _, _, metres = GEOD.inv(lon, lat, lon + 1.0, lat)
    return metres / 1000.0


def degrees_for_km(km: float, lon: float, lat: float) -> float:
    """Longitude span that measures ``km`` on the ellipsoid, starting at (lon, lat) eastward.

    Solved by one Newton step from the per-degree length; the result is within a
    metre for any bar length used on a map.
    """
    dlon = km / km_per_degree_lon(lat, lon)
    _, _, metres = GEOD.inv(lon, lat, lon + dlon, lat)
    return dlon * (km * 1000.0) / metres


def nice_length_km(extent: Extent, fraction: float = 0.2) -> float:
    """A round scale-bar length close to ``fraction`` of the frame's width."""
    minx, miny, maxx, maxy = extent
    lat = miny + 0.06 * (maxy - miny)
    width_km = km_per_degree_lon(lat) * (maxx - minx)
    wanted = width_km * fraction
    return min(_NICE_KM, key=lambda k: abs(math.log(k / wanted)))


def corner_box(extent: Extent, corner: str, w: float = 0.3, h: float = 0.16) -> Extent:
    """The lon/lat box of a corner of the frame, ``w`` and ``h`` as fractions of it."""
    minx, miny, maxx, maxy = extent
    dx, dy = w * (maxx - minx), h * (maxy - miny)
    x0 = minx if "left" in corner else maxx - dx
    y0 = miny if "lower" in corner else maxy - dy
    return (x0, y0, x0 + dx, y0 + dy)


def draw_scale_bar(ax: Axes, extent: Extent, *, corner: str = "lower left",
                   fontsize: float = 7.5) -> dict[str, float]:
    """Draw a two-segment scale bar in a lower corner of the map.

    The bar's length in degrees of longitude is solved on the WGS84 ellipsoid at
    the bar's own latitude, so it is exact where it is drawn.

    Returns
    -------
    dict
        ``km`` (bar length), ``lon0``, ``lon1`` and ``lat`` of the bar in map
        coordinates, so tests can check the bar against the ellipsoid.
    """
    minx, miny, maxx, maxy = extent
    w, hgt = maxx - minx, maxy - miny
    km = nice_length_km(extent)
    lat = miny + 0.07 * hgt
    dlon = degrees_for_km(km, minx + w / 2, lat)
    unit_w = 0.035 * w  # room for "km" right of the bar
    lon0 = minx + 0.04 * w if "left" in corner else maxx - 0.04 * w - unit_w - dlon
    h = 0.012 * hgt
    pad_x, pad_y = 0.012 * w, 0.018 * hgt
    ax.add_patch(FancyBboxPatch((lon0 - pad_x, lat - 2.6 * h - pad_y),
                                dlon + unit_w + 2 * pad_x, 6.2 * h + 2 * pad_y,
                                boxstyle="square,pad=0",
                                facecolor="white", edgecolor="#888888", linewidth=0.4,
                                alpha=0.85, zorder=20))
    for i in range(2):
        ax.add_patch(Rectangle((lon0 + i * dlon / 2, lat), dlon / 2, h,
                               facecolor="#222222" if i == 0 else "white",
                               edgecolor="#222222", linewidth=0.6, zorder=21,
                               gid=f"scalebar-{i}"))
    for x, text in ((lon0, "0"), (lon0 + dlon / 2, _fmt_km(km / 2)),
                    (lon0 + dlon, _fmt_km(km))):
        ax.text(x, lat + 1.6 * h, text, ha="center", va="bottom", fontsize=fontsize,
                zorder=22)
    ax.text(lon0 + dlon + 0.25 * unit_w, lat + h / 2, "km", ha="left", va="center",
            fontsize=fontsize, zorder=22, gid="scalebar-unit")
    ax.text(lon0 + dlon / 2, lat - 0.5 * h, f"true at {abs(lat):.1f}° {'N' if lat >= 0 else 'S'}",
            ha="center", va="top", fontsize=fontsize - 1.5, color="#444444", zorder=22)
    return {"km": km, "lon0": lon0, "lon1": lon0 + dlon, "lat": lat}


def _fmt_km(km: float) -> str:
    return f"{km:g}"


def draw_north_arrow(ax: Axes, extent: Extent, *, corner: str = "upper right") -> None:
    """A north arrow in an upper corner.

    In plate carrée every meridian is vertical, so grid north and true north are
    the same direction everywhere on the map: the arrow points straight up.
    """
    minx, miny, maxx, maxy = extent
    w, h = maxx - minx, maxy - miny
    cx = maxx - 0.045 * w if "right" in corner else minx + 0.045 * w
    top = maxy - 0.05 * h
    length = 0.075 * h
    half = length * 0.32 / aspect_for(extent)  # same look whatever the aspect
    tip, base = (cx, top), top - length
    notch = base + 0.28 * length
    ax.add_patch(Polygon([tip, (cx - half, base), (cx, notch)], closed=True,
                         facecolor="#222222", edgecolor="#222222", linewidth=0.6, zorder=21,
                         gid="north-arrow"))
    ax.add_patch(Polygon([tip, (cx + half, base), (cx, notch)], closed=True,
                         facecolor="white", edgecolor="#222222", linewidth=0.6, zorder=21))
    ax.text(cx, base - 0.012 * h, "N", ha="center", va="top", fontsize=11,
            fontweight="bold", zorder=22)


def graticule_step(span: float, target_lines: int = 6) -> float:
    """Degree step giving about ``target_lines`` graticule lines across ``span``."""
    wanted = span / target_lines
    return min(_NICE_DEG, key=lambda s: abs(math.log(s / wanted)))


def _ticks(lo: float, hi: float, step: float) -> list[float]:
    first = math.ceil(lo / step - 1e-9) * step
    out = []
    value = first
    while value <= hi + 1e-9:
        out.append(round(value, 6))
        value += step
    return out


def format_degrees(value: float, axis: str, step: float) -> str:
    """``36°E``, ``35.5°N``: as many decimals as the step needs, hemisphere letter."""
    decimals = next(d for d in range(7) if abs(step * 10**d - round(step * 10**d)) < 1e-6)
    hemi = ("E" if value >= 0 else "W") if axis == "x" else ("N" if value >= 0 else "S")
    return f"{abs(value):.{decimals}f}°{hemi}"


def draw_graticule(ax: Axes, extent: Extent, *, fontsize: float = 7.5) -> float:
    """Graticule lines every few degrees, labelled on the frame (bottom and left).

    Returns
    -------
    float
        The step in degrees.
    """
    minx, miny, maxx, maxy = extent
    step = graticule_step(max(maxx - minx, maxy - miny))
    xt, yt = _ticks(minx, maxx, step), _ticks(miny, maxy, step)
    ax.xaxis.set_major_locator(FixedLocator(xt))
    ax.yaxis.set_major_locator(FixedLocator(yt))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_degrees(v, "x", step)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_degrees(v, "y", step)))
    ax.tick_params(axis="both", labelsize=fontsize, length=3, width=0.6, color="#444444",
                   direction="out", top=True, right=True, labeltop=False, labelright=False)
    ax.grid(True, color="#5c6770", linewidth=0.35, alpha=0.45, linestyle=(0, (4, 3)))
    ax.set_axisbelow(False)
    return step
