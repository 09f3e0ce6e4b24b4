"""Start the dashboard with its data read while the first browser is still loading.

``python -m dashboard.serve [streamlit options...]`` is ``streamlit run
dashboard/app.py [options...]`` (``run.sh`` uses it) plus one daemon thread that,
as soon as Streamlit's runtime exists, imports the page's modules and reads what
a new page reads first: the layers, their dates, the first map's parts.

Why: Streamlit runs no page code before the first session, and a browser opening
the page needs about two seconds (Streamlit's own scripts) before its session
starts; the page then spent those seconds again on imports and on reading the
workspace store. The thread fills the same process-wide caches the page uses
(``st.cache_resource``/``st.cache_data``, whose per-key compute lock makes a
session that arrives early wait for the thread's read instead of reading again,
and the identity memos of :mod:`dashboard._data` and :mod:`dashboard._timeline`).

When a new page's first map is kept on disk and still holds
(:mod:`dashboard._snapshot`), the first browser is sent it before anything is read
(:mod:`dashboard._first_paint`); the thread then imports only what that needs
(:data:`EARLY_MODULES`) and waits while that browser draws (two cores: the
browser's scripts and the frame's drawing came second to the thread's reads),
or :data:`HOLD_NO_PAGE` seconds if no page comes, and then reads as above.

The warm-up may fail (a bad catalog, a store down): it logs and stops, and the
page reads as it always did, showing its own message.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
#: The warm-up thread's name; Streamlit's logger of calls made outside a session.
THREAD = "briefing-warm-up"
CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"
#: Seconds the warm-up waits for Streamlit's runtime before it gives up.
RUNTIME_WAIT = 60.0
#: The page's modules in the order ``dashboard.app`` imports them (the same order in
#: both threads: an import the session starts meanwhile waits for this one).
FIRST_MAP_MODULES = ("dashboard._data", "dashboard._map", "dashboard._panels",
                     "dashboard._sidebar", "dashboard._timeline", "dashboard._url",
                     "dashboard._url_compare", "dashboard.team", "dashboard.workspace",
                     "dashboard.identity", "dashboard.live_map", "dashboard.page")
#: Imported before anything else (and before a kept first map is sent, which needs them).
EARLY_MODULES = ("pyarrow", "numpy", "pandas")
#: The panels' modules, imported by the page after its first map.
PANEL_MODULES = ("dashboard.analysis_panel", "dashboard.annotations", "dashboard.draw_form",
                 "dashboard.uploads")
#: The Export, Edit and Compare tabs' modules, imported by the page when a tab opens;
#: here :data:`LATER` seconds after the rest, when the first browser has drawn its map
#: (imported while it fetches the map's files, they held those files back).
TAB_MODULES = ("dashboard.downloads", "dashboard.edits", "dashboard.compare")
LATER = 15.0
#: Seconds the warm-up waits for a first page when a kept first map holds.
HOLD_NO_PAGE = 3.0


def _first_map_kept(key: str | None) -> bool:
    """True when a new page's first map is kept and still holds (:mod:`dashboard._snapshot`).

    Such a page draws its map before reading anything; the warm-up's reads would then
    only slow its browser down (two cores: the browser's own scripts, the frame's files
    and drawing). So the warm-up waits for the first page's browser to draw, or
    :data:`HOLD_NO_PAGE` seconds if none comes, and then reads.
    """
    from dashboard import _snapshot

    return key is not None and _snapshot.read(key) is not None


def _wait_for_runtime(limit: float = RUNTIME_WAIT) -> bool:
    """True once Streamlit's runtime has started (the server then answers).

    Its caches are then the ones pages use; and the server's own start (binding,
    the health check a launcher waits on) is not slowed by this thread's imports.
    """
    from streamlit import runtime
    from streamlit.runtime.runtime import RuntimeState

    deadline = time.monotonic() + limit
    while not runtime.exists() or runtime.get_instance().state == RuntimeState.INITIAL:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _import(names: Sequence[str]) -> None:
    """Import ``names``; register the custom components the new modules declared.

    ``components.declare_component`` registers a component with the runtime only when
    called inside a session (a script run context), and a module is imported once: a
    component declared here (streamlit-folium's map) would never be registered, and
    the page's frame would get a 404 for it. So this thread registers them itself.
    """
    import importlib

    from streamlit import runtime
    from streamlit.components.types.base_custom_component import BaseCustomComponent

    before = set(sys.modules)
    for name in names:
        importlib.import_module(name)
    registry = runtime.get_instance().component_registry
    for name in set(sys.modules) - before:
        module = sys.modules.get(name)
        for value in list(getattr(module, "__dict__", {}).values()):
            if isinstance(value, BaseCustomComponent):
                registry.register_component(value)


def read_first_page(lap: Callable[[str], None] = lambda step: None) -> None:
    """Read what a new page without a link's parameters reads before its first map.

    The same calls as :func:`dashboard.app.main` and ``_first_map`` make, with the
    values a new session has (no URL, default layers and basemap, the opening zoom),
    so the entries filled are the ones that page looks up. ``lap`` is told each step.
    """
    from dashboard import _data, _map, _sidebar, _timeline
    from dashboard.identity import team_mode
    from layers.core.view import MapView
    from layers.render import webmap

    _data.ensure_static_assets()
    if team_mode():  # the store is read as the signed-in user: nothing to read yet
        return
    loaded = _data.loaded_layers()
    lap("layers")
    bounds = _data.day_bounds(loaded)
    lap("dates")
    day = _data.default_day(loaded, bounds)
    shown = _data.shown_layers(loaded, MapView(day=day,
                                               layer_ids=_sidebar.start_layer_ids(loaded, None)))
    _map._base(_data.file_fingerprint(), webmap.DEFAULT_BASEMAP, None, loaded.catalog)
    _timeline.frame_script(shown, day=day, bounds=bounds, zoom=float(webmap.START_ZOOM),
                           sources=loaded.frames)
    lap("first map")
    _data.event_labels(loaded)  # the sidebar's jump list, drawn after the first map
    lap("labels")


class _NoContextNotes(logging.Filter):
    """Drops Streamlit's "missing ScriptRunContext" notes of the warm-up thread.

    The page's cached functions touch ``st.session_state`` (a stand-in outside a
    session, as intended here): one warning per touch, a screenful per start.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != THREAD


