"""``python -m layers assets [DEST]``: copy the page's scripts and styles for local serving."""

from __future__ import annotations

import argparse
from pathlib import Path

from layers.render.assets import install_static

_DEFAULT = Path(__file__).resolve().parents[2] / "dashboard" / "static"


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    """Register the sub-command."""
    p = sub.add_parser(name, help="install Leaflet and the app's own assets for offline serving")
    p.add_argument("dest", nargs="?", type=Path, default=_DEFAULT,
                   help=f"static folder (default: {_DEFAULT})")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Copy the assets and say where they went."""
    written = install_static(args.dest)
    print(f"installed {len(written)} asset(s) under {args.dest / 'vendor'}")
    return 0
