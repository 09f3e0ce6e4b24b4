"""The edit panel: add a point, change a feature's properties or dates, retire, restore.

Every edit needs a source, a confidence and a reason, and goes through the store
(:mod:`layers.store.edits`): the same validation as an upload, one transaction,
and a refusal when someone else changed the feature since this panel read it (the
panel keeps the version it showed, ``base``, and the store compares). The
feature's history (who, when, what changed, why) is listed under the form.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import workspace
from dashboard._sidebar import md_text
from layers.core.loaded import LoadedLayers
from layers.core.vocab import CONFIDENCE, KIND_VOCAB
from layers.errors import LayersError
from layers.geo.coords import parse_latlon
from layers.store import EditConflictError, Provenance, Store, Version
from layers.store.versions import changes

ACTIONS = ("Change", "Add a point", "Retire")
MESSAGE = "edit:message"


def _base_key(layer: str, fid: str) -> str:
    return f"edit:base:{layer}:{fid}"


def _provenance(prefix: str) -> Provenance:
    """Source, confidence and reason inputs (inside a form)."""
    source = st.text_input("Source (publication and date)", key=f"{prefix}:source")
    left, right = st.columns([1, 2])
    confidence = left.selectbox("Confidence", CONFIDENCE, index=None, key=f"{prefix}:conf",
                                placeholder="choose")
    reason = right.text_input("Reason for the edit", key=f"{prefix}:reason")
    return Provenance(workspace.current_user(), source, confidence or "", reason)


def _done(message: str, layer: str, fid: str, version: Version) -> None:
    st.session_state[_base_key(layer, fid)] = version.vid
    st.session_state[MESSAGE] = ("success", message)
    st.rerun()


def _refused(exc: LayersError) -> None:
    st.error(md_text(exc))
    if isinstance(exc, EditConflictError):
        st.caption("Pick the feature again (or press Reload) to edit the latest version.")


def _parse_lines(text: str) -> dict[str, str]:
    """``key: value`` lines (other properties of a new feature)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            if key.strip():
                out[key.strip()] = value.strip()
    return out


def _add_form(store: Store, layer: str, kind: str) -> None:
    template = "\n".join(f"{k}: {v[0]}" for k, v in KIND_VOCAB.get(kind, {}).items())
    with st.form(f"edit:add:{layer}"):
        left, right = st.columns(2)
        fid = left.text_input("id (new, unique in the layer)")
        name = right.text_input("Name")
        where = st.text_input("Position", placeholder="34.915, 35.874 · 34°54'54\"N "
                              "35°52'26\"E · 36S YD 62566 67387")
        left, right = st.columns(2)
        valid_from = left.text_input("Valid from (YYYY-MM-DD)")
        valid_to = right.text_input("Valid to, exclusive (YYYY-MM-DD, empty = open)")
        other = st.text_area("Other properties (key: value per line)", value=template)
        prov = _provenance(f"edit:add:{layer}")
        if not st.form_submit_button("Add the point"):
            return
    try:
        lat, lon = parse_latlon(where)
        props = {"id": fid.strip(), "name": name.strip(), "valid_from": valid_from.strip(),
                 "valid_to": valid_to.strip() or None, **_parse_lines(other)}
        feature = {"type": "Feature", "properties": props,
                   "geometry": {"type": "Point", "coordinates": [lon, lat]}}
        version = store.add(layer, feature, prov)
    except LayersError as exc:
        _refused(exc)
        return
    _done(f"Added {fid.strip()} ({version.describe()}).", layer, fid.strip(), version)


def _change_form(store: Store, layer: str, fid: str, base: Version) -> None:
    props = base.properties
    with st.form(f"edit:change:{layer}:{fid}:{base.vid}"):
        name = st.text_input("Name", value=str(props.get("name") or ""))
        left, right = st.columns(2)
        valid_from = left.text_input("Valid from (YYYY-MM-DD)",
                                     value=str(props.get("valid_from") or ""))
        valid_to = right.text_input("Valid to, exclusive (empty = open)",
                                    value=str(props.get("valid_to") or ""))
        left, right = st.columns(2)
        key = left.selectbox("Other property", [""] + [k for k in props if k not in {
            "id", "name", "valid_from", "valid_to", "source", "confidence"}])
        value = right.text_input("New value")
        prov = _provenance(f"edit:change:{layer}:{fid}")
        if not st.form_submit_button("Save a new version"):
            return
    updates = {"name": name.strip(), "valid_from": valid_from.strip(),
               "valid_to": valid_to.strip() or None}
    if key:
        updates[key] = value
    try:
        version = store.edit(layer, fid, based_on=base.vid, provenance=prov,
                             properties=updates)
    except LayersError as exc:
        _refused(exc)
        return
    _done(f"Saved version {version.seq} of {fid}.", layer, fid, version)


