"""What the page reads, read once: the layers, their change dates, the static assets.

Streamlit reruns the whole script on every click, so anything that touches the
disk is cached here, keyed by the files' modification times: an analyst who
edits a GeoJSON file sees the change on the next rerun, and nobody else pays
for reading it again.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import streamlit as st

from dashboard._memo import IdentityMemo
from dashboard._snapshot import file_stamps
from layers.core.catalog import LayerSpec, load_catalog
from layers.core.loaded import LoadedLayers
from layers.core.sources import (
    REFS_COLUMN,
    number_frames,
    numbered_sources,
    source_groups,
    with_refs,
    with_source_numbers,
)
from layers.core.timeline import change_dates, parse_date
from layers.core.view import MapView, view_layers
from layers.ingest.catalog_layers import load_catalog_layers
from layers.render import assets

STATIC = Path(__file__).resolve().parent / "static"


def fingerprint() -> tuple:
    """The files' fingerprint plus the workspace store's state (writes, "as known on")."""
    from dashboard import workspace

    files = file_fingerprint()
    return (files, workspace.state_key(files))


#: The fingerprint taken in this thread's current page run (see :func:`file_fingerprint`).
_RUN = threading.local()


def file_fingerprint() -> tuple:
    """Folder and modification times of the catalog and every file beside it.

    Taken once per page run: a run asks for it several times (the layers, the change
    days, the labels, the base map, the workspace), and each look lists the folder
    and reads every file's time, 4 ms on this machine's disk: 12 ms of a live map's
    rerun in the team deployment, more of a date step. A file saved mid-run shows
    on the next run, as before.
    """
    run = _run_token()
    held = getattr(_RUN, "held", None)
    if run is not None and held is not None and held[0] is run:
        return held[1]
    stamps = file_stamps()
    if run is not None:
        _RUN.held = (run, stamps)
    return stamps


def _run_token() -> object | None:
    """An object that lives as long as the current page run (Streamlit makes it per run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else ctx.cursors


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(fingerprint: tuple) -> LoadedLayers:
    return load_catalog_layers(load_catalog())


def loaded_layers() -> LoadedLayers:
    """Every catalog layer, validated, as the workspace store holds it (else the files).

    Reloaded only when a file changed, the store was written or "as known on" moved.
    """
    from dashboard import workspace

    files, key = fingerprint()
    held = workspace.store_layers(files, key)
    return held if held is not None else _load(files)


@st.cache_data(show_spinner=False, max_entries=8)
def _changes(fingerprint: tuple, start: str) -> list[dt.date]:
    frames = loaded_layers().frames.values()
    first = parse_date(start) if start else None
    return [d for d in change_dates(frames) if first is None or d >= first]


def change_days(loaded: LoadedLayers) -> list[dt.date]:
    """The days on which something on the map changes, from the catalog's start on."""
    return _changes(fingerprint(), loaded.catalog.start)


@st.cache_data(show_spinner=False, max_entries=8)
def _labels(fingerprint: tuple) -> dict[dt.date, str]:
    loaded = loaded_layers()
    labels: dict[dt.date, str] = {}
    for spec in loaded.specs():
        if spec.kind != "events":
            continue
        frame = loaded.frames[spec.id].sort_values("valid_from", kind="stable")
        for start, name in zip(frame["valid_from"], frame["name"], strict=True):
            labels.setdefault(start.date(), str(name))
    return labels


def event_labels(loaded: LoadedLayers) -> dict[dt.date, str]:
    """Change days named after the first event that starts on them (for the jump list)."""
    return _labels(fingerprint())


def day_bounds(loaded: LoadedLayers) -> tuple[dt.date, dt.date]:
    """The slider's range: the catalog's start to the last change (or the default date)."""
    catalog = loaded.catalog
    days = change_days(loaded)
    default = parse_date(catalog.default_date) if catalog.default_date else None
    first = parse_date(catalog.start) if catalog.start else (days[0] if days else default)
    candidates = [d for d in (days[-1] if days else None, default, first) if d is not None]
    if first is None or not candidates:
        today = dt.date.today()
        return today, today
    return first, max(candidates)


def default_day(loaded: LoadedLayers, bounds: tuple[dt.date, dt.date]) -> dt.date:
    """The catalog's default date, kept inside the slider's range."""
    text = loaded.catalog.default_date
    day = parse_date(text) if text else bounds[0]
    return min(max(day, bounds[0]), bounds[1])


def _assets_current(static: Path) -> bool:
    vendor = static / assets.VENDOR
    if not (vendor / "leaflet" / "leaflet.js").is_file() or not (
            vendor / assets.DRAW / "leaflet.draw.js").is_file():
        return False
    for own in assets.OWN_ASSETS.glob("*"):
        copy = vendor / "briefing" / own.name
        if own.is_file() and (not copy.is_file() or copy.stat().st_size != own.stat().st_size):
            return False
    return True


@st.cache_resource(show_spinner=False)
def ensure_static_assets(static: str = str(STATIC)) -> str | None:
    """Copy Leaflet and our styles where Streamlit serves them, if they are missing.

    ``run.sh`` does this already; this covers a plain ``streamlit run``. Returns
    a message for the page when the copy failed (a read-only checkout, say).
    """
    folder = Path(static)
    if _assets_current(folder):
        return None
    try:
        assets.install_static(folder)
    except OSError as exc:
        return (f"The map's scripts could not be copied to {folder} ({exc}). Run "
                "`python -m layers assets` once, then reload.")
    return None


#: The numbered as-of layers of a view, shared by every session of the process (the
#: page script's own globals are new on every run, so the memo lives here).
_SHOWN = IdentityMemo(256)


def shown_layers(loaded: LoadedLayers, view: MapView) -> list[tuple[LayerSpec, gpd.GeoDataFrame]]:
    """The view's layers as of its date, with their source numbers.

    Loaded layers carry their numbers (:func:`numbered_layers`, the files' loader), so
    a view of them is its as-of cuts as they are. A view with a layer that has none
    (an upload, an analysis overlay) is numbered once per view: the cuts are the same
    frames for the same layer and date (:func:`layers.core.view.layer_as_of`), so a
    step back to a date, or another session on it, costs a look-up.
    """
    cut = view_layers(loaded, view)
    if all(REFS_COLUMN in frame.columns or "source" not in frame.columns for _, frame in cut):
        # Every layer carries its numbers (the files' and the store's layers are numbered
        # once when loaded): nothing to number. The view's list is gathered where it is
        # shown (the Sources panel, the exports), not on every step.
        return list(cut)
    key = tuple((spec.id, repr(spec)) for spec, _ in cut)
    return list(_SHOWN.get([frame for _, frame in cut], key, lambda: with_source_numbers(
        cut, numbered_sources((frame for _, frame in cut), groups=_source_groups))[0]))


#: Each as-of cut's sources grouped (most of the numbering's cost), once per cut.
_GROUPS = IdentityMemo(256)


def _source_groups(frame: gpd.GeoDataFrame) -> list[tuple[str, list[str], str]]:
    """:func:`~layers.core.sources.source_groups` once per frame object.

    An edit changes one layer: the page's other layers keep their cuts (the same
    frames for the same date), so after an edit each page regroups only the edited
    layer's cut instead of all of them (on every page of the process, each on its
    own date).
    """
    return _GROUPS.get([frame], "groups", lambda: source_groups(frame))


#: The store's layers with their source numbers, per loaded frame and numbering; and each
#: loaded frame's sources grouped. Small: each entry holds a whole layer (100,000 rows at
#: scale), and a process needs the current version's few layers and the one before.
_NUMBERED = IdentityMemo(16)
_LOADED_GROUPS = IdentityMemo(16)


def numbered_layers(loaded: LoadedLayers) -> LoadedLayers:
    """``loaded`` (the store's layers) with source numbers across all layers, as the files'.

    The catalog's files are numbered once when loaded
    (:func:`layers.core.sources.number_frames`), so a source keeps its number on every
    date and a view's list only gathers the numbers its features carry. The store's
    layers were not: every view numbered its own sources again, and after an edit
    elsewhere every page of every process did, for every layer it showed (in a load
    run's profile, the largest part of the live map's reruns). Numbered here once per
    store version, a layer whose numbers did not change keeps its numbered frame (the
    same object), and with it the timeline parts and as-of cuts made from it.
    """
    return replace(loaded, frames=number_frames(
        loaded.frames, groups=lambda f: _LOADED_GROUPS.get([f], "groups",
                                                           lambda: source_groups(f)),
        numbered=lambda f, labels: _NUMBERED.get(
            [f], tuple(sorted(labels.items())), lambda: with_refs(f, labels))))
