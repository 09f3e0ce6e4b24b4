"""Results kept by the identity of the objects they were computed from.

Loaded layers and their as-of cuts are never changed in place (``layers.core.view``
hands out the same frame for the same layer and date), so "the same objects" means
"the same content" and a look-up costs a few ``id`` calls. Every session of a
process shares these: fifty analysts on a handful of dates compute each figure once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class IdentityMemo:
    """A bounded LRU of results keyed by objects' identities plus plain values.

    The objects are held with the result, so no other object can take their ``id``
    while the entry lives (a key by ``id`` alone could answer for a newer frame).
    """

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[tuple, tuple[tuple[Any, ...], Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, objects: Sequence[Any], key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per (``objects``, ``key``); the same result after that."""
        held = tuple(objects)
        full = (tuple(id(o) for o in held), key)
        with self._lock:
            hit = self._items.get(full)
            if hit is not None and all(a is b for a, b in zip(hit[0], held, strict=True)):
                self._items.move_to_end(full)
                return hit[1]
        value = compute()
        with self._lock:
            self._items[full] = (held, value)
            self._items.move_to_end(full)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (tests; a process that wants its memory back)."""
        with self._lock:
            self._items.clear()
