"""``python -m layers validate [--kind KIND] PATH...``: check files against the contract."""

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
    p = sub.add_parser(name, help="validate GeoJSON layers against the data contract",
                       description="Exit 0 when every file is valid (warnings printed), 1 when "
                       "any is invalid, 2 on a usage error.")
    p.add_argument("--kind", choices=KINDS, help="validation profile (default: from the "
                   "catalog entry or the file name, else generic)")
    p.add_argument("--repair", action="store_true",
                   help="repair invalid geometries with a warning instead of refusing them")
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
    for raw in args.paths:
        path = Path(raw)
        kind = args.kind or _infer_kind(path)
        coverage = syria_outline() if kind == "control_zones" else None
        try:
            frame = load_layer(path, kind, coverage=coverage, repair=args.repair)
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
