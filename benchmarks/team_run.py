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
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.team_deploy import REPO, Deployment
from benchmarks.team_load import EDIT_LAYER, Plan, Record, observer, viewer, warm

OUT = REPO / "benchmarks" / "out"


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
    when = {"kill-app": 0.3, "restart-db": 0.55, "restart-proxy": 0.8}
    for kind in sorted(kinds, key=lambda k: when[k]):
        await asyncio.sleep(max(0.0, start + when[kind] * plan.seconds - time.monotonic()))
        t0 = time.time()
        if kind == "kill-app":
            await asyncio.to_thread(dep.sh, "kill-app", "2")
            rec.faults.append({"kind": kind, "t": t0, "done": time.time(), "app": "app2"})
            await asyncio.sleep(20)
            await asyncio.to_thread(dep.sh, "start-app", "2")
            rec.faults.append({"kind": "start-app", "t": time.time(), "done": time.time()})
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
    whole = [m for m, v in found.items() if m.startswith("LOADEDIT")
             and m in v.source and str(v.reason).startswith("load test edit")]
    wrong_user = [m for m, v in found.items() if m.startswith("LOADEDIT") and not any(
        e["marker"] == m and e["user"] == v.user for e in rec.edits)]
    refused_but_stored = [e["marker"] for e in rec.edits if not e["saved"]
                          and e["marker"] in found]
    return {"tried": len(rec.edits), "saved": len(saved), "refused": len(rec.edits) - len(saved),
            "versions_found": len([m for m in found if m.startswith("LOADEDIT")]),
            "lost": lost, "whole": len(whole), "wrong_user": wrong_user,
            "refused_but_stored": refused_but_stored,
            "refusals": sorted({e["said"][-160:] for e in rec.edits if not e["saved"]})[:5]}


def _recovery(rec: Record) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fault in rec.faults:
        t0, t1 = fault["t"], fault["done"]
        window = [d for d in rec.drops if t0 - 1 <= d["t"] <= t1 + 15]
        out[fault["kind"]] = {"command_s": round(t1 - t0, 2), "dropped_sessions": len(window),
                              "served_again_p95_s": _r(pct([d["seconds"] for d in window], 95)),
                              "served_again_max_s": _r(max((d["seconds"] for d in window),
                                                           default=None))}
        if fault["kind"] == "restart-db":
            back = [u for u in rec.unavailable if u >= t0]
            ops_after = [o["t"] for o in rec.ops if o.get("ok") and o["t"] > t1
                         and not o.get("errors")]
            out[fault["kind"]]["pages_said_unavailable"] = len(back)
            out[fault["kind"]]["last_unavailable_after_db_up_s"] = _r(
                max(back) - t1 if back else None)
            out[fault["kind"]]["first_clean_run_after_db_up_s"] = _r(
                min(ops_after) - t1 if ops_after else None)
    return out


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def summarize(dep: Deployment, plan: Plan, rec: Record, since: float,
              edits: dict[str, Any]) -> dict[str, Any]:
    steps = [o for o in rec.ops if o.get("kind") in ("step", "toggle") and o.get("ok")]
    rtt = [o["seconds"] * 1000 for o in steps]
    server = dep.step_times(since)
    errors = [o for o in rec.ops if not o.get("ok") or o.get("errors")]
    errors += [d for d in rec.drops if d.get("errors")]
    seen = [s["seconds"] for s in rec.seen]
    return {
        "plan": {k: v for k, v in vars(plan).items() if k != "users"},
        "ops": len(steps), "steps": sum(o["kind"] == "step" for o in steps),
        "toggles": sum(o["kind"] == "toggle" for o in steps),
        "server_ms": {"runs": len(server), "median": _r(pct(server, 50)),
                      "p95": _r(pct(server, 95)), "max": _r(max(server, default=None))},
        "round_trip_ms": {"median": _r(pct(rtt, 50)), "p95": _r(pct(rtt, 95))},
        "errors": len(errors), "error_samples": [str(e)[:300] for e in errors[:8]],
        "drops": len(rec.drops), "edits": edits,
        "edit_seen_elsewhere_s": {"count": len(seen), "median": _r(pct(seen, 50)),
                                  "p95": _r(pct(seen, 95)), "max": _r(max(seen, default=None))},
        "faults": _recovery(rec), "load_average": _loadavg(),
    }


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
    parser.add_argument("--pace", type=float, default=4.0)
    parser.add_argument("--faults", default="kill-app,restart-db,restart-proxy")
    parser.add_argument("--short", action="store_true", help="CI size: 6 sessions, 120 s")
    parser.add_argument("--db-url", default=None, help="an existing database")
    parser.add_argument("--keep", action="store_true", help="leave the deployment up")
    parser.add_argument("--out", type=Path, default=OUT / "team.json")
    args = parser.parse_args(argv)
    if args.short:
        args.sessions, args.editors, args.apps, args.seconds = 6, 2, 2, 120
    run_dir = OUT / "team-run"
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
    finally:
        if not args.keep:
            dep.down()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, default=str))
    print(json.dumps(summary, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
