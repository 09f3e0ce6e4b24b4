"""The live watch's reruns at a lower CPU priority than the analysts' own steps.

After an edit every page of every app process reruns (the watch), and those
reruns ran at the same priority as the step an analyst was waiting for, in the
same process and in the three others on the same cores: the slowest steps of a
load run were the ones that overlapped them. A watch rerun is nobody's click; it
may take a little longer. So its thread (Streamlit runs each page's script on a
thread of its own) gets a higher nice value for the run, and its own back after,
on Linux, where a thread has a nice value of its own.

Nothing is lowered that cannot be restored: a thread that goes on to run the
analyst's next step must have its priority back, and raising it again needs
root or a nice limit (``RLIMIT_NICE``) that allows it. Without them, nothing changes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterator

#: How much lower (in nice steps) a watch rerun runs than the analysts' steps.
WATCH_NICE = 10
_LOG = logging.getLogger("briefing.team")
_STATE = {"enabled": True}


def may_restore(nice: int) -> bool:
    """True if this process may set a thread's nice value back down to ``nice``."""
    if not hasattr(os, "setpriority"):
        return False
    if os.geteuid() == 0:
        return True
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NICE)
    return soft == resource.RLIM_INFINITY or 20 - soft <= nice


@contextlib.contextmanager
def lowered(steps: int = WATCH_NICE) -> Iterator[bool]:
    """Run the block at ``steps`` nice steps lower; yields whether it was lowered.

    Best effort: any refusal leaves the priority as it was, and a failure to
    restore it turns the lowering off for the rest of the process's life.
    """
    tid = threading.get_native_id()
    try:
        before = os.getpriority(os.PRIO_PROCESS, tid)
        can = _STATE["enabled"] and steps > 0 and may_restore(before)
        if can:
            os.setpriority(os.PRIO_PROCESS, tid, min(19, before + steps))
    except (AttributeError, OSError):  # not Linux, or not allowed: run as it is
        can = False
    try:
        yield can
    finally:
        if can:
            try:
                os.setpriority(os.PRIO_PROCESS, tid, before)
            except OSError as exc:
                _STATE["enabled"] = False
                _LOG.warning("watch reruns no longer lowered: cannot restore priority (%s)",
                             exc)


#: Longest a thread that let go of the interpreter lock (a socket write, a query, a
#: file look) waits to have it back while another thread computes, in seconds.
SWITCH_SECONDS = 0.0005


def share_interpreter(seconds: float = SWITCH_SECONDS) -> float:
    """Hand the interpreter lock between threads every ``seconds``; returns the old interval.

    A page run lets go of the lock dozens of times: every element it sends wakes the
    event loop through a socket write, every query waits on a socket, pyarrow's string
    kernels run unlocked. Each time, if another session's run is computing, the page
    waits for that thread's whole switch interval (5 ms by default) to get the lock
    back. In a profile of a 50-session load run (four processes, two cores) those
    waits were the largest item of an analyst's step: about 85 elements a run, 1.3 ms
    a write on average. A shorter interval bounds each wait; the computing thread
    pays a few microseconds per switch.
    """
    old = sys.getswitchinterval()
    if old > seconds:
        sys.setswitchinterval(seconds)
    return old
