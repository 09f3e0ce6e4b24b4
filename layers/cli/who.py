"""``python -m layers who PLACE_OR_COORDS --date D``: who held a place on a date.

PLACE_OR_COORDS is a place or site name (any spelling the gazetteer knows: "Hmeimim",
"Deir ezzor"), a feature id, or a position (``lat,lon``, DMS or MGRS). The answer is the
controller, since when and until when, the source and the confidence of the zone, read
by :func:`layers.analysis.who.who_held` — the function the app's box uses too.
"""

from __future__ import annotations

import argparse
import json

from layers.analysis.gazetteer import Gazetteer, Located
from layers.analysis.who import NEAREST_KM, Holding, describe, who_held
from layers.core.catalog import label_for
from layers.core.loaded import LoadedLayers
from layers.errors import LayersError


class NoZonesError(LayersError, LookupError):
    """The catalog has no control-zones layer that loaded."""


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    """Register the sub-command."""
    p = sub.add_parser(name, help="who held a place on a date (controller, since, until, "
                       "source, confidence)",
                       description="PLACE_OR_COORDS: a place or site name, a feature id, or "
                       "'lat,lon' (also DMS or MGRS). A point just outside Syria's border "
                       f"(within {NEAREST_KM:g} km) is answered from the nearest zone.")
    p.add_argument("place", nargs="+", metavar="PLACE_OR_COORDS")
    p.add_argument("--date", default=None,
                   help="YYYY-MM-DD (default: the catalog's default date)")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.set_defaults(func=run)


def _zones(loaded: LoadedLayers) -> tuple[object, object]:
    for spec in loaded.specs():
        if spec.kind == "control_zones" and spec.id in loaded.frames:
            return spec, loaded.frames[spec.id]
    problems = "; ".join(str(p) for ps in loaded.problems.values() for p in ps[:1])
    raise NoZonesError("the catalog has no control-zones layer that loaded"
                       + (f" ({problems})" if problems else "")
                       + ". Fix: run 'python -m layers validate geodata/*.geojson'.")


def as_json(holding: Holding, where: Located, label: str) -> dict[str, object]:
    """The answer as a JSON-ready dict (dates ``YYYY-MM-DD``; ``until`` exclusive)."""
    return {
        "place": where.label, "found_by": where.how,
        "lat": round(where.lat, 6), "lon": round(where.lon, 6),
        "date": holding.day.isoformat(), "controller": holding.controller,
        "controller_label": label, "since": holding.since.isoformat(),
        "since_is_data_start": holding.since == holding.data_starts,
        "until": None if holding.until is None else holding.until.isoformat(),
        "last_day": None if holding.last_day is None else holding.last_day.isoformat(),
        "source": holding.source, "confidence": holding.confidence,
        "zone_id": holding.zone_id,
        "nearest_zone_km": None if holding.outside_km is None else round(holding.outside_km, 2),
        "note": None if holding.outside_km is None else
        "outside Natural Earth's border of Syria; answered from the nearest zone",
    }


def run(args: argparse.Namespace) -> int:
    """Resolve the place, ask the zones, print."""
    from layers.ingest.catalog_layers import load_catalog_layers

    loaded = load_catalog_layers()
    spec, zones = _zones(loaded)
    where = Gazetteer.from_loaded(loaded).resolve(" ".join(args.place))
    day = args.date or loaded.catalog.default_date
    holding = who_held(zones, where.lat, where.lon, day)
    label = label_for(spec, holding.controller)
    if args.json:
        print(json.dumps(as_json(holding, where, label), ensure_ascii=False, indent=2))
        return 0
    if where.how == "coordinates":
        place = where.label
    else:
        found = f", found by {where.how}" if where.how.startswith("other name") else ""
        place = f"{where.label} ({where.lat:.4f}, {where.lon:.4f}{found})"
    print("\n".join(describe(holding, place, label)))
    return 0
