"""The workspace: saved views, uploads, annotations and packs, each with an owner.

An item is a name, a kind, a JSON payload (a view's date, layers, extent and
title; an upload's title and kind) and optional bytes (an upload's file). The
owner chooses shared or private; a private item is listed to its owner only.
Unlike feature versions these are working material, so saving an item again
under its name replaces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from layers.store.errors import StoreError
from layers.store.versions import from_us, now_us

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from layers.store.store import Store

KINDS = ("view", "upload", "annotation", "pack")
_COLUMNS = "item_id, kind, name, owner, shared, created_us, updated_us, payload"


@dataclass(frozen=True)
class Item:
    """One workspace item (its bytes are read on demand: :func:`item_content`)."""

    item_id: int
    kind: str
    name: str
    owner: str
    shared: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Any) -> Item:
        """An item from a row selected with ``_COLUMNS``."""
        return cls(int(row[0]), row[1], row[2], row[3], bool(row[4]), from_us(row[5]),
                   from_us(row[6]), json.loads(row[7]))


def save_item(store: Store, *, kind: str, name: str, owner: str, payload: dict[str, Any],
              shared: bool = False, content: bytes | None = None) -> Item:
    """Save (or replace) the owner's item of this kind and name, in one transaction."""
    name, owner = name.strip(), owner.strip()
    if kind not in KINDS:
        raise StoreError(f"unknown workspace item kind {kind!r}; one of {', '.join(KINDS)}.")
    if not name or not owner:
        raise StoreError("a workspace item needs a name and an owner. Fix: type both.")
    params = {"kind": kind, "name": name, "owner": owner, "shared": bool(shared),
              "now": now_us(), "payload": json.dumps(payload, ensure_ascii=False),
              "content": content}
    with store.write() as conn:
        old = conn.execute(sa.text("SELECT created_us FROM workspace_items WHERE owner = :owner "
                                   "AND kind = :kind AND name = :name"), params).first()
        params["created"] = old[0] if old else params["now"]
        conn.execute(sa.text("DELETE FROM workspace_items WHERE owner = :owner AND "
                             "kind = :kind AND name = :name"), params)
        row = conn.execute(sa.text(
            "INSERT INTO workspace_items (kind, name, owner, shared, created_us, updated_us, "
            "payload, content) VALUES (:kind, :name, :owner, :shared, :created, :now, "
            f":payload, :content) RETURNING {_COLUMNS}"), params).one()
    return Item.from_row(row)


def update_payload(store: Store, item_id: int, owner: str, changes: dict[str, Any]) -> bool:
    """Merge ``changes`` into the owner's item's payload; False if it is not theirs or gone.

    A mapping in ``changes`` merges into the mapping kept under its key.

    The item keeps its id, bytes and place in the list: a restyled upload is the same
    upload, not a new one.
    """
    with store.write() as conn:
        row = conn.execute(sa.text("SELECT payload FROM workspace_items WHERE item_id = :i "
                                   "AND owner = :owner"),
                           {"i": int(item_id), "owner": owner.strip()}).first()
        if row is None:
            return False
        payload = json.loads(row[0])
        for key, value in changes.items():  # a mapping merges into the one kept
            old = payload.get(key)
            payload[key] = {**old, **value} if isinstance(old, dict) and isinstance(
                value, dict) else value
        conn.execute(sa.text("UPDATE workspace_items SET payload = :payload WHERE "
                             "item_id = :i AND owner = :owner"),
                     {"i": int(item_id), "owner": owner.strip(),
                      "payload": json.dumps(payload, ensure_ascii=False)})
    return True


def list_items(store: Store, viewer: str, kind: str | None = None) -> list[Item]:
    """Items the viewer may see: their own, and everyone's shared ones; newest first."""
    sql = (f"SELECT {_COLUMNS} FROM workspace_items WHERE (owner = :viewer OR shared) ")
    params: dict[str, Any] = {"viewer": viewer.strip()}
    if kind:
        sql += "AND kind = :kind "
        params["kind"] = kind
    with store.read() as conn:
        rows = conn.execute(sa.text(sql + "ORDER BY updated_us DESC, item_id DESC"), params)
        return [Item.from_row(r) for r in rows]


def item_content(store: Store, item_id: int, viewer: str) -> bytes | None:
    """An item's bytes, if the viewer may see it."""
    with store.read() as conn:
        row = conn.execute(sa.text("SELECT content FROM workspace_items WHERE item_id = :i "
                                   "AND (owner = :viewer OR shared)"),
                           {"i": int(item_id), "viewer": viewer.strip()}).first()
    return None if row is None or row[0] is None else bytes(row[0])


def delete_item(store: Store, item_id: int, owner: str) -> bool:
    """Delete the owner's item; False if it is not theirs or gone."""
    with store.write() as conn:
        done = conn.execute(sa.text("DELETE FROM workspace_items WHERE item_id = :i AND "
                                    "owner = :owner"), {"i": int(item_id),
                                                        "owner": owner.strip()})
    return bool(done.rowcount)
