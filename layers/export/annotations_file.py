"""Writing an annotation file: the analyst's marks as GeoJSON that reads back the same.

The file is RFC 7946 GeoJSON (WGS84, coordinates rounded to 1e-6°), each feature's
properties in the contract's order (:data:`~layers.core.annotation_rules.COLUMNS`),
plus a top-level ``"briefing": "annotations"`` member so that even a file with no
marks is known for what it is when it comes back.
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd

from layers.core.annotation_rules import COLUMNS
from layers.core.records import geojson_geometry, plain_value

#: Properties left out of a feature when they hold nothing.
_OPTIONAL = ("radius_m", "valid_from", "valid_to", "author", "source", "confidence")


def annotation_feature(row: Any) -> dict[str, Any] | None:
    """One mark as a GeoJSON feature (None when it has no geometry)."""
    geometry = geojson_geometry(row.geometry)
    if geometry is None:
        return None
    props: dict[str, Any] = {}
    for column in COLUMNS:
        value = plain_value(row.get(column)) if column in row.index else None
        if value is None and column in _OPTIONAL:
            continue
        props[column] = "" if value is None else value
    extra = {str(k): plain_value(v) for k, v in row.items()
             if k not in COLUMNS and k != "geometry" and not str(k).startswith("_")}
    props.update({k: v for k, v in extra.items() if v is not None})
    return {"type": "Feature", "id": props.get("id"), "properties": props,
            "geometry": geometry}


def annotations_geojson(frame: gpd.GeoDataFrame) -> str:
    """The marks as a GeoJSON text (UTF-8, non-ASCII kept readable)."""
    features = [f for f in (annotation_feature(row) for _, row in frame.iterrows())
                if f is not None]
    doc = {"type": "FeatureCollection", "briefing": "annotations", "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1)


def write_annotations(frame: gpd.GeoDataFrame, path: Any) -> None:
    """Write the marks to ``path`` whole or not at all (a temporary file, then a rename).

    A save interrupted half-way must not leave the analyst's only copy truncated.
    """
    import os
    import tempfile
    from pathlib import Path

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".annotations-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(annotations_geojson(frame))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
