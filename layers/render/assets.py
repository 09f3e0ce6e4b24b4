"""Front-end assets served by the app itself (the map must work air-gapped).

Leaflet and its cluster plugin come from pinned PyPI packages (``xstatic-*``),
Leaflet.draw from the copy in ``_assets/vendor`` (npm), so no file of a CDN is
ever needed. The web map refers to them under Streamlit's
static route; the standalone HTML export inlines the same files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import xstatic.pkg.leaflet as _leaflet
import xstatic.pkg.leaflet_markercluster as _cluster

#: Where Streamlit serves ``dashboard/static`` from (``server.enableStaticServing``).
STATIC_URL = "/app/static"
#: Sub-folder of ``dashboard/static`` that holds the copied third-party files.
VENDOR = "vendor"
#: Our own small scripts and styles, shipped inside the package.
OWN_ASSETS = Path(__file__).resolve().parent / "_assets"
#: Folder (under ``vendor``) of the drawing toolbar's files.
DRAW = "leaflet-draw"


def leaflet_dir() -> Path:
    """Folder with ``leaflet.js``, ``leaflet.css`` and ``images/``."""
    return Path(_leaflet.BASE_DIR)


def markercluster_dir() -> Path:
    """Folder with the Leaflet.markercluster files."""
    return Path(_cluster.BASE_DIR)


def leaflet_draw_dir() -> Path:
    """Folder with Leaflet.draw 1.0.4 (vendored from npm: the map's drawing toolbar)."""
    return OWN_ASSETS / VENDOR / DRAW


def install_static(dest: Path) -> list[Path]:
    """Copy every asset the page needs into ``dest/vendor`` (idempotent).

    Returns
    -------
    list of Path
        The files written, for the caller's report.
    """
    target = dest / VENDOR
    written: list[Path] = []
    plan = {
        "leaflet": (leaflet_dir(), ["leaflet.js", "leaflet.css", "images"]),
        "markercluster": (markercluster_dir(), ["leaflet.markercluster.js", "MarkerCluster.css",
                                                "MarkerCluster.Default.css"]),
        DRAW: (leaflet_draw_dir(), ["leaflet.draw.js", "leaflet.draw.css", "images",
                                    "LICENSE"]),
        "briefing": (OWN_ASSETS, [p.name for p in sorted(OWN_ASSETS.glob("*"))
                                  if p.is_file()] if OWN_ASSETS.is_dir() else []),
    }
    for folder, (src_dir, names) in plan.items():
        out = target / folder
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            src = src_dir / name
            if src.is_dir():
                shutil.copytree(src, out / name, dirs_exist_ok=True)
            else:
                shutil.copy2(src, out / name)
            written.append(out / name)
    return written


def url(folder: str, name: str) -> str:
    """URL of an installed asset as the browser requests it from the app."""
    return f"{STATIC_URL}/{VENDOR}/{folder}/{name}"


def bundle(urls: Sequence[str], static: Path) -> str:
    """One script made of the installed scripts at ``urls``, in order; its URL.

    The map component loads its scripts one after the other (each fetched only when
    the one before has run), which put eight round trips before the first map; one
    file is one. Named by content, written once; the parts are separated so that
    each file's last statement ends where it did.

    Raises
    ------
    FileNotFoundError
        A script is not installed under ``static`` (the caller keeps the separate files).
    """
    parts = []
    for link in urls:
        if not link.startswith(STATIC_URL + "/"):
            raise FileNotFoundError(f"{link} is not one of the app's own files")
        path = static / link[len(STATIC_URL) + 1:]
        parts.append(f"/* {link} */\n" + path.read_text(encoding="utf-8"))
    text = "\n;\n".join(parts) + "\n"
    name = content_name(text, ".js", prefix="bundle-")
    write_once(static / VENDOR / name, text)
    return f"{STATIC_URL}/{VENDOR}/{name}"


def content_name(text: str, suffix: str, prefix: str = "") -> str:
    """A file name made from ``text``'s SHA-256: the same text, the same name, anywhere.

    The browser may keep such a file for as long as it likes, and every process of the
    team deployment names the same content alike.
    """
    return f"{prefix}{hashlib.sha256(text.encode('utf-8')).hexdigest()[:20]}{suffix}"


def prune_oldest(folder: Path, keep: int, pattern: str = "*.json") -> None:
    """Remove all but the ``keep`` newest files of ``folder`` matching ``pattern``.

    The team deployment's app processes share these folders: a file listed here may
    be gone a moment later (another process pruned it), which is no error.
    """
    dated = []
    for path in folder.glob(pattern):
        try:
            dated.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    dated.sort()
    for _, stale in dated[:-keep] if keep > 0 else dated:
        stale.unlink(missing_ok=True)


def write_once(path: Path, text: str) -> bool:
    """Write a file named by its content, whole or not at all; False if it was there.

    Many sessions (threads) and app processes write the same names at once: each
    writes a temporary file of its own and renames it over the name, so a reader
    never sees half a file and no writer's rename fails for another's.
    """
    if path.is_file():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return True
