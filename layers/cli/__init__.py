"""The command line, ``python -m layers COMMAND``: one module per command.

Each command module has ``add_parser(sub, name)`` and ``run(args)``;
:mod:`layers.cli.main` wires them up and turns errors into exit codes (0 done,
1 invalid input or failed work, 2 usage) and one-line messages.

Sits on top: may import anything in :mod:`layers`; nothing in ``layers`` imports it.
"""

from layers.cli.main import main

__all__ = ["main"]
