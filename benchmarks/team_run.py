"""The team benchmark: a deployment of its own, N sessions, faults, and the figures.

``python -m benchmarks.team_run`` (defaults: 4 app processes, 50 sessions of which
5 edit, 5 minutes, one app process killed, PostgreSQL restarted and the proxy
restarted mid-run) prints a JSON summary and writes it to
``benchmarks/out/team.json``. ``--short`` is the CI version (a few sessions, about
two minutes). Everything runs on loopback and stops at its deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.team_deploy import REPO, Deployment
from benchmarks.team_load import (
    EDIT_LAYER,
    Plan,
    Record,
    edit_reaches,
    observer,
    probe,
    viewer,
    warm,
)

OUT = REPO / "benchmarks" / "out"
#: What the driver says when the database is away (connection refused, cut, restarting).
_STORE_DOWN = re.compile(r"connection failed|server closed the connection|terminating "
                         r"connection|not currently accepting|shutting down|starting up|"
                         r"does not answer|consuming input failed|connection is closed",
                         re.IGNORECASE)


def pct(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (nearest rank), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[min(len(ordered) - 1, max(0, rank - 1))]


def _users(dep: Deployment, editors: int, viewers: int) -> dict[str, tuple[str, str]]:
    for k in range(1, editors + 1):
        dep.add_user(f"editor{k:02d}", "editor")
    for k in range(1, viewers + 1):
        dep.add_user(f"viewer{k:02d}", "viewer")
    return dep.credentials()


async def _faults(dep: Deployment, plan: Plan, rec: Record, start: float,
                  kinds: Sequence[str]) -> None:
    """Each fault at its share of the run; ``kill-app`` brings the process back 20 s on."""
    when = {"kill-app": 0.25, "restart-db": 0.5, "restart-proxy": 0.7}
    for kind in sorted(kinds, key=lambda k: when[k]):
        await asyncio.sleep(max(0.0, start + when[kind] * plan.seconds - time.monotonic()))
        t0 = time.time()
        if kind == "kill-app":
            await asyncio.to_thread(dep.sh, "kill-app", "2")
            rec.faults.append({"kind": kind, "t": t0, "done": time.time(), "app": "app2"})
            await asyncio.sleep(min(20.0, 0.15 * plan.seconds))
            await asyncio.to_thread(dep.sh, "start-app", "2")
            rec.faults.append({"kind": "start-app", "t": time.time(), "done": time.time()})
        elif kind == "restart-db":
            await asyncio.to_thread(dep.restart_db)
            rec.faults.append({"kind": kind, "t": t0, "done": time.time()})
        else:
            await asyncio.to_thread(dep.sh, kind)
            rec.faults.append({"kind": kind, "t": t0, "done": time.time()})


async def run_load(dep: Deployment, plan: Plan, faults: Sequence[str]) -> Record:
    rec = Record()
    start = time.monotonic()
    deadline = start + plan.seconds
    tasks = [viewer(plan, k, rec, deadline, editor=k < plan.editors)
             for k in range(plan.sessions)]
    tasks += [observer(plan, 1 + (k % plan.apps), rec, deadline)
              for k in range(plan.observers)]
    tasks.append(probe(plan, min(2, plan.apps), rec, deadline))
    tasks.append(_faults(dep, plan, rec, start, faults))
    done = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True),
                                  plan.seconds + 180)
    for item in done:
        if isinstance(item, BaseException):
            rec.ops.append({"t": time.time(), "kind": "task", "ok": False,
                            "error": f"{type(item).__name__}: {item}"[:300]})
    return rec


async def _warm_all(plan: Plan) -> None:
    await asyncio.wait_for(asyncio.gather(*(warm(plan, k) for k in range(1, plan.apps + 1))),
                           600)


def verify_edits(url: str, rec: Record) -> dict[str, Any]:
    """Every edit the page called saved must be a whole version in the store, and back."""
    if not rec.edits:
        return {"tried": 0}
    from layers.store.store import Store

    store = Store(url)
    try:
        found: dict[str, Any] = {}
        for fid in {e["fid"] for e in rec.edits}:
            for version in store.history(EDIT_LAYER, fid):
                name = str(version.feature.get("properties", {}).get("name", ""))
                found[name.removeprefix("Edited ")] = version
    finally:
        store.close()
    saved = [e for e in rec.edits if e["saved"]]
    lost = [e["marker"] for e in saved if e["marker"] not in found]
    # The page never said (socket dropped mid-save, or the run that came back was another).
    in_flight = [e for e in rec.edits if e["saved"] is None]
    whole = [m for m, v in found.items() if m.startswith("LOADEDIT")
             and m in v.source and str(v.reason).startswith("load test edit")]
    wrong_user = [m for m, v in found.items() if m.startswith("LOADEDIT") and not any(
        e["marker"] == m and e["user"] == v.user for e in rec.edits)]
    refused_but_stored = [e["marker"] for e in rec.edits if e["saved"] is False
                          and e["marker"] in found]
    return {"tried": len(rec.edits), "saved": len(saved),
            "refused": sum(e["saved"] is False for e in rec.edits),
            "outcome_unknown": len(in_flight),
            "in_flight_stored_whole": sum(e["marker"] in whole for e in in_flight),
            "in_flight_not_stored": sum(e["marker"] not in found for e in in_flight),
            "in_flight_partial": [e["marker"] for e in in_flight
                                  if e["marker"] in found and e["marker"] not in whole],
            "versions_found": len([m for m in found if m.startswith("LOADEDIT")]),
            "lost": lost, "whole": len(whole), "wrong_user": wrong_user,
            "refused_but_stored": refused_but_stored,
            "refusals": sorted({e["said"][-160:] for e in rec.edits if e["saved"] is False})[:5]}


def _recovery(rec: Record) -> dict[str, Any]:
    """Per fault: how long the probe page went unserved, and the sessions that dropped."""
    out: dict[str, Any] = {}
    faults = [f for f in rec.faults if f["kind"] != "start-app"]
    for i, fault in enumerate(faults):
        t0, t1 = fault["t"], fault["done"]
        end = faults[i + 1]["t"] if i + 1 < len(faults) else t1 + 30
        window = [d for d in rec.drops if t0 - 1 <= d["t"] < end]
        back = [d["t_back"] - t0 for d in window]
        runs = [p for p in rec.probe if t0 <= p["t"] < end]
        first_bad = next((p["t"] for p in runs if not p["clean"]), None)
        first_good = next((p["t"] for p in runs if p["clean"] and first_bad is not None
                           and p["t"] > first_bad), None)
        out[fault["kind"]] = {
            "command_s": round(t1 - t0, 2),
            "probe_unserved_s": _r(first_good - t0 if first_good else None) if first_bad
            else 0.0,
            "probe_said": sorted({p["said"] for p in runs if not p["clean"]})[:2],
            "dropped_sessions": len(window),
            "sessions_served_again_p95_s": _r(pct(back, 95)),
            "sessions_served_again_max_s": _r(max(back, default=None)),
            # Each dropped session: when it noticed, when it was served again (seconds
            # after the fault), where from and to, and why: what a slow one waited on.
            "sessions": [{"noticed_s": _r(d["t"] - t0), "back_s": _r(d["t_back"] - t0),
                          "from": d.get("app_before"), "to": d.get("app_after"),
                          "why": d.get("why", "")[:80]} for d in window]}
        if fault["kind"] == "restart-db":
            said = [u for u in rec.unavailable if t0 <= u < end]
            out["restart-db"]["pages_said_unavailable"] = len(said)
            out["restart-db"]["probe_back_after_db_up_s"] = _r(
                first_good - t1 if first_good else None)
    return out


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def summarize(dep: Deployment, plan: Plan, rec: Record, since: float,
              edits: dict[str, Any]) -> dict[str, Any]:
    steps = [o for o in rec.ops if o.get("kind") in ("step", "toggle") and o.get("ok")]
    rtt = [o["seconds"] * 1000 for o in steps]
    server = dep.step_times(since)  # the analysts' steps and toggles
    watch = dep.step_times(since, cause="watch")  # the reruns after an edit elsewhere
    every = dep.step_times(since, cause=None)
    # Steady state: without the 20 s after each fault (cold caches in a restarted process).
    steady = dep.step_times(since, [(f["t"], f["done"] + 20) for f in rec.faults])
    errors = [o for o in rec.ops if not o.get("ok") or o.get("errors")]
    errors += [d for d in rec.drops if d.get("errors")]
    # A panel that read the store as the database went down mid-run shows the driver's
    # message: counted apart (the page's own gate says it in words on the next run).
    db_windows = [(f["t"], f["done"] + 10) for f in rec.faults if f["kind"] == "restart-db"]
    store_down = [e for e in errors if e.get("errors") and any(a <= e["t"] <= b for a, b in
                  db_windows) and all(_STORE_DOWN.search(x) for x in e["errors"])]
    errors = [e for e in errors if e not in store_down]
    seen = [s["seconds"] for s in rec.seen]
    return {
        "plan": {k: v for k, v in vars(plan).items() if k != "users"},
        "ops": len(steps), "steps": sum(o["kind"] == "step" for o in steps),
        "toggles": sum(o["kind"] == "toggle" for o in steps),
        "server_ms": {"runs": len(server), "median": _r(pct(server, 50)),
                      "p95": _r(pct(server, 95)), "max": _r(max(server, default=None))},
        "server_ms_steady": {"runs": len(steady), "median": _r(pct(steady, 50)),
                             "p95": _r(pct(steady, 95))},
        "watch_ms": {"runs": len(watch), "median": _r(pct(watch, 50)),
                     "p95": _r(pct(watch, 95))},
        "all_runs_ms": {"runs": len(every), "median": _r(pct(every, 50)),
                        "p95": _r(pct(every, 95))},
        "round_trip_ms": {"median": _r(pct(rtt, 50)), "p95": _r(pct(rtt, 95))},
        "errors": len(errors), "error_samples": [str(e)[:300] for e in errors[:8]],
        "store_down_messages_during_db_fault": len(store_down),
        "drops": len(rec.drops), "edits": edits,
        "edit_seen_elsewhere_s": {"count": len(seen), "median": _r(pct(seen, 50)),
                                  "p95": _r(pct(seen, 95)), "max": _r(max(seen, default=None))},
        "faults": _recovery(rec), "load_average": _loadavg(),
    }


async def security(dep: Deployment, users: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The four drills of :mod:`benchmarks.team_security` on the running deployment."""
    from benchmarks import team_security as ts

    editor = next(n for n, (_, r) in sorted(users.items()) if r == "editor")
    viewer = next(n for n, (_, r) in sorted(users.items()) if r == "viewer")
    out: dict[str, Any] = {"forged_header": await ts.forged_header(dep),
                           "viewer_edit": await ts.viewer_edit(dep, viewer, users[viewer][0])}
    payloads = await ts.payload_edits(dep, editor, users[editor][0])
    out["payloads"] = {k: v for k, v in payloads.items() if k not in ("value", "reason")}
    try:
        out["payloads"]["browser"] = await asyncio.to_thread(
            ts.browser_shows_text, dep, editor, users[editor][0], payloads["mark"])
    except Exception as exc:  # no Chromium here: the drill says so
        out["payloads"]["browser"] = {"skipped": f"{type(exc).__name__}: {exc}"[:200]}
    out["upload"] = await ts.upload_over_limit(dep, editor, users[editor][0])
    return out


