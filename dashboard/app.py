"""The briefing dashboard: ``streamlit run dashboard/app.py`` (``bash run.sh`` does it).

Streamlit runs this file on every rerun. It sends a new page's kept first map
(:mod:`dashboard._first_paint`) before it imports the geodata libraries or reads
anything, then runs the page (:mod:`dashboard.page`).
"""

from __future__ import annotations

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]
if str(_REPO) not in sys.path:  # `streamlit run` puts only dashboard/ on the path
    sys.path.insert(0, str(_REPO))

from dashboard import _first_paint  # noqa: E402

_first_paint.page_config()
_painted = _first_paint.paint()
if _painted is None:
    _first_paint.wait_quiet()

from dashboard import page  # noqa: E402

page.run(_painted)
