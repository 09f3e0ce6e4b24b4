"""Many analysts on one team deployment, through the proxy, with faults on a schedule.

Each session is :class:`benchmarks.team_client.Session` (the page's websocket
protocol). Viewers step the date and toggle layers at a human pace; editors also
save corrections through the page's edit form; observers, pinned by the sticky
cookie to other app processes, wait for the edits to appear without asking.
Faults (``deploy/team.sh kill-app``, ``restart-db``, ``restart-proxy``) fire at
set offsets; every session that loses its socket reconnects through the proxy.

Bounded: every wait has a timeout and the run stops at its deadline.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Any

from benchmarks.team_client import RunResult, Session

UNAVAILABLE = "shared store is unavailable"
LAYERS = ("control_zones", "installations", "evacuation_routes", "events", "places")
DAYS = [dt.date(2024, 11, 26) + dt.timedelta(days=k) for k in range(0, 400, 5)]
#: The features editors correct (all on the map on the sessions' starting date,
#: 8 Dec 2024; two editors share each, so some saves meet another's at once).
EDIT_LAYER, EDIT_PROP = "installations", "name"
EDIT_FIDS = ("khmeimim-site-2024-11-26", "tartus-site-2024-12-01", "latakia-port-site-2024-11-26")


def day_us(day: dt.date) -> float:
    """A day as the date slider's value (microseconds since the epoch, UTC midnight)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1e6


@dataclass
class Record:
    """Everything the run saw, for the report."""

    ops: list[dict[str, Any]] = field(default_factory=list)      # steps and toggles
    edits: list[dict[str, Any]] = field(default_factory=list)    # saves tried
    seen: list[dict[str, Any]] = field(default_factory=list)     # edit seen by an observer
    drops: list[dict[str, Any]] = field(default_factory=list)    # socket lost, back after
    faults: list[dict[str, Any]] = field(default_factory=list)   # what was done, when
    unavailable: list[float] = field(default_factory=list)       # runs that said so


@dataclass
class Plan:
    url: str
    users: dict[str, tuple[str, str]]        # name -> (password, role)
    sessions: int = 50
    editors: int = 5
    observers: int = 2
    seconds: float = 300.0
    pace: float = 4.0                          # mean seconds between two actions
    edit_pace: float = 20.0
    apps: int = 4
    seed: int = 14


def _pick_user(plan: Plan, role: str, k: int) -> tuple[str, str]:
    names = sorted(n for n, (_, r) in plan.users.items() if r == role)
    name = names[k % len(names)]
    return name, plan.users[name][0]


async def _act(session: Session, rng: random.Random) -> tuple[str, RunResult]:
    if rng.random() < 0.7:
        return "step", await session.step(day_us(rng.choice(DAYS)))
    layer = rng.choice(LAYERS)
    widget = session.widget(f"layer:{layer}")
    current = session.states.get(widget.wid)
    on = not (current.bool_value if current is not None else True)
    return "toggle", await session.toggle(layer, on)


def _note(rec: Record, result: RunResult, t: float) -> list[str]:
    if any(UNAVAILABLE in text for text in result.texts):
        rec.unavailable.append(t)
    return [e for e in result.errors if UNAVAILABLE not in e]


async def _reconnect(session: Session, rec: Record, why: str) -> None:
    t0 = time.time()
    before = session.app
    result, took = await session.reconnect(budget=30.0)
    rec.drops.append({"t": t0, "user": session.user, "why": why[:120], "seconds": took,
                      "app_before": before, "app_after": session.app,
                      "errors": _note(rec, result, time.time())})


