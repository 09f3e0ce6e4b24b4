"""The export panel's page settings: layout preset, frame, grid, texts, a date to compare.

The widgets only collect choices; :func:`settings` turns them into the same
:class:`~layers.render.layout.Layout` and comparison date that
``python -m layers export`` builds from its options, so the app and the command
line make the same slide (:func:`cli_options` writes those options back out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from layers.render.layout import (
    DEFAULT_PRESET,
    DEFAULT_SUBTITLE,
    GRIDS,
    PRESET_LABELS,
    PRESETS,
    Layout,
    Texts,
)
from layers.render.map_panel import CAVEAT

PRESET, FRAME, GRID, SUBTITLE, CAVEAT_KEY, COMPARE, LOCATOR = (
    "print_preset", "print_frame", "print_grid", "print_subtitle", "print_caveat",
    "print_compare", "print_locator")
GRID_LABELS = {"graticule": "Graticule (degrees)", "mgrs": "MGRS grid (100 km / 10 km)",
               "none": "No grid (ticks only)"}
NO_COMPARE = "none"


def settings(values: Mapping[str, Any], *, title: str | None, handling: str | None,
             catalog_title: str, catalog_handling: str
             ) -> tuple[Layout, dt.date | None]:
    """The layout and comparison date for the panel's values (defaults become None).

    A text equal to its default is left as None, so the command line written for
    it stays short and the file says exactly what the default would.
    """
    subtitle = values.get(SUBTITLE) or DEFAULT_SUBTITLE
    caveat = values.get(CAVEAT_KEY) or CAVEAT
    texts = Texts(title=title if title and title != catalog_title else None,
                  subtitle=None if subtitle == DEFAULT_SUBTITLE else subtitle,
                  caveat=None if caveat == CAVEAT else caveat,
                  handling=handling if handling and handling != catalog_handling else None)
    compare = values.get(COMPARE)
    layout = Layout(preset=values.get(PRESET) or DEFAULT_PRESET,
                    frame=values.get(FRAME) or "view", grid=values.get(GRID) or "graticule",
                    locator=bool(values.get(LOCATOR, True)), texts=texts)
    return layout, compare if isinstance(compare, dt.date) else None


def cli_options(layout: Layout, compare: dt.date | None) -> list[str]:
    """The ``export`` options that give the same page (only those off their default)."""
    out: list[str] = []
    if layout.preset != DEFAULT_PRESET:
        out += ["--layout", layout.preset]
    if layout.frame != "view":
        out += ["--frame", layout.frame]
    if layout.grid != "graticule":
        out += ["--grid", layout.grid]
    if not layout.locator:
        out.append("--no-locator")
    if layout.texts.subtitle is not None:
        out += ["--subtitle", layout.texts.subtitle]
    if layout.texts.caveat is not None:
        out += ["--caveat", layout.texts.caveat]
    if compare is not None:
        out += ["--compare", compare.isoformat()]
    return out


def render_options(change_days: Sequence[dt.date], day: dt.date) -> dict[str, Any]:
    """Draw the page settings; return their values by key (read by :func:`settings`)."""
    a, b, c = st.columns(3)
    a.selectbox("Page", list(PRESETS), format_func=PRESET_LABELS.get, key=PRESET)
    b.selectbox("Grid", list(GRIDS), format_func=GRID_LABELS.get, key=GRID)
    c.radio("Frame", ["view", "region"], key=FRAME, horizontal=True,
            format_func={"view": "Map's view", "region": "Whole region"}.get,
            help="Lock the printed frame to the map's current view or the catalog's region")
    st.text_input("Subtitle", value=DEFAULT_SUBTITLE, key=SUBTITLE, max_chars=160,
                  help="{date} becomes each page's date, {known_on} the day it is known on")
    st.text_area("Caveat", value=CAVEAT, key=CAVEAT_KEY, max_chars=600, height=90)
    left, right = st.columns([2, 1])
    others = [d for d in change_days if d != day]
    left.selectbox("Compare with (side by side on one page)", [NO_COMPARE, *others],
                   key=COMPARE, format_func=lambda d: "No comparison" if d == NO_COMPARE
                   else f"{d:%d %b %Y}")
    right.checkbox("Locator inset", value=True, key=LOCATOR,
                   help="A thumbnail of Syria with the frame, shown when zoomed in")
    return {key: st.session_state.get(key) for key in
            (PRESET, FRAME, GRID, SUBTITLE, CAVEAT_KEY, COMPARE, LOCATOR)}
