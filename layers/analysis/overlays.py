"""Analysis results as map layers: range rings, a measured line, changed ground, a second date.

Each builder returns an :class:`~layers.core.view.Overlay` (its own spec and frame),
so the web map, the static map and every export draw it like a catalog layer.
Frames carry no ``valid_from``: an analysis layer is shown whatever the date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import LineString

from layers.analysis.territory import territory_diff, zones_by_controller
from layers.core.catalog import LayerSpec, label_for
from layers.core.view import Overlay
from layers.geo.geodesy import densify, geodesic_circle, measure

RING_COLORS = ("#d62828", "#f77f00", "#6a4c93", "#1982c4", "#2b9348", "#495057")
MEASURE_COLOR = "#111111"
#: Dash of the second date's outlines: clearly not the map's own zones.
COMPARE_DASH = "8 5"


def _spec(layer_id: str, title: str, geometry: str, style: dict, description: str,
          attribution: str = "Computed in the app (geodesic, WGS84)") -> LayerSpec:
    return LayerSpec(id=layer_id, title=title, path=Path(), kind="generic", geometry=geometry,
                     visible=True, style=style, attribution=attribution,
                     description=description)


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


def rings_overlay(name: str, lat: float, lon: float, radii_km: Sequence[float], *,
                  layer_id: str = "analysis-rings") -> Overlay:
    """Range rings around a point: true geodesic circles, drawn as lines.

    Lines rather than discs, so the rings never cover the features inside them
    (a filled disc would catch every hover and click within it).
    """
    radii = sorted({float(r) for r in radii_km if r and r > 0})
    labels = [f"{r:g} km" for r in radii]
    rows = [{"id": f"ring-{r:g}", "name": f"{r:g} km from {name}", "ring": label,
             "radius_km": r, "map_label": label, "confidence": "high",
             "source": "Geodesic circle on the WGS84 ellipsoid",
             "geometry": LineString(geodesic_circle(lat, lon, r).exterior.coords)}
            for r, label in zip(radii, labels, strict=True)]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    colors = {label: RING_COLORS[i % len(RING_COLORS)] for i, label in enumerate(labels)}
    style = {"by": "ring", "colors": colors, "labels": {v: f"{v} ring" for v in labels},
             "weight": 2, "dash": dict.fromkeys(labels, "10 6")}
    return Overlay(_spec(layer_id, f"Range rings: {name}", "line", style,
                         "Every point of a ring is that distance from the centre."), frame)


def measure_overlay(a_label: str, a: tuple[float, float], b_label: str,
                    b: tuple[float, float], *, layer_id: str = "analysis-measure") -> Overlay:
    """The geodesic between two (lat, lon) points, densified so it is drawn as flown."""
    result = measure(*a, *b)
    line = densify(LineString([(a[1], a[0]), (b[1], b[0])]), 2.0)
    name = f"{a_label} → {b_label}: {result.km:,.1f} km, {result.bearing:.0f}° ({result.compass})"
    frame = gpd.GeoDataFrame([{"id": "measure", "name": name, "kind": "measure",
                               "km": round(result.km, 2), "bearing": round(result.bearing, 1),
                               "map_label": f"{result.km:,.1f} km · {result.bearing:03.0f}°",
                               "confidence": "high", "source": "Geodesic on WGS84",
                               "geometry": line}], geometry="geometry", crs="EPSG:4326")
    style = {"by": "kind", "colors": {"measure": MEASURE_COLOR},
             "labels": {"measure": "Measured distance"}, "weight": 3,
             "dash": {"measure": "2 6"}}
    return Overlay(_spec(layer_id, "Measured distance", "line", style,
                         "Shortest path on the ellipsoid between the two points."), frame)


def change_overlay(zones: gpd.GeoDataFrame, zone_spec: LayerSpec, day1: dt.date,
                   day2: dt.date, *, layer_id: str = "analysis-change") -> Overlay:
    """Ground that changed hands between two dates, coloured by who gained it."""
    moves = territory_diff(zones, day1, day2)
    label = lambda code: label_for(zone_spec, code)  # noqa: E731
    frame = gpd.GeoDataFrame({
        "id": moves["id"], "name": [f"{label(a)} → {label(b)}" for a, b in
                                    zip(moves["from_controller"], moves["to_controller"],
                                        strict=True)],
        "gained_by": moves["to_controller"], "lost_by": moves["from_controller"],
        "area_km2": moves["area_km2"].round(1), "confidence": "medium",
        "source": f"Zones of {_day(day1)} and {_day(day2)} compared (schematic zones)"},
        geometry=moves.geometry, crs="EPSG:4326")
    colors = dict((zone_spec.style or {}).get("colors", {}))
    style = {"by": "gained_by", "colors": colors, "fill_opacity": 0.7, "weight": 2,
             "labels": {c: f"Gained by {label(c)}" for c in colors},
             "dash": dict.fromkeys(colors, "4 4")}
    title = f"Changed hands {_day(day1)} → {_day(day2)}"
    return Overlay(_spec(layer_id, title, "polygon", style,
                         "Ground held by one side on the first date and another on the second, "
                         "coloured by the side that gained it.", zone_spec.attribution), frame)


def zones_outline_overlay(zones: gpd.GeoDataFrame, zone_spec: LayerSpec, day: dt.date, *,
                          layer_id: str = "analysis-compare") -> Overlay:
    """Another date's zones as dashed outlines, to compare with the map's date side by side."""
    merged = zones_by_controller(zones, day)
    rows = [{"id": f"compare-{c}", "name": f"{label_for(zone_spec, c)} on {_day(day)}",
             "controller": c, "confidence": "high",
             "source": f"Zones of {_day(day)} (schematic)",
             "geometry": shapely.normalize(shapely.boundary(g))}
            for c, g in merged.items()]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    colors = dict((zone_spec.style or {}).get("colors", {}))
    style = {"by": "controller", "colors": colors, "weight": 3,
             "labels": dict((zone_spec.style or {}).get("labels", {})),
             "dash": dict.fromkeys(colors, COMPARE_DASH)}
    return Overlay(_spec(layer_id, f"Zones on {_day(day)}", "line", style,
                         f"Outlines of who held what on {_day(day)}, over the map's date.",
                         zone_spec.attribution), frame)
