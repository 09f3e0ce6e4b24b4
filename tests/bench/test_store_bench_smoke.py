"""The store benchmark on a tiny store: every measure comes back, on the store's own rows.

Not a timed test (the figures depend on the machine): it checks that the generator
writes versions the store reads back as features valid on a date, that an edit
lands as a new version, and that the report names every budget.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from benchmarks import store_bench  # noqa: E402


def test_a_tiny_run_measures_every_budget(tmp_path):
    [result] = store_bench.run_all(12_000, steps=3, edits=2, pg=None)
    assert result["backend"] == "sqlite"
    assert result["versions"] == 12_000  # counted before the edits
    assert result["days"] == 12
    assert len(result["as_of_ms"]) == len(result["known_on_ms"]) == 3
    # Every date shows the 200 zones and a week of events (100 a day) as last recorded.
    assert all(n >= 200 + 100 for n in result["features"])
    assert len(result["edit_ms"]) == 2 and result["import_s"] > 0
    figures = store_bench.summary(result)
    assert set(store_bench.BUDGETS) <= set(figures)
    assert all(v > 0 for v in figures.values())
    table = store_bench.markdown([result])
    assert "| sqlite | 12,000 |" in table and "≤ 50 ms" in table


def test_generated_versions_answer_as_known_on(tmp_path):
    import datetime as dt

    from layers.store import Store

    with Store(f"sqlite:///{tmp_path}/s.sqlite") as store:
        store.init()
        days = store_bench.generate(store, 8_000)
        day = store_bench.START + dt.timedelta(days=5)
        now = store.as_of(["events"], day)["events"]
        early = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(1), dt.UTC)
        then = store.as_of(["events"], day, known_on=early)["events"]
    assert days == 8 and len(now) == len(then) == 100
    # The latest record is the third correction ("high"); the first record was "low".
    assert set(now["confidence"]) == {"high"} and set(then["confidence"]) == {"low"}
