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
EDIT_FIDS = ("khmeimim-site-2024-11-26", "tartus-site-2024-12-06",
             "latakia-port-site-2024-11-26")


@dataclass
class Record:
    """Everything the run saw, for the report."""

    ops: list[dict[str, Any]] = field(default_factory=list)      # steps and toggles
    edits: list[dict[str, Any]] = field(default_factory=list)    # saves tried
    seen: list[dict[str, Any]] = field(default_factory=list)     # edit seen by an observer
    drops: list[dict[str, Any]] = field(default_factory=list)    # socket lost, back after
    faults: list[dict[str, Any]] = field(default_factory=list)   # what was done, when
    unavailable: list[float] = field(default_factory=list)       # runs that said so
    probe: list[dict[str, Any]] = field(default_factory=list)    # the 1 s probe's runs


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
        return "step", await session.step(rng.choice(DAYS))
    layer = rng.choice(LAYERS)
    widget = session.widget(f"layer:{layer}")
    current = session.states.get(widget.wid)
    on = not (current.bool_value if current is not None else True)
    return "toggle", await session.toggle(layer, on)


def _note(rec: Record, result: RunResult, t: float) -> list[str]:
    """The page's errors in this run; the store-down notice and the edit form's own
    "Refused: ..." (a save met another's, or a viewer's; it stays under the form) are
    what the page should say, not errors."""
    if any(UNAVAILABLE in text for text in result.texts):
        rec.unavailable.append(t)
    return [e for e in result.errors if UNAVAILABLE not in e and not e.startswith("Refused")]


async def _reconnect(session: Session, rec: Record, why: str) -> None:
    t0 = time.time()
    before = session.app
    result, took = await session.reconnect(budget=30.0)
    rec.drops.append({"t": t0, "t_back": time.time(), "user": session.user,
                      "why": why[:120], "seconds": took,
                      "app_before": before, "app_after": session.app,
                      "errors": _note(rec, result, time.time())})


async def viewer(plan: Plan, k: int, rec: Record, deadline: float, editor: bool) -> None:
    """One analyst: open, then act at a human pace until the deadline (and edit, if asked)."""
    rng = random.Random(plan.seed * 1000 + k)
    name, pw = _pick_user(plan, "editor" if editor else "viewer", k)
    session = Session(plan.url, name, pw, query="date=2024-12-08", timeout=30.0)
    try:
        await _analyst(plan, k, rec, deadline, editor, session, rng, name)
    finally:  # on every way out, a cancelled run's too: no socket left to the collector
        await session.close()


async def _analyst(plan: Plan, k: int, rec: Record, deadline: float, editor: bool,
                   session: Session, rng: random.Random, name: str) -> None:
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
        if await _idle(session, min(rng.expovariate(1 / plan.pace), 3 * plan.pace)):
            try:  # the socket closed while the analyst looked: the page reconnects at once
                await _reconnect(session, rec, "socket closed")
            except ConnectionError as gone:
                rec.ops.append({"t": time.time(), "kind": "reconnect", "ok": False,
                                "error": str(gone)[:200]})
            continue
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
        except LookupError:  # the page is showing a message instead of the map
            try:
                await _drain_until_page(session, rec)
            except Exception as exc:
                await _reconnect_or_note(session, rec, exc)
        except Exception as exc:
            await _reconnect_or_note(session, rec, exc)


async def _reconnect_or_note(session: Session, rec: Record, exc: BaseException) -> None:
    """Reconnect after ``exc``; a session not served again within 30 s is an error."""
    try:
        await _reconnect(session, rec, f"{type(exc).__name__}: {exc}")
    except ConnectionError as gone:
        rec.ops.append({"t": time.time(), "kind": "reconnect", "ok": False,
                        "error": str(gone)[:200]})


async def _idle(session: Session, seconds: float) -> bool:
    """Wait ``seconds`` as a reader of the page; True if its socket closed meanwhile.

    A browser sees its websocket close at once and reconnects; so does this client.
    """
    ws = session.ws
    if ws is None:
        return True
    try:
        await asyncio.wait_for(asyncio.shield(ws.wait_closed()), seconds)
    except TimeoutError:
        return False
    return True


