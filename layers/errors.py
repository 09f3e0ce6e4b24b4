"""The package's exceptions.

Each subclasses a built-in as well as :class:`LayersError`, so callers that only
know the standard library (``except ValueError``) still catch them, and callers
that want everything from this package catch ``LayersError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from layers.problems import Problem


class LayersError(Exception):
    """Base class of every error this package raises on purpose."""


class CatalogError(LayersError, ValueError):
    """The catalog (``catalog.toml``) is missing, unreadable or inconsistent."""


class UnknownLayerError(LayersError, LookupError):
    """A layer id that the catalog does not list."""


class DateError(LayersError, ValueError):
    """A date that cannot be read as ``YYYY-MM-DD`` or lies outside the data."""


class ExportError(LayersError, OSError):
    """An export could not be written (bad path, unwritable folder, unknown format)."""


class LayerValidationError(LayersError, ValueError):
    """A layer file failed validation.

    Carries every problem found, not just the first, so an analyst can fix a
    file in one pass instead of one error per run.

    Parameters
    ----------
    problems
        All problems found; errors and warnings.
    source
        The file (or upload name) that was validated.
    """

    def __init__(self, problems: Sequence[Problem], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{source}: {len(errors)} problem(s) found" if source else (
            f"{len(errors)} problem(s) found")
        body = "\n".join(f"  - {p.describe(with_file=False)}" for p in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{head}\n{body}{more}")

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the layer unusable."""
        return [p for p in self.problems if p.severity == "error"]
