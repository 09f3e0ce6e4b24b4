"""The page's frame (header, map slot, tabs), and a new page's first map from disk.

Imported by ``dashboard/app.py`` before anything heavy: a new page opened without
a link's parameters, on a server whose kept first map still holds
(:mod:`dashboard._snapshot`), gets its header and map at once, from this module
and Streamlit alone; the page then imports the geodata libraries, reads the
layers and checks what it sent (:func:`dashboard.page.main`), and reruns if
anything differs. Every other page draws the same frame from what it read.

The map is streamlit-folium's component. Importing streamlit-folium imports Folium
(0.8 s on a new process), so the component is declared here as streamlit-folium
declares it (same name, same frontend files): the page's later runs, which call
streamlit-folium's own, find the same element with the same key.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import _snapshot

#: Session key: absent before a session's first run, "rest" once that run has drawn its
#: map and goes on with the sidebar and panels, "done" after (:func:`dashboard.page.main`).
FIRST = "_first_map"
#: Session key: the key of the first map this session may keep (None: not kept).
KEPT_KEY = "_first_map_key"
#: Session key of the map component's value (what the frame last reported).
MAP_KEY = "map"
#: Session keys of the open tab under the map and beside it (only the open one runs).
MAIN_TAB, SIDE_TAB = "main_tab", "side_tab"
#: The component's full name, as ``components.declare_component`` names streamlit-folium's.
COMPONENT = "streamlit_folium.st_folium"
#: Seconds the browser has a new page's first map to itself; for a kept map, more per
#: megabyte of files its frame fetches, and at most (:func:`pause_for`).
PAUSE_BASE, PAUSE_PER_MB, PAUSE_MAX = 0.5, 0.5, 2.0
#: The longest pause ``BRIEFING_FIRST_MAP_PAUSE`` may set.
PAUSE_LIMIT = 5.0


@dataclass(frozen=True)
class Frame:
    """The page's places, made in the same order on every run so elements keep them."""

    map_slot: Any
    main_tabs: tuple[Any, Any, Any, Any]
    side_tabs: tuple[Any, Any, Any]
    waiting: Any


@dataclass(frozen=True)
class Painted:
    """A new page's first map, sent from disk before the page read anything."""

    frame: Frame
    kept: _snapshot.Kept


def page_config() -> None:
    """Streamlit's page settings (the first call of every run)."""
    st.set_page_config(page_title="Briefing map", page_icon="🗺️", layout="wide",
                       initial_sidebar_state="expanded")


def layout(header: tuple[str, str, str]) -> Frame:
    """The header (CSS, title line, handling caption), the map's place and the tabs."""
    css, title, caption = header
    st.html(css)
    st.markdown(title, anchors=False)
    st.caption(caption)
    col_map, col_side = st.columns([2.6, 1], gap="small")
    with col_map:
        map_slot = st.container()
        main_tabs = st.tabs(["Analysis", "Export", "Edit", "Compare"], key=MAIN_TAB,
                            on_change="rerun")
    with col_side:
        # Only the open side tab runs: hidden ones cost every slider step time at scale.
        side_tabs = st.tabs(["Events", "On the map", "Sources"], key=SIDE_TAB,
                            on_change="rerun")
    waiting = st.sidebar.empty()  # on every run: the sidebar's elements keep their places
    return Frame(map_slot=map_slot, main_tabs=tuple(main_tabs),  # type: ignore[arg-type]
                 side_tabs=tuple(side_tabs), waiting=waiting)  # type: ignore[arg-type]


_COMPONENT: dict[str, Any] = {}


def component() -> Any:
    """streamlit-folium's map component, without importing streamlit-folium if not yet."""
    from streamlit import runtime

    loaded = sys.modules.get("streamlit_folium")
    if loaded is None and not runtime.exists():  # no server (Streamlit's AppTest)
        import streamlit_folium as loaded
    if loaded is not None:
        return loaded._component_func
    if "made" not in _COMPONENT:
        from streamlit.components.v1.custom_component import CustomComponent

        spec = find_spec("streamlit_folium")
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError("streamlit-folium is not installed")
        build = Path(spec.origin).parent / "frontend" / "build"
        made = CustomComponent(name=COMPONENT, path=str(build), url=None,
                               module_name="streamlit_folium")
        runtime.get_instance().component_registry.register_component(made)
        _COMPONENT["made"] = made
    return _COMPONENT["made"]


def show_map(args: dict[str, Any]) -> Any:
    """Call the map component with ``args`` (``dashboard._fastmap.component_args``).

    The frame's value goes to ``st.session_state[MAP_KEY]`` as ``st_folium`` puts it.
    """
    hash_key = args["key"]

    def on_change() -> None:
        st.session_state[MAP_KEY] = st.session_state.get(hash_key, {})

    # Lists as tuples (the same JSON): Streamlit asks of every other argument whether it
    # is a data frame, which imports pandas, numpy and pyarrow (0.7 s on a new process).
    return component()(**{k: tuple(v) if isinstance(v, list) else v for k, v in args.items()},
                       on_change=on_change)


