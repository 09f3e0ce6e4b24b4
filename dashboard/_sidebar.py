"""The sidebar: the as-of date (date box, jumps), layer toggles with legends, basemap.

The map's own timeline strip (``layers/render/_assets/timeline.js``) moves and plays
the date in the browser; the date box here is the server's copy of it. Widgets keep
their values in ``st.session_state`` under fixed keys, so the URL (read once per
session), the map's settled date and callbacks can move them: they write ``day``
before the date box is drawn, never after.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import streamlit as st

from layers.core.catalog import LayerSpec
from layers.core.loaded import LoadedLayers
from layers.core.view import Overlay
from layers.render import webmap

DAY = "day"
PENDING_DAY = "_pending_day"
JUMP = "jump"
BASEMAP = "basemap"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_text(value: object) -> str:
    """Text made literal for Streamlit's markdown labels (no links, no emphasis)."""
    return _MD_SPECIAL.sub(r"\\\1", str(value))


def layer_key(layer_id: str) -> str:
    """Session-state key of a layer's toggle."""
    return f"layer:{layer_id}"


# --- the date -------------------------------------------------------------------------------

def next_change(day: dt.date, days: Sequence[dt.date]) -> dt.date | None:
    """The first change day after ``day``, or None at the end."""
    return next((d for d in days if d > day), None)


def previous_change(day: dt.date, days: Sequence[dt.date]) -> dt.date | None:
    """The last change day before ``day``, or None at the start."""
    return next((d for d in reversed(days) if d < day), None)


def _set_day(day: dt.date | None) -> None:
    if day is not None:
        st.session_state[DAY] = day


def _jump(direction: int, days: Sequence[dt.date]) -> None:
    today = st.session_state[DAY]
    _set_day(next_change(today, days) if direction > 0 else previous_change(today, days))


def _jump_to() -> None:
    _set_day(st.session_state.get(JUMP))


def apply_pending_day() -> None:
    """Move the date to a day chosen by a callback (before the date box is drawn)."""
    if PENDING_DAY in st.session_state:
        st.session_state[DAY] = st.session_state.pop(PENDING_DAY)


def keep_values(*keys: str) -> None:
    """Keep the values of widgets not drawn in this run (a closed section's inputs).

    Streamlit forgets a widget's value in a run that does not draw it. Only for
    widgets not drawn: re-setting a drawn widget's value logs a warning.
    """
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def current_day(bounds: tuple[dt.date, dt.date]) -> dt.date:
    """The page's date (the date box's value), kept inside ``bounds``.

    Known before the date box is drawn, so the header and the map can come first.
    """
    lo, hi = bounds
    current = st.session_state.get(DAY)
    if not isinstance(current, dt.date) or not lo <= current <= hi:
        # The data changed under an open session (a file edited): stay inside its dates.
        st.session_state[DAY] = min(max(current, lo), hi) if isinstance(current, dt.date) else lo
    return st.session_state[DAY]


def date_controls(days: Sequence[dt.date], bounds: tuple[dt.date, dt.date],
                  labels: dict[dt.date, str]) -> dt.date:
    """Date box, previous/next change and a list of change days; returns the day."""
    lo, hi = bounds
    current_day(bounds)
    st.date_input("As of", min_value=lo, max_value=hi, key=DAY, format="YYYY-MM-DD",
                  help="The map shows what was true on this day; the strip under the map "
                       "moves it (arrow keys by day, Shift by week, PageUp/PageDown by "
                       "change day) and plays it.")
    back, forward = st.columns(2, gap="small")
    back.button(":material/skip_previous:", key="prev_change", on_click=_jump,
                args=(-1, days), help="Previous day on which something on the map changes",
                width="stretch")
    forward.button(":material/skip_next:", key="next_change", on_click=_jump,
                   args=(1, days), help="Next day on which something on the map changes",
                   width="stretch")
    day = st.session_state[DAY]
    options = [d for d in days if lo <= d <= hi]
    st.session_state[JUMP] = day if day in options else None
    st.selectbox("Jump to a change day", options=options, key=JUMP, index=None,
                 placeholder="Pick a day on which the map changes",
                 format_func=lambda d: f"{d:%d %b %Y}" + (f" — {labels[d]}" if d in labels
                                                          else ""),
                 on_change=_jump_to)
    return day


# --- the layers -----------------------------------------------------------------------------

def _legend(spec: LayerSpec) -> None:
    html = webmap.sidebar_legend_html(spec)
    if html:
        st.markdown(html, unsafe_allow_html=True)


def _problems(loaded: LoadedLayers, spec: LayerSpec) -> None:
    problems = loaded.problems.get(spec.id, [])
    if not problems:
        return
    errors = [p for p in problems if p.severity == "error"]
    if spec.id not in loaded.frames:
        st.error(f"{md_text(spec.title)}: not loaded, {len(errors)} problem(s).", icon="⚠️")
    with st.expander(f"{len(problems)} data note(s)" if spec.id in loaded.frames
                     else "What is wrong"):
        st.text("\n".join(p.describe() for p in problems[:50]))


def on_at_start(spec: LayerSpec, initial: list[str] | None) -> bool:
    """Whether a layer starts switched on: as the link says, else as the catalog says."""
    return spec.id in initial if initial is not None else spec.visible


def start_layer_ids(loaded: LoadedLayers, initial: list[str] | None) -> tuple[str, ...]:
    """The loaded layers a new page's first map shows (the link's, else the catalog's)."""
    return tuple(spec.id for spec in loaded.catalog.layers
                 if spec.id in loaded.frames and on_at_start(spec, initial))


def start_basemap(initial: str | None) -> str:
    """The basemap shown: the one chosen, else the link's, else the offline one."""
    return st.session_state.get(BASEMAP) or initial or webmap.DEFAULT_BASEMAP


def layer_controls(loaded: LoadedLayers, initial: list[str] | None) -> list[str]:
    """One toggle per catalog layer, with its legend; returns the ids switched on."""
    visible: list[str] = []
    for spec in loaded.catalog.layers:
        key = layer_key(spec.id)
        usable = spec.id in loaded.frames
        # The start value as the widget's own default, not written into the session: a
        # run cut short by the map frame's first report (a new page draws the map first)
        # lost a value written there, and every layer came back switched off.
        on = st.toggle(md_text(spec.title), key=key, disabled=not usable,
                       value=on_at_start(spec, initial), help=spec.description or None)
        if on and usable:
            visible.append(spec.id)
            _legend(spec)
        _problems(loaded, spec)
    return visible


def overlay_controls(overlays: Sequence[Overlay]) -> list[str]:
    """Toggles and legends for the analyst's own layers; returns the ids switched on."""
    visible: list[str] = []
    for overlay in overlays:
        key = layer_key(f"overlay:{overlay.spec.id}")
        on = st.toggle(md_text(overlay.spec.title), key=key, value=True)
        if on:
            visible.append(overlay.spec.id)
            _legend(overlay.spec)
    return visible


def basemap_control(initial: str | None, on_change) -> str:
    """Offline vector basemap by default; online tiles only when asked for."""
    if BASEMAP not in st.session_state:
        st.session_state[BASEMAP] = start_basemap(initial)
    choice = st.radio("Basemap", options=list(webmap.BASEMAPS), key=BASEMAP,
                      format_func=webmap.BASEMAPS.get, on_change=on_change)
    if choice != "offline":
        st.caption("Online tiles: the browser will ask an outside server for them.")
    return choice
