"""Entry point for ``python -m layers``."""

import sys

from layers.cli import main

sys.exit(main())
