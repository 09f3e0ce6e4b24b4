"""Edits: add, change, retire and restore a feature, each one new version in one transaction.

Every edit names the version it was made on (``based_on``). If another edit of the
same feature landed in between, the edit is refused with :class:`EditConflictError`
showing that other change, so two analysts never silently overwrite each other.
Every edit carries a source, a confidence and a reason, and its feature goes
through the same validation as an uploaded file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from layers.core.vocab import CONFIDENCE
from layers.errors import UnknownLayerError
from layers.ingest.load import load_layer
from layers.store import sql
from layers.store.errors import EditConflictError, ProvenanceError, StoreError
from layers.store.layout import render
from layers.store.rows import version_row
from layers.store.versions import COLUMNS, Version, changes, now_us, to_us

if TYPE_CHECKING:  # pragma: no cover
    from layers.store.store import Store


@dataclass(frozen=True)
class Provenance:
    """Who records a version, on what evidence, how sure, and why."""

    user: str
    source: str
    confidence: str
    reason: str

    def checked(self) -> Provenance:
        """The provenance trimmed; refused if a part is missing or the confidence unknown."""
        clean = Provenance(*(str(v or "").strip() for v in
                             (self.user, self.source, self.confidence, self.reason)))
        missing = [n for n in ("user", "source", "confidence", "reason") if not getattr(clean, n)]
        if missing:
            raise ProvenanceError(
                f"the edit has no {', no '.join(missing)}. Fix: every version says who "
                "recorded it, the source (publication and date), the confidence and the "
                "reason.")
        if clean.confidence not in CONFIDENCE:
            raise ProvenanceError(f"confidence {clean.confidence!r} is not one of "
                                  f"{', '.join(CONFIDENCE)}. Fix: pick one of them.")
        return clean


def validate_feature(store: Store, layer: str, feature: dict[str, Any]) -> None:
    """Check one feature with the rules of its layer, as an upload would be checked.

    Raises
    ------
    LayerValidationError
        Naming the feature, what is wrong and the fix.
    """
    kind = _kind(store, layer)
    fid = (feature.get("properties") or {}).get("id", "?")
    data = json.dumps({"type": "FeatureCollection", "features": [feature]},
                      ensure_ascii=False).encode("utf-8")
    load_layer(data, kind, name=f"edit of {layer}/{fid}", region=store.catalog.region)


def _kind(store: Store, layer: str) -> str:
    try:
        return store.catalog.get(layer).kind
    except UnknownLayerError:
        return "generic"


def _with_provenance(feature: dict[str, Any], prov: Provenance) -> dict[str, Any]:
    """The feature carrying the edit's evidence as its own ``source`` and ``confidence``."""
    props = dict(feature.get("properties") or {})
    props["source"] = prov.source
    props["confidence"] = prov.confidence
    return {**feature, "properties": props}


def add_feature(store: Store, layer: str, feature: dict[str, Any],
                provenance: Provenance) -> Version:
    """Record a new feature; its ``id`` must not exist in the layer yet."""
    prov = provenance.checked()
    feature = _with_provenance({"type": "Feature", **feature}, prov)
    fid = str((feature.get("properties") or {}).get("id") or "").strip()
    if not fid:
        raise StoreError(f"{layer}: the new feature has no id. Fix: give it an id property.")
    validate_feature(store, layer, feature)
    return _append(store, layer, fid, feature, prov, action="add", based_on=None)


def edit_feature(store: Store, layer: str, fid: str, *, based_on: int, provenance: Provenance,
                 properties: dict[str, Any] | None = None,
                 geometry: dict[str, Any] | None = None) -> Version:
    """Record a changed version: ``properties`` updates the named ones, ``geometry`` redraws."""
    prov = provenance.checked()
    base = store.version(based_on)
    if base is None or (base.layer, base.fid) != (layer, fid):
        raise StoreError(f"{layer}/{fid}: version {based_on} is not a version of this feature.")
    if base.retired:
        raise StoreError(f"{layer}/{fid} is retired. Fix: restore it first.")
    feature = base.feature
    props = dict(feature.get("properties") or {})
    props.update(properties or {})
    if str(props.get("id")) != fid:
        raise StoreError(f"{layer}/{fid}: an edit cannot change a feature's id. Fix: retire "
                         "it and add a new feature.")
    feature["properties"] = props
    if geometry is not None:
        feature["geometry"] = geometry
    feature = _with_provenance(feature, prov)
    validate_feature(store, layer, feature)
    return _append(store, layer, fid, feature, prov, action="edit", based_on=based_on)


