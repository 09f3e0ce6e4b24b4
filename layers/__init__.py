"""Layers: the briefing map's importable package. Pure Python; never imports Streamlit.

The data flows one way, and the subpackages follow it::

    ingest (file) ─┐
                   ├─> core (validated frame ─> view as of a date) ─> render (styled layer:
    store ─────────┘                                                   web map, static map)
                                                                  ─> export (files)
    geo: geometry on the ellipsoid, under everything
    analysis: measures over the as-of view (areas, exposure, places)
    cli: the command line, on top

Imports run downward only (``tests/test_architecture.py`` checks it)::

    errors, problems  <  geo  <  core  <  ingest, analysis  <  store, render  <  export  <  cli

The names below are the public API; ``python -m layers`` is the command line.
"""

from layers.core.catalog import Catalog, LayerSpec, load_catalog
from layers.core.loaded import LoadedLayers
from layers.core.timeline import as_of, change_dates, events_window, parse_date
from layers.errors import (
    CatalogError,
    DateError,
    ExportError,
    LayersError,
    LayerValidationError,
    UnknownLayerError,
)
from layers.ingest.catalog_layers import load_catalog_layers
from layers.ingest.load import load_layer
from layers.problems import Problem

__all__ = [
    "Catalog",
    "CatalogError",
    "DateError",
    "ExportError",
    "LayerSpec",
    "LayerValidationError",
    "LayersError",
    "LoadedLayers",
    "Problem",
    "UnknownLayerError",
    "as_of",
    "change_dates",
    "events_window",
    "load_catalog",
    "load_catalog_layers",
    "load_layer",
    "parse_date",
]
