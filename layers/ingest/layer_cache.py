"""A cache on disk of validated catalog layers, so a restart skips reading and checking them.

Reading and validating the scale set takes tens of seconds; a restarted server
would pay that again for files that have not changed. So a validated layer is
kept as GeoParquet under :func:`cache_dir`, keyed by a SHA-256 of

* the file's bytes (not its name or date: a copied or touched file still hits,
  an edited one never does),
* the outline the zones must tile, the layer kind and the loader's limits,
* the source of every ``layers`` module and the versions of the libraries that
  read and check the data, so new code or a new library re-validates.

A cache file holds data only (Parquet, plus the layer's problems as JSON): it
can never run code, unlike a pickle. A layer is cached only if it reads back
identical to what was loaded, and only if loading it took at least
:data:`WRITE_MIN_SECONDS` (a small layer parses faster than its entry is written,
checked and read back); any failure to read or write the cache falls back
to loading the file. ``BRIEFING_CACHE_DIR`` moves the cache, and set to ``off``
(or empty) turns it off.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from layers.problems import Problem

ENV = "BRIEFING_CACHE_DIR"
_OFF = {"", "0", "off", "no", "false", "none"}
_LIBRARIES = ("shapely", "geopandas", "pandas", "pyarrow", "pyproj", "numpy")
#: Files of the cache format itself: bump when the layout changes.
_FORMAT = "1"
#: A layer that loads faster than this is not kept: writing and checking its entry
#: costs more than loading it again (the catalog's small layers: 15-20 ms to load,
#: ~70 ms to write). In the team deployment every edit gives a layer new bytes, and
#: each app process paid that write for every edit; the zones (0.5 s) stay cached.
WRITE_MIN_SECONDS = 0.1


def cache_dir() -> Path | None:
    """Where validated layers are kept, or None when the cache is off."""
    value = os.environ.get(ENV)
    if value is not None:
        return None if value.strip().lower() in _OFF else Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing-map" / "layers"


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The layers package's source and the data libraries' versions, hashed."""
    digest = hashlib.sha256(_FORMAT.encode())
    for source in sorted(Path(__file__).resolve().parents[1].rglob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none".encode())
    return digest.hexdigest()


def layer_key(path: Path, kind: str, coverage: shapely.Geometry | None, limits: tuple) -> str:
    """The cache key of one file loaded as ``kind`` against ``coverage``."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    digest.update(kind.encode())
    digest.update(repr(limits).encode())
    digest.update(b"" if coverage is None else shapely.to_wkb(coverage))
    digest.update(_code_fingerprint().encode())
    return digest.hexdigest()


def cached_load(path: Path, kind: str, coverage: shapely.Geometry | None, limits: tuple,
                load: Callable[[], gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """``load()``'s result for this file, from the cache when it holds it.

    ``load`` raising (a file that fails validation) is never cached: the next
    start reports the same problems from the file itself.
    """
    folder = cache_dir()
    if folder is None:
        return load()
    try:
        key = layer_key(path, kind, coverage, limits)
    except OSError:
        return load()
    frame = _read(folder, key)
    if frame is not None:
        return frame
    start = time.perf_counter()
    frame = load()
    if time.perf_counter() - start >= WRITE_MIN_SECONDS:
        _write(folder, key, frame)
    return frame


def _paths(folder: Path, key: str) -> tuple[Path, Path]:
    return folder / f"{key}.parquet", folder / f"{key}.json"


def _read(folder: Path, key: str) -> gpd.GeoDataFrame | None:
    data, meta = _paths(folder, key)
    if not (data.is_file() and meta.is_file()):
        return None
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        frame = gpd.read_parquet(data)
        frame.attrs["problems"] = [Problem(**p) for p in info["problems"]]
        frame.attrs.update(info["attrs"])
    except Exception:  # a damaged cache entry is a miss, never an error
        return None
    return frame


def _write(folder: Path, key: str, frame: gpd.GeoDataFrame) -> None:
    """Store ``frame`` if it reads back identical; otherwise leave nothing behind."""
    data, meta = _paths(folder, key)
    plain = frame.copy(deep=False)
    plain.attrs = {}
    info = {"problems": [dataclasses.asdict(p) for p in frame.attrs.get("problems", [])],
            "attrs": {k: v for k, v in frame.attrs.items()
                      if k != "problems" and isinstance(v, (str, int, float, bool))}}
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as handle:
            tmp = Path(handle.name)
        plain.to_parquet(tmp)
        if not _same(plain, gpd.read_parquet(tmp)):
            tmp.unlink()
            return
        meta.write_text(json.dumps(info), encoding="utf-8")
        os.replace(tmp, data)
    except Exception:  # caching is best effort; loading already succeeded
        if tmp is not None and tmp.exists():
            tmp.unlink()


def _same(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> bool:
    """Columns, dtypes, values and geometries all equal (vertex for vertex)."""
    if list(a.columns) != list(b.columns) or len(a) != len(b) or a.crs != b.crs:
        return False
    geometry = a.geometry.name
    try:
        pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns=geometry)),
                                      pd.DataFrame(b.drop(columns=geometry)))
    except AssertionError:
        return False
    left, right = a.geometry.values, b.geometry.values
    same = shapely.equals_exact(left, right, tolerance=0)
    return bool((same | (shapely.is_missing(left) & shapely.is_missing(right))).all())
