"""The catalog's layers as loaded: frames by layer id, and the problems of those that failed.

A plain container every renderer, export and analysis takes, so none of them
needs to know how the frames were read (files today, the store tomorrow).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

from layers.core.catalog import Catalog, LayerSpec
from layers.problems import Problem


@dataclass
class LoadedLayers:
    """Layers that loaded, and the problems of those that did not."""

    catalog: Catalog
    frames: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)

    def specs(self) -> list[LayerSpec]:
        """Specs of the layers that loaded, in drawing order."""
        return [s for s in self.catalog.layers if s.id in self.frames]
