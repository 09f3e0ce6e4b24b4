"""One validation finding, and helpers to collect them.

Validation never stops at the first problem: every rule appends to a list and
the caller reports them together (see :func:`layers.core.validate.validate_frame`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """A single thing wrong with a file or one of its features.

    Attributes
    ----------
    file
        File name (or upload name) the problem is in.
    feature
        Feature id when it has one, else ``#<index>`` (zero-based); empty for
        file-level problems.
    message
        What is wrong, naming the value received.
    fix
        How to fix it, when there is a fix to suggest.
    severity
        ``"error"`` makes the layer unusable; ``"warning"`` is reported and the
        layer still loads.
    rule
        Short machine-readable rule code, stable for tests and filtering.
    """

    file: str
    feature: str
    message: str
    fix: str = ""
    severity: Severity = "error"
    rule: str = ""

    def describe(self, *, with_file: bool = True) -> str:
        """Render the problem as one line of a report."""
        parts = []
        if with_file and self.file:
            parts.append(f"{self.file}:")
        if self.feature:
            parts.append(f"feature {self.feature}:")
        parts.append(self.message)
        text = " ".join(parts)
        if self.fix:
            text += f" Fix: {self.fix}"
        if self.severity == "warning":
            text = "warning: " + text
        return text

    def __str__(self) -> str:
        return self.describe()
