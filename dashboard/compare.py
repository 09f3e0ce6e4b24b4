"""The Compare tab: two dates side by side, as a swipe or a linked pair, and its slide.

A thin page over :mod:`layers.export.compare_html`: the analyst picks date A (left)
and date B (right), the mode, where the divider starts and whether to draw the
ground that changed hands; the page is drawn offline in a frame (Leaflet inlined,
nothing fetched). The pair prints on one slide with the same function as
``python -m layers export --compare``. The choices live in the address bar
(:mod:`dashboard._url_compare`) so a copied link reopens the same comparison.
"""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import replace

import streamlit as st

from dashboard import _data, _url_compare
from dashboard._sidebar import md_text
from dashboard.downloads import cli_command, maker
from layers.analysis.measures import frame_of_kind
from layers.analysis.overlays import change_overlay
from layers.core.loaded import LoadedLayers
from layers.core.view import MapView
from layers.errors import LayersError
from layers.export.compare_html import compare_html, short_day
from layers.export.files import file_name

A, B, MODE, SPLIT, CHANGE = "cmp_a", "cmp_b", "cmp_mode", "cmp_split", "cmp_change"
#: Set once the link was read or the analyst touched a control: only then is the URL written.
TOUCHED, READ = "cmp_touched", "cmp_url_read"
#: The comparison is drawn only when asked (a link with ``cmp`` or the toggle): the page is
#: ~400 KB and 0.7 s to build, which every date step of the main map would pay otherwise.
SHOW = "cmp_show"
MODE_LABELS = {"swipe": "Swipe (one map, a divider)", "pair": "Pair (two maps, linked)"}
HEIGHT = 560


def _touch() -> None:
    st.session_state[TOUCHED] = True


def _first_snapshot(loaded: LoadedLayers, bounds: tuple[dt.date, dt.date]) -> dt.date:
    """Date A by default: the first day of the timeline."""
    return bounds[0]


def _read_url_once(loaded: LoadedLayers, day: dt.date,
                   bounds: tuple[dt.date, dt.date]) -> list[str]:
    """The link sets the comparison once per session; after that the controls rule."""
    if READ in st.session_state:
        return st.session_state[READ]
    state = _url_compare.parse(st.query_params, day_bounds=bounds)
    a, b = state.days or (_first_snapshot(loaded, bounds), day)
    st.session_state.update({A: a, B: b, MODE: state.mode or "swipe",
                             SPLIT: round((state.split if state.split is not None else 0.5)
                                          * 100),
                             CHANGE: bool(state.change)})
    if state.asked:
        st.session_state[TOUCHED] = True
    st.session_state.setdefault(SHOW, bool(state.asked))
    st.session_state[READ] = state.problems
    return state.problems


def _controls(bounds: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date, str, float, bool]:
    lo, hi = bounds
    c1, c2, c3, c4 = st.columns([1, 1, 1.4, 1.2])
    a = c1.date_input("Date A (left)", min_value=lo, max_value=hi, key=A, on_change=_touch,
                      format="YYYY-MM-DD")
    b = c2.date_input("Date B (right)", min_value=lo, max_value=hi, key=B, on_change=_touch,
                      format="YYYY-MM-DD")
    mode = c3.radio("Mode", list(MODE_LABELS), key=MODE, format_func=MODE_LABELS.get,
                    horizontal=True, on_change=_touch)
    change = c4.checkbox("Ground that changed hands", key=CHANGE, on_change=_touch,
                         help="The analysis panel's change layer: ground held by one side "
                              "on one date and another on the other, above both dates.")
    split = int(st.session_state.get(SPLIT, 50))
    if mode != "swipe" and SPLIT in st.session_state:
        st.session_state[SPLIT] = split  # kept for the swipe while the pair shows
    if mode == "swipe":
        split = st.slider("Divider starts at (% of the width from the left)", 2, 98, key=SPLIT,
                          on_change=_touch, help="Drag the divider on the map itself too.")
    return a, b, mode, split / 100, change


def _write_url(days: tuple[dt.date, dt.date], split: float, mode: str, change: bool) -> None:
    if not st.session_state.get(TOUCHED):
        return
    wanted = _url_compare.encode(days=days, split=split, mode=mode, change=change)
    for name, value in wanted.items():
        if st.query_params.get(name) != value:
            st.query_params[name] = value


def _with_change(loaded: LoadedLayers, view: MapView, a: dt.date, b: dt.date) -> MapView:
    """The view with the change layer added (drawn on both frames of the slide)."""
    zones = frame_of_kind(loaded, "control_zones")
    spec = next((s for s in loaded.specs() if s.kind == "control_zones"), None)
    if zones is None or spec is None:
        return view
    overlay = change_overlay(zones, spec, min(a, b), max(a, b))
    return replace(view, overlays=(*view.overlays, overlay),
                   layer_ids=(*view.layer_ids, overlay.spec.id))


def _slide(loaded: LoadedLayers, view: MapView, a: dt.date, b: dt.date, page: str,
           change: bool) -> None:
    """The pair on one printed slide, as ``python -m layers export --compare`` makes it."""
    handling = loaded.catalog.handling
    later, earlier = max(a, b), min(a, b)
    on_b = replace(_with_change(loaded, view, a, b) if change else view, day=later)
    left, mid, right = st.columns([1, 1, 2])
    mid.download_button(
        "Download this comparison (HTML)", data=page.encode("utf-8"), mime="text/html",
        file_name=file_name(loaded, replace(view, day=a), "html", compare=b),
        key="cmp_page_html", help="The page above as one file that opens offline.")
    left.download_button(
        "Download the pair as one slide (PNG)",
        data=maker(loaded, on_b, "png", handling, compare=earlier),
        file_name=file_name(loaded, on_b, "png", compare=earlier), mime="image/png",
        key="cmp_slide_png", help="Earlier date on the left, later on the right, 300 dpi.")
    # The change layer is the app's own analysis: the command line draws the two dates.
    command = cli_command(replace(view, day=later), "png", handling, handling) + " " + shlex.join(
        ["--compare", earlier.isoformat()])
    right.code(command, language="bash")


def render_compare(loaded: LoadedLayers, view: MapView) -> None:
    """Draw the Compare tab for ``view`` (its layers and extent; the dates are the tab's)."""
    bounds = _data.day_bounds(loaded)
    problems = _read_url_once(loaded, view.day, bounds)
    if not st.toggle("Show the two dates", key=SHOW, on_change=_touch):
        st.caption("Two dates side by side: a swipe with a divider, or a linked pair.")
        return
    a, b, mode, split, change = _controls(bounds)
    for problem in problems:
        st.caption(f"Link: {md_text(problem)}")
    if a == b:
        st.caption("Both sides show the same date: pick another to compare.")
    try:
        # The catalog's region, not the main map's extent: a pan of the map above must
        # not reload this frame (and reset its divider); it has its own zoom and pan.
        page = compare_html(loaded, replace(view, bbox=None), a, b, mode=mode, split=split,
                            change=change)
    except LayersError as exc:
        st.error(md_text(str(exc)))
        return
    st.iframe(page, height=HEIGHT)
    st.caption(f"Left: {short_day(a)} · right: {short_day(b)}. Drawn offline in the page; drag "
               "the divider (or focus it and use the arrow keys).")
    _write_url((a, b), split, mode, change)
    if a != b:
        _slide(loaded, view, a, b, page, change)