async def viewer(plan: Plan, k: int, rec: Record, deadline: float, editor: bool) -> None:
    """One analyst: open, then act at a human pace until the deadline (and edit, if asked)."""
    rng = random.Random(plan.seed * 1000 + k)
    name, pw = _pick_user(plan, "editor" if editor else "viewer", k)
    session = Session(plan.url, name, pw, query="date=2024-12-08", timeout=30.0)
    await asyncio.sleep(rng.uniform(0, min(10.0, plan.pace * 2)))
    try:
        await session.open()
    except Exception as exc:  # counted as an error; the session retries by reconnecting
        rec.ops.append({"t": time.time(), "kind": "open", "ok": False, "error": str(exc)[:200]})
        try:
            await _reconnect(session, rec, f"open failed: {exc}")
        except ConnectionError:
            return
    next_edit = time.monotonic() + rng.uniform(5, plan.edit_pace)
    n = 0
    while time.monotonic() < deadline:
        await asyncio.sleep(min(rng.expovariate(1 / plan.pace), 3 * plan.pace))
        if time.monotonic() >= deadline:
            break
        try:
            if editor and time.monotonic() >= next_edit:
                n += 1
                await _edit(session, k, n, rec)
                next_edit = time.monotonic() + rng.uniform(0.5, 1.5) * plan.edit_pace
                continue
            kind, result = await _act(session, rng)
            rec.ops.append({"t": time.time(), "kind": kind, "ok": True, "user": name,
                            "seconds": result.seconds, "app": session.app,
                            "errors": _note(rec, result, time.time())})
        except LookupError as exc:  # the page is showing a message instead of the map
            await _drain_until_page(session, rec, str(exc))
        except Exception as exc:
            try:
                await _reconnect(session, rec, f"{type(exc).__name__}: {exc}")
            except ConnectionError as gone:
                rec.ops.append({"t": time.time(), "kind": "reconnect", "ok": False,
                                "error": str(gone)[:200]})
    await session.close()


async def _drain_until_page(session: Session, rec: Record, why: str) -> None:
    """The page lacks its widgets (the store is down): wait for the page to come back."""
    run = await session.wait_run(3.0)
    if run is not None:
        _note(rec, run, time.time())
    if run is None:
        result = await session.rerun()
        _note(rec, result, time.time())


def marker(k: int, n: int) -> str:
    return f"LOADEDIT{k:02d}N{n:03d}T{int(time.time()) % 100000:05d}"


async def _edit(session: Session, k: int, n: int, rec: Record) -> None:
    """Save one correction through the page's form and record what the page said."""
    mark = marker(k, n)
    fid = EDIT_FIDS[k % len(EDIT_FIDS)]
    fields = {"te_layer": EDIT_LAYER, "te_fid": fid, "te_prop": EDIT_PROP,
              "te_value": f"Edited {mark}",
              "te_source": f"load test {mark}", "te_reason": f"load test edit {n}"}
    for key, value in fields.items():
        await session.set_text(key, value)
    t0 = time.time()
    result = await session.click("te_save")
    said = " ".join(result.texts)
    ok = f"= {mark}" in said.replace("\\", "") and "Saved" in said
    rec.edits.append({"t": time.time(), "t_sent": t0, "user": session.user, "marker": mark,
                      "fid": fid,
                      "saved": ok, "app": session.app, "said": said[-300:],
                      "seconds": result.seconds})


async def observer(plan: Plan, k: int, rec: Record, deadline: float) -> None:
    """A page pinned to app ``k``: notes when each edit's marker first shows there."""
    name, pw = _pick_user(plan, "viewer", k)
    session = Session(plan.url, name, pw, query="date=2024-12-08", timeout=30.0)
    session.cookie = f"BRIEFING_APP=app{k}"
    session.app = f"app{k}"
    known: set[str] = set()
    try:
        await session.open()
    except Exception as exc:
        rec.ops.append({"t": time.time(), "kind": "observer-open", "ok": False,
                        "error": str(exc)[:200]})
        return
    while time.monotonic() < deadline:
        try:
            run = await session.wait_run(min(5.0, max(0.1, deadline - time.monotonic())))
        except Exception:
            try:
                await session.reconnect(budget=30.0)
            except ConnectionError:
                return
            continue
        if run is None:
            continue
        now = time.time()
        for edit in rec.edits:
            mark = edit["marker"]
            if edit["saved"] and mark not in known and mark.encode() in run.raw:
                known.add(mark)
                if edit["app"] != session.app:
                    rec.seen.append({"marker": mark, "app": session.app, "from": edit["app"],
                                     "seconds": now - edit["t_sent"]})
    await session.close()


async def warm(plan: Plan, app: int) -> int:
    """Open the page on app ``app`` and visit every day once (fills its per-date caches)."""
    name, pw = _pick_user(plan, "viewer", app)
    session = Session(plan.url, name, pw, query="date=2024-12-08", timeout=120.0)
    session.cookie = f"BRIEFING_APP=app{app}"
    session.app = f"app{app}"
    await session.open()
    for day in DAYS:
        await session.step(day_us(day))
    await session.close()
    return len(DAYS)
