"""The store's front door: open it, migrate it, read versions, write them in transactions.

:class:`Store` is the one interface both backends share (the embedded SQLite file
and PostgreSQL + PostGIS): the app, the command line and the team deployment
use only its methods. Edits and imports are in :mod:`layers.store.edits` and
:mod:`layers.store.importer`, reading frames in :mod:`layers.store.frames`; the
methods here delegate to them so callers need one object.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from importlib import resources
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError

from layers.core.catalog import Catalog, load_catalog
from layers.store import sql
from layers.store.engine import make_engine, redact, store_url
from layers.store.errors import EditConflictError, StoreUnavailableError
from layers.store.layout import Layout
from layers.store.versions import COLUMNS, Version, to_us

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from layers.core.loaded import LoadedLayers
    from layers.store.edits import Provenance
    from layers.store.importer import ImportReport

HEAD = "0001"


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class Store:
    """Every version of every feature, on SQLite (default) or PostgreSQL + PostGIS.

    Parameters
    ----------
    url
        A SQLAlchemy URL; default ``$BRIEFING_STORE``, else the embedded file
        (:func:`layers.store.engine.default_path`).
    catalog
        The catalog whose layer kinds validate edits; default the one in use.
    """

    def __init__(self, url: str | None = None, catalog: Catalog | None = None) -> None:
        self.url = store_url(url)
        self.engine: Engine = make_engine(self.url)
        self._catalog = catalog

    # -- plumbing ------------------------------------------------------------------------
    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def catalog(self) -> Catalog:
        """The catalog used for layer kinds and the seed files."""
        if self._catalog is None:
            self._catalog = load_catalog()
        return self._catalog

    def close(self) -> None:
        """Close the store's connections (a process that opens many stores calls it)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({redact(self.url)!r})"

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Database failures as one line that names the store and the fix."""
        try:
            yield
        except IntegrityError as exc:
            raise EditConflictError(f"{redact(self.url)}: another write of the same feature "
                                    f"landed at the same time ({_one_line(exc)}). Reload "
                                    "and try again.") from None
        except (ProgrammingError, OperationalError) as exc:
            text = _one_line(exc)
            if "no such table" in text or ("does not exist" in text and "relation" in text):
                raise StoreUnavailableError(f"{redact(self.url)}: no store here yet. Fix: "
                                            "python -m layers store init") from None
            raise StoreUnavailableError(f"{redact(self.url)}: {text}") from None
        except DBAPIError as exc:
            raise StoreUnavailableError(f"{redact(self.url)}: {_one_line(exc)}") from None

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading (no write lock)."""
        with self._errors(), self.engine.connect() as conn:
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction for one write: all of it lands, or none (then the error).

        SQLite takes the write lock at ``BEGIN`` so concurrent writers queue;
        every write bumps :meth:`data_version` so other processes see it.
        """
        with self._errors(), self.engine.connect() as conn:
            conn.info["immediate"] = True
            try:
                with conn.begin():
                    yield conn
                    conn.execute(sa.text("UPDATE store_meta SET value = value + 1 "
                                         "WHERE name = 'data_version'"))
                    if not sql.is_sqlite(conn):
                        conn.execute(sa.text("NOTIFY briefing_store"))
            finally:
                conn.info.pop("immediate", None)

    # -- schema --------------------------------------------------------------------------
    def init(self) -> str:
        """Create or upgrade the schema to the newest migration; return the revision."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(resources.files("layers.store")
                                                      / "migrations"))
        with self._errors(), self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        return self.revision() or HEAD

    def revision(self) -> str | None:
        """The schema's migration revision, or None when the store is empty."""
        with self._errors(), self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    def data_version(self) -> int:
        """A counter that grows with every write: poll it to see others' edits (cheap)."""
        with self.read() as conn:
            return int(conn.execute(sa.text(
                "SELECT value FROM store_meta WHERE name = 'data_version'")).scalar_one())

    # -- reading versions ----------------------------------------------------------------
    def current(self, layer: str, fid: str) -> Version | None:
        """The latest version of a feature (retired or not), or None if never recorded."""
        with self.read() as conn:
            rows = sql.current_rows(conn, layer, fid)
        return Version.from_row(rows[0]) if rows else None

    def history(self, layer: str, fid: str) -> list[Version]:
        """Every version of a feature, oldest first."""
        with self.read() as conn:
            rows = conn.execute(sa.text(
                f"SELECT {COLUMNS} FROM feature_versions WHERE layer = :layer AND fid = :fid "
                "ORDER BY seq"), {"layer": layer, "fid": fid})
            return [Version.from_row(r) for r in rows]

    def version(self, vid: int) -> Version | None:
        """One version by its id."""
        with self.read() as conn:
            row = conn.execute(sa.text(f"SELECT {COLUMNS} FROM feature_versions "
                                       "WHERE vid = :vid"), {"vid": int(vid)}).first()
        return Version.from_row(row) if row else None

    def layers(self) -> list[str]:
        """Layer ids the store holds features of."""
        with self.read() as conn:
            return sorted(r[0] for r in conn.execute(sa.text(
                "SELECT DISTINCT layer FROM feature_versions")))

    def count_versions(self) -> int:
        """How many versions the store holds, all layers."""
        with self.read() as conn:
            return int(conn.execute(sa.text("SELECT COUNT(*) FROM feature_versions")
                                    ).scalar_one())

    def layout(self, layer: str) -> tuple[Layout, str]:
        """The layer file's layout and file name (a default one for a layer never imported)."""
        with self.read() as conn:
            row = conn.execute(sa.text("SELECT header, separator, footer, style, file_name "
                                       "FROM layer_files WHERE layer = :layer"),
                               {"layer": layer}).first()
        if row is None:
            return Layout(), f"{layer}.geojson"
        return Layout(row[0], row[1], row[2], row[3]), row[4]

    def layer_text(self, layer: str, known_on: dt.datetime | None = None) -> str:
        """The layer's GeoJSON file as the store holds it (now, or as known on a moment).

        Unchanged features come back byte for byte as they were imported.
        """
        known, params = sql.known_clause(None if known_on is None else to_us(known_on))
        params["layer"] = layer
        with self.read() as conn:
            pieces = [r[0] for r in conn.execute(sa.text(
                f"SELECT v.raw FROM feature_versions v WHERE v.layer = :layer AND {known} "
                "AND NOT v.retired ORDER BY v.ord, v.fid"), params)]
        return self.layout(layer)[0].join(pieces)

    # -- writing: see layers.store.edits and layers.store.importer ------------------------
    def add(self, layer: str, feature: dict[str, Any], provenance: Provenance) -> Version:
        """Record a new feature (its ``id`` property must be new to the layer)."""
        from layers.store import edits
        return edits.add_feature(self, layer, feature, provenance)

    def edit(self, layer: str, fid: str, *, based_on: int, provenance: Provenance,
             properties: dict[str, Any] | None = None,
             geometry: dict[str, Any] | None = None) -> Version:
        """Record a changed version; refused if another edit landed after ``based_on``."""
        from layers.store import edits
        return edits.edit_feature(self, layer, fid, based_on=based_on, provenance=provenance,
                                  properties=properties, geometry=geometry)

    def retire(self, layer: str, fid: str, *, based_on: int, provenance: Provenance
               ) -> Version:
        """Record that a feature no longer exists (a version too; restore undoes it)."""
        from layers.store import edits
        return edits.retire_feature(self, layer, fid, based_on=based_on, provenance=provenance)

    def restore(self, layer: str, fid: str, *, seq: int, based_on: int,
                provenance: Provenance) -> Version:
        """Record an earlier version's content again, as a new version."""
        from layers.store import edits
        return edits.restore_version(self, layer, fid, seq=seq, based_on=based_on,
                                     provenance=provenance)

    def import_paths(self, paths: list[str | os.PathLike[str]], *, user: str, source: str,
                     reason: str, layer: str | None = None) -> ImportReport:
        """Record GeoJSON files (or catalog folders) where they differ from the latest."""
        from layers.store import importer
        return importer.import_paths(self, paths, user=user, source=source, reason=reason,
                                     layer=layer)

    # -- reading frames: see layers.store.frames ------------------------------------------
    def as_of(self, layer_ids: list[str], day: dt.date, *, known_on: dt.datetime | None = None,
              bbox: tuple[float, float, float, float] | None = None,
              window_days: dict[str, int] | None = None) -> dict[str, gpd.GeoDataFrame]:
        """The features of each layer valid on ``day`` (as held at ``known_on``)."""
        from layers.store import frames
        return frames.as_of(self, layer_ids, day, known_on=known_on, bbox=bbox,
                            window_days=window_days)

    def loaded_layers(self, catalog: Catalog | None = None, *,
                      known_on: dt.datetime | None = None) -> LoadedLayers:
        """The catalog's layers as validated frames, as the store holds them."""
        from layers.store import frames
        return frames.loaded_layers(self, catalog or self.catalog, known_on=known_on)


def open_store(url: str | None = None, catalog: Catalog | None = None, *,
               init: bool = False) -> Store:
    """Open the store (``$BRIEFING_STORE`` or the embedded file); migrate it if asked."""
    store = Store(url, catalog)
    if init:
        store.init()
    return store
