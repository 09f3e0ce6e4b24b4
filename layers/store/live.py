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
from layers.store.errors import StoreUnavailableError

#: Seconds one process reuses the version it read (well under the 2 s budget).
PROBE_TTL = 0.4
_LOCK = threading.Lock()
_SEEN: dict[str, tuple[float, Any]] = {}


class StoreDownError(LayersError, ConnectionError):
    """The shared store cannot be reached right now."""


_STORES: dict[str, Any] = {}


def shared_store(url: str):
    """The process's one :class:`~layers.store.store.Store` for ``url`` (a pool of connections)."""
    from layers.store.store import Store

    with _LOCK:
        store = _STORES.get(url)
        if store is None:
            store = _STORES[url] = Store(url)
        return store


def read_version(url: str) -> Any:
    """The store's data version, straight from the database (no cache)."""
    try:
        return shared_store(url).data_version()
    except StoreUnavailableError as exc:
        raise StoreDownError(unavailable_message(exc)) from None
    except LayersError:
        raise
    except Exception as exc:  # any driver error means the same to a user
        raise StoreDownError(unavailable_message(exc)) from None


def latest_change(url: str) -> tuple[str, str, str, str, int] | None:
    """The newest version in the store: (user, layer, feature id, reason, recorded µs)."""
    import sqlalchemy as sa

    with shared_store(url).read() as conn:
        row = conn.execute(sa.text(
            "SELECT user_name, layer, fid, reason, recorded_us FROM feature_versions "
            "ORDER BY recorded_us DESC LIMIT 1")).first()
    return None if row is None else (str(row[0]), str(row[1]), str(row[2]), str(row[3]),
                                     int(row[4]))


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


def note_version(url: str, value: Any) -> None:
    """Record a version just read elsewhere (the watch), so pages rerun for it see it."""
    with _LOCK:
        _SEEN[url] = (time.monotonic(), value)


def unavailable_message(exc: BaseException) -> str:
    """What an analyst reads when the database is down: plain words, no traceback."""
    first = (str(exc).strip().splitlines() or [""])[0][:160]
    return ("The shared store is unavailable: the database does not answer"
            + (f" ({first})" if first else "")
            + ". Nothing you saved is lost; edits are refused until it is back, and this "
            "page reconnects by itself.")
