"""Uploads that survive a reload and a restart: each accepted file is a workspace item.

An accepted upload is saved in the workspace store (:mod:`layers.store.workspace`,
kind ``upload``) with its bytes, the name of who uploaded it and their choice of
shared or private. A new session lists the items the user may see and reads each
file again through the same validation as a fresh upload (a file is evidence: it
is never trusted because it was accepted once). Removing a layer you own deletes
it from the workspace; removing someone else's shared layer hides it for this
session only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from dashboard import workspace
from dashboard._sidebar import md_text
from layers.core.view import Overlay
from layers.errors import LayersError
from layers.ingest.upload import UploadLimits, load_upload
from layers.store.workspace import Item, delete_item, item_content, save_item, update_payload

KIND = "upload"
SHARED = "uploads:shared"  # the checkbox: share new uploads with the team
SEEN = "uploads:seen"  # item ids this session has loaded or set aside
PROBLEM = "uploads:store_problem"


@dataclass(frozen=True)
class Saved:
    """Where an upload is kept in the workspace, and whose it is."""

    item_id: int
    owner: str
    shared: bool


def share_control() -> bool:
    """The "share my uploads" choice (private by default); only shown with a store."""
    if workspace.get_store() is None:
        st.caption("The workspace store is unavailable: uploads last for this session only.")
        return False
    return st.checkbox("Share new uploads with the team", key=SHARED, value=False,
                       help="Private uploads are listed to you only. Either way they are "
                            "kept in the workspace and come back after a reload.")


def remember(name: str, data: bytes, overlay: Overlay, *, repair: bool,
             columns: dict[str, str] | None) -> Saved | None:
    """Save an accepted upload (its bytes and how it was read); None without a store."""
    store = workspace.get_store()
    if store is None:
        return None
    payload = {"file": name, "title": overlay.spec.title, "features": len(overlay.frame),
               "repair": bool(repair), "columns": columns or None,
               "sha256": hashlib.sha256(data).hexdigest()}
    try:
        # Named by the layer's id (unique in the session, which reopens the user's saved
        # ones first), so two files called alike are two items, not one replacing the other.
        item = save_item(store, kind=KIND, name=overlay.spec.id, owner=workspace.current_user(),
                         payload=payload, shared=bool(st.session_state.get(SHARED)),
                         content=data)
        workspace.forget_items()
    except LayersError as exc:
        st.session_state[PROBLEM] = str(exc)
        return None
    st.session_state.setdefault(SEEN, set()).add(item.item_id)
    return Saved(item.item_id, item.owner, item.shared)


def stored_uploads() -> list[Item]:
    """The upload items this user may see that the session has not loaded or set aside.

    Oldest first, so a reload gives the layers in the order they were uploaded.
    """
    store = workspace.get_store()
    if store is None:
        return []
    seen = st.session_state.setdefault(SEEN, set())
    try:
        items = workspace.items_of(store, workspace.current_user(), KIND)
    except LayersError as exc:
        st.session_state[PROBLEM] = str(exc)
        return []
    return [i for i in items[::-1] if i.item_id not in seen]  # in upload order


def reopen(item: Item, limits: UploadLimits, color_index: int
           ) -> tuple[bytes, Overlay | None, list]:
    """Read a stored upload again, through the upload's validation; mark it seen."""
    st.session_state.setdefault(SEEN, set()).add(item.item_id)
    store = workspace.get_store()
    data = item_content(store, item.item_id, workspace.current_user()) if store else None
    if data is None:
        return b"", None, []
    overlay, problems = load_upload(data, item.payload.get("file") or item.name, limits=limits,
                                    repair=bool(item.payload.get("repair")),
                                    color_index=color_index,
                                    columns=item.payload.get("columns") or None)
    return data, overlay, problems


def keep_look(saved: Saved | None, look: dict[str, str]) -> None:
    """Keep an upload's name, colour and symbol with its item (the owner's only).

    Someone else's shared upload may be restyled for this session, not for its owner.
    """
    store = workspace.get_store()
    if saved is None or store is None or saved.owner != workspace.current_user():
        return
    try:
        update_payload(store, saved.item_id, saved.owner, {"look": look})
        workspace.forget_items()
    except LayersError as exc:
        st.session_state[PROBLEM] = str(exc)


def saved_look(item: Item) -> dict[str, str]:
    """The name, colour and symbol kept with an item (see :func:`keep_look`)."""
    look = item.payload.get("look")
    if not isinstance(look, dict):
        return {}
    return {k: str(v) for k, v in look.items() if k in ("title", "color", "shape")}


def saved_of(item: Item) -> Saved:
    """The workspace facts of a listed item."""
    return Saved(item.item_id, item.owner, item.shared)


def forget(saved: Saved | None) -> None:
    """Remove an upload: delete it from the workspace if it is yours, else hide it here."""
    store = workspace.get_store()
    if saved is None or store is None or saved.owner != workspace.current_user():
        return
    try:
        delete_item(store, saved.item_id, saved.owner)
        workspace.forget_items()
    except LayersError as exc:
        st.session_state[PROBLEM] = str(exc)


def label(saved: Saved | None) -> str:
    """How the list names where a layer is kept: yours or whose, shared or private."""
    if saved is None:
        return "this session only"
    scope = "shared" if saved.shared else "private"
    if saved.owner == workspace.current_user():
        return f"saved, {scope}"
    return f"shared by {md_text(saved.owner)}"


def show_problem() -> None:
    """A store failure while saving or listing uploads, once."""
    problem = st.session_state.pop(PROBLEM, None)
    if problem:
        st.warning(f"The workspace could not keep the upload: {md_text(problem)}")
