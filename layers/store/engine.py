"""Where the store lives and how to reach it: ``BRIEFING_STORE``, or one local file.

The embedded default is a SQLite file (``workspace/briefing.sqlite`` beside the
code, or in ``$BRIEFING_WORKSPACE``): nothing to install or start. A team points
``BRIEFING_STORE`` at PostgreSQL with PostGIS (``postgresql+psycopg://...``).
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from layers.store.errors import StoreUnavailableError

ENV_URL = "BRIEFING_STORE"
ENV_FOLDER = "BRIEFING_WORKSPACE"
DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "workspace"
FILE_NAME = "briefing.sqlite"
#: Seconds a writer waits for another writer's transaction (SQLite) or a connection.
BUSY_SECONDS = 10


def default_path() -> Path:
    """The embedded store's file: ``$BRIEFING_WORKSPACE/briefing.sqlite`` or the repo's."""
    folder = os.environ.get(ENV_FOLDER)
    return (Path(folder).expanduser() if folder else DEFAULT_FOLDER) / FILE_NAME


def store_url(url: str | None = None) -> str:
    """The URL in use: the one given, ``$BRIEFING_STORE``, or the embedded file."""
    url = url or os.environ.get(ENV_URL, "").strip()
    return url or f"sqlite:///{default_path()}"


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unreadable URL>"


def make_engine(url: str | None = None) -> Engine:
    """An engine for the store; refuses an unreadable or unsupported URL in one line.

    SQLite runs with a write-ahead log and ``BEGIN IMMEDIATE`` for every
    write transaction, so two processes writing at once queue instead of failing
    half-way, and readers never wait for a writer.
    """
    text = store_url(url)
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise StoreUnavailableError(
            f"{ENV_URL}={text!r} is not a database URL. Fix: use e.g. "
            "postgresql+psycopg://user@host:5432/briefing, or unset it for the local "
            "file.") from None
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise StoreUnavailableError(
            f"{redact(text)}: the store runs on SQLite or PostgreSQL, not {backend!r}.")
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if backend == "sqlite":
            return _sqlite_engine(parsed)
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args={
            "connect_timeout": BUSY_SECONDS}, future=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreUnavailableError(f"{redact(text)}: no driver ({exc}). Fix: install "
                                    "the pinned requirements (psycopg).") from None


def _sqlite_engine(url: sa.URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:":
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailableError(f"{database}: cannot create the store's folder "
                                        f"({exc.strerror}). Fix: set {ENV_FOLDER} to a "
                                        "writable folder.") from None
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_SECONDS}, future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # Writers take the write lock up front (see Store.write); readers do not wait.
        immediate = connection.info.get("immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
