"""What the map frame is sent, read as the browser would: the timeline pack on the server's day.

The page sends the map a small script per rerun (``dashboard/_timeline.py``): the
address of the timeline pack (a static file), the server's day, and the layers
the timeline does not draw (the analyst's marks) as feature-group JavaScript.
Tests that ask "what does the map show on this day" read both, and pick the pack's
features valid on that day exactly as ``timeline.js`` does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "dashboard" / "static"
_ADD = re.compile(r"geo_json_feature_group_\d+_0_add\((\{.*\})\);$", re.MULTILINE)
_SHOW = re.compile(r"BMTimeline\.show\(map_div, (\{.*?\}), \{bind")


def timeline_options(args: str | dict) -> dict[str, Any] | None:
    """The ``{meta, parts, day, seq, lo, hi}`` the frame's timeline is given, or None."""
    doc = json.loads(args) if isinstance(args, str) else args
    match = _SHOW.search(doc.get("feature_group") or "")
    return json.loads(match.group(1)) if match else None


def pack_of(args: str | dict) -> dict[str, Any] | None:
    """The timeline pack the frame puts together from its files (read from the static folder)."""
    opts = timeline_options(args)
    if opts is None:
        return None

    def read(url: str) -> dict[str, Any]:
        return json.loads((STATIC / url.removeprefix("/app/static/")).read_text(encoding="utf-8"))

    return {**read(opts["meta"]), "layers": [read(url) for url in opts["parts"]]}


def sent_features(args: str | dict) -> list[dict[str, Any]]:
    """Properties of every feature the frame draws on the server's day."""
    doc = json.loads(args) if isinstance(args, str) else args
    found = [f["properties"] for m in _ADD.finditer(doc.get("feature_group") or "")
             for f in json.loads(m.group(1))["features"]]
    opts, pack = timeline_options(doc), pack_of(doc)
    if pack is None:
        return found
    day = opts["day"]
    for layer in pack["layers"]:
        found += [f["properties"] for f in layer["features"]
                  if (f["from"] is None or f["from"] <= day) and (f["to"] is None or day < f["to"])]
    return found
