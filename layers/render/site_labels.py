"""Site names as permanent map labels: the web map's and the timeline's.

Russia's own naval and air bases are always named; other sites only once zoomed in
(:func:`layers.render.labels.label_rule`). Every name is escaped here.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from layers.core.catalog import LayerSpec
from layers.render import escape as esc
from layers.render.labels import label_rule
from layers.render.webmap_html import present

__all__ = ["site_label_rows", "site_labels"]


def site_labels(spec: LayerSpec, frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """Names of an installations layer's site points, as permanent labels (escaped).

    Russia's own naval and air bases are always named (``bm-site-main``); the
    other sites only once zoomed in, where there is room.
    """
    features = [feature for _, feature in site_label_rows(spec, frame)]
    for n, feature in enumerate(features):
        feature["id"] = str(n)
    return {"type": "FeatureCollection", "features": features}


def site_label_rows(spec: LayerSpec, frame: gpd.GeoDataFrame) -> list[tuple[int, dict[str, Any]]]:
    """:func:`site_labels`' features, each with the position of its row in ``frame``.

    The timeline gives each label its row's validity; one pass over the frame
    (not one per row) keeps an edited layer's rebuild cheap.
    """
    out: list[tuple[int, dict[str, Any]]] = []
    if spec.kind != "installations" or frame.empty or "name" not in frame.columns:
        return out
    columns = [c for c in ("name", "part", "operator", "site_type") if c in frame.columns]
    records = frame[columns].to_dict("records")
    for i, (geom, row) in enumerate(zip(frame.geometry.values, records, strict=True)):
        if geom is None or geom.geom_type != "Point" or not present(row.get("name")):
            continue
        rule = label_rule(spec.kind, row)
        if rule is None:
            continue
        out.append((i, {
            "type": "Feature", "id": "0",
            "geometry": {"type": "Point", "coordinates": [round(geom.x, 5), round(geom.y, 5)]},
            "properties": {"_label": esc.text(row["name"]), "_dir": "left", "_offset": [-6, 0],
                           "_cls": f"bm-label {rule.css}"}}))
    return out
