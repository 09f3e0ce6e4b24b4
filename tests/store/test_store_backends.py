"""What each backend guarantees on its own: constraints, concurrent writers, clear failures."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from store_fixtures import event_id

from layers.store import EditConflictError, Provenance, Store, StoreUnavailableError


def test_two_sessions_editing_one_feature_never_lose_one(seeded, store_url):
    fid = event_id(seeded)
    base = seeded.current("events", fid)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def edit(user: str) -> None:
        with Store(store_url, seeded.catalog) as mine:
            barrier.wait()
            try:
                mine.edit("events", fid, based_on=base.vid,
                          provenance=Provenance(user, "Reuters", "high", f"{user}'s edit"),
                          properties={"name": f"named by {user}"})
                outcomes.append(f"saved:{user}")
            except EditConflictError as exc:
                outcomes.append(f"refused:{user}:{exc.other.user}")

    threads = [threading.Thread(target=edit, args=(u,)) for u in ("ana", "bo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    saved = [o for o in outcomes if o.startswith("saved")]
    refused = [o for o in outcomes if o.startswith("refused")]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    winner = saved[0].split(":")[1]
    assert refused[0].endswith(f":{winner}")  # the refusal names the change that won
    history = seeded.history("events", fid)
    assert [v.user for v in history] == ["seed", winner]
    assert history[-1].properties["name"] == f"named by {winner}"


def test_postgis_refuses_two_versions_claiming_one_moment(seeded, backend):
    if backend != "postgis":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    fid = event_id(seeded)
    with seeded.engine.connect() as conn:
        names = {r[0] for r in conn.execute(sa.text(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'feature_versions'::regclass"))}
        indexes = {r[0] for r in conn.execute(sa.text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'feature_versions'"))}
        assert "fv_one_version_per_moment" in names
        assert any("gist (geom)" in i for i in indexes)
        conn.rollback()
        with pytest.raises(IntegrityError, match="fv_one_version_per_moment"), conn.begin():
            # a second open version of the same feature over the same valid time
            conn.execute(sa.text(
                "INSERT INTO feature_versions (layer, fid, seq, ord, valid_from_day, "
                "valid_to_day, recorded_us, user_name, source, confidence, reason, action, "
                "retired, raw, superseded_us) SELECT layer, fid, seq + 10, ord, valid_from_day,"
                " valid_to_day, recorded_us + 1, user_name, source, confidence, reason, action,"
                " retired, raw, recorded_us + 5 FROM feature_versions WHERE fid = :fid"),
                {"fid": fid})


def test_sqlite_keeps_space_and_both_times_in_one_rtree(seeded, backend):
    if backend != "sqlite":
        pytest.skip("the R*Tree is SQLite's")
    with seeded.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT COUNT(*) FROM feature_versions_rtree")).scalar()
    assert rows == seeded.count_versions()


@pytest.mark.parametrize("url, words", [
    ("postgresql+psycopg://nobody@127.0.0.1:9/none", "127.0.0.1"),
    ("mysql://x@y/z", "SQLite or PostgreSQL"),
    ("not a url", "not a database URL"),
])
def test_an_unreachable_or_wrong_store_is_one_clear_line(url, words):
    with pytest.raises(StoreUnavailableError) as caught:
        Store(url).data_version()
    message = str(caught.value)
    assert words in message and "\n" not in message


def test_an_uninitialised_store_says_to_run_init(tmp_path):
    with pytest.raises(StoreUnavailableError, match="store init"), \
            Store(f"sqlite:///{tmp_path / 'empty.sqlite'}") as empty:
        empty.data_version()
