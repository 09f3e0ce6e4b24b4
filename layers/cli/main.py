"""Command line: ``python -m layers <command> ...``.

Each command lives in its own module of :mod:`layers.cli` with ``add_parser`` and ``run``;
this module only wires them up and turns expected errors into messages and exit
codes (0 fine, 1 invalid input or failed work, 2 usage error) — never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from layers.errors import LayersError

#: Sub-commands and the modules that implement them.
COMMANDS = {
    "validate": "layers.cli.validate",
    "assets": "layers.cli.assets",
    "stats": "layers.cli.stats",
    "measure": "layers.cli.measure",
    "diff": "layers.cli.diff",
    "export": "layers.cli.export",
    "pack": "layers.cli.pack",
    "store": "layers.cli.store",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(prog="python -m layers",
                                     description="Briefing-map layers: validate, export, "
                                     "measure.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        importlib.import_module(module).add_parser(sub, name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except LayersError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: a message, never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
