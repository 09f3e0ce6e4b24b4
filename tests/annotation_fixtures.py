"""Hand-made annotation marks shared by the annotation tests (one of each kind).

The arrow and the callout are dated 8 Dec 2024 only (valid_to 9 Dec, exclusive);
the label has no dates, so it is on every date (fixed to the view).
"""

from __future__ import annotations

import json
from typing import Any

ARROW_COLOR = "#ff00ff"
CALLOUT_TEXT = "Russian ships leave Tartus <b>&</b> $x$"
ARROW = [[36.75, 35.13], [36.72, 34.73]]   # Hama -> Homs: the axis of advance
CALLOUT = [[35.886, 34.889], [36.6, 35.6]]  # Tartus, then where the box sits


def mark(kind: str, geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"annotation": kind, **props},
            "geometry": geometry}


def line(coords: list[list[float]]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": coords}


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def marks() -> list[dict[str, Any]]:
    day = {"valid_from": "2024-12-08", "valid_to": "2024-12-09"}
    return [
        mark("arrow", line(ARROW), id="a1", color=ARROW_COLOR, text="HTS advance", **day),
        mark("callout", line(CALLOUT), id="c1", text=CALLOUT_TEXT, color="#1f77b4",
             text_size="large", **day),
        mark("curved_arrow", line([[37.16, 36.2], [36.9, 35.6], [36.75, 35.2]]), id="k1",
             color="#2ca02c", line_style="dashed", valid_from="2024-11-27"),
        mark("label", point(38.9, 35.9), id="l1", text="Euphrates", color="#000000",
             text_size="small"),
        mark("circle", point(35.948, 35.401), id="r1", radius_m=20000, color="#ff7f0e",
             text="Khmeimim 20 km"),
        mark("area", {"type": "Polygon", "coordinates": [[[36.2, 33.4], [36.5, 33.4],
                                                          [36.5, 33.7], [36.2, 33.7],
                                                          [36.2, 33.4]]]},
             id="p1", color="#9467bd", line_style="dotted", text="Damascus pocket"),
        mark("freehand", line([[40.0, 35.3], [40.2, 35.4], [40.4, 35.35], [40.6, 35.5]]),
             id="f1", color="#8c564b"),
    ]


def collection(features: list[dict[str, Any]] | None = None) -> bytes:
    doc = {"type": "FeatureCollection", "features": marks() if features is None else features}
    return json.dumps(doc).encode("utf-8")
