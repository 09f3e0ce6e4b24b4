"""``python -m layers pack``: the same map on several dates, as a PDF or an animated GIF.

Example::

    python -m layers pack --dates 2024-11-26,2024-12-01,2024-12-08,2024-12-15 --out pack.pdf
    python -m layers pack --dates 2024-11-26,2024-12-08,2025-01-29 --layout a4-portrait \
        --title "Russian footprint — {date}" --out pack.pdf
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from layers.cli.view_args import add_view_arguments, compare_day, layout_from_args, load_view
from layers.export.pack import GIF_DPI, GIF_FRAME_MS, PACK_FORMATS, parse_dates, write_pack


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    """Register the sub-command."""
    p = sub.add_parser(
        name, help="write a briefing pack: several dates, same framing, as PDF pages or a GIF",
        description="Render the map for each date with identical framing, as a multi-page "
        "PDF (one date per page) or an animated GIF (one date per frame). Exit 0 when "
        "written, 1 on bad input (date, layer, path), 2 on a usage error.")
    p.add_argument("--dates", required=True, metavar="D1,D2,...",
                   help="as-of dates, YYYY-MM-DD, comma-separated, in the order to show")
    p.add_argument("--out", required=True, type=Path, metavar="PATH.pdf|PATH.gif",
                   help="file to write; .pdf or .gif")
    add_view_arguments(p)
    p.add_argument("--frame-ms", type=int, default=GIF_FRAME_MS,
                   help=f"GIF: milliseconds per date (default {GIF_FRAME_MS})")
    p.add_argument("--dpi", type=int, default=GIF_DPI,
                   help=f"GIF: frame resolution (default {GIF_DPI})")
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    """Render every date and write the pack."""
    suffix = args.out.suffix.lower().lstrip(".")
    if suffix not in PACK_FORMATS:
        args.parser.error(f"--out {args.out}: a pack is written as .pdf or .gif")
    if args.frame_ms < 20 or args.dpi < 30 or args.dpi > 600:
        args.parser.error("--frame-ms must be at least 20 and --dpi within 30..600")
    days = parse_dates([d.strip() for d in args.dates.split(",") if d.strip()])
    layout = layout_from_args(args)
    loaded, view = load_view(args, days[0])
    started = time.perf_counter()
    options = {"handling": args.handling, "layout": layout, "compare": compare_day(args)}
    if suffix == "gif":
        options.update(dpi=args.dpi, frame_ms=args.frame_ms)
    count = write_pack(loaded, view, days, args.out, **options)
    seconds = time.perf_counter() - started
    kind = "pages" if suffix == "pdf" else "frames"
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({count} {kind}, {size / 1024:,.0f} KB, {seconds:.1f} s): "
          f"{', '.join(d.isoformat() for d in days)}")
    return 0
