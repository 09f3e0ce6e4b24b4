"""Command line: ``python -m layers <command> ...``.

Each command lives in its own ``_cmd_*`` module with ``add_parser`` and ``run``;
this module only wires them up and turns expected errors into messages and exit
codes (0 fine, 1 invalid input or failed work, 2 usage error) — never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from layers._errors import LayersError

#: Sub-commands and the modules that implement them.
COMMANDS = {
    "validate": "layers._cmd_validate",
    "assets": "layers._cmd_assets",
    "stats": "layers._cmd_stats",
    "measure": "layers._cmd_measure",
    "diff": "layers._cmd_diff",
    "export": "layers._cmd_export",
    "pack": "layers._cmd_pack",
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
