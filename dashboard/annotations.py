"""The analyst's annotations: loaded from and saved to a GeoJSON file, kept in the workspace.

The marks are a workspace item of the store (kind ``annotation``, owned by the
current user, :func:`store_marks`), and also the file
``$BRIEFING_WORKSPACE/annotations.geojson`` (default ``~/.local/share/briefing-map``)
for a page without a store. Every change is written at once (whole or not at all),
so a reload of the page or a restart of the server finds the marks again; "Save as
GeoJSON" hands the same file to the analyst, and loading a file replaces the marks
only once it has passed validation, so a bad file never costs the marks already on
the map.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import streamlit as st

from dashboard._sidebar import md_text
from layers.core.view import Overlay
from layers.errors import LayersError
from layers.export.annotations_file import annotations_geojson, write_annotations
from layers.ingest.annotations import annotation_overlay, empty_annotations, read_annotations
from layers.store.workspace import item_content, save_item

FRAME = "annotations:frame"
#: The name of the user's annotations item in the workspace store.
ITEM_NAME = "annotations"
GENERATION = "annotations:generation"
WORKSPACE_ENV = "BRIEFING_WORKSPACE"


def workspace_file() -> Path:
    """Where the session's annotations live between page loads."""
    default = Path.home() / ".local" / "share" / "briefing-map"
    return Path(os.environ.get(WORKSPACE_ENV) or default) / "annotations.geojson"


def store_marks() -> bytes | None:
    """The current user's saved annotations (GeoJSON bytes) from the store, if any."""
    from dashboard.workspace import current_user, get_store, items_of

    store = get_store()
    if store is None:
        return None
    user = current_user()
    try:
        items = [i for i in items_of(store, user, "annotation")
                 if i.owner == user and i.name == ITEM_NAME]
        return item_content(store, items[0].item_id, user) if items else None
    except LayersError as exc:
        st.warning(f"The saved annotations could not be read: {md_text(exc)}")
        return None


def _save_to_store(frame: gpd.GeoDataFrame) -> None:
    from dashboard.workspace import current_user, forget_items, get_store

    store = get_store()
    if store is None:
        return
    try:
        save_item(store, kind="annotation", name=ITEM_NAME, owner=current_user(),
                  payload={"format": "geojson", "marks": len(frame)},
                  content=annotations_geojson(frame).encode("utf-8"))
        forget_items()
    except LayersError as exc:
        st.error(f"The annotations could not be saved to the workspace store: {md_text(exc)}")


def _current() -> gpd.GeoDataFrame:
    if FRAME not in st.session_state:
        path = workspace_file()
        frame = None
        held = store_marks()
        if held is not None:
            frame, problems = read_annotations(held, name="workspace annotations")
            for problem in problems:
                st.warning(md_text(problem.describe()))
        elif path.exists():
            frame, problems = read_annotations(path, name=path.name)
            for problem in problems:
                st.warning(md_text(problem.describe()))
        st.session_state[FRAME] = frame if frame is not None else empty_annotations()
    return st.session_state[FRAME]


def keep(frame: gpd.GeoDataFrame) -> None:
    """Make ``frame`` the session's marks; save it to the store and the workspace file."""
    st.session_state[FRAME] = frame
    _save_to_store(frame)
    try:
        write_annotations(frame, workspace_file())
    except OSError as exc:
        st.error(f"The annotations could not be saved to {md_text(str(workspace_file()))}: "
                 f"{md_text(exc.strerror or str(exc))}. Fix: set {WORKSPACE_ENV} to a "
                 "writable folder; until then use 'Save as GeoJSON'.")


def render_annotations() -> Overlay | None:
    """Load/save controls for the annotation layer; return it when it holds any mark."""
    frame = _current()
    generation = st.session_state.setdefault(GENERATION, 0)
    picked = st.file_uploader("Annotations (GeoJSON)", type=["geojson", "json"],
                              key=f"annotations:upload:{generation}",
                              help="Arrows, callouts, labels, circles, freehand lines and "
                              "areas; replaces the marks on the map.")
    if picked is not None:
        loaded, problems = read_annotations(picked.getvalue(), name=picked.name)
        for problem in problems[:20]:
            (st.error if problem.severity == "error" else st.warning)(
                md_text(problem.describe()))
        if loaded is not None:
            keep(loaded)
            frame = loaded
            st.session_state[GENERATION] = generation + 1
    st.caption(f"{len(frame)} mark(s); saved in the workspace.")
    st.download_button("Save annotations as GeoJSON", annotations_geojson(frame),
                       file_name="annotations.geojson", mime="application/geo+json",
                       key="annotations:download")
    if len(frame) and st.button("Clear annotations", key="annotations:clear"):
        keep(empty_annotations())
        frame = st.session_state[FRAME]
    return annotation_overlay(frame) if len(frame) else None
