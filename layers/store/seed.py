"""The first run and later runs: the catalog's files seed the store, once per file version.

``bash run.sh`` must work with no setup, so the app opens (and if need be creates)
the store and imports the catalog's files into it. A file is imported again only
when its bytes changed since it was last imported (a new seed from the data
scripts); otherwise the store's own edits stand. A feature the new file no longer
holds is retired if the seed wrote its latest version (an analyst's edit stands).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from layers.core.catalog import Catalog
from layers.ingest.catalog_layers import load_spec
from layers.store.importer import import_text, seed_shas
from layers.store.versions import from_us

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
        where = f"{catalog.root.name}/{spec.path.name}"
        result = import_text(store, spec.id, data, path=str(spec.path), user=SEED_USER,
                             source=f"uncited feature of {where}",
                             reason=f"{SEED_REASON}: {where}", own_sources=True,
                             retire_left_by=SEED_USER)
        done.append(spec.id)
        written += result.added + result.changed + result.retired
    return SeedResult(tuple(done), written)


def seeded_at(store: Store) -> dt.datetime | None:
    """When the store's first seed finished: the last of the first versions it began with.

    Before that moment the store held nothing (or only part of the catalog), so
    "as known on" an earlier moment would be an empty map, though the catalog's
    files were what the team held then. The app reads such a moment as this one
    and says so. The seed's first versions are the unbroken run of ``seq = 1``
    versions by the seed user from the first id on (ids grow with record time).
    """
    with store.read() as conn:
        value = conn.execute(sa.text(
            "SELECT MAX(recorded_us) FROM feature_versions WHERE vid < COALESCE("
            "(SELECT MIN(vid) FROM feature_versions WHERE user_name <> :seed OR seq > 1), "
            ":far)"), {"seed": SEED_USER, "far": 2**62}).scalar()
    return from_us(value)
