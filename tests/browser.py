"""Real-browser support for the tests: Debian's Chromium driven by Playwright, offline.

Every request to a host other than the app's own (localhost, 127.0.0.1, file:,
data:, blob:) is aborted and recorded, so a test can assert that the page needs
no network and never tried to reach one.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-quic", "--disable-dev-shm-usage"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]", ""}
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
#: The requests intercepted: every URL but the app's own and the inline schemes. Matched
#: by Playwright's driver, so the page's own requests (Streamlit's bundles, Leaflet, the
#: timeline's parts) go straight to the server instead of through this Python process one
#: by one (a round trip no analyst has; measured: first zones 2.14 s against 2.25 s, within
#: the noise). The handler still lets a local URL through should this pattern catch one.
NOT_LOCAL = re.compile(r"^(?!(?:https?|wss?)://(?:localhost|127\.0\.0\.1|\[::1\])(?:[:/?#]|$)"
                       r"|(?:data|blob|about|file):)")


@dataclass
class PageLog:
    """What a page did: requests refused, script errors, console errors, dialogs."""

    blocked: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    """True for the app's own origin and for inline/local schemes."""
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname in LOCAL_HOSTS


def require_chromium() -> None:
    """Skip with the reason when Chromium or Playwright is missing (test.sh installs both)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (test.sh "
                    "installs it with apt-get)")
    pytest.importorskip("playwright.sync_api")


@contextlib.contextmanager
def offline_page(viewport: tuple[int, int] = (1400, 900)) -> Iterator[tuple[object, PageLog]]:
    """A fresh Chromium page whose non-local requests are aborted and logged."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    log = PageLog()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": viewport[0],
                                                    "height": viewport[1]})

            def route(route_obj, request) -> None:
                if is_local(request.url):
                    route_obj.continue_()
                else:
                    log.blocked.append(request.url)
                    route_obj.abort()

            context.route(NOT_LOCAL, route)
            page = context.new_page()
            page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
            page.on("console", lambda msg: log.console_errors.append(msg.text)
                    if msg.type == "error" else None)

            def on_dialog(dialog) -> None:
                log.dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            yield page, log
        finally:
            browser.close()


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def app_server(log_dir: Path, env: dict[str, str] | None = None,
               timeout: float = 120.0, script: str = "dashboard/app.py") -> Iterator[str]:
    """``SCRIPT`` (the dashboard, through ``dashboard.serve``) on a free port; yields its URL.

    Waits for ``/_stcore/health``; on failure the server log's tail is in the
    test's failure message. The process is stopped on exit.
    """
    import os
    import subprocess
    import time
    import urllib.request

    repo = Path(__file__).resolve().parents[1]
    port = free_port()
    log = log_dir / "server.log"
    # Each server its own workspace store: what one test saves (uploads, marks, edits)
    # must not show up in another's page. A test that wants one passes it in ``env``.
    workspace = {"BRIEFING_WORKSPACE": str(log_dir / "workspace")}
    # A real browser: the page's own first-map pause, not the AppTests' none (conftest).
    inherited = {k: v for k, v in os.environ.items() if k != "BRIEFING_FIRST_MAP_PAUSE"}
    # The dashboard starts as run.sh starts it (dashboard.serve: its warm-up beside the
    # server), so every browser test goes through the launch analysts use.
    from dashboard.serve import command

    launch = command(repo / script)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*launch, "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true"], cwd=repo, env={**inherited, **workspace, **(env or {})},
            stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for_app_run(page, timeout_ms: int = 60_000) -> None:
    """Wait until the page's script run has finished (as Streamlit's own e2e tests do).

    Widgets replaced by a run still under way swallow what is typed into them; the
    app's root says ``data-test-script-state="notRunning"`` once the run is over.
    """
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           timeout=timeout_ms, state="attached")


def wait_until(page, predicate, what: str, timeout: float = 30.0) -> None:
    """Poll ``predicate`` while Playwright processes the page's events; fail naming ``what``."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        page.wait_for_timeout(150)
