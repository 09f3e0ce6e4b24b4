"""Reading an annotation file: an analyst's marks become a layer of their own.

A file is an annotation file when its features say which mark they are
(``annotation``: arrow, callout, ...); :func:`looks_like_annotations` tells so
from the bytes, so the app's upload box and the command line's ``--overlay``
take one either way. The layer is an :class:`~layers.core.view.Overlay` of kind
``annotations``: every renderer draws its marks with their own colours, dashes
and text, instead of colouring the features as data.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd

from layers.core.annotation_rules import COLUMNS
from layers.core.catalog import LayerSpec
from layers.core.view import Overlay
from layers.errors import LayerValidationError
from layers.ingest.load import load_layer
from layers.problems import Problem

#: The id and title of the session's annotation layer.
LAYER_ID = "annotations"
TITLE = "Annotations"


def looks_like_annotations(data: bytes) -> bool:
    """True for GeoJSON whose first feature has an ``annotation`` property.

    Only a sniff (a broken file is left to the loader to explain); a file that
    is not JSON at all is simply not an annotation file.
    """
    head = data.lstrip()[:1]
    if head not in (b"{", b"["):
        return False
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return False
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features or not isinstance(features[0], dict):
        return isinstance(doc, dict) and doc.get("briefing") == "annotations"
    props = features[0].get("properties")
    return isinstance(props, dict) and "annotation" in props


def read_annotations(source: str | Path | bytes, *, name: str | None = None,
                     region: tuple[float, float, float, float] | None = None
                     ) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """Read and check an annotation file; never raises for what a file contains.

    Returns
    -------
    frame, problems
        The validated marks (None when the file is refused) and every problem.
    """
    label = name or (Path(source).name if not isinstance(source, bytes) else "annotations")
    try:
        frame = load_layer(source, "annotations", name=label, region=region)
    except LayerValidationError as exc:
        return None, list(exc.problems)
    return frame, list(frame.attrs.get("problems", []))


def annotation_spec(title: str = TITLE, layer_id: str = LAYER_ID, *,
                    description: str = "") -> LayerSpec:
    """The spec every renderer draws annotations with (their style is their own)."""
    return LayerSpec(id=layer_id, title=title, path=Path(), kind="annotations",
                     geometry="mixed", visible=True, style={},
                     attribution="Annotations: the analyst's own",
                     description=description or "Arrows, callouts and areas drawn by the "
                     "analyst.")


def annotation_overlay(frame: gpd.GeoDataFrame, *, title: str = TITLE,
                       layer_id: str = LAYER_ID) -> Overlay:
    """The marks as a layer beside the catalog's."""
    return Overlay(annotation_spec(title, layer_id), frame)


def empty_annotations() -> gpd.GeoDataFrame:
    """A frame of no marks with every column, for a map nobody has drawn on yet."""
    frame = gpd.GeoDataFrame({c: [] for c in COLUMNS}, geometry=[], crs="EPSG:4326")
    for column in ("valid_from", "valid_to"):
        frame[column] = frame[column].astype("datetime64[ns]")
    return frame


def upload_annotations(data: bytes, name: str, *,
                       region: tuple[float, float, float, float] | None = None
                       ) -> tuple[Overlay | None, list[Problem]]:
    """An uploaded (or ``--overlay``) annotation file as its own layer, titled by its name."""
    frame, problems = read_annotations(data, name=name, region=region)
    if frame is None:
        return None, problems
    stem = "".join(ch if ch.isalnum() else "-" for ch in Path(name).stem.lower()).strip("-")
    overlay = annotation_overlay(frame, title=f"Annotations: {name}",
                                 layer_id=f"annotations-{stem[:40] or 'file'}")
    return overlay, problems