def _retire_or_restore(store: Store, layer: str, fid: str, base: Version, action: str,
                       history: list[Version]) -> None:
    older = {v.seq: v for v in history if not v.retired and v.vid != base.vid}
    with st.form(f"edit:{action}:{layer}:{fid}:{base.vid}"):
        seq = st.selectbox("Version to restore", list(older)[::-1], key=f"edit:restore:{layer}",
                           format_func=lambda n: version_label(older[n])
                           ) if action == "Restore" else None
        prov = _provenance(f"edit:{action}:{layer}:{fid}")
        label = "Retire the feature" if action == "Retire" else "Restore this version"
        if not st.form_submit_button(label, disabled=action == "Restore" and not older):
            return
    try:
        if action == "Retire":
            version = store.retire(layer, fid, based_on=base.vid, provenance=prov)
        else:
            version = store.restore(layer, fid, seq=int(seq), based_on=base.vid,
                                    provenance=prov)
    except LayersError as exc:
        _refused(exc)
        return
    _done(f"{fid}: {version.describe()}.", layer, fid, version)


def version_label(version: Version) -> str:
    """A version in a pick list: number, action, who, when, its valid dates."""
    return (f"version {version.seq} · {version.action} by {version.user} · recorded "
            f"{version.recorded_at:%Y-%m-%d %H:%M} UTC · valid {version.valid_from or '?'} → "
            f"{version.valid_to or 'open'}")


def history_table(history: list[Version]) -> pd.DataFrame:
    """Who, when, what changed and why, newest first (shown as text, never as HTML)."""
    rows = [{"version": v.seq, "action": v.action, "who": v.user,
             "recorded (UTC)": f"{v.recorded_at:%Y-%m-%d %H:%M:%S}",
             "valid from": v.valid_from, "valid to": v.valid_to or "open",
             "what changed": "; ".join(changes(b, v)), "source": v.source,
             "confidence": v.confidence, "reason": v.reason}
            for b, v in zip([None, *history[:-1]], history, strict=True)]
    return pd.DataFrame(rows[::-1])


def _pick_feature(store: Store, layer: str) -> tuple[str, Version] | None:
    versions = store.current_versions(layer)
    if not versions:
        st.caption("The store holds no features of this layer yet.")
        return None
    labels = {v.fid: f"{v.properties.get('name') or v.fid} · {v.fid}"
                     + (" (retired)" if v.retired else "") for v in versions}
    fid = st.selectbox("Feature", list(labels), format_func=labels.get, key=f"edit:fid:{layer}")
    current = next(v for v in versions if v.fid == fid)
    key = _base_key(layer, fid)
    if key not in st.session_state or st.button("Reload", key=f"edit:reload:{layer}:{fid}"):
        st.session_state[key] = current.vid
    base = store.version(st.session_state[key]) or current
    return fid, base


def render_edits(loaded: LoadedLayers) -> None:
    """The panel: pick a layer and an action; the form; the feature's history."""
    store = workspace.get_store()
    if store is None:
        st.info("Edits need the workspace store, which could not be opened.")
        return
    if MESSAGE in st.session_state:
        _, text = st.session_state.pop(MESSAGE)
        st.success(md_text(text))
    if workspace.known_on_value() is not None:
        st.caption("“As known on” is on: the map shows the past; edits always add to now.")
    specs = list(loaded.catalog.layers)
    left, right = st.columns([1, 2])
    layer = left.selectbox("Layer", [s.id for s in specs], key="edit:layer",
                           format_func=lambda i: loaded.catalog.get(i).title)
    action = right.radio("Edit", ACTIONS, horizontal=True, key="edit:action")
    kind = loaded.catalog.get(layer).kind
    try:
        if action == "Add a point":
            _add_form(store, layer, kind)
            return
        picked = _pick_feature(store, layer)
        if picked is None:
            return
        fid, base = picked
        history = store.history(layer, fid)
        if action == "Change" and not base.retired:
            _change_form(store, layer, fid, base)
        elif action == "Change":
            st.caption("This feature is retired: restore it to change it.")
        elif action == "Retire" and base.retired:
            st.caption("Already retired.")
        else:
            _retire_or_restore(store, layer, fid, base, action, history)
        st.markdown(f"**History of {md_text(fid)}** ({len(history)} versions, newest first)")
        st.dataframe(history_table(history), hide_index=True, width="stretch")
        if len(history) > 1:
            st.markdown("**Restore an earlier version** (recorded as a new version; "
                        "nothing is overwritten)")
            _retire_or_restore(store, layer, fid, base, "Restore", history)
    except LayersError as exc:
        st.error(md_text(exc))
