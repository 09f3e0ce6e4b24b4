"""Watch reruns at a lower CPU priority, and the priority back afterwards."""

from __future__ import annotations

import os
import threading

import pytest

from dashboard import _priority

pytestmark = pytest.mark.skipif(not hasattr(os, "setpriority"), reason="Linux/Unix only")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _in_thread(fn):
    out: list = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def test_a_watch_run_is_lowered_and_its_thread_gets_its_priority_back():
    if not _priority.may_restore(_in_thread(_nice)):
        pytest.skip("this user may not raise a priority again (no root, no RLIMIT_NICE)")

    def run() -> tuple[int, bool, int, int]:
        before = _nice()
        with _priority.lowered(5) as lowered:
            during = _nice()
        return before, lowered, during, _nice()

    before, lowered, during, after = _in_thread(run)
    assert lowered and during == min(19, before + 5) and after == before


def test_zero_steps_or_a_refusal_change_nothing(monkeypatch):
    def run(steps: int) -> tuple[bool, int, int]:
        before = _nice()
        with _priority.lowered(steps) as lowered:
            return lowered, before, _nice()

    lowered, before, during = _in_thread(lambda: run(0))
    assert not lowered and during == before
    monkeypatch.setattr(_priority, "may_restore", lambda nice: False)
    lowered, before, during = _in_thread(lambda: run(5))
    assert not lowered and during == before


def test_a_failed_restore_turns_the_lowering_off(monkeypatch):
    monkeypatch.setattr(_priority, "may_restore", lambda nice: True)
    monkeypatch.setitem(_priority._STATE, "enabled", True)
    calls: list[int] = []
    real = os.setpriority

    def refuse_raising(which: int, who: int, nice: int) -> None:
        calls.append(nice)
        if len(calls) > 1:
            raise PermissionError("not permitted")
        real(which, who, nice)

    monkeypatch.setattr(os, "setpriority", refuse_raising)
    assert _in_thread(lambda: _lower_once()) is True
    assert _priority._STATE["enabled"] is False
    assert _in_thread(lambda: _lower_once()) is False  # off from now on


def _lower_once() -> bool:
    with _priority.lowered(1) as lowered:
        return lowered


def test_the_interpreter_lock_changes_hands_sooner_never_later():
    import sys

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)  # Python's default
        assert _priority.share_interpreter() == pytest.approx(0.005)
        assert sys.getswitchinterval() == pytest.approx(_priority.SWITCH_SECONDS)
        sys.setswitchinterval(0.0001)  # someone wanted it shorter still: left alone
        _priority.share_interpreter()
        assert sys.getswitchinterval() == pytest.approx(0.0001)
    finally:
        sys.setswitchinterval(before)
