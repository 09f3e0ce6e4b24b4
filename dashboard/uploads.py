"""Upload panel: analysts' own layers, validated, kept in the session (issue 6). Stub."""

from __future__ import annotations

from layers.view import Overlay


def render_uploads() -> list[Overlay]:
    """Draw the uploader and the validation report; return the session's uploaded layers."""
    return []
