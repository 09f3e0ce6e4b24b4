"""The per-process memo the page's sessions share: same objects, same answer, computed once."""

from __future__ import annotations

import gc

import pandas as pd

from dashboard._memo import IdentityMemo


def test_the_same_frames_are_computed_once_and_others_again():
    memo = IdentityMemo(size=4)
    calls: list[int] = []
    a, b = pd.DataFrame({"x": [1]}), pd.DataFrame({"x": [1]})  # equal, not the same

    def compute(n: int):
        return lambda: calls.append(n) or f"result {n}"

    assert memo.get([a], "day-1", compute(1)) == "result 1"
    assert memo.get([a], "day-1", compute(2)) == "result 1"  # a look-up
    assert memo.get([b], "day-1", compute(3)) == "result 3"  # another frame: computed
    assert memo.get([a], "day-2", compute(4)) == "result 4"  # another key: computed
    assert calls == [1, 3, 4]


def test_a_new_frame_never_gets_an_old_frames_answer():
    memo = IdentityMemo(size=2)
    old = pd.DataFrame({"x": [1]})
    memo.get([old], "k", lambda: "old answer")
    del old
    gc.collect()
    # The memo holds the frame it answered for, so its id cannot pass to a new frame while
    # the entry lives; once evicted, the id may be reused and is computed again.
    for n in range(5):
        fresh = pd.DataFrame({"x": [n]})
        assert memo.get([fresh], "k", lambda n=n: f"answer {n}") == f"answer {n}"


def test_only_the_newest_entries_are_kept():
    memo = IdentityMemo(size=2)
    frames = [pd.DataFrame({"x": [n]}) for n in range(3)]
    for n, frame in enumerate(frames):
        memo.get([frame], "k", lambda n=n: n)
    calls = []
    memo.get([frames[0]], "k", lambda: calls.append("again") or 0)  # evicted: computed again
    memo.get([frames[2]], "k", lambda: calls.append("no") or 2)  # kept
    assert calls == ["again"]
