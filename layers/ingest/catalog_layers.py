"""The catalog's layers, loaded together, with one bad file never hiding the others.

Reading the files is the slow part of a page run, so results are cached here by
path and modification time: a slider step never touches the disk.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import shapely

from layers.core.catalog import Catalog, LayerSpec, load_catalog
from layers.core.loaded import LoadedLayers
from layers.core.sources import number_frames
from layers.errors import LayerValidationError

CATALOG_MAX_BYTES = 2 * 1024**3
CATALOG_MAX_FEATURES = 5_000_000


def syria_outline(catalog: Catalog | None = None) -> shapely.Geometry | None:
    """The outline control zones must tile (``basemap/syria.geojson``), if present."""
    catalog = catalog or load_catalog()
    path = catalog.root / catalog.basemap.get("coverage", "basemap/syria.geojson")
    if not path.is_file():
        return None
    return _read_outline(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read_outline(path: str, _mtime: int) -> shapely.Geometry:
    return shapely.union_all(gpd.read_file(path).geometry.values)


def load_spec(spec: LayerSpec, catalog: Catalog) -> gpd.GeoDataFrame:
    """Load one catalog layer (cached by file path and modification time).

    Raises
    ------
    LayerValidationError
        With every problem of the file.
    """
    coverage = syria_outline(catalog) if spec.kind == "control_zones" else None
    return _load_cached(str(spec.path), spec.path.stat().st_mtime_ns, spec.kind, coverage)


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, _mtime: int, kind: str,
                 coverage: shapely.Geometry | None) -> gpd.GeoDataFrame:
    from layers.ingest.layer_cache import cached_load
    from layers.ingest.load import load_layer

    # The upload limits guard against hostile files; the catalog's own files are trusted
    # to be large (the benchmarks' scale set is ~100 MB). A layer validated before is
    # read back from the cache on disk (keyed by the file's bytes and the code).
    limits = (CATALOG_MAX_BYTES, CATALOG_MAX_FEATURES)
    return cached_load(Path(path), kind, coverage, limits, lambda: load_layer(
        Path(path), kind, coverage=coverage, max_bytes=CATALOG_MAX_BYTES,
        max_features=CATALOG_MAX_FEATURES))


def load_catalog_layers(catalog: Catalog | None = None) -> LoadedLayers:
    """Load every layer of the catalog; keep going past a bad one.

    The problems of a layer that fails are kept under its id, so the app can show
    them while drawing all the others.
    """
    catalog = catalog or load_catalog()
    loaded = LoadedLayers(catalog)
    for spec in catalog.layers:
        try:
            frame = load_spec(spec, catalog)
        except LayerValidationError as exc:
            loaded.problems[spec.id] = exc.problems
            continue
        loaded.frames[spec.id] = frame
        warnings = frame.attrs.get("problems", [])
        if warnings:
            loaded.problems[spec.id] = list(warnings)
    # One number per source across the catalog, the same on every date and in every export.
    loaded.frames.update(number_frames(loaded.frames))
    return loaded
