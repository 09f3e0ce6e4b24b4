"""The store's exceptions: each subclasses a built-in and :class:`~layers.errors.LayersError`.

The command line and the app catch ``LayersError`` and show the message, so every
message here is written for an analyst: what happened, and what to do.
"""

from __future__ import annotations

from layers.errors import LayersError


class StoreError(LayersError, RuntimeError):
    """The store refused an operation (unknown feature, missing provenance, ...)."""


class StoreUnavailableError(LayersError, ConnectionError):
    """The database cannot be reached or is not a store (one line, never a traceback)."""


class EditConflictError(StoreError):
    """Another edit of the same feature landed since the version this edit is based on.

    Parameters
    ----------
    message
        What was refused.
    other
        The version that landed in between (who, when, why), so the analyst can
        look at it and redo the edit on top of it.
    """

    def __init__(self, message: str, other: object = None) -> None:
        self.other = other
        super().__init__(message)


class ProvenanceError(StoreError, ValueError):
    """An edit without a source, a confidence or a reason: every version must say why."""