def retire_feature(store: Store, layer: str, fid: str, *, based_on: int,
                   provenance: Provenance) -> Version:
    """Record that the feature is gone (its last content is kept, marked retired)."""
    prov = provenance.checked()
    base = store.version(based_on)
    if base is None or (base.layer, base.fid) != (layer, fid):
        raise StoreError(f"{layer}/{fid}: version {based_on} is not a version of this feature.")
    if base.retired:
        raise StoreError(f"{layer}/{fid} is already retired.")
    return _append(store, layer, fid, base.feature, prov, action="retire", based_on=based_on,
                   raw=base.raw, retired=True)


def restore_version(store: Store, layer: str, fid: str, *, seq: int, based_on: int,
                    provenance: Provenance) -> Version:
    """Record version ``seq``'s content again as the newest version (checked again)."""
    prov = provenance.checked()
    old = next((v for v in store.history(layer, fid) if v.seq == seq and not v.retired), None)
    if old is None:
        raise StoreError(f"{layer}/{fid}: no version {seq} with content to restore.")
    validate_feature(store, layer, old.feature)
    return _append(store, layer, fid, old.feature, prov, action="restore", based_on=based_on,
                   raw=old.raw)


def _append(store: Store, layer: str, fid: str, feature: dict[str, Any], prov: Provenance, *,
            action: str, based_on: int | None, raw: str | None = None,
            retired: bool = False) -> Version:
    """Close the latest version and add the new one, in one transaction."""
    if raw is None:
        raw = render(feature, store.layout(layer)[0].style)
    with store.write() as conn:
        rows = sql.current_rows(conn, layer, fid, lock=True)
        current = Version.from_row(rows[0]) if rows else None
        _check_base(conn, layer, fid, current, based_on)
        at = now_us()
        if current is not None:
            at = max(at, to_us(current.recorded_at) + 1)
            sql.supersede(conn, [current.vid], at)
            seq, ord_ = current.seq + 1, current.ord
        else:
            seq, ord_ = 1, _next_ord(conn, layer)
        row = version_row(layer=layer, fid=fid, seq=seq, ord=ord_, feature=feature, raw=raw,
                          rec=at, user=prov.user, source=prov.source,
                          confidence=prov.confidence, reason=prov.reason, action=action,
                          retired=retired)
        vid = sql.insert_versions(conn, [row])[0]
        new = conn.execute(sa.text(f"SELECT {COLUMNS} FROM feature_versions WHERE vid = :v"),
                           {"v": vid}).one()
    return Version.from_row(new)


def _check_base(conn: Connection, layer: str, fid: str, current: Version | None,
                based_on: int | None) -> None:
    """Refuse an edit whose base is no longer the latest, showing what landed instead."""
    if based_on is None:
        if current is not None:
            raise StoreError(f"{layer}/{fid} exists already ({current.describe()}). Fix: "
                             "edit it, or give the new feature another id.")
        return
    if current is None:
        raise StoreError(f"{layer}/{fid}: no such feature in the store.")
    if current.vid == based_on:
        return
    row = conn.execute(sa.text(f"SELECT {COLUMNS} FROM feature_versions WHERE vid = :v"),
                       {"v": based_on}).first()
    base = Version.from_row(row) if row else None
    what = "; ".join(changes(base, current))
    raise EditConflictError(
        f"{layer}/{fid}: your edit was made on version {base.seq if base else '?'}, but "
        f"{current.describe()} landed since ({what}). Nothing was saved. Fix: reload the "
        "feature and make your edit again on top of that change.", other=current)


def _next_ord(conn: Connection, layer: str) -> int:
    value = conn.execute(sa.text("SELECT MAX(ord) FROM feature_versions WHERE layer = :l"),
                         {"l": layer}).scalar()
    return 0 if value is None else int(value) + 1
