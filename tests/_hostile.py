"""A copy of geodata/ with one more layer whose every text is an attack.

Shared by the AppTest and the real-browser tests of the dashboard: the app is
pointed at the copy with ``BRIEFING_GEODATA``. The layer is off by default, so
the default view is the real one; ``?layers=...,hostile`` switches it on.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAYER_ID = "hostile"

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=2</script>"
TEMPLATE = "${window.__pwned=3}"
BACKTICK = "`;window.__pwned=4;`"
TITLE = "Hostile <b>title</b> ${window.__pwned=5} [link](javascript:alert(1))"
LABEL = "<img src=y onerror=window.__pwned=6>"
#: Every string that must reach the screen as literal text.
STRINGS = (IMG, SCRIPT, TEMPLATE, BACKTICK)


def _feature(fid: str, geometry: dict, **props: object) -> dict:
    base = {"id": fid, "name": IMG, "valid_from": "2024-11-26", "valid_to": None,
            "source": SCRIPT, "confidence": "low", "notes": TEMPLATE, "kind": "bad",
            "comment": BACKTICK, "quote": "\"'</td></tr></table><b>x</b>\\"}
    base.update(props)
    return {"type": "Feature", "properties": base, "geometry": geometry}


FEATURES = [
    # A big square in the Syrian desert: easy to hover and click.
    _feature("square", {"type": "Polygon", "coordinates": [[[38.2, 33.9], [39.2, 33.9],
                                                            [39.2, 34.6], [38.2, 34.6],
                                                            [38.2, 33.9]]]}),
    _feature("dot", {"type": "Point", "coordinates": [40.0, 35.7]}, kind="worse"),
    _feature("line", {"type": "LineString", "coordinates": [[37.5, 33.2], [38.0, 33.6]]}),
]

CATALOG_ENTRY = f'''

[[layer]]
id = "{LAYER_ID}"
title = {json.dumps(TITLE)}
file = "hostile.geojson"
kind = "generic"
geometry = "mixed"
visible = false
description = {json.dumps(SCRIPT)}
attribution = {json.dumps(TEMPLATE)}
[layer.style]
by = "kind"
weight = 2
fill_opacity = 0.4
[layer.style.colors]
bad = "#0b6e4f"
worse = "#fff\\" onmouseover=\\"window.__pwned=7"
[layer.style.labels]
bad = {json.dumps(LABEL)}
worse = {json.dumps(BACKTICK)}
'''


def build(dest: Path) -> Path:
    """Copy geodata/ to ``dest`` and add the hostile layer; return the folder."""
    shutil.copytree(REPO / "geodata", dest, ignore=shutil.ignore_patterns("scripts"))
    (dest / "hostile.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": FEATURES}), encoding="utf-8")
    with (dest / "catalog.toml").open("a", encoding="utf-8") as out:
        out.write(CATALOG_ENTRY)
    return dest