async def _drain_until_page(session: Session, rec: Record) -> None:
    """The page lacks its widgets (the store is down): wait for the page to come back."""
    run = await session.wait_run(3.0)
    if run is not None:
        _note(rec, run, time.time())
    if run is None:
        result = await session.rerun()
        _note(rec, result, time.time())


def marker(k: int, n: int) -> str:
    return f"LOADEDIT{k:02d}N{n:03d}T{int(time.time()) % 100000:05d}"


async def fill_edit(session: Session, fields: dict[str, str], mark: str) -> str:
    """Type ``fields`` into the page's edit form and press Save; what the page said.

    The page's own message for this save: the "Saved ..." naming ``mark``, else
    the first "Refused ..." (an earlier save's message stays on the page too).
    """
    await session.open_section("te_open")  # the form is drawn only while it is open
    for key, value in fields.items():
        await session.set_text(key, value)
    result = await session.click("te_save")
    return next((t for t in result.texts if t.startswith("Saved") and mark in t), None) or next(
        (t for t in result.texts if t.startswith("Refused")), " ".join(result.texts)[-300:])


async def _edit(session: Session, k: int, n: int, rec: Record) -> None:
    """Save one correction through the page's form and record what the page said."""
    mark = marker(k, n)
    fid = EDIT_FIDS[k % len(EDIT_FIDS)]
    fields = {"te_layer": EDIT_LAYER, "te_fid": fid, "te_prop": EDIT_PROP,
              "te_value": f"Edited {mark}",
              "te_source": f"load test {mark}", "te_reason": f"load test edit {n} {mark}"}
    t0 = time.time()
    # Recorded before the click: if the socket drops with the save in flight, the
    # outcome is unknown (None), and the store must hold it whole or not at all.
    edit = {"t": t0, "t_sent": t0, "user": session.user, "marker": mark, "fid": fid,
            "saved": None, "app": session.app, "said": "in flight", "seconds": None}
    rec.edits.append(edit)
    said = await fill_edit(session, fields, mark)
    # Saved or Refused when the page said so; otherwise the run that came back was
    # another (the live watch's rerun, the store-down page): the outcome is unknown.
    outcome = True if said.startswith("Saved") else False if said.startswith("Refused") \
        else None
    edit.update(t=time.time(), saved=outcome, said=said[-300:], seconds=time.time() - t0)


async def observer(plan: Plan, k: int, rec: Record, deadline: float) -> None:
    """A page pinned to app ``k``: notes when each edit's marker first shows there.

    Keeps the runs the server pushed in the last minute (time received, bytes), so
    an edit is matched against every run after it was sent, even one that arrived
    before the editor's own page had finished and recorded the save.
    """
    name, pw = _pick_user(plan, "viewer", k)
    session = Session(plan.url, name, pw, query="date=2024-12-08", timeout=30.0)
    session.cookie, session.app = f"BRIEFING_APP=app{k}", f"app{k}"
    try:
        await _observe(session, rec, deadline)
    finally:
        await session.close()


async def _observe(session: Session, rec: Record, deadline: float) -> None:
    known: set[str] = set()
    runs: list[tuple[float, str, bytes]] = []
    try:
        await session.open()
    except Exception as exc:
        rec.ops.append({"t": time.time(), "kind": "observer-open", "ok": False,
                        "error": str(exc)[:200]})
        return
    while time.monotonic() < deadline:
        try:
            run = await session.wait_run(min(2.0, max(0.1, deadline - time.monotonic())))
        except Exception:
            try:
                await session.reconnect(budget=30.0)
            except ConnectionError:
                return
            continue
        now = time.time()
        if run is not None:
            runs.append((now, session.app, run.raw))
            runs[:] = [r for r in runs if r[0] > now - 60]
        _match(rec, runs, known)


