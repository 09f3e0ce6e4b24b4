"""A new page's first map kept on disk, so a new server process can send it at once.

A restarted server spent seconds before a new page's first map: importing the
geodata libraries, reading the layers from the workspace store, building the
day's timeline files. Yet the first map of a page opened without a link's
parameters is the same every time until something it depends on changes. So the
first page that builds it writes what it sent (the header and the map
component's arguments) beside the layer cache, under a key of everything it
depends on; a new process whose key matches sends that before it reads
anything (:mod:`dashboard._first_paint`), then reads as always and checks.

The key is taken without importing ``layers`` or the geodata libraries (that is
the point), so a few of their settings are read here too: the data folder, the
workspace store's file, the cache folder. Tests check they agree with the
originals (:func:`layers.core.catalog.geodata_dir`,
:func:`layers.store.engine.default_path`, :func:`layers.ingest.layer_cache.cache_dir`).

What the key holds: this format; Python's version; the size and time of every
source and asset file of ``dashboard/`` and ``layers/``; the installed
libraries the map is made with (the time and size of each one's ``__init__``);
every ``BRIEFING_*`` setting but the few that never change the map
(:data:`NOT_IN_THE_MAP`); the catalog's folder and its files' times (as
:func:`file_stamps`); and the embedded store's write counter. A server store
(``BRIEFING_STORE``) or the team deployment (whose map depends on who signs in)
are never kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import sys
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: Where the page's static files are, and the address Streamlit serves them at.
STATIC = REPO / "dashboard" / "static"
STATIC_URL = "/app/static"
#: As :data:`layers.core.catalog.DEFAULT_GEODATA` and :mod:`layers.store.engine`'s folder.
DEFAULT_GEODATA = REPO / "geodata"
DEFAULT_WORKSPACE = REPO / "workspace"
STORE_FILE = "briefing.sqlite"
#: Bumped when what is kept changes shape.
FORMAT = 1
#: Kept first maps (one per data folder and store); the oldest go beyond this.
KEEP = 32
#: The libraries whose output is in the map's arguments (base map, timeline files).
LIBRARIES = ("streamlit", "streamlit_folium", "folium", "branca", "jinja2", "geopandas",
             "shapely", "pandas", "pyarrow", "numpy", "pyproj")
_OFF = {"", "0", "off", "no", "false", "none"}
#: Settings that change how the page runs, never what its first map shows.
NOT_IN_THE_MAP = frozenset({"BRIEFING_FIRST_MAP_PAUSE", "BRIEFING_STEP_LOG",
                            "BRIEFING_PROFILE_DIR"})
#: A static file named in the arguments (``/app/static/...``), up to a quote or space.
_STATIC_REF = re.compile(re.escape(STATIC_URL) + r"/([A-Za-z0-9_./-]+)")


@dataclass(frozen=True)
class Kept:
    """A first map as a page sent it: its header's three parts and the map's arguments."""

    key: str
    header: tuple[str, str, str]
    args: dict[str, Any]


def geodata_dir() -> Path:
    """The data folder in use (as :func:`layers.core.catalog.geodata_dir`)."""
    return Path(os.environ.get("BRIEFING_GEODATA", DEFAULT_GEODATA)).resolve()


def file_stamps() -> tuple:
    """Folder and modification times of the catalog and every file beside it.

    What :func:`dashboard._data.file_fingerprint` keys the page's caches by.
    """
    root = geodata_dir()
    stamps = []
    for path in sorted(root.glob("*.toml")) + sorted(root.glob("*.geojson")) + sorted(
            root.glob("basemap/*.geojson")):
        try:
            stamps.append((path.name, path.stat().st_mtime_ns))
        except OSError:
            continue
    return (str(root), tuple(stamps))


def folder() -> Path | None:
    """Where first maps are kept: beside the layer cache, or None when that is off."""
    value = os.environ.get("BRIEFING_CACHE_DIR")
    if value is not None:
        return None if value.strip().lower() in _OFF else Path(value).expanduser() / "first-map"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing-map" / "layers" / "first-map"


def store_file() -> Path | None:
    """The embedded store's file, or None when the page uses a server store."""
    if os.environ.get("BRIEFING_STORE", "").strip():
        return None
    place = os.environ.get("BRIEFING_WORKSPACE")
    return (Path(place).expanduser() if place else DEFAULT_WORKSPACE) / STORE_FILE


def store_version(path: Path) -> int | None:
    """The embedded store's write counter, read only; None when it cannot be read."""
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
        try:
            row = con.execute(
                "SELECT value FROM store_meta WHERE name = 'data_version'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return int(row[0]) if row else None


def _code_stamps() -> list:
    """Size and time of every source and asset file, and of each library's ``__init__``."""
    stamps: list = []
    for root in ("dashboard", "layers"):
        for here, dirs, files in os.walk(REPO / root):
            dirs[:] = sorted(d for d in dirs if d not in ("static", "__pycache__"))
            for name in sorted(files):
                info = os.stat(os.path.join(here, name))
                stamps.append((os.path.relpath(os.path.join(here, name), REPO),
                               info.st_size, info.st_mtime_ns))
    for name in LIBRARIES:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        info = os.stat(origin) if origin else None
        stamps.append((name, origin, info.st_size if info else None,
                       info.st_mtime_ns if info else None))
    return stamps


def key() -> str | None:
    """The key of the first map the current files, code and store make; None: not kept."""
    if os.environ.get("BRIEFING_TEAM", "") == "1" or folder() is None:
        return None
    path = store_file()
    version = store_version(path) if path is not None else None
    if version is None:
        return None
    settings = sorted((k, v) for k, v in os.environ.items()
                      if k.startswith("BRIEFING_") and k not in NOT_IN_THE_MAP)
    text = json.dumps([FORMAT, sys.version, _code_stamps(), settings, file_stamps(),
                       str(path.resolve()), version], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _file() -> Path | None:
    place = folder()
    if place is None:
        return None
    where = json.dumps([str(geodata_dir()), str(store_file())])
    return place / f"{hashlib.sha256(where.encode()).hexdigest()[:20]}.json"


def static_files(args: dict[str, Any]) -> list[Path]:
    """The page's static files the arguments name (the frame fetches them)."""
    text = json.dumps(args)
    return [STATIC / name for name in sorted(set(_STATIC_REF.findall(text)))]


def read(wanted: str) -> Kept | None:
    """The kept first map for key ``wanted``, if its files are all still there."""
    path = _file()
    try:
        doc = json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("key") != wanted:
        return None
    try:
        kept = Kept(key=wanted, header=tuple(str(h) for h in doc["header"]),  # type: ignore[arg-type]
                    args=dict(doc["args"]))
    except (KeyError, TypeError, ValueError):
        return None
    if len(kept.header) != 3 or not all(p.is_file() for p in static_files(kept.args)):
        return None
    return kept


def plain(args: dict[str, Any]) -> dict[str, Any]:
    """``args`` as they read back from the kept file (tuples become lists)."""
    return json.loads(json.dumps(args))


def write(kept: Kept) -> bool:
    """Keep ``kept`` (replacing the file whole); False when it cannot be written."""
    path = _file()
    if path is None:
        return False
    doc = {"format": FORMAT, "key": kept.key, "header": list(kept.header),
           "args": plain(kept.args)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(doc), encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, TypeError, ValueError):
        return False
    _prune(path.parent)
    return True


def _prune(place: Path, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` most recently written first maps (tests make many)."""
    try:
        kept = sorted(place.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        return
