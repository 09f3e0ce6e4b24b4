"""Layers: the briefing map's data core.

File → validated GeoDataFrame → view as of a date → styled layer → web map,
static map or export file. Pure Python; never imports Streamlit.
"""

from layers._errors import (
    CatalogError,
    DateError,
    ExportError,
    LayersError,
    LayerValidationError,
    UnknownLayerError,
)
from layers._problems import Problem
from layers.catalog import Catalog, LayerSpec, load_catalog
from layers.data import LoadedLayers, load_catalog_layers
from layers.load import load_layer
from layers.timeline import as_of, change_dates, events_window, parse_date

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
