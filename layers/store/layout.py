"""The text of a GeoJSON layer file, cut into a frame and one slice per feature.

The catalog's files are the review format: a change to the store must show up as
a small diff in the exported file, and an unchanged feature must come back byte
for byte. So the store keeps each feature's text exactly as it was read, and the
file's frame (what comes before the first feature, between features and after the
last); new or edited features are written in the file's own style.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_FEATURES = re.compile(r'"features"\s*:\s*\[')
_SPACE = re.compile(r"\s*")

PRETTY = "pretty"
COMPACT = "compact"


@dataclass(frozen=True)
class Layout:
    """How a layer file is written around its features.

    Attributes
    ----------
    header, separator, footer
        Text before the first feature, between two features, after the last.
    style
        ``pretty`` (one property per line, geometry on one line, as
        ``geodata/scripts/build_features.py`` writes) or ``compact`` (one line).
    exact
        Whether ``header + separator.join(features) + footer`` gave back the
        file read, byte for byte.
    """

    header: str = '{\n"type": "FeatureCollection",\n"features": [\n  '
    separator: str = ",\n  "
    footer: str = "\n]\n}\n"
    style: str = PRETTY
    exact: bool = True

    def join(self, features: list[str]) -> str:
        """The file's text around these feature texts."""
        if not features and self.style == PRETTY:
            return self.header.rstrip(" \n") + self.footer
        return self.header + self.separator.join(features) + self.footer


def split(text: str) -> tuple[Layout, list[str]]:
    """Cut a FeatureCollection's text into its layout and each feature's exact text.

    Files this cannot cut exactly (features written in varying ways) get the
    default layout with ``exact=False`` and each feature re-written in it, so
    the store still holds every feature; only that file's spacing is lost.
    """
    doc = json.loads(text)
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise ValueError("not a GeoJSON FeatureCollection (no 'features' list)")
    found = _cut(text, len(features))
    if found is not None:
        header, separators, pieces, footer = found
        same = all(json.loads(p) == f for p, f in zip(pieces, features, strict=True))
        if same and len(set(separators)) <= 1:
            style = PRETTY if pieces and "\n" in pieces[0] else COMPACT
            if not pieces:
                style = PRETTY if "\n" in header else COMPACT
            layout = Layout(header, separators[0] if separators else
                            (",\n  " if style == PRETTY else ","), footer, style)
            if layout.join(pieces) == text:
                return layout, pieces
    layout = Layout(exact=False)
    return layout, [render(f, layout.style) for f in features]


def _cut(text: str, count: int) -> tuple[str, list[str], list[str], str] | None:
    """Header, separators, feature texts and footer, or None if the text resists."""
    match = _FEATURES.search(text)
    if match is None:
        return None
    decoder = json.JSONDecoder()
    pos = _SPACE.match(text, match.end()).end()
    starts_at = pos
    pieces: list[str] = []
    separators: list[str] = []
    last_end = match.end()
    try:
        while text[pos] != "]":
            if pieces:
                if text[pos] != ",":
                    return None
                pos = _SPACE.match(text, pos + 1).end()
                separators.append(text[last_end:pos])
            _, end = decoder.raw_decode(text, pos)
            pieces.append(text[pos:end])
            last_end = end
            pos = _SPACE.match(text, end).end()
    except (IndexError, json.JSONDecodeError):
        return None
    if len(pieces) != count:
        return None
    header = text[:starts_at] if pieces else text[:match.end()]
    footer = text[last_end:] if pieces else text[match.end():]
    return header, separators, pieces, footer


def render(feature: dict[str, Any], style: str = PRETTY) -> str:
    """A feature's text in a file's style (new and edited features)."""
    if style == COMPACT:
        return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
    props = json.dumps(feature.get("properties") or {}, ensure_ascii=False,
                       indent=2).replace("\n", "\n    ")
    geometry = json.dumps(feature.get("geometry"), ensure_ascii=False, separators=(",", ":"))
    return ('{\n    "type": "Feature",\n    "properties": ' + props
            + ',\n    "geometry": ' + geometry + "\n  }")
