"""Frames out of the store, for the map and the exports.

Two ways out: :func:`loaded_layers` gives the catalog's layers as the rest of the
flow knows them (validated GeoDataFrames, exactly as if read from the files: the
store writes the layer file's text and the usual loader reads it, so a feature
the store holds draws the same as one in a file); :func:`as_of` answers one date
straight from the indexes (what a date step asks for, on a million versions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely
from geopandas.array import from_shapely

from layers.core.catalog import Catalog, LayerSpec
from layers.core.loaded import LoadedLayers
from layers.errors import LayerValidationError
from layers.ingest.catalog_layers import load_spec
from layers.store import sql
from layers.store.versions import day_number, to_us

if TYPE_CHECKING:  # pragma: no cover
    from layers.store.store import Store

FRAMES_DIR = Path(tempfile.gettempdir()) / "briefing-store-frames"


def materialize(text: str, file_name: str) -> Path:
    """The layer's text as a file named like the original (messages name it), by content.

    Every app process of the team deployment writes the same new text at the same
    moment after an edit (they are told at once): each writes a temporary file of
    its own, then moves it into place, so no process renames another's file away.
    """
    data = text.encode("utf-8")
    folder = FRAMES_DIR / hashlib.sha256(data).hexdigest()[:24]
    path = folder / file_name
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{file_name}.", suffix=".tmp",
                                         delete=False) as handle:
            handle.write(data)
        Path(handle.name).replace(path)
    return path


def load_layer_frame(store: Store, spec: LayerSpec, catalog: Catalog, *,
                     known_on: dt.datetime | None = None) -> gpd.GeoDataFrame | None:
    """One layer's validated frame from the store; None if the store never held it."""
    text = store.layer_text(spec.id, known_on)
    layout, file_name = store.layout(spec.id)
    if text == layout.join([]):
        return None
    path = materialize(text, file_name)
    return load_spec(replace(spec, path=path), catalog)


def loaded_layers(store: Store, catalog: Catalog, *,
                  known_on: dt.datetime | None = None) -> LoadedLayers:
    """Every catalog layer from the store; a layer the store lacks is read from its file.

    A layer that held nothing at ``known_on`` comes back empty (its columns kept),
    so the map shows nothing there rather than a problem.
    """
    loaded = LoadedLayers(catalog)
    held = set(store.layers())
    for spec in catalog.layers:
        try:
            frame = load_layer_frame(store, spec, catalog, known_on=known_on) \
                if spec.id in held else None
            if frame is None and spec.id in held:
                latest = load_layer_frame(store, spec, catalog)
                frame = latest.iloc[0:0] if latest is not None else None
            if frame is None and spec.path.is_file():
                frame = load_spec(spec, catalog)
        except LayerValidationError as exc:
            loaded.problems[spec.id] = exc.problems
            continue
        if frame is None:
            continue
        loaded.frames[spec.id] = frame
        if frame.attrs.get("problems"):
            loaded.problems[spec.id] = list(frame.attrs["problems"])
    return loaded


def as_of(store: Store, layer_ids: list[str], day: dt.date, *,
          known_on: dt.datetime | None = None,
          bbox: tuple[float, float, float, float] | None = None,
          window_days: dict[str, int] | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Per layer, the features valid on ``day`` (events: in the days before it too).

    Straight from the indexes, without re-validation (what was stored was
    validated when it was written). ``window_days`` maps a layer to how many days
    before ``day`` still count (the events layer's ``window_days``).
    """
    windows = window_days or {}
    out: dict[str, gpd.GeoDataFrame] = {}
    groups: dict[int, list[str]] = {}
    for layer in layer_ids:
        groups.setdefault(int(windows.get(layer, 0)), []).append(layer)
    target = day_number(day)
    for window, layers in groups.items():
        query = sql.Query(layers, target - window, target,
                          None if known_on is None else to_us(known_on), bbox)
        with store.read() as conn:
            rows = sql.as_of_rows(conn, query)
        by_layer: dict[str, list] = {layer: [] for layer in layers}
        for layer, raw, wkb in rows:
            by_layer[layer].append((raw, wkb))
        out.update({layer: _frame(items) for layer, items in by_layer.items()})
    return {layer: out[layer] for layer in layer_ids}


def _frame(items: list[tuple[str, bytes | memoryview | None]]) -> gpd.GeoDataFrame:
    """Properties as columns, dates parsed, geometry from WKB.

    Built column by column, with the geometry array made once: a date step at
    scale returns about a thousand features, and row-wise construction (records,
    then ``set_geometry``) cost a third of the step.
    """
    props = [json.loads(raw).get("properties") or {} for raw, _ in items]
    keys = dict.fromkeys(k for p in props for k in p if k != "geometry")
    data: dict = {k: [p.get(k) for p in props] for k in keys}
    for column in ("valid_from", "valid_to"):
        if column in data:
            data[column] = pd.to_datetime(data[column], format="%Y-%m-%d", errors="coerce")
    geometry = shapely.from_wkb([None if w is None else bytes(w) for _, w in items]) \
        if items else []
    data["geometry"] = from_shapely(geometry, crs="EPSG:4326")
    return gpd.GeoDataFrame(data, geometry="geometry", crs="EPSG:4326")
