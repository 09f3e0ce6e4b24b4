"""Change detection for many processes on one store: a cheap, shared data version.

Every app process of the team deployment polls :func:`current_version` (its
sessions do, once a second); one process asks the database at most once per
:data:`PROBE_TTL`, however many sessions it serves, and an edit saved by any
process changes the answer, which keys the caches and reruns the pages.

A failure to reach the database raises :class:`StoreUnavailableError` with a
message an analyst can read; the page shows it and keeps polling, so it comes
back by itself when the database does.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from layers.errors import LayersError

#: Seconds one process reuses the version it read (well under the 2 s budget).
PROBE_TTL = 0.4
_LOCK = threading.Lock()
_SEEN: dict[str, tuple[float, Any]] = {}


class StoreDownError(LayersError, ConnectionError):
    """The shared store cannot be reached right now."""


def read_version(url: str) -> Any:
    """The store's data version, straight from the database (no cache)."""
    from layers.store.team_engine import engine_for

    engine = engine_for(url)
    try:
        from layers.store import data_version  # the store's own, when it has one
    except ImportError:
        data_version = None
    try:
        if data_version is not None:
            return data_version(engine)
        return _fallback_version(engine)
    except LayersError:
        raise
    except Exception as exc:
        raise StoreDownError(unavailable_message(exc)) from None


def _fallback_version(engine) -> Any:
    """Until the store has a data version: the roles table's latest change."""
    import sqlalchemy as sa

    from layers.store.roles import ensure_schema, table

    ensure_schema(engine)
    t = table()
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count(), sa.func.max(t.c.granted_at))).one()[:]


def current_version(url: str) -> Any:
    """The data version, read at most once per :data:`PROBE_TTL` in this process."""
    now = time.monotonic()
    with _LOCK:
        hit = _SEEN.get(url)
    if hit and now - hit[0] < PROBE_TTL:
        if isinstance(hit[1], StoreDownError):
            raise hit[1]
        return hit[1]
    try:
        value = read_version(url)
    except StoreDownError as exc:
        with _LOCK:
            _SEEN[url] = (now, exc)
        raise
    with _LOCK:
        _SEEN[url] = (now, value)
    return value


def unavailable_message(exc: BaseException) -> str:
    """What an analyst reads when the database is down: plain words, no traceback."""
    first = (str(exc).strip().splitlines() or [""])[0][:160]
    return ("The shared store is unavailable: the database does not answer"
            + (f" ({first})" if first else "")
            + ". Nothing you saved is lost; edits are refused until it is back, and this "
            "page reconnects by itself.")