def _match(rec: Record, runs: list[tuple[float, str, bytes]], known: set[str]) -> None:
    """Record each saved edit's first appearance in a run from another app process."""
    for edit in rec.edits:
        mark = edit["marker"]
        if not edit["saved"] or mark in known:
            continue
        hit = next((r for r in runs if r[0] >= edit["t_sent"] and r[1] != edit["app"]
                    and mark.encode() in r[2]), None)
        if hit is not None:
            known.add(mark)
            rec.seen.append({"marker": mark, "app": hit[1], "from": edit["app"],
                             "seconds": hit[0] - edit["t_sent"]})


async def edit_reaches(url: str, users: dict[str, tuple[str, str]], apps: int,
                       budget: float = 15.0) -> dict[str, Any]:
    """One edit saved on app 1, watched for on app ``apps``: the seconds until it shows."""
    plan = Plan(url=url, users=users)
    watch = Session(url, *_pick_user(plan, "viewer", 0), query="date=2024-12-08")
    watch.cookie, watch.app = f"BRIEFING_APP=app{apps}", f"app{apps}"
    editor = Session(url, *_pick_user(plan, "editor", 0), query="date=2024-12-08")
    editor.cookie, editor.app = "BRIEFING_APP=app1", "app1"
    rec = Record()
    try:
        await watch.open()
        await editor.open()
        await _edit(editor, 0, 999, rec)
        edit = rec.edits[-1]
        end = time.monotonic() + budget
        while time.monotonic() < end and edit["saved"]:
            run = await watch.wait_run(max(0.1, end - time.monotonic()))
            if run is not None and edit["marker"].encode() in run.raw:
                return {"saved": True, "seconds": round(time.time() - edit["t_sent"], 3),
                        "on": watch.app, "from": editor.app}
        return {"saved": bool(edit["saved"]), "seconds": None, "said": edit["said"][:160]}
    finally:
        await watch.close()
        await editor.close()


async def probe(plan: Plan, app: int, rec: Record, deadline: float,
                every: float = 1.0) -> None:
    """A page pinned to app ``app`` stepping once per ``every`` s: the faults' stopwatch.

    Each run is noted with its end time and whether it was clean (the map served,
    no error, no "store unavailable"); a failed step reconnects at once.
    """
    name, pw = _pick_user(plan, "viewer", app + 1)
    session = Session(plan.url, name, pw, query="date=2024-12-08", timeout=10.0)
    session.cookie, session.app = f"BRIEFING_APP=app{app}", f"app{app}"
    k = 0
    while time.monotonic() < deadline:
        clean, said = False, ""
        try:
            if session.ws is None or k == 0:
                await session.close()
                await session.connect()
                result = await session.rerun()
            else:
                result = await session.step(DAYS[k % len(DAYS)])
            said = " ".join(result.errors)[:160]
            clean = not result.errors and any("Signed in as" in t for t in result.texts)
        except Exception as exc:  # dropped: the next turn reconnects through the proxy
            said = f"{type(exc).__name__}: {exc}"[:160]
            await session.close()
        k += 1
        rec.probe.append({"t": time.time(), "clean": clean, "said": said, "app": session.app})
        await asyncio.sleep(every)
    await session.close()


async def warm(plan: Plan, app: int) -> int:
    """Open the page on app ``app`` and visit every day once (fills its per-date caches)."""
    name, pw = _pick_user(plan, "viewer", app)
    session = Session(plan.url, name, pw, query="date=2024-12-08", timeout=120.0)
    session.cookie = f"BRIEFING_APP=app{app}"
    session.app = f"app{app}"
    first = await session.open()
    for _ in range(3):  # a process just started, on a loaded machine: a new page again
        if "day" in {w.wid.rsplit("-", 1)[-1] for w in session.widgets.values()}:
            break
        await asyncio.sleep(2)
        await session.close()
        session.session_id = ""
        first = await session.open()
    if "day" not in {w.wid.rsplit("-", 1)[-1] for w in session.widgets.values()}:
        await session.close()
        raise LookupError(f"app{app}: the page has no date control: "
                          f"{' | '.join(first.texts + first.errors)[:400]}")
    for day in DAYS:
        await session.step(day)
    await session.close()
    return len(DAYS)
