"""Annotation layers on the app's web map: the as-of marks drawn by ``annotations_draw.js``.

The map's feature-group script gets one group per annotation layer whose marks
are added by the same script the standalone HTML uses, so the screen, the HTML
file and the printed page agree on heads, curves, boxes and sizes. The marks
travel as JSON made safe for a script (``<``, ``>``, ``&`` escaped); the script
writes their text with ``textContent``.
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd

from layers.core.annotation_rules import COLUMNS
from layers.core.records import geojson_geometry, plain_value

SCRIPT = ("briefing_annotations", "annotations_draw.js")

_GROUP_JS = """var feature_group_feature_group_{i} = L.featureGroup({{}});
(function (group, marks) {{
    // The toolbar's raw shapes give way to the saved, styled marks.
    if (window.bmDrawnItems) {{ window.bmDrawnItems.clearLayers(); }}
    if (!window.BriefingAnnotations) {{ return; }}
    marks.forEach(function (f) {{ group.addLayer(window.BriefingAnnotations.layer(f)); }});
}})(feature_group_feature_group_{i}, {marks});
"""


def mark_features(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The marks as GeoJSON features with the contract's properties only."""
    out = []
    for _, row in frame.iterrows():
        geometry = geojson_geometry(row.geometry, 5)
        if geometry is None:
            continue
        props = {c: plain_value(row.get(c)) for c in COLUMNS if c in row.index}
        out.append({"type": "Feature", "properties": props, "geometry": geometry})
    return out


def safe_json(value: Any) -> str:
    """JSON that cannot end a ``<script>`` element or start markup inside one."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


def annotation_group_js(i: int, frame: gpd.GeoDataFrame) -> str:
    """The script that makes feature group ``i`` of the as-of marks in ``frame``."""
    return _GROUP_JS.format(i=i, marks=safe_json(mark_features(frame)))