def warm_up() -> None:
    """Import the page's modules and read its first page's data; never raises."""
    from streamlit.logger import get_logger

    log = get_logger(__name__)  # Streamlit's handler and level: beside the server's lines
    start = last = time.perf_counter()
    laps: list[str] = []

    def lap(step: str) -> None:
        nonlocal last
        now = time.perf_counter()
        laps.append(f"{step} {now - last:.1f} s")
        last = now

    try:
        if not _wait_for_runtime():
            log.warning("Warm-up skipped: Streamlit's runtime did not start.")
            return
        lap("runtime")
        # What any map component's first call imports (Streamlit checks its arguments for
        # data frames), before the first page comes: 0.7 s off a kept first map.
        _import(EARLY_MODULES)
        lap("libraries")
        from dashboard import _first_paint, _snapshot

        key = _snapshot.key()
        if _first_map_kept(key):  # a page may draw it from disk: its browser goes first
            _first_paint.hold(HOLD_NO_PAGE)
            lap("held")
        logging.getLogger(CONTEXT_LOGGER).addFilter(_NoContextNotes())
        _import(FIRST_MAP_MODULES)
        lap("modules")
        read_first_page(lap)
        _first_paint.mark_read(key)  # new pages now build their first map at once
        _import(PANEL_MODULES)
        lap("panels")
        log.info("Warm-up: first page read in %.1f s (%s).", time.perf_counter() - start,
                 ", ".join(laps))
        time.sleep(LATER)
        _import(TAB_MODULES)
    except Exception:  # the page reads (and reports) it again: the server goes on
        log.exception("Warm-up stopped; the first page reads the data itself.")


def command(script: str | Path, python: str = sys.executable) -> list[str]:
    """The command that starts ``script``, the way analysts start it.

    The dashboard goes through this module (as ``run.sh`` does); any other page (the
    benchmarks' straightforward one) through plain ``streamlit run``.
    """
    if Path(script).resolve() == APP:
        return [python, "-m", "dashboard.serve"]
    return [python, "-m", "streamlit", "run", str(script)]


def main(args: Sequence[str] | None = None) -> None:
    """``streamlit run dashboard/app.py *args`` with :func:`warm_up` beside it."""
    from streamlit.web import cli  # imported here, before the thread imports anything

    root = str(APP.parents[1])
    if root not in sys.path:  # the thread imports ``dashboard`` and ``layers``
        sys.path.insert(0, root)
    from dashboard._priority import share_interpreter

    share_interpreter()
    threading.Thread(target=warm_up, name=THREAD, daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if args is None else args)]
    cli.main()


if __name__ == "__main__":
    main()
