"""A browser on one app process while an editor saves on another (the live map, issue 14).

Kept apart from the test module: the deployment fixture is shared, the browser
steps are long, and the test reads as what it checks.
"""

from __future__ import annotations

import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks import team_security as ts
from benchmarks.team_client import Session
from benchmarks.team_deploy import Deployment
from benchmarks.team_load import EDIT_FIDS, EDIT_LAYER, EDIT_PROP, fill_edit, marker

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
HEADER = re.compile(r"as of (\w{3} \d{2} \w{3} \d{4})")


async def _save(dep: Deployment, user: str, password: str, mark: str) -> str:
    """One correction saved through the page's form on app 1; what the page said."""
    session = Session(dep.url, user, password, query="date=2024-12-08")
    session.cookie, session.app = "BRIEFING_APP=app1", "app1"
    try:
        await session.open()
        return await fill_edit(session, {
            "te_layer": EDIT_LAYER, "te_fid": EDIT_FIDS[0], "te_prop": EDIT_PROP,
            "te_value": f"Edited {mark}", "te_source": f"live test {mark}",
            "te_reason": f"live map test {mark}"}, mark)
    finally:
        await session.close()


def _header_day(page: Any) -> str | None:
    match = HEADER.search(page.inner_text("h4") if page.locator("h4").count() else "")
    return match.group(1) if match else None


def edit_elsewhere_in_a_browser(dep: Deployment, viewer: tuple[str, str],
                                editor: tuple[str, str], seconds: float = 30.0) -> dict:
    """Chromium pinned to app 2; an edit saved on app 1; then a date step in the map.

    Returns when the edit's words appeared over the map (seconds after the save; in
    sight without scrolling),
    whether the page reloaded meanwhile (it must not), and the header's date before
    and after one key press on the map's timeline (the whole page still follows
    the map).
    """
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=ts.CHROMIUM, headless=True,
                                     args=ts.FLAGS)
        try:
            context = browser.new_context(http_credentials={
                "username": viewer[0], "password": viewer[1]})
            context.add_cookies([{"name": "BRIEFING_APP", "value": "app2",
                                  "url": dep.url}])
            context.route("**/*", lambda r: r.continue_() if ts._local(r.request.url)
                          else r.abort())
            page = context.new_page()
            page.goto(dep.url + "?date=2024-12-08", timeout=seconds * 1000)
            frame = page.frame_locator(MAP_FRAME).first
            frame.locator("path.bm-layer-control_zones").first.wait_for(
                state="attached", timeout=seconds * 1000)
            page.get_by_text("Signed in as").first.wait_for(timeout=seconds * 1000)
            page.evaluate("() => { window.__notReloaded = true; }")
            mark = marker(7, 1)
            # Playwright's sync API holds this thread's event loop: the editor runs beside it.
            with ThreadPoolExecutor(1) as pool:
                out["said"] = pool.submit(
                    asyncio.run, asyncio.wait_for(_save(dep, *editor, mark), 60)).result()
            saved = time.monotonic()
            page.get_by_text(mark, exact=False).first.wait_for(timeout=seconds * 1000)
            out["seen_after_s"] = round(time.monotonic() - saved, 2)
            out["not_reloaded"] = page.evaluate("() => window.__notReloaded === true")
            # In sight without scrolling (over the map: under it, the map's height hid it).
            box = page.get_by_text(mark, exact=False).first.bounding_box()
            out["in_sight"] = bool(box and 0 <= box["y"] < page.viewport_size["height"])
            out["day_before"] = _header_day(page)
            frame.locator(".bm-tl-range").focus()
            page.keyboard.press("ArrowRight")
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and _header_day(page) == out["day_before"]:
                time.sleep(0.1)
            out["day_after"] = _header_day(page)
        finally:
            browser.close()
    return out
