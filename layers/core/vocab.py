"""Controlled vocabularies of the data contract (see ``geodata/README.md``).

Kept in one place so validation, styling and legends cannot drift apart.
"""

from __future__ import annotations

CONFIDENCE = ("high", "medium", "low")

#: ``shared_government_sdf``: ground run jointly by the transitional government and the SDF
#: under an agreement (Tishrin Dam from 12 Apr 2025; Hasakah and Qamishli from 30 Jan 2026).
CONTROLLERS = ("assad_government", "hts_led", "transitional_government", "sna", "sdf",
               "southern_factions", "druze_factions", "us_sfa", "israel",
               "shared_government_sdf")

STATUSES = ("active", "drawing_down", "vacated", "uncertain")
SITE_TYPES = ("naval_base", "air_base", "airport", "garrison", "military_police", "headquarters",
              "port")
PARTS = ("site", "outline", "perimeter", "runway")
MODES = ("road", "air", "sea")
EVENT_CATEGORIES = ("control", "russian_forces", "basing_talks")
PLACE_TYPES = ("city", "town", "crossing", "garrison")

#: Properties every feature of the project's own layers must carry.
CONTRACT = ("id", "name", "valid_from", "source", "confidence")

#: Per kind: property -> allowed values (checked when the kind is not generic).
KIND_VOCAB: dict[str, dict[str, tuple[str, ...]]] = {
    "installations": {"status": STATUSES, "site_type": SITE_TYPES, "part": PARTS},
    "routes": {"mode": MODES},
    "control_zones": {"controller": CONTROLLERS},
    "events": {"category": EVENT_CATEGORIES},
    "places": {"place_type": PLACE_TYPES},
    "generic": {},
    "annotations": {},
}

#: Per kind: the geometry types allowed.
KIND_GEOMETRIES: dict[str, tuple[str, ...]] = {
    "installations": ("Point", "Polygon", "MultiPolygon", "LineString"),
    "routes": ("LineString", "MultiLineString"),
    "control_zones": ("Polygon", "MultiPolygon"),
    "events": ("Point",),
    "places": ("Point",),
    "generic": ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                "MultiPolygon", "GeometryCollection"),
    "annotations": ("Point", "LineString", "Polygon"),
}

#: Annotations: an analyst's marks on the map (``annotation`` property -> what it draws).
#: Geometry per mark: arrow, curved_arrow and freehand are lines drawn from the first point
#: to the last (the head at the last); a callout is a two-point line from what it points at
#: to where its text box sits; label and circle are points (a circle has ``radius_m``);
#: area is a polygon.
ANNOTATION_KINDS = ("arrow", "curved_arrow", "callout", "label", "circle", "freehand", "area")
ANNOTATION_GEOMETRIES: dict[str, tuple[str, ...]] = {
    "arrow": ("LineString",),
    "curved_arrow": ("LineString",),
    "callout": ("LineString",),
    "label": ("Point",),
    "circle": ("Point",),
    "freehand": ("LineString",),
    "area": ("Polygon",),
}
#: Marks whose text is the point of them: an empty one is refused.
ANNOTATION_NEEDS_TEXT = ("callout", "label")
LINE_STYLES = ("solid", "dashed", "dotted")
#: Text sizes in CSS pixels on screen (a printed point is 0.75 of one).
TEXT_SIZES: dict[str, int] = {"small": 11, "medium": 14, "large": 19}
#: What a property left out means.
ANNOTATION_DEFAULTS: dict[str, str] = {"color": "#d62728", "line_style": "solid",
                                       "text_size": "medium", "text": ""}
#: Longest text kept in one annotation (a callout is a sentence, not a report).
ANNOTATION_MAX_TEXT = 500
