"""The team deployment's security drills, as an attacker on this machine would try them.

Each drill talks to a running :class:`~benchmarks.team_deploy.Deployment` over
loopback only and returns what it saw (a dict the report and the tests read):

- :func:`forged_header`: straight to an app port, bypassing the proxy, naming a
  user in the identity header (with no secret, and with a guessed one);
- :func:`viewer_edit`: a viewer saving a correction through the page's form;
- :func:`payload_edits`: SQL and script payloads in every text field of an edit,
  then read back from the store (stored as typed) and from the page (shown as text);
- :func:`upload_over_limit`: a file one MiB over ``BRIEFING_MAX_UPLOAD_MB``, and one
  under it, PUT to the uploader endpoint as the browser does.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlparse

from benchmarks.team_client import Session
from benchmarks.team_deploy import Deployment
from benchmarks.team_load import EDIT_FIDS, EDIT_LAYER, fill_edit

#: An SQL injection in the usual shapes (quote, statement break, comment).
SQL = "x'); DROP TABLE feature_versions; -- \" OR 1=1 --"
#: Script in the shapes a page may run: an element with a handler, a script tag, a
#: template-literal interpolation. Each sets a global the browser drill looks for.
SCRIPT = ('<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
          '${window.__xss=3}')
NO_IDENTITY = "No identity"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def _local(url: str) -> bool:
    """Loopback and inline schemes only: everything else is aborted."""
    parsed = urlparse(url)
    return parsed.scheme in {"data", "blob", "about"} or parsed.hostname in {
        "127.0.0.1", "localhost", "::1"}


async def forged_header(dep: Deployment, app: int = 1) -> dict[str, Any]:
    """Open the page on app port ``app`` directly with forged identity headers."""
    out: dict[str, Any] = {}
    for label, secret in (("no secret", None), ("guessed secret", "0" * 48)):
        headers = {"X-Briefing-User": "admin"}
        if secret is not None:
            headers["X-Briefing-Proxy-Secret"] = secret
        session = Session(f"http://127.0.0.1:{dep.port + app}/", "admin", None,
                          query="date=2024-12-08", headers=headers)
        try:
            run = await session.open()
        finally:
            await session.close()
        text = " ".join(run.texts)
        out[label] = {"no_identity": NO_IDENTITY in text, "signed_in": "Signed in as" in text,
                      "widgets": len(session.widgets), "said": text[:160]}
    return out


async def viewer_edit(dep: Deployment, user: str, password: str) -> dict[str, Any]:
    """A viewer's save: what the page said, and whether any version holds its marker."""
    session = Session(dep.url, user, password, query="date=2024-12-08")
    mark = f"VIEWEREDIT{int(time.time()) % 100000:05d}"
    try:
        await session.open()
        said = await fill_edit(session, {"te_layer": EDIT_LAYER, "te_fid": EDIT_FIDS[0],
                                         "te_prop": "name", "te_value": mark,
                                         "te_source": f"drill {mark}",
                                         "te_reason": f"viewer drill {mark}"}, mark)
    finally:
        await session.close()
    stored = _history_text(dep, EDIT_FIDS[0])
    return {"refused": said.startswith("Refused") and "viewer" in said,
            "stored": mark in stored, "said": said[:200]}


async def payload_edits(dep: Deployment, user: str, password: str) -> dict[str, Any]:
    """Payloads in every text field; the store must hold them as typed, the page as text."""
    session = Session(dep.url, user, password, query="date=2024-12-08")
    fid = EDIT_FIDS[-1]
    mark = f"PAYLOAD{int(time.time()) % 100000:05d}"
    value, source, reason = f"{SQL} {SCRIPT} {mark}", f"{SCRIPT} {SQL}", f"{mark} {SQL}{SCRIPT}"
    attempts = {
        "value, source, reason": {"te_fid": fid, "te_prop": "name", "te_value": value,
                                  "te_source": source, "te_reason": reason},
        "property name": {"te_fid": fid, "te_prop": SCRIPT, "te_value": mark,
                          "te_source": source, "te_reason": reason},
        "feature id": {"te_fid": SQL + SCRIPT, "te_prop": "name", "te_value": mark,
                       "te_source": source, "te_reason": reason},
    }
    said: dict[str, str] = {}
    try:
        await session.open()
        for label, fields in attempts.items():
            said[label] = await fill_edit(session, {"te_layer": EDIT_LAYER, **fields}, mark)
    finally:
        await session.close()
    latest = _latest(dep, fid)
    return {
        "said": {k: v[:160] for k, v in said.items()},
        "saved": said["value, source, reason"].startswith("Saved"),
        "stored_as_typed": latest is not None and latest.properties.get("name") == value
        and latest.source == source and latest.reason == reason,
        "fid_payload_refused": said["feature id"].startswith("Refused"),
        "tables_intact": _count(dep) > 0,
        "value": value, "reason": reason, "mark": mark,
    }


async def upload_over_limit(dep: Deployment, user: str, password: str) -> dict[str, Any]:
    """One MiB over the deployment's upload limit (refused: 413), and a small file (204)."""
    session = Session(dep.url, user, password, query="date=2024-12-08")
    try:
        await session.open()
        over = (dep.upload_mb + 1) * 1024 * 1024
        big = await asyncio.to_thread(session.upload, b" " * over, "big.geojson", "big")
        small = await asyncio.to_thread(
            session.upload, b'{"type": "FeatureCollection", "features": []}', "s.geojson", "s")
    finally:
        await session.close()
    return {"limit_mb": dep.upload_mb, "over_bytes": over, "over_status": big,
            "small_status": small}


def _store(dep: Deployment):
    from layers.store.store import Store

    return Store(dep.store_url())


def _latest(dep: Deployment, fid: str):
    store = _store(dep)
    try:
        return store.current(EDIT_LAYER, fid)
    finally:
        store.close()


def _history_text(dep: Deployment, fid: str) -> str:
    store = _store(dep)
    try:
        return " ".join(f"{v.properties} {v.source} {v.reason}"
                        for v in store.history(EDIT_LAYER, fid))
    finally:
        store.close()


def _count(dep: Deployment) -> int:
    store = _store(dep)
    try:
        return store.count_versions()
    finally:
        store.close()


def browser_shows_text(dep: Deployment, user: str, password: str, expect: str,
                       seconds: float = 25.0) -> dict[str, Any]:
    """Open the page in Chromium through the proxy: the payload is text, and never ran.

    Every non-loopback request is aborted. Looks for ``expect`` in the page's text
    (the sidebar names the latest change and its reason) and for the globals the
    payloads would set, in the page and in every frame (the map's too).
    """
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            context = browser.new_context(http_credentials={"username": user,
                                                            "password": password})
            page = context.new_page()
            page.route("**/*", lambda r: r.continue_() if _local(r.request.url)
                       else r.abort())
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(dep.url + "?date=2024-12-08", timeout=seconds * 1000)
            page.wait_for_selector("iframe", timeout=seconds * 1000)
            page.get_by_text(expect[:40], exact=False).first.wait_for(timeout=seconds * 1000)
            text = page.inner_text("body")
            ran = [f.evaluate("() => window.__xss === undefined ? null : window.__xss")
                   for f in page.frames]
        finally:
            browser.close()
    return {"shown": expect[:40] in text, "ran": [r for r in ran if r is not None],
            "dialogs": dialogs}
