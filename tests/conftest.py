"""Shared fixtures: small hand-made layers written to a temporary folder."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from layers.core.catalog import load_catalog
from layers.store.store import Store

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"


def feature(fid: str = "f1", geometry: dict | None = None, **props: Any) -> dict:
    """A contract-complete feature; override any property by keyword."""
    base = {"id": fid, "name": f"Feature {fid}", "valid_from": "2024-12-01", "valid_to": None,
            "source": "test", "confidence": "high"}
    base.update(props)
    return {"type": "Feature", "properties": base,
            "geometry": geometry or {"type": "Point", "coordinates": [36.29, 33.51]}}


def square(x: float, y: float, size: float = 0.5) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size],
                                                [x, y + size], [x, y]]]}


@pytest.fixture(autouse=True)
def _workspace_store_of_the_tests(tmp_path_factory: pytest.TempPathFactory,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's workspace store is its own temporary folder, never the checkout.

    One per test, not per session: a store seeded from one test's data folder would
    otherwise answer for the next test's (the store keeps what it was given).
    """
    monkeypatch.setenv("BRIEFING_WORKSPACE", str(tmp_path_factory.mktemp("workspace")))
    monkeypatch.delenv("BRIEFING_STORE", raising=False)
    # AppTest has no browser to draw the first map: the full page follows at once.
    # (Browser tests' servers drop it and keep the page's own pause: tests/browser.py.)
    monkeypatch.setenv("BRIEFING_FIRST_MAP_PAUSE", "0")


@pytest.fixture
def write_geojson(tmp_path: Path) -> Callable[..., Path]:
    def write(features: list[dict] | Any, name: str = "layer.geojson", raw: bool = False
              ) -> Path:
        path = tmp_path / name
        doc = features if raw else {"type": "FeatureCollection", "features": features}
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
        return path
    return write


# --- the store on both backends: a fresh SQLite file, or a fresh PostgreSQL database -------
# The PostGIS cases need BRIEFING_TEST_PG_URL (``bash test.sh`` starts a cluster and sets
# it). Locally they skip without it; in CI (``CI`` set) a missing URL fails, so the team
# backend is never silently untested. Kept here, not in tests/store/conftest.py: a second
# module named ``conftest`` would shadow this one for the tests that import its helpers.

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
