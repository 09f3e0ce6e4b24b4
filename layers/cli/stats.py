"""``python -m layers stats --date YYYY-MM-DD [--radius KM] [--json]``: the day's figures.

Area held per controller, each route's length and the kilometres it runs
through each controller's ground, the sites by status and, with ``--radius``,
what lies within that distance of each base still held.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from layers.analysis import measures as analysis
from layers.analysis.gazetteer import Gazetteer
from layers.core.loaded import LoadedLayers
from layers.core.timeline import parse_date
from layers.ingest.catalog_layers import load_catalog_layers

_share = analysis.share_figure  # one rounding, shared with the app and the exports
_pct = analysis.share_text


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    """Register the sub-command."""
    p = sub.add_parser(name, help="area per controller, route exposure and sites on a date",
                       description="Figures for one date; areas and lengths are geodesic on "
                       "WGS84. Zones are schematic: quote areas as approximate.")
    p.add_argument("--date", help="as-of date YYYY-MM-DD (default: the catalog's default date)")
    p.add_argument("--radius", type=float, metavar="KM",
                   help="also list places and ground within KM of each base still held")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=run)


def collect(loaded: LoadedLayers, day: str, radius_km: float | None = None) -> dict[str, Any]:
    """The figures of one date as a JSON-ready dict (also used by the tests)."""
    date = parse_date(day)
    zones = analysis.require_kind(loaded, "control_zones")
    areas = analysis.area_by_controller(zones, date)
    out: dict[str, Any] = {
        "date": date.isoformat(),
        "areas": [{"controller": r.controller,
                   "label": analysis.controller_label(loaded, r.controller),
                   "area_km2": round(r.area_km2, 1), "share_pct": _share(r.share_pct)}
                  for r in areas.itertuples()],
        "total_km2": round(float(areas["area_km2"].sum()), 1),
    }
    routes = analysis.frame_of_kind(loaded, "routes")
    out["routes"] = _routes(loaded, routes, zones, date) if routes is not None else []
    sites = analysis.frame_of_kind(loaded, "installations")
    if sites is not None:
        table = analysis.installations_by_status(sites, date)
        out["installations"] = {
            "by_status": {str(k): int(v) for k, v in
                          table["status"].value_counts(sort=False).items()},
            "sites": [{"site_id": r.site_id, "name": r.name, "status": r.status,
                       "site_type": r.site_type, "lat": r.lat, "lon": r.lon}
                      for r in table.itertuples()]}
        if radius_km:
            out["within"] = _within(loaded, sites, zones, date, radius_km)
    return out


def _routes(loaded: LoadedLayers, routes, zones, date) -> list[dict[str, Any]]:
    exposure = analysis.route_exposure(routes, zones, date)
    result = []
    for rid, group in exposure.groupby("id", sort=False):
        first = group.iloc[0]
        result.append({"id": rid, "route_id": first.route_id, "name": first["name"],
                       "mode": first["mode"], "length_km": round(first.length_km, 2),
                       "exposure": [{"controller": r.controller,
                                     "label": analysis.controller_label(loaded, r.controller),
                                     "km": round(r.km, 2), "share_pct": _share(r.share_pct)}
                                    for r in group.itertuples()]})
    return result


def _within(loaded: LoadedLayers, sites, zones, date, radius_km: float) -> list[dict[str, Any]]:
    gazetteer = Gazetteer.from_loaded(loaded)
    result = []
    for base in analysis.bases(sites, date).itertuples():
        near = analysis.within_radius(base.lat, base.lon, radius_km, gazetteer,
                                      exclude_site=base.site_id)
        ground = analysis.ring_territory(base.lat, base.lon, radius_km, zones, date)
        result.append({
            "site_id": base.site_id, "name": base.name, "status": base.status,
            "radius_km": radius_km,
            "places": [{"name": r.name, "layer": r.layer, "km": round(r.km, 1),
                        "bearing_deg": round(r.bearing, 1)} for r in near.itertuples()],
            "territory": [{"controller": r.controller,
                           "label": analysis.controller_label(loaded, r.controller),
                           "area_km2": round(r.area_km2, 1), "share_pct": _share(r.share_pct)}
                          for r in ground.itertuples()]})
    return result


def _print_text(stats: dict[str, Any]) -> None:
    print(f"Figures for {stats['date']} (zones schematic; areas geodesic, WGS84)")
    print("\nArea held")
    for row in stats["areas"]:
        print(f"  {row['label']:<36} {row['area_km2']:>11,.0f} km²  {_pct(row['share_pct']):>7}")
    print(f"  {'total':<36} {stats['total_km2']:>11,.0f} km²")
    print("\nRoutes on this date" + ("" if stats["routes"] else ": none"))
    for route in stats["routes"]:
        print(f"  {route['name']} ({route['mode']}): {route['length_km']:,.1f} km")
        for piece in route["exposure"]:
            share = _pct(piece["share_pct"])
            print(f"    {piece['label']:<38} {piece['km']:>8,.1f} km  {share:>7}")
    inst = stats.get("installations")
    if inst:
        counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in inst["by_status"].items())
        print(f"\nSites by status: {counts}")
        for site in inst["sites"]:
            print(f"  {site['status']:<13} {site['name']}")
    for base in stats.get("within", []):
        print(f"\nWithin {base['radius_km']:g} km of {base['name']} ({base['status']}):")
        for place in base["places"]:
            bearing = f"{place['bearing_deg']:5.1f}°" if place["km"] >= 0.05 else "    —"
            print(f"  {place['name']:<36} {place['km']:>6.1f} km  {bearing}")
        ground = "; ".join(f"{t['label']} {t['area_km2']:,.0f} km²" for t in base["territory"])
        print(f"  ground: {ground}")


def run(args: argparse.Namespace) -> int:
    """Compute and print the figures."""
    loaded = load_catalog_layers()
    day = args.date or loaded.catalog.default_date
    if args.radius is not None and not args.radius > 0:
        print("error: --radius must be a positive number of km", file=sys.stderr, flush=True)
        return 2
    stats = collect(loaded, day, args.radius)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        _print_text(stats)
    return 0
