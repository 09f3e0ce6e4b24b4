"""``python -m layers export``: one map or data file for one date.

Example::

    python -m layers export --date 2024-12-08 --format pdf --out syria_2024-12-08.pdf
    python -m layers export --date 2024-12-08 --compare 2024-11-26 --layout a4-landscape \
        --grid mgrs --title "Coast — {date}" --overlay arrows.geojson --out pair.png
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from layers.cli.view_args import add_view_arguments, compare_day, layout_from_args, load_view
from layers.core.timeline import parse_date
from layers.errors import ExportError
from layers.export.files import FORMATS, STATIC_FORMATS, export_file, format_for, shown_layers


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    """Register the sub-command."""
    p = sub.add_parser(
        name, help="write a map (png, pdf, svg, html) or data (geojson, kml, gpkg) for a date",
        description="Write what the dashboard shows for one date: a print map (PNG 300 dpi, "
        "PDF, SVG), a standalone interactive HTML map, or the features as GeoJSON, KML or "
        "GeoPackage. Exit 0 when written, 1 on bad input (date, layer, path), 2 on a usage "
        "error.")
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the as-of date")
    p.add_argument("--format", choices=FORMATS, dest="fmt",
                   help="file format (default: from the suffix of --out)")
    p.add_argument("--out", required=True, type=Path, metavar="PATH", help="file to write")
    add_view_arguments(p)
    p.add_argument("--dpi", type=int, default=300, help="PNG resolution (default 300)")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    """Export one file and say what it holds."""
    day = parse_date(args.date)
    try:
        suffix_fmt: str | None = format_for(args.out)
    except ExportError:
        suffix_fmt = None
    if args.fmt and suffix_fmt and suffix_fmt != args.fmt:
        args.parser.error(f"--format {args.fmt} does not match the file name {args.out}; "
                          "change one of them")
    if not args.fmt and not suffix_fmt:
        args.parser.error(f"cannot tell the format from {args.out}; add --format "
                          f"({', '.join(FORMATS)})")
    if args.dpi < 30 or args.dpi > 1200:
        args.parser.error(f"--dpi {args.dpi} is outside 30..1200")
    fmt = format_for(args.out, args.fmt)
    if args.compare and fmt not in STATIC_FORMATS:
        args.parser.error(f"--compare makes a side-by-side page: write png, pdf or svg, "
                          f"not {fmt}")
    layout = layout_from_args(args)
    compare = compare_day(args)
    loaded, view = load_view(args, day)
    started = time.perf_counter()
    options = {"dpi": args.dpi, "handling": args.handling, "layout": layout,
               "compare": compare}
    path = export_file(loaded, view, args.out, fmt, **options)
    seconds = time.perf_counter() - started
    counts = ", ".join(f"{spec.id} {len(frame)}" for spec, frame in shown_layers(loaded, view))
    size = path.stat().st_size
    print(f"wrote {path} ({fmt}, {size / 1024:,.0f} KB, {seconds:.1f} s) as of "
          f"{day.isoformat()}: {counts or 'no layers'}")
    return 0
