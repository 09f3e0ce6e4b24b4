"""Annotation layers in the standalone HTML: the marks as GeoJSON for ``annotations_draw.js``.

The page draws them with the same script as the app's map, so an arrow has the
same head and a callout the same box in the file as on screen. Text reaches the
page only inside the JSON block (escaped by :func:`layers.export.html.script_json`)
and is written with ``textContent``.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from layers.core.catalog import LayerSpec
from layers.core.records import plain_properties
from layers.export.annotations_file import annotation_feature
from layers.render import escape as safe
from layers.render.annotation_shapes import annotation_legend
from layers.render.assets import OWN_ASSETS

ANNOTATIONS_JS = OWN_ASSETS / "annotations_draw.js"


def annotation_layer_data(spec: LayerSpec, frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """One annotation layer as the page's ``layers[]`` entry (kind ``annotations``)."""
    features = []
    for _, row in frame.iterrows():
        mark = annotation_feature(row)
        if mark is None:
            continue
        props = plain_properties(row)
        features.append({"id": str(props.get("id", "")), "name": str(props.get("text") or ""),
                         "from": props.get("valid_from"), "to": props.get("valid_to"),
                         "value": "", "label": "", "confidence": None, "source": "",
                         "sources": [], "notes": "", "style": {}, "radius": 0,
                         "pointFill": 0, "label_on_map": False,
                         "geometry": mark["geometry"], "mark": mark})
    legend = [{"value": "", "label": entry.label, "color": safe.color(entry.color),
               "dash": safe.dash(entry.dash)} for _, entry in annotation_legend(frame)]
    return {"id": spec.id, "title": spec.title, "kind": spec.kind, "family": "line",
            "windowDays": None, "legend": legend, "features": features}
