"""Coordinate sanity checks: swapped axes and projected metres without a CRS.

These are the two mistakes analysts make most with hand-made files; both put the
data on the wrong continent, so each gets a message that names the likely cause.
"""

from __future__ import annotations

import numpy as np
from pyproj import Transformer

#: Syria plus a margin (lon/lat). Data mostly outside it deserves a look.
DEFAULT_REGION = (34.5, 31.0, 43.5, 38.5)

#: CRSs that hand-made files most often use without saying so, with a label.
_CANDIDATE_CRS = (("EPSG:3857", "Web Mercator metres (EPSG:3857)"),
                  ("EPSG:32637", "UTM zone 37N metres (EPSG:32637)"),
                  ("EPSG:32636", "UTM zone 36N metres (EPSG:32636)"))


#: How far past ±180/±90 a coordinate may stray and still be degrees (about 11 m): world
#: layers carry vertices at 180.0000019 from rounding in the tools that cut them.
DEGREE_SLACK = 1e-4


def in_degree_range(xy: np.ndarray, slack: float = DEGREE_SLACK) -> np.ndarray:
    """Per position: longitude within ±180 and latitude within ±90, give or take ``slack``."""
    return (np.abs(xy[:, 0]) <= 180 + slack) & (np.abs(xy[:, 1]) <= 90 + slack)


def _inside(xy: np.ndarray, region: tuple[float, float, float, float]) -> np.ndarray:
    minx, miny, maxx, maxy = region
    return (xy[:, 0] >= minx) & (xy[:, 0] <= maxx) & (xy[:, 1] >= miny) & (xy[:, 1] <= maxy)


def looks_swapped(xy: np.ndarray,
                  region: tuple[float, float, float, float] = DEFAULT_REGION) -> bool:
    """True when most points fall outside the region but inside it once x and y are swapped.

    A latitude beyond ±90 that is a valid longitude is the certain case; the region
    test catches the common case where both orders are legal numbers.
    """
    if len(xy) == 0:
        return False
    if np.any(np.abs(xy[:, 1]) > 90) and np.all(np.abs(xy[:, 0]) <= 90):
        return True
    inside = _inside(xy, region).mean()
    swapped = _inside(xy[:, ::-1], region).mean()
    return bool(inside < 0.5 and swapped > 0.8)


def guess_projected_crs(xy: np.ndarray,
                        region: tuple[float, float, float, float] = DEFAULT_REGION
                        ) -> str | None:
    """Name the projected CRS these coordinates most likely use, if any puts them in the region.

    Returns ``None`` when the numbers are degrees or when no candidate fits.
    """
    if len(xy) == 0 or np.all(in_degree_range(xy)):
        return None
    sample = xy[:: max(1, len(xy) // 500)]
    for crs, label in _CANDIDATE_CRS:
        transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        lon, lat = transformer.transform(sample[:, 0], sample[:, 1])
        pts = np.column_stack([lon, lat])
        if np.all(np.isfinite(pts)) and _inside(pts, region).mean() > 0.8:
            return label
    return "projected metres of an unknown CRS"
