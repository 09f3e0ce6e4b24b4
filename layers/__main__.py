"""Entry point for ``python -m layers``."""

import sys

from layers.cli.main import main

sys.exit(main())
