"""The store on both backends: a fresh SQLite file, or a fresh PostgreSQL database.

The PostGIS cases need ``BRIEFING_TEST_PG_URL`` (``bash test.sh`` starts a cluster
and sets it). Locally they skip without it; in CI (``CI`` set) a missing URL
fails, so the team backend is never silently untested.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from layers.core.catalog import load_catalog
from layers.store.store import Store

REPO = Path(__file__).resolve().parents[2]
GEODATA = REPO / "geodata"
BACKENDS = ["sqlite", "postgis"]


def _pg_base_url() -> str:
    url = os.environ.get("BRIEFING_TEST_PG_URL", "").strip()
    if not url:
        if os.environ.get("CI"):
            pytest.fail("BRIEFING_TEST_PG_URL is not set in CI: test.sh must start PostgreSQL")
        pytest.skip("PostGIS: set BRIEFING_TEST_PG_URL (bash test.sh starts a cluster)")
    return url


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of its own for this test session, with the schema, dropped after."""
    base = sa.make_url(_pg_base_url())
    name = f"briefing_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = base.set(database=name).render_as_string(hide_password=False)
    with Store(url) as fresh:
        fresh.init()
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _empty_pg(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE feature_versions, layer_files, workspace_items "
                             "RESTART IDENTITY")
        conn.exec_driver_sql("UPDATE store_meta SET value = 0")
    engine.dispose()


def store_url_for(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL of an empty, initialised store on ``backend``."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite'}"
        with Store(url) as fresh:
            fresh.init()
        return url
    url = request.getfixturevalue("pg_database")
    _empty_pg(url)
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return store_url_for(backend, tmp_path, request)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store on each backend, with the project's catalog."""
    opened = Store(store_url, load_catalog(GEODATA / "catalog.toml"))
    yield opened
    opened.close()


@pytest.fixture
def seeded(store: Store) -> Store:
    """The store holding the catalog's seed files."""
    store.import_paths([GEODATA], user="seed", source="geodata/ seed files", reason="seed")
    return store
