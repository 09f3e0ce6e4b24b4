"""Export panel: one download button per format for the current view (issue 4). Stub."""

from __future__ import annotations

from layers.data import LoadedLayers
from layers.view import MapView


def render_downloads(loaded: LoadedLayers, view: MapView) -> None:
    """Draw the download buttons for ``view`` (not yet implemented)."""
