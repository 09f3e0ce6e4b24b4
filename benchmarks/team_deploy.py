"""Drive ``deploy/team.sh`` from Python: bring a deployment up on free ports, fault it, stop it.

The load benchmark and the team tests use one :class:`Deployment` each, in its own
run folder, so they never touch the deployment a person may be running.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "deploy" / "team.sh"


def free_port_range(count: int, tries: int = 50) -> int:
    """A port P with P .. P+count all free on 127.0.0.1 (bounded tries)."""
    for _ in range(tries):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count >= 65535:
            continue
        if all(_free(base + k) for k in range(count + 1)):
            return base
    raise RuntimeError(f"no {count + 1} free consecutive ports found in {tries} tries")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class Deployment:
    """One team deployment in ``run_dir``: ``up()``, fault drills, ``down()``."""

    run_dir: Path
    apps: int = 2
    db_url: str | None = None          # an existing database instead of its own cluster
    upload_mb: int = 50
    port: int = 0
    pg_port: int = 0
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.run_dir = Path(self.run_dir)
        self.port = self.port or free_port_range(self.apps)
        self.pg_port = self.pg_port or free_port_range(0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def env(self) -> dict[str, str]:
        env = dict(os.environ, BRIEFING_TEAM_RUN=str(self.run_dir),
                   BRIEFING_TEAM_APPS=str(self.apps), BRIEFING_TEAM_PORT=str(self.port),
                   BRIEFING_TEAM_PG_PORT=str(self.pg_port),
                   BRIEFING_MAX_UPLOAD_MB=str(self.upload_mb))
        if self.db_url:
            env["BRIEFING_TEAM_DB_URL"] = self.db_url
        return env

    def sh(self, *args: str, timeout: float = 300) -> str:
        """Run ``deploy/team.sh ARGS``; its output (raises with it on failure)."""
        start = time.monotonic()
        done = subprocess.run(["bash", str(SCRIPT), *args], env=self.env(), text=True,
                              capture_output=True, timeout=timeout, cwd=REPO)
        self.log.append(f"team.sh {' '.join(args)}: {done.returncode} in "
                        f"{time.monotonic() - start:.1f} s")
        if done.returncode != 0:
            raise RuntimeError(f"team.sh {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout}\n{done.stderr}")
        return done.stdout

    def up(self) -> str:
        return self.sh("up", timeout=600)

    def down(self) -> str:
        return self.sh("down", timeout=120)

    def restart_db(self, outage_s: float = 3.0) -> None:
        """Take the store's database away and bring it back.

        A deployment with its own cluster restarts it (``team.sh restart-db``: a fast
        shutdown, every connection cut, then a start). On a database it was given
        (the tests' cluster, shared with other tests) it cuts only that database:
        new connections refused and every open one terminated for ``outage_s``
        seconds, which the apps see as a restart does.
        """
        if not self.db_url:
            self.sh("restart-db", timeout=120)
            return
        import sqlalchemy as sa

        url = sa.make_url(self.db_url)
        name = url.database
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        quoted = '"' + str(name).replace('"', '""') + '"'
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS false")
                conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = :n AND pid <> pg_backend_pid()"),
                             {"n": name})
            time.sleep(outage_s)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS true")
            admin.dispose()
        self.log.append(f"database {name} cut for {outage_s:.1f} s")

    def credentials(self) -> dict[str, tuple[str, str]]:
        """user -> (password, role), from the run folder's credentials file."""
        out: dict[str, tuple[str, str]] = {}
        for line in (self.run_dir / "credentials").read_text().splitlines():
            name, password, role = line.split()
            out[name] = (password, role)
        return out

    def add_user(self, name: str, role: str) -> None:
        self.sh("user", name, role)

    def secret(self) -> str:
        return (self.run_dir / "proxy-secret").read_text().strip()

    def store_url(self) -> str:
        for line in (self.run_dir / "env").read_text().splitlines():
            if line.startswith("BRIEFING_STORE="):
                return line.split("=", 1)[1]
        raise LookupError("no BRIEFING_STORE in the run folder's env")

    def step_times(self, since: float = 0.0, skip: list[tuple[float, float]] | None = None,
                   cause: str | None = "page") -> list[float]:
        """Server-side run times (ms) the app processes logged after ``since`` (epoch s).

        A session's first page is left out (a page load, not a step), and so is any
        run that ended inside one of the ``skip`` windows (epoch s, start and end).
        ``cause``: ``"page"`` for the runs the analysts' own steps asked for,
        ``"watch"`` for the live watch's reruns after an edit elsewhere, None for all.
        """
        times: list[float] = []
        for path in sorted(self.run_dir.glob("steps-app*.jsonl")):
            for line in path.read_text().splitlines():
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                t = rec.get("t", 0)
                if t >= since and not rec.get("first") and not any(
                        a <= t <= b for a, b in skip or ()) and (
                        cause is None or rec.get("cause", "page") == cause):
                    times.append(float(rec["ms"]))
        return times
