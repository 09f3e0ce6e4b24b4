"""A feature version as a row to insert: valid days, box and WKB computed once, here."""

from __future__ import annotations

from typing import Any

import shapely
import shapely.geometry

from layers.store.versions import day_number


def geometry_columns(geometry: dict[str, Any] | None) -> dict[str, Any]:
    """WKB and bounding box of a GeoJSON geometry (None for a feature without one)."""
    if not geometry:
        return {"wkb": None, "minx": None, "miny": None, "maxx": None, "maxy": None}
    shape = shapely.geometry.shape(geometry)
    if shape.is_empty:
        return {"wkb": None, "minx": None, "miny": None, "maxx": None, "maxy": None}
    minx, miny, maxx, maxy = shape.bounds
    return {"wkb": shapely.to_wkb(shape, output_dimension=2), "minx": minx, "miny": miny,
            "maxx": maxx, "maxy": maxy}


def version_row(*, layer: str, fid: str, seq: int, ord: int, feature: dict[str, Any],
                raw: str, rec: int, user: str, source: str, confidence: str, reason: str,
                action: str, retired: bool = False,
                geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    """The bound parameters of one version (``geometry`` given when already computed)."""
    props = feature.get("properties") or {}
    row = {"layer": layer, "fid": fid, "seq": seq, "ord": ord,
           "vfrom": day_number(props.get("valid_from")),
           "vto": day_number(props.get("valid_to")), "rec": rec, "sup": None, "user": user,
           "source": source, "confidence": confidence, "reason": reason, "action": action,
           "retired": bool(retired), "raw": raw}
    row.update(geometry if geometry is not None else geometry_columns(feature.get("geometry")))
    return row
