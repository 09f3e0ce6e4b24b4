"""The load benchmark's profile of page runs: summed per cause, written every few runs."""

from __future__ import annotations

import os
import pstats

from dashboard import _run_profile


def _busy() -> int:
    return sum(i * i for i in range(2_000))


def test_runs_of_a_cause_are_summed_into_one_file(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_PROFILE_DIR", str(tmp_path))
    monkeypatch.setattr(_run_profile, "_SUMS", {})
    for _ in range(_run_profile.EVERY):
        with _run_profile.profiled("watch"):
            _busy()
    stats = pstats.Stats(str(tmp_path / f"{os.getpid()}-watch.prof"))
    calls = {func[2]: counts[1] for func, counts in stats.stats.items()}
    assert calls["_busy"] == _run_profile.EVERY  # every run, in one sum
    assert not (tmp_path / f"{os.getpid()}-page.prof").exists()


def test_unset_it_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFING_PROFILE_DIR", raising=False)
    monkeypatch.setattr(_run_profile, "_SUMS", {})
    for _ in range(_run_profile.EVERY):
        with _run_profile.profiled("page"):
            _busy()
    assert _run_profile._SUMS == {}
    assert list(tmp_path.iterdir()) == []
