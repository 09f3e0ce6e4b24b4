"""The store as one user may use it: every write checked against that user's role.

:class:`GuardedStore` stands in front of a :class:`~layers.store.store.Store`
(anything with its methods) for one identity. Reads pass through; every other
method (any write, and any method this module does not know, so a write added
later is refused rather than let through) first asks :func:`~layers.store.roles.require`
for the action it needs. The provenance of a write always carries the identity's
name, whatever the caller put there: every version says who really made it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from layers.store.roles import Identity, require

#: Methods and attributes that only read: allowed to anyone the deployment vouches for.
READS = frozenset({
    "url", "backend", "catalog", "read", "revision", "data_version", "current",
    "current_versions", "history", "version", "layers", "count_versions", "layout",
    "layer_text", "as_of", "loaded_layers", "export", "list_items", "item", "items",
    "workspace_items",
})
#: The action each known write needs; anything else needs ``edit``.
WRITES = {
    "add": "edit", "edit": "edit", "retire": "edit", "restore": "edit", "write": "edit",
    "save_item": "edit", "import_paths": "upload", "import_text": "upload",
    "upload": "upload", "init": "manage_layers",
    # The process's pool and raw engine are everyone's: no session may close or bypass them.
    "close": "manage_layers", "engine": "manage_layers", "dispose": "manage_layers",
}


class GuardedStore:
    """A store seen through one identity's role (see the module's docstring)."""

    def __init__(self, store: Any, identity: Identity) -> None:
        self._store = store
        self.identity = identity

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        target = getattr(self._store, name)
        if name in READS:
            require(self.identity, "read")
            return target
        action = WRITES.get(name, "edit")
        if not callable(target):
            require(self.identity, action)
            return target

        def checked(*args: Any, **kwargs: Any) -> Any:
            require(self.identity, action)
            return target(*_stamped(args, self.identity), **_stamped_kw(kwargs, self.identity))

        checked.__name__ = name
        checked.__doc__ = getattr(target, "__doc__", None)
        return checked

    def __repr__(self) -> str:
        return f"GuardedStore({self._store!r}, user={self.identity.name!r})"


def _stamp(value: Any, identity: Identity) -> Any:
    """A provenance (any dataclass with a ``user`` field) rewritten to the identity."""
    if (dataclasses.is_dataclass(value) and not isinstance(value, type)
            and any(f.name == "user" for f in dataclasses.fields(value))):
        return dataclasses.replace(value, user=identity.name)
    return value


def _stamped(args: tuple[Any, ...], identity: Identity) -> tuple[Any, ...]:
    return tuple(_stamp(a, identity) for a in args)


def _stamped_kw(kwargs: dict[str, Any], identity: Identity) -> dict[str, Any]:
    out = {k: _stamp(v, identity) for k, v in kwargs.items()}
    if "user" in out:
        out["user"] = identity.name
    return out
