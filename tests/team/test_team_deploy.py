"""The team deployment for real, in short: up, driven, faulted, attacked, down (marker ``team``).

``deploy/team.sh up`` on the PostgreSQL that ``test.sh`` starts (a database of its
own, dropped after), two app processes behind HAProxy; three sessions through the
proxy for about 100 s (one edits, two watch from each app) while one app process is
killed, the database is cut and comes back, and the proxy restarts; then the
security drills. Everything goes to 127.0.0.1 only, every wait is bounded, and
whatever it started is stopped by process id even when an assertion fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import _pg_base_url

from benchmarks import team_security as ts
from benchmarks.team_deploy import Deployment
from benchmarks.team_load import Plan, edit_reaches
from benchmarks.team_run import run_load, summarize, verify_edits

# The websocket client's sockets to processes the faults killed are closed by the garbage
# collector, which reports them as unraisable warnings: not a failure of the deployment.
pytestmark = [pytest.mark.team,
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]


def _require_haproxy() -> None:
    if shutil.which("haproxy") is None:
        if os.environ.get("CI"):
            pytest.fail("haproxy is not installed in CI: test.sh must install it")
        pytest.skip("haproxy is not installed (test.sh installs it with apt-get)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture(scope="module")
def database():
    """A fresh database on the tests' cluster, with PostGIS; dropped after."""
    base = sa.make_url(_pg_base_url())
    name = f"briefing_team_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT",
                             pool_pre_ping=True)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = base.set(database=name)
    ext = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with ext.connect() as conn:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis; "
                             "CREATE EXTENSION IF NOT EXISTS btree_gist")
    ext.dispose()
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="module")
def deployment(database, tmp_path_factory):
    """``team.sh up`` with 2 apps and a 1 MiB upload limit; ``down`` whatever happens."""
    _require_haproxy()
    dep = Deployment(run_dir=tmp_path_factory.mktemp("team-run"), apps=2, db_url=database,
                     upload_mb=1)
    try:
        dep.up()
        for name, role in (("editor01", "editor"), ("viewer01", "viewer"),
                           ("viewer02", "viewer"), ("viewer03", "viewer")):
            dep.add_user(name, role)
        yield dep
    finally:
        pids = [int(p.read_text()) for p in Path(dep.run_dir).glob("*.pid")
                if p.read_text().strip().isdigit()]
        dep.down()
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in pids if _alive(p)], "team.sh down left processes running"


def test_up_serves_the_page_through_the_proxy(deployment):
    status = deployment.sh("status")
    assert "app1        up" in status and "app2        up" in status
    assert "proxy       up" in status
    users = deployment.credentials()
    assert users["editor01"][1] == "editor" and users["viewer01"][1] == "viewer"

    async def first_run():
        from benchmarks.team_client import Session

        session = Session(deployment.url, "viewer01", users["viewer01"][0],
                          query="date=2024-12-08")
        try:
            run = await session.open()
            kinds = {w.wid.rsplit("-", 1)[-1]: w.kind for w in session.widgets.values()}
            return run, kinds.get("day", f"missing; the page said {run.texts[:6]}")
        finally:
            await session.close()

    run, day_kind = asyncio.run(first_run())
    assert any("Signed in as **viewer01** (viewer" in t for t in run.texts)
    assert not run.errors and day_kind == "date_input", (run.errors, day_kind)


def test_load_with_one_fault_of_each_kind(deployment):
    # 100 s: each fault has a quarter of the run before the next one (25 s) to be served
    # again in, on a CI machine busy with the deployment's own start-ups.
    plan = Plan(url=deployment.url, users=deployment.credentials(), sessions=3, editors=1,
                observers=2, seconds=100, pace=1.5, edit_pace=3.0, apps=2)
    since = time.time()
    rec = asyncio.run(asyncio.wait_for(
        run_load(deployment, plan, ["kill-app", "restart-db", "restart-proxy"]), 260))
    edits = verify_edits(deployment.store_url(), rec)
    summary = summarize(deployment, plan, rec, since, edits)
    print(summary)  # the figures, for the log (pytest -s)
    assert summary["ops"] >= 10
    assert summary["errors"] == 0, summary["error_samples"]
    assert edits["saved"] >= 1 and edits["lost"] == [], edits
    assert edits["refused_but_stored"] == [] and edits["wrong_user"] == [], edits
    assert edits["in_flight_partial"] == [], edits  # unknown outcome: whole or absent
    faults = summary["faults"]
    assert set(faults) == {"kill-app", "restart-db", "restart-proxy"}, faults
    for kind, fault in faults.items():  # served again, by itself (generous bounds: CI)
        assert fault["probe_unserved_s"] is not None and fault["probe_unserved_s"] < 30, (
            kind, fault)
    db = faults["restart-db"]
    assert any("shared store is unavailable" in s for s in db["probe_said"]), db
    assert db["probe_back_after_db_up_s"] is not None and db["probe_back_after_db_up_s"] < 20


def test_an_edit_reaches_the_other_app_process(deployment):
    reach = asyncio.run(asyncio.wait_for(
        edit_reaches(deployment.url, deployment.credentials(), apps=2), 90))
    assert reach["saved"] and reach["seconds"] is not None, reach
    assert reach["on"] == "app2" and reach["from"] == "app1"


def test_security_drills(deployment):
    users = deployment.credentials()
    forged = asyncio.run(ts.forged_header(deployment))
    for case in forged.values():
        assert case["no_identity"] and not case["signed_in"] and case["widgets"] == 0, forged

    viewer = asyncio.run(ts.viewer_edit(deployment, "viewer02", users["viewer02"][0]))
    assert viewer["refused"] and not viewer["stored"], viewer

    payloads = asyncio.run(ts.payload_edits(deployment, "editor01", users["editor01"][0]))
    assert payloads["saved"] and payloads["stored_as_typed"], payloads
    assert payloads["fid_payload_refused"] and payloads["tables_intact"], payloads
    if Path(ts.CHROMIUM).exists():
        shown = ts.browser_shows_text(deployment, "editor01", users["editor01"][0],
                                      payloads["mark"])
        assert shown["shown"] and shown["ran"] == [] and shown["dialogs"] == [], shown

    upload = asyncio.run(ts.upload_over_limit(deployment, "editor01", users["editor01"][0]))
    assert upload["over_status"] == 413 and upload["small_status"] == 204, upload


@pytest.mark.skipif(not Path(ts.CHROMIUM).exists(), reason="Debian's chromium is not here")
def test_an_edit_elsewhere_shows_over_an_open_map_without_a_reload(deployment):
    """The live map (a fragment the watch reruns alone) shows the edit; steps still rerun all."""
    from _live_browser import edit_elsewhere_in_a_browser

    users = deployment.credentials()
    seen = edit_elsewhere_in_a_browser(deployment, ("viewer01", users["viewer01"][0]),
                                       ("editor01", users["editor01"][0]))
    assert seen["said"].startswith("Saved"), seen
    assert seen["seen_after_s"] < 10 and seen["not_reloaded"] and seen["in_sight"], seen
    assert seen["day_before"] == "Sun 08 Dec 2024", seen
    assert seen["day_after"] == "Mon 09 Dec 2024", seen
