"""Geodesic buffers and measured areas, as layers labelled with their size.

A buffer of 50 km around a base, a road or a drawn area must be 50 km on the
ground, not 0.45° (which over Syria is 41 km east–west and 50 km north–south).
Points get a true geodesic circle; lines and polygons are buffered in an
azimuthal equidistant projection centred on the feature, where distances from
the centre are exact and others are off by under 0.05 % within 300 km of it, then
brought back to lon/lat. Areas are measured on the WGS84 ellipsoid.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point

from layers.core.catalog import LayerSpec
from layers.core.view import Overlay
from layers.geo.geodesy import densify, geodesic_area_km2, geodesic_circle, line_length_km

BUFFER_COLOR = "#8e44ad"
#: Buffers beyond this are not local any more: the projection's error would show.
MAX_BUFFER_KM = 1000.0


def geodesic_buffer(geom: shapely.Geometry, km: float) -> shapely.Geometry:
    """The area within ``km`` of a geometry (lon/lat in and out), measured on the ground.

    Raises
    ------
    ValueError
        For a distance that is not positive or over :data:`MAX_BUFFER_KM`, or an
        empty geometry.
    """
    if not (0 < km <= MAX_BUFFER_KM):
        raise ValueError(f"buffer distance must be over 0 and at most {MAX_BUFFER_KM:g} km, "
                         f"got {km!r}.")
    if geom is None or geom.is_empty:
        raise ValueError("cannot buffer an empty geometry; draw or pick a feature first.")
    if isinstance(geom, Point):
        return geodesic_circle(geom.y, geom.x, km)
    centre = geom.centroid
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 "
                          "+units=m +no_defs")
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    local = shapely.transform(densify_any(geom), lambda xy: _apply(fwd, xy))
    grown = local.buffer(km * 1000.0, quad_segs=32)
    return shapely.transform(shapely.segmentize(grown, km * 1000.0 / 16),
                             lambda xy: _apply(inv, xy))


def densify_any(geom: shapely.Geometry, max_segment_km: float = 5.0) -> shapely.Geometry:
    """Lines densified along geodesics; polygon rings too (their edges are geodesics here)."""
    if geom.geom_type in ("LineString", "MultiLineString"):
        return densify(geom, max_segment_km)
    return shapely.segmentize(geom, max_segment_km / 111.0)


def _apply(transformer: Transformer, xy):
    import numpy as np

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def size_label(geom: shapely.Geometry) -> str:
    """What a measured feature says about itself: area and perimeter, or length."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        area = geodesic_area_km2(geom)
        perimeter = line_length_km(geom.boundary)
        return f"{area:,.0f} km², perimeter {perimeter:,.0f} km" if area >= 100 else \
            f"{area:,.2f} km², perimeter {perimeter:,.1f} km"
    if geom.geom_type in ("LineString", "MultiLineString"):
        return f"{line_length_km(geom):,.1f} km long"
    return "a point"


def buffer_overlay(name: str, geom: shapely.Geometry, km: float, *,
                   layer_id: str | None = None) -> Overlay:
    """A buffer around a site, a place or a drawn feature, as a layer labelled with its size.

    The feature's name says the distance and the area covered, so the label on the
    map and the legend of an export carry the size.
    """
    zone = geodesic_buffer(geom, km)
    area = geodesic_area_km2(zone)
    label = f"Within {km:g} km of {name}: {area:,.0f} km²"
    frame = gpd.GeoDataFrame([{"id": f"buffer-{km:g}", "name": label, "buffer_km": km,
                               "area_km2": round(area, 1), "confidence": "high",
                               "source": "Geodesic buffer on the WGS84 ellipsoid",
                               "geometry": zone}], geometry="geometry", crs="EPSG:4326")
    style = {"color": BUFFER_COLOR, "fill_opacity": 0.08, "weight": 2}
    spec = LayerSpec(id=layer_id or f"buffer-{_slug(name)}-{km:g}", title=label, path=Path(),
                     kind="generic", geometry="polygon", visible=True, style=style,
                     attribution="Computed in the app (geodesic, WGS84)",
                     description=f"Every point within {km:g} km of {name} on the ground.")
    return Overlay(spec, frame)


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:30] or "feature"