def _loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.team_run")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--editors", type=int, default=5)
    parser.add_argument("--apps", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--minutes", type=float, default=None, help="instead of --seconds")
    parser.add_argument("--pace", type=float, default=6.0,
                        help="mean seconds between one analyst's two actions")
    parser.add_argument("--faults", default="kill-app,restart-db,restart-proxy")
    parser.add_argument("--short", action="store_true", help="CI size: 6 sessions, 120 s")
    parser.add_argument("--db-url", default=None, help="an existing database")
    parser.add_argument("--keep", action="store_true", help="leave the deployment up")
    parser.add_argument("--no-security", action="store_true", help="skip the security drills")
    parser.add_argument("--out", type=Path, default=OUT / "team.json")
    args = parser.parse_args(argv)
    if args.minutes is not None:
        args.seconds = args.minutes * 60
    if args.short:
        args.sessions, args.editors, args.apps, args.seconds = 6, 2, 2, 120
    run_dir = OUT / "team-run"
    if (run_dir / "settings").exists():  # a run that was interrupted: stop what it left
        Deployment(run_dir=run_dir, apps=args.apps).down()
    shutil.rmtree(run_dir, ignore_errors=True)
    dep = Deployment(run_dir=run_dir, apps=args.apps, db_url=args.db_url)
    try:
        dep.up()
        plan = Plan(url=dep.url, users=_users(dep, max(1, min(args.editors, 5)), 5),
                    sessions=args.sessions, editors=args.editors, seconds=args.seconds,
                    pace=args.pace, apps=args.apps)
        warm_start = time.monotonic()
        asyncio.run(_warm_all(plan))
        warm_s = time.monotonic() - warm_start
        since = time.time()
        faults = [f for f in args.faults.split(",") if f]
        rec = asyncio.run(run_load(dep, plan, faults))
        summary = summarize(dep, plan, rec, since, verify_edits(dep.store_url(), rec))
        summary["warmup_s"] = round(warm_s, 1)
        summary["edit_reaches_other_app"] = asyncio.run(
            edit_reaches(dep.url, plan.users, args.apps))
        if not args.no_security:
            summary["security"] = asyncio.run(security(dep, plan.users))
    finally:
        if not args.keep:
            dep.down()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, default=str))
    print(json.dumps(summary, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
