"""The first run and later runs: the catalog's files seed the store, once per file version.

``bash run.sh`` must work with no setup, so the app opens (and if need be creates)
the store and imports the catalog's files into it. A file is imported again only
when its bytes changed since it was last imported (a new seed from the data
scripts); otherwise the store's own edits stand.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from layers.core.catalog import Catalog
from layers.ingest.catalog_layers import load_spec
from layers.store.importer import import_text, seed_shas

if TYPE_CHECKING:  # pragma: no cover
    from layers.store.store import Store

SEED_USER = "seed"
SEED_REASON = "catalog file imported (first run, or the file changed since)"


@dataclass(frozen=True)
class SeedResult:
    """Layers imported now, and the versions that wrote."""

    layers: tuple[str, ...]
    written: int


def sync_seeds(store: Store, catalog: Catalog) -> SeedResult:
    """Import each catalog file whose bytes differ from the last import of it.

    A file that fails validation is skipped (the app reports its problems from
    the file as before); the others are imported.
    """
    known = seed_shas(store)
    done: list[str] = []
    written = 0
    for spec in catalog.layers:
        if not spec.path.is_file():
            continue
        data = spec.path.read_bytes()
        if known.get(spec.id) == hashlib.sha256(data).hexdigest():
            continue
        try:
            load_spec(spec, catalog)
        except ValueError:  # LayerValidationError: left to the file path's report
            continue
        result = import_text(store, spec.id, data, path=str(spec.path), user=SEED_USER,
                             source=f"{catalog.root.name}/{spec.path.name}", reason=SEED_REASON)
        done.append(spec.id)
        written += result.added + result.changed
    return SeedResult(tuple(done), written)
