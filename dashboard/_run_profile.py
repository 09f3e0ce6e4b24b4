"""Benchmark aid: where the page's runs spend their time under load (``BRIEFING_PROFILE_DIR``).

A load run's server times say how long runs took, not on what. With the variable
set, each run of the page is profiled on its own thread (``cProfile`` in Python
3.11 profiles the thread that enables it), in that thread's CPU time, and the
runs of one cause are summed per process into ``<dir>/<pid>-<cause>.prof``,
written every few runs so a killed process leaves what it had. Unset, it costs
nothing.
"""

from __future__ import annotations

import contextlib
import cProfile
import os
import pstats
import threading
import time
from collections.abc import Iterator
from pathlib import Path

#: Runs between two writes of a cause's summed profile.
EVERY = 25
_LOCK = threading.Lock()
_SUMS: dict[str, tuple[pstats.Stats, int]] = {}


@contextlib.contextmanager
def profiled(cause: str) -> Iterator[None]:
    """Profile the block into the process's sum for ``cause`` when profiling is on."""
    folder = os.environ.get("BRIEFING_PROFILE_DIR")
    if not folder:
        yield
        return
    # The thread's CPU clock: under load the wall clock charges a function with the
    # time its thread waited for the interpreter lock, wherever the wait fell.
    prof = cProfile.Profile(time.thread_time)
    prof.enable()
    try:
        yield
    finally:
        prof.disable()
        _add(Path(folder), cause, prof)


def _add(folder: Path, cause: str, prof: cProfile.Profile) -> None:
    with _LOCK:
        stats, runs = _SUMS.get(cause, (None, 0))
        if stats is None:
            stats = pstats.Stats(prof)
        else:
            stats.add(prof)
        _SUMS[cause] = (stats, runs + 1)
        if (runs + 1) % EVERY == 0:
            folder.mkdir(parents=True, exist_ok=True)
            stats.dump_stats(str(folder / f"{os.getpid()}-{cause}.prof"))
