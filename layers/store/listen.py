"""Wake when the store is written: PostgreSQL's LISTEN on the channel every write notifies.

Every write transaction of :class:`layers.store.store.Store` ends with
``NOTIFY briefing_store``; PostgreSQL delivers it, on commit, to every connection
that listens. :class:`Listener` holds one such connection per app process, so the
process learns of an edit within milliseconds instead of at its next poll (the
poll stays, as the fallback: a notification sent while the listening connection
was down is never delivered again).

Plain psycopg 3 (the driver SQLAlchemy already uses here), in autocommit: a
listening connection must not sit in a transaction, or notifications wait for it
to end. Nothing here raises: a database that does not answer makes :meth:`wait`
sleep its time out and say it heard nothing, and the next call tries again.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

#: The channel :meth:`layers.store.store.Store.write` notifies.
CHANNEL = "briefing_store"
#: Seconds between two attempts to open the listening connection after a failure.
RETRY_SECONDS = 2.0
_LOG = logging.getLogger("briefing.store.listen")


def conninfo(url: str) -> str | None:
    """The libpq address of a SQLAlchemy PostgreSQL URL; None for other backends.

    ``postgresql+psycopg://u:p@host:5432/db`` becomes ``postgresql://u:p@host:5432/db``
    (the password kept: the listening connection signs in as the store's does).
    """
    import sqlalchemy as sa

    try:
        parsed = sa.make_url(url)
    except Exception:  # not a URL (a SQLite path): nothing to listen to
        return None
    if not parsed.drivername.startswith("postgresql"):
        return None
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """One listening connection to ``url``'s database, opened on first use.

    Parameters
    ----------
    url
        The store's SQLAlchemy URL. A SQLite store has no notifications: :meth:`wait`
        then only sleeps, and the caller's poll does the work.
    """

    def __init__(self, url: str) -> None:
        self.info = conninfo(url)
        self._conn: Any = None
        self._retry_at = 0.0
        #: Notifications heard since the listener started (for tests and logs).
        self.heard = 0

    @property
    def listening(self) -> bool:
        """True while the listening connection is open."""
        return self._conn is not None and not self._conn.closed

    def wait(self, timeout: float) -> bool:
        """Block until a write is notified or ``timeout`` seconds pass; True if one was.

        Notifications that arrive together are taken together (one wake-up for a
        burst of writes).
        """
        conn = self._connection()
        if conn is None:
            time.sleep(max(0.0, timeout))
            return False
        try:
            got = sum(1 for _ in conn.notifies(timeout=timeout, stop_after=1))
            if got:  # the rest of a burst, without waiting
                got += sum(1 for _ in conn.notifies(timeout=0.0))
        except Exception as exc:  # the database went away: poll until it is back
            _LOG.info("store listener lost its connection: %s", str(exc)[:160])
            self.close()
            self._retry_at = time.monotonic() + RETRY_SECONDS
            return False
        self.heard += got
        return got > 0

    def _connection(self) -> Any:
        if self.listening:
            return self._conn
        if self.info is None or time.monotonic() < self._retry_at:
            return None
        try:
            import psycopg

            conn = psycopg.connect(self.info, autocommit=True, connect_timeout=3)
            conn.execute(f"LISTEN {CHANNEL}")
        except Exception as exc:
            _LOG.info("store listener could not connect: %s", str(exc)[:160])
            self._retry_at = time.monotonic() + RETRY_SECONDS
            return None
        self._conn = conn
        return conn

    def close(self) -> None:
        """Close the listening connection (the next :meth:`wait` opens a new one)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # a broken connection: nothing to close
                conn.close()
