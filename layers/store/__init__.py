"""The workspace store: every version of every feature, with who, when, source and reason.

Room for the store (embedded SQLite by default, PostgreSQL + PostGIS for a team):
it keeps versions rather than overwriting, answers "as of date D, as known on T",
and hands validated frames to the rest of the flow like a file would.

May import: :mod:`layers.errors`, :mod:`layers.problems`, :mod:`layers.geo`,
:mod:`layers.core`, :mod:`layers.ingest`.
"""

from layers.store.edits import Provenance
from layers.store.engine import default_path, store_url
from layers.store.errors import (
    EditConflictError,
    ProvenanceError,
    StoreError,
    StoreUnavailableError,
)
from layers.store.store import Store, open_store
from layers.store.versions import Version

__all__ = [
    "EditConflictError",
    "Provenance",
    "ProvenanceError",
    "Store",
    "StoreError",
    "StoreUnavailableError",
    "Version",
    "default_path",
    "open_store",
    "store_url",
]
