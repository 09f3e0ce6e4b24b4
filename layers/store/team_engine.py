"""One SQLAlchemy engine per database URL and process, tuned for a shared server.

Every app process of the team deployment talks to the same PostgreSQL; a handful
of pooled connections each is enough (a date step reads, an edit writes once), and
a dead server must fail fast with a message rather than hang a page: connections
are checked before use and a connection attempt gives up after a few seconds.
"""

from __future__ import annotations

import threading

#: Seconds a connection attempt may take before the store counts as unavailable.
CONNECT_TIMEOUT = 3
_ENGINES: dict[str, object] = {}
_LOCK = threading.Lock()


def engine_for(url: str):
    """The process's engine for ``url`` (created once; SQLite URLs get no pool tuning)."""
    import sqlalchemy as sa

    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            if url.startswith("postgresql"):
                engine = sa.create_engine(
                    url, pool_size=4, max_overflow=4, pool_pre_ping=True,
                    pool_recycle=600, pool_timeout=5,
                    connect_args={"connect_timeout": CONNECT_TIMEOUT,
                                  "application_name": "briefing-map"})
            else:
                engine = sa.create_engine(url)
            _ENGINES[url] = engine
        return engine
