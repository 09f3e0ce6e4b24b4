"""Analyst tools panel: measures, areas over time, change between dates (issue 5). Stub."""

from __future__ import annotations

from layers.data import LoadedLayers
from layers.view import MapView, Overlay


def render_analysis(loaded: LoadedLayers, view: MapView,
                    clicked: tuple[float, float] | None) -> list[Overlay]:
    """Draw the analysis tools; return overlays to add to the map (not yet implemented).

    Parameters
    ----------
    clicked
        Last point the analyst clicked on the map, as (lat, lon), or None.
    """
    return []