def keep(header: tuple[str, str, str], args: dict[str, Any],
         sent: _snapshot.Kept | None = None) -> bool:
    """Keep this page's first map for the next new process, if the page may and it changed.

    ``sent``: the kept first map this page was sent before it read anything. Returns
    True when the map and header the page has just computed differ from it (the
    page then reruns to show its own).
    """
    key = st.session_state.get(KEPT_KEY)
    if not key:
        return False
    kept = _snapshot.Kept(key=key, header=tuple(header), args=_snapshot.plain(args))
    held = sent if sent is not None else _snapshot.read(key)
    if kept == held:
        return False
    _snapshot.write(kept)
    return sent is not None


# --- the warm-up's hold ---------------------------------------------------------------------
#: Set once a page has sent a kept first map; the time its browser has to itself ends.
_QUIET: dict[str, float] = {}
_PAINTED = threading.Event()
#: Session key: when this page's first map pause ends (``time.monotonic``).
QUIET = "_first_map_quiet"


def give_way(seconds: float) -> None:
    """Let the browser draw a new page's first map with the machine to itself.

    The frame's first report (its view, as soon as the map exists) stops this run and
    starts another at once (Streamlit's fast reruns): that run waits for the rest of
    the pause too (:func:`wait_quiet`), or it read and sent the whole page meanwhile.
    """
    until = time.monotonic() + seconds
    st.session_state[QUIET] = until
    _QUIET["until"] = max(_QUIET.get("until", 0.0), until)
    time.sleep(seconds)


def wait_quiet() -> None:
    """Wait for the end of this page's first map pause, if a run started within it."""
    left = float(st.session_state.get(QUIET, 0.0)) - time.monotonic()
    if left > 0:
        time.sleep(min(left, PAUSE_LIMIT))


def pause_for(args: dict[str, Any] | None = None) -> float:
    """How long the browser has a new page's first map to itself before the rest comes.

    Sent at once, the rest of the page (a hundred widgets) reached the browser before
    it had made the map's frame, and the frame waited for all of it: the map came
    after the panels, at 2.3 s. Given half a second (the server idle meanwhile, so the
    frame's files come at once), the frame is up at 0.8 s. A kept first map
    (``args``) comes before anything is read, and the server reads for seconds after
    it: its frame gets time for the files it fetches, about 2 s at scale (2.9 MB).
    ``BRIEFING_FIRST_MAP_PAUSE`` (seconds) overrides both; tests without a browser
    set 0.
    """
    setting = os.environ.get("BRIEFING_FIRST_MAP_PAUSE")
    if setting is not None:
        try:
            return max(0.0, min(PAUSE_LIMIT, float(setting)))
        except ValueError:
            pass
    if args is None:
        return PAUSE_BASE
    size = 0
    for path in _snapshot.static_files(args):
        try:
            size += path.stat().st_size
        except OSError:
            continue
    return min(PAUSE_MAX, PAUSE_BASE + PAUSE_PER_MB * size / 1e6)


def hold(no_page: float) -> None:
    """Wait while a page's browser draws a kept first map (the warm-up's reads wait).

    Waits ``no_page`` seconds for a page to send one; if one did, until its pause ends.
    """
    if _PAINTED.wait(no_page):
        while (left := _QUIET.get("until", 0.0) - time.monotonic()) > 0:
            time.sleep(left)


#: Keys of the states this process has read (a page or the warm-up did): no kept map then.
_READ: set[str] = set()


def mark_read(key: str | None) -> None:
    """Say that this process holds what the state ``key`` needs: new pages read at once.

    A kept first map saves a new process seconds; a process that has read the layers
    builds a first map in a fraction of that, and its page's panels need not wait
    for a kept map's pause.
    """
    if key:
        _READ.add(key)


def paint() -> Painted | None:
    """On a new page, the kept first map and its header, if they still hold; else None.

    Only in a process that has not read the state yet (:func:`mark_read`).
    """
    if FIRST in st.session_state or len(st.query_params):
        return None
    key = _snapshot.key()
    kept = _snapshot.read(key) if key and key not in _READ else None
    if kept is None:
        st.session_state[KEPT_KEY] = key
        return None
    frame = layout(kept.header)
    with frame.map_slot:
        show_map(kept.args)
    st.session_state[FIRST] = "rest"
    st.session_state[KEPT_KEY] = key
    frame.waiting.caption("Loading the date and layer controls…")  # no reflow when they come
    if not _PAINTED.is_set():
        from streamlit.logger import get_logger

        get_logger(__name__).info("First map sent from disk (%s) before reading the layers; "
                                  "the page reads and checks it.", kept.key[:12])
    _PAINTED.set()
    give_way(pause_for(kept.args))
    return Painted(frame=frame, kept=kept)
