r"""Escaping: text from a data file reaches the page as text, never as markup or script.

Folium's ``Tooltip`` and ``Popup`` place their text inside JavaScript template
literals, and Leaflet and ``GeoJsonTooltip`` insert it with ``innerHTML``. So a
value is made safe for both at once: HTML-escaped (``<``, ``>``, ``&``, quotes)
and with the characters that mean something in a template literal (`` ` ``,
``$``, ``\``, braces) turned into character references. The browser shows the original
characters; no parser ever sees them as syntax.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

#: Characters that end or interpolate a JavaScript template literal, as HTML references.
_TEMPLATE_CHARS = {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
_TEMPLATE_RE = re.compile("[`$\\\\{}]")

_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_NAMED_COLOR = re.compile(r"^[a-zA-Z]{3,20}$")
_CLASS_BAD = re.compile(r"[^a-zA-Z0-9_-]+")
_DASH = re.compile(r"^[0-9. ,]{1,40}$")


def text(value: Any) -> str:
    """Any value as HTML text that is also inert inside a JavaScript template literal.

    ``None`` and NaN become the empty string, so a missing value never shows as
    "None" or "nan" to an analyst.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    escaped = html.escape(str(value), quote=True)
    return _TEMPLATE_RE.sub(lambda m: _TEMPLATE_CHARS[m.group()], escaped)


def color(value: Any, default: str = "#555555") -> str:
    """A CSS colour that is safe in a ``style`` attribute, or ``default``.

    Colours come from catalogs and uploads; one like ``red;background:url(...)``
    or ``#fff" onmouseover="...`` must not reach an attribute as written.
    """
    candidate = str(value).strip() if value is not None else ""
    if _HEX_COLOR.match(candidate) or _NAMED_COLOR.match(candidate):
        return candidate
    return default


def dash(value: Any) -> str | None:
    """A dash pattern such as ``"6 4"``, or None if it is anything else."""
    if value is None:
        return None
    candidate = str(value).strip()
    return candidate if _DASH.match(candidate) else None


def css_class(value: Any) -> str:
    """An identifier made safe as a CSS class name (letters, digits, ``-``, ``_``)."""
    cleaned = _CLASS_BAD.sub("-", str(value)).strip("-")
    return cleaned or "layer"
