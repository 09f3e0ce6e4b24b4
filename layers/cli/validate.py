"""``python -m layers validate [--kind KIND] [--column ROLE=NAME] PATH...``: check files.

Any file the app accepts: GeoJSON, Esri JSON, KML/KMZ, GeoPackage, a Shapefile
(``x.shp`` with its ``.shx``/``.dbf``/``.prj`` beside it, or zipped), GPX, CSV and
XLSX tables of points. ``--column lat=Y --column date=Day`` corrects the columns
a table is read with, as the upload panel's mapping does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from layers.core.catalog import KINDS, load_catalog
from layers.errors import CatalogError, LayerValidationError
from layers.ingest.catalog_layers import syria_outline
from layers.ingest.load import load_layer

#: File-name hints for ``--kind`` when the catalog does not list the file.
_STEM_KINDS = {"installations": "installations", "routes": "routes",
               "control_zones": "control_zones", "zones": "control_zones", "events": "events",
               "places": "places"}


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    """Register the sub-command."""
    p = sub.add_parser(name, help="validate layer files (GeoJSON, KML, GPX, CSV, XLSX, ...) "
                       "against the data contract",
                       description="Exit 0 when every file is valid (warnings printed), 1 when "
                       "any is invalid, 2 on a usage error.")
    p.add_argument("--kind", choices=KINDS, help="validation profile (default: from the "
                   "catalog entry or the file name, else generic)")
    p.add_argument("--repair", action="store_true",
                   help="repair invalid geometries with a warning instead of refusing them")
    p.add_argument("--column", action="append", default=[], metavar="ROLE=NAME",
                   help="read column NAME as ROLE (lat, lon, date, end, id, name, "
                   "time_precision, geo_precision); repeatable")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=run)


def _infer_kind(path: Path) -> str:
    try:
        catalog = load_catalog()
    except CatalogError:
        catalog = None
    if catalog is not None:
        for spec in catalog.layers:
            if spec.path == path.resolve():
                return spec.kind
    stem = path.stem.lower()
    return next((k for hint, k in _STEM_KINDS.items() if hint in stem), "generic")


def run(args: argparse.Namespace) -> int:
    """Validate each path; print a report per file."""
    status = 0
    columns = dict(item.split("=", 1) for item in args.column if "=" in item)
    if len(columns) != len(args.column):
        print("--column takes ROLE=NAME, e.g. --column lat=Y", file=sys.stderr)
        return 2
    for raw in args.paths:
        path = Path(raw)
        kind = args.kind or _infer_kind(path)
        coverage = syria_outline() if kind == "control_zones" else None
        try:
            frame = load_layer(path, kind, coverage=coverage, repair=args.repair,
                               columns=columns)
        except LayerValidationError as exc:
            status = 1
            print(f"INVALID {path} ({kind}): {len(exc.errors)} error(s)")
            for problem in exc.problems:
                print(f"  - {problem.describe(with_file=False)}")
            continue
        warnings = frame.attrs.get("problems", [])
        print(f"ok      {path} ({kind}): {len(frame)} features"
              + (f", {len(warnings)} warning(s)" if warnings else ""))
        for problem in warnings:
            print(f"  - {problem.describe(with_file=False)}")
    sys.stdout.flush()
    return status
