"""``python -m layers diff D1 D2 [--json] [--out FILE.geojson]``: ground that changed hands.

For each controller: area on both dates, ground gained and lost (km²); and
each piece of ground that went from one controller to another, which ``--out``
writes as a GeoJSON layer to open in QGIS or upload back into the app.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from layers.analysis import measures as analysis
from layers.core.loaded import LoadedLayers
from layers.core.timeline import parse_date
from layers.errors import ExportError
from layers.ingest.catalog_layers import load_catalog_layers


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    """Register the sub-command."""
    p = sub.add_parser(name, help="ground gained and lost by each controller between two dates",
                       description="Areas are geodesic km² on WGS84; zones are schematic.")
    p.add_argument("day1", metavar="D1", help="first date YYYY-MM-DD")
    p.add_argument("day2", metavar="D2", help="second date YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="write the changed ground as a GeoJSON layer")
    p.set_defaults(func=run)


def collect(loaded: LoadedLayers, day1: str, day2: str) -> dict[str, Any]:
    """The change between two dates as a JSON-ready dict (also used by the tests)."""
    d1, d2 = parse_date(day1), parse_date(day2)
    zones = analysis.require_kind(loaded, "control_zones")
    summary = analysis.diff_summary(zones, d1, d2)
    moves = analysis.territory_diff(zones, d1, d2)
    label = lambda code: analysis.controller_label(loaded, code)  # noqa: E731
    return {
        "from": d1.isoformat(), "to": d2.isoformat(),
        "controllers": [{"controller": r.controller, "label": label(r.controller),
                         "area_1_km2": round(r.area_1_km2, 1), "area_2_km2": round(r.area_2_km2, 1),
                         "gained_km2": round(r.gained_km2, 1), "lost_km2": round(r.lost_km2, 1),
                         "net_km2": round(r.net_km2, 1)} for r in summary.itertuples()],
        "transitions": [{"from": r.from_controller, "to": r.to_controller,
                         "from_label": label(r.from_controller), "to_label": label(r.to_controller),
                         "area_km2": round(r.area_km2, 1)} for r in moves.itertuples()],
        "changed_km2": round(float(moves["area_km2"].sum()), 1),
    }


def _write_layer(loaded: LoadedLayers, day1: str, day2: str, out: Path) -> int:
    zones = analysis.require_kind(loaded, "control_zones")
    moves = analysis.territory_diff(zones, day1, day2)
    moves = moves.assign(source="python -m layers diff "
                         f"{day1} {day2} (derived from schematic control zones)",
                         confidence="medium", approximate=True,
                         area_km2=moves["area_km2"].round(1))
    try:
        out.write_text(moves.to_json(drop_id=True, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}. Fix: choose a folder "
                          "you can write to.") from None
    return len(moves)


def _print_text(result: dict[str, Any]) -> None:
    print(f"Change of control {result['from']} → {result['to']} (km², geodesic; zones "
          "schematic)")
    print(f"  {'controller':<36} {'on ' + result['from']:>14} {'on ' + result['to']:>14} "
          f"{'gained':>10} {'lost':>10} {'net':>10}")
    for r in result["controllers"]:
        print(f"  {r['label']:<36} {r['area_1_km2']:>14,.0f} {r['area_2_km2']:>14,.0f} "
              f"{r['gained_km2']:>10,.0f} {r['lost_km2']:>10,.0f} {r['net_km2']:>+10,.0f}")
    print(f"\nGround that changed hands: {result['changed_km2']:,.0f} km²")
    for t in result["transitions"]:
        print(f"  {t['from_label']} → {t['to_label']}: {t['area_km2']:,.0f} km²")


def run(args: argparse.Namespace) -> int:
    """Compute, print, and write the layer if asked."""
    loaded = load_catalog_layers()
    result = collect(loaded, args.day1, args.day2)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_text(result)
    if args.out is not None:
        count = _write_layer(loaded, args.day1, args.day2, args.out)
        print(f"wrote {count} changed area(s) to {args.out}",
              file=sys.stderr if args.json else sys.stdout, flush=True)
    return 0
