"""Team mode: correct one property of a feature, with its source, confidence and reason.

A small form in the sidebar of the team deployment. The write goes through
:class:`layers.store.guard.GuardedStore` for the signed-in identity, so a viewer's
save is refused by the store call itself (the form is shown to everyone and says
so), and the version records the proxy-vouched name whatever the form holds. A
save based on a version another analyst has replaced since is refused with that
analyst's change shown. Everything typed is shown back as text only.
"""

from __future__ import annotations

import os

import streamlit as st

from dashboard._sidebar import keep_values, md_text
from dashboard.identity import IDENTITY, team_mode
from layers.errors import LayersError
from layers.store.roles import Identity

KEYS = {name: f"te_{name}" for name in
        ("layer", "fid", "prop", "value", "source", "confidence", "reason", "save")}
CONFIDENCE = ("high", "medium", "low")
LAST = "te_last"
#: The form's section: open, it draws the form; closed, nothing (and keeps what was typed).
SECTION = "te_open"


def guarded_store(identity: Identity):
    """The shared store as ``identity`` may use it (one store object per process)."""
    from layers.store.guard import GuardedStore
    from layers.store.live import shared_store

    return GuardedStore(shared_store(os.environ["BRIEFING_STORE"]), identity)


def session_store():
    """The shared store as this session's vouched identity may use it (team mode).

    Every write path of the page (the edit panel, saved views, this form) takes its
    store from here, so the role is checked by the store call itself; a session the
    gate has not vouched for is nobody, and may do nothing.
    """
    ident = st.session_state.get(IDENTITY)
    return guarded_store(ident if isinstance(ident, Identity) else Identity(None, None))


def session_user() -> str | None:
    """The vouched name of this session (team mode), or None."""
    ident = st.session_state.get(IDENTITY)
    return ident.name if isinstance(ident, Identity) else None


def render_team_edit(identity: Identity | None, layer_ids: list[str]) -> None:
    """The form (team mode only); the outcome of the last save stays under it."""
    if not team_mode() or identity is None:
        return
    # Its widgets are drawn only while it is open: fifty sessions' reruns pay nothing else.
    section = st.expander("Correct a feature (shared store)", expanded=False,
                          key=SECTION, on_change="rerun")
    with section:
        if not section.open:
            keep_values(*(k for n, k in KEYS.items() if n != "save"))
            return
        if not identity.can("edit"):
            st.caption(f"{identity.name} is a {identity.role}: saving is refused by the store.")
        with st.form("te_form", clear_on_submit=False, border=False):
            st.selectbox("Layer", options=layer_ids, key=KEYS["layer"])
            st.text_input("Feature id", key=KEYS["fid"])
            st.text_input("Property", key=KEYS["prop"], placeholder="e.g. name, status")
            st.text_input("New value", key=KEYS["value"])
            st.text_input("Source (publication and date)", key=KEYS["source"])
            st.selectbox("Confidence", options=CONFIDENCE, key=KEYS["confidence"])
            st.text_input("Reason", key=KEYS["reason"])
            saved = st.form_submit_button("Save to the shared store", key=KEYS["save"])
        if saved:
            st.session_state[LAST] = _save(identity)
        kind, text = st.session_state.get(LAST, ("", ""))
        if kind == "ok":
            st.success(text)
        elif kind:
            st.error(text)


def _save(identity: Identity) -> tuple[str, str]:
    """Run the edit; ("ok" | "refused", message as plain text)."""
    from layers.store.edits import Provenance

    ss = st.session_state
    layer, fid = str(ss.get(KEYS["layer"]) or ""), str(ss.get(KEYS["fid"]) or "").strip()
    prop = str(ss.get(KEYS["prop"]) or "").strip()
    if not fid or not prop or prop == "id":
        return "refused", ("Refused: give the feature id and the property to change "
                           "(the id itself cannot change).")
    prov = Provenance(user=str(identity.name), source=str(ss.get(KEYS["source"]) or ""),
                      confidence=str(ss.get(KEYS["confidence"]) or ""),
                      reason=str(ss.get(KEYS["reason"]) or ""))
    try:
        store = guarded_store(identity)
        current = store.current(layer, fid)
        if current is None:
            return "refused", _plain(f"Refused: {layer} has no feature with id {fid!r}.")
        version = store.edit(layer, fid, based_on=current.vid, provenance=prov,
                             properties={prop: str(ss.get(KEYS["value"]) or "")})
    except LayersError as exc:
        said = str(exc)
        return "refused", _plain(said if said.startswith("Refused") else f"Refused: {said}")
    except Exception as exc:  # the database went away mid-save: nothing half-written
        return "refused", ("Refused: the shared store did not answer, so nothing was saved "
                           f"({type(exc).__name__}). Try again when it is back.")
    return "ok", (f"Saved {_plain(layer)}/{_plain(fid)} version {version.seq} as "
                  f"{_plain(version.user)}: {_plain(prop)} = "
                  f"{_plain(str(ss.get(KEYS['value']) or ''))}")


def _plain(text: str) -> str:
    """Text for st.success/st.error: Markdown made literal (HTML is never rendered there)."""
    return md_text(text)
