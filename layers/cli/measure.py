"""``python -m layers measure A B``: geodesic distance and bearing between two points.

A and B are each a feature id, a place or site name (any spelling the gazetteer
knows), or a position (``lat,lon``, DMS or MGRS).
"""

from __future__ import annotations

import argparse
import json

from layers.analysis.gazetteer import Gazetteer, Located
from layers.geo.coords import CoordinateError, format_decimal, format_dms, parse_latlon, to_mgrs
from layers.geo.geodesy import measure

#: Nautical miles per km, for air and sea legs.
NM_PER_KM = 1 / 1.852


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    """Register the sub-command."""
    p = sub.add_parser(name, help="distance (km) and initial bearing between two points",
                       description="A and B: a feature id, a place or site name, or 'lat,lon' "
                       "(also DMS or MGRS). Distances are geodesic on WGS84.")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def _locate(text: str, gazetteer: list[Gazetteer]) -> Located:
    try:
        lat, lon = parse_latlon(text)
    except CoordinateError:
        if not gazetteer:
            from layers.ingest.catalog_layers import load_catalog_layers

            gazetteer.append(Gazetteer.from_loaded(load_catalog_layers()))
        return gazetteer[0].resolve(text)
    return Located(format_decimal(lat, lon), lat, lon, "coordinates")


def _point(loc: Located) -> dict[str, object]:
    return {"name": loc.label, "found_by": loc.how, "lat": round(loc.lat, 6),
            "lon": round(loc.lon, 6), "dms": format_dms(loc.lat, loc.lon),
            "mgrs": to_mgrs(loc.lat, loc.lon)}


def run(args: argparse.Namespace) -> int:
    """Resolve both points, measure, print."""
    gazetteer: list[Gazetteer] = []  # loaded only when a name has to be looked up
    a, b = _locate(args.a, gazetteer), _locate(args.b, gazetteer)
    result = measure(a.lat, a.lon, b.lat, b.lon)
    if args.json:
        print(json.dumps({"from": _point(a), "to": _point(b), "km": round(result.km, 3),
                          "nautical_miles": round(result.km * NM_PER_KM, 3),
                          "initial_bearing_deg": round(result.bearing, 2),
                          "compass": result.compass,
                          "back_bearing_deg": round(result.back_bearing, 2),
                          "method": "geodesic, WGS84 ellipsoid (pyproj.Geod)"},
                         ensure_ascii=False, indent=2))
        return 0
    width = max(len(a.label), len(b.label))
    for tag, loc in (("from", a), ("to", b)):
        print(f"{tag + ':':5} {loc.label:<{width}}  {format_decimal(loc.lat, loc.lon)}  "
              f"({format_dms(loc.lat, loc.lon)}; MGRS {to_mgrs(loc.lat, loc.lon)})")
    print(f"distance: {result.km:,.2f} km ({result.km * NM_PER_KM:,.2f} NM), geodesic on WGS84")
    print(f"initial bearing: {result.bearing:.1f}° ({result.compass}); "
          f"back bearing {result.back_bearing:.1f}°")
    return 0
