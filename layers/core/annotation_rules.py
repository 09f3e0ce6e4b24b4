"""The annotation contract: what an analyst's arrows, callouts and areas must say.

An annotation file is a GeoJSON FeatureCollection whose features carry an
``annotation`` property (:data:`~layers.core.vocab.ANNOTATION_KINDS`) and a style of
their own (``color``, ``line_style``, ``text_size``), optional ``text`` and optional
``valid_from``/``valid_to`` (with dates they follow the timeline; without, they
stay on every date, fixed to the view). Validation here works like the rest of
:mod:`layers.core.validate`: every problem is collected, with the feature, the
value received and the fix; properties left out get their defaults so every
renderer reads the same complete frame.
"""

from __future__ import annotations

import re
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.core.vocab import (
    ANNOTATION_DEFAULTS,
    ANNOTATION_GEOMETRIES,
    ANNOTATION_KINDS,
    ANNOTATION_MAX_TEXT,
    ANNOTATION_NEEDS_TEXT,
    LINE_STYLES,
    TEXT_SIZES,
)
from layers.problems import Problem

#: Colour names analysts type, as the hex every renderer (CSS, SVG, KML) accepts.
COLOR_NAMES = {"red": "#d62728", "blue": "#1f77b4", "green": "#2ca02c", "black": "#000000",
               "white": "#ffffff", "orange": "#ff7f0e", "yellow": "#f2c200",
               "purple": "#9467bd", "grey": "#7f7f7f", "gray": "#7f7f7f", "brown": "#8c564b"}
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
#: Largest circle radius accepted (metres): beyond it the mark is a typo in units.
MAX_RADIUS_M = 1_000_000.0
TEXT_PX_RANGE = (6, 72)

#: Columns of an annotation, in the order files are written.
COLUMNS = ("id", "annotation", "text", "color", "line_style", "text_size", "radius_m",
           "valid_from", "valid_to", "author", "source", "confidence")


def is_annotation_frame(frame: gpd.GeoDataFrame) -> bool:
    """True when every feature says which mark it is (an ``annotation`` property)."""
    if frame.empty or "annotation" not in frame.columns:
        return False
    values = frame["annotation"]
    return bool(values.notna().all())


def validate_annotations(frame: gpd.GeoDataFrame, label: str, *,
                         region: tuple[float, float, float, float] | None = None,
                         repair: bool = False) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """The annotation profile of :func:`~layers.core.validate.validate_frame`.

    Coordinates, ids, dates and geometry validity are checked as for any layer;
    then the marks themselves. Unlike a data layer, an empty file is fine (an
    analyst who cleared the map saved it), and no source or confidence is asked
    for: an annotation is the analyst's own reading.
    """
    from layers.core import validate as v
    from layers.geo.coordcheck import DEFAULT_REGION

    problems: list[Problem] = []
    frame = frame.copy()
    if frame.empty:
        for column in COLUMNS:
            if column not in frame.columns:
                frame[column] = pd.Series(dtype=object)
        return frame, problems
    if not v._check_coordinates(frame, label, problems, region or DEFAULT_REGION):
        return frame, problems
    if "annotation" not in frame.columns:
        problems.append(Problem(label, "", "has no 'annotation' property: it is not an "
                                "annotation file.", "Give each feature 'annotation': one of "
                                f"{', '.join(ANNOTATION_KINDS)}.", rule="not-annotations"))
        return frame, problems
    v._check_ids(frame, "annotations", label, problems)
    frame = v._parse_dates(frame, "annotations", label, problems)
    frame = v._check_validity(frame, label, problems, repair=repair)
    frame = check_annotations(frame, label, problems)
    return frame, problems


def check_annotations(frame: gpd.GeoDataFrame, label: str, problems: list[Problem]
                      ) -> gpd.GeoDataFrame:
    """Check the marks, fill in their defaults and return the completed frame.

    Parameters
    ----------
    frame
        Validated for coordinates, ids and dates already (``_index`` kept).
    label
        The file name, for messages.
    problems
        Where every problem found is appended.
    """
    from layers.core.validate import _ref

    frame = _with_defaults(frame)
    for i in range(len(frame)):
        row = frame.iloc[i]
        ref = _ref(frame, i)
        kind = row["annotation"]
        if kind not in ANNOTATION_KINDS:
            problems.append(Problem(label, ref, f"annotation {str(kind)[:40]!r} is not a known "
                                    "mark.", f"Use one of: {', '.join(ANNOTATION_KINDS)}.",
                                    rule="bad-annotation"))
            continue
        _check_shape(row.geometry, kind, label, ref, problems)
        _check_text(row, kind, label, ref, problems)
        frame.iat[i, frame.columns.get_loc("color")] = _check_color(row["color"], label, ref,
                                                                    problems)
        _check_choice(row["line_style"], "line_style", LINE_STYLES, label, ref, problems)
        _check_text_size(row["text_size"], label, ref, problems)
        if kind == "circle":
            _check_radius(row["radius_m"], label, ref, problems)
    return frame


def _with_defaults(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = frame.copy()
    for column, default in ANNOTATION_DEFAULTS.items():
        if column not in frame.columns:
            frame[column] = default
        frame[column] = frame[column].astype(object)
        frame.loc[frame[column].isna(), column] = default
    if "radius_m" not in frame.columns:
        frame["radius_m"] = np.nan
    frame["annotation"] = frame["annotation"].astype(str).str.strip()
    frame["text"] = frame["text"].map(lambda v: str(v).strip())
    return frame


def _check_shape(geom: shapely.Geometry, kind: str, label: str, ref: str,
                 problems: list[Problem]) -> None:
    allowed = ANNOTATION_GEOMETRIES[kind]
    if geom is None or geom.geom_type not in allowed:
        got = "no geometry" if geom is None else f"a {geom.geom_type}"
        problems.append(Problem(label, ref, f"is a {kind} drawn as {got}; a {kind} is a "
                                f"{' or '.join(allowed)}.", _SHAPE_FIX[kind],
                                rule="annotation-geometry"))
        return
    if geom.geom_type == "LineString":
        distinct = len({tuple(c) for c in np.asarray(geom.coords)[:, :2].round(7)})
        if distinct < 2:
            problems.append(Problem(label, ref, f"is a {kind} whose points are all the same.",
                                    "Give it a start and an end at different places.",
                                    rule="annotation-degenerate"))


_SHAPE_FIX = {
    "arrow": "Draw an arrow as a LineString from its tail to its head.",
    "curved_arrow": "Draw a curved arrow as a LineString through the points the curve passes.",
    "callout": "Draw a callout as a LineString of two points: what it points at, then "
               "where its text box sits.",
    "label": "Place a label as a Point.",
    "circle": "Give a circle's centre as a Point and its radius in 'radius_m'.",
    "freehand": "Draw freehand as a LineString.",
    "area": "Draw an area as a Polygon.",
}


def _check_text(row: pd.Series, kind: str, label: str, ref: str,
                problems: list[Problem]) -> None:
    text = row["text"]
    if kind in ANNOTATION_NEEDS_TEXT and not text:
        problems.append(Problem(label, ref, f"is a {kind} with no text.",
                                f"Add a 'text' property: a {kind} is there to say something.",
                                rule="annotation-no-text"))
    if len(text) > ANNOTATION_MAX_TEXT:
        problems.append(Problem(label, ref, f"has {len(text):,} characters of text, more than "
                                f"{ANNOTATION_MAX_TEXT}.", "Shorten it; put the rest in the "
                                "briefing notes.", rule="annotation-long-text"))


def _check_color(value: Any, label: str, ref: str, problems: list[Problem]) -> str:
    text = str(value).strip()
    if _HEX.match(text):
        return text.lower()
    if text.lower() in COLOR_NAMES:
        return COLOR_NAMES[text.lower()]
    problems.append(Problem(label, ref, f"color {text[:40]!r} is not a colour.",
                            "Write it as #rrggbb (e.g. #d62728) or one of: "
                            f"{', '.join(sorted(COLOR_NAMES))}.", rule="annotation-color"))
    return ANNOTATION_DEFAULTS["color"]


def _check_choice(value: Any, column: str, allowed: tuple[str, ...], label: str, ref: str,
                  problems: list[Problem]) -> None:
    if value not in allowed:
        problems.append(Problem(label, ref, f"{column} {str(value)[:40]!r} is not known.",
                                f"Use one of: {', '.join(allowed)}.", rule=f"annotation-{column}"))


def _check_text_size(value: Any, label: str, ref: str, problems: list[Problem]) -> None:
    if text_px(value) is None:
        low, high = TEXT_PX_RANGE
        problems.append(Problem(label, ref, f"text_size {str(value)[:40]!r} is not a size.",
                                f"Use {', '.join(TEXT_SIZES)} or a number of pixels from {low} "
                                f"to {high}.", rule="annotation-text_size"))


def _check_radius(value: Any, label: str, ref: str, problems: list[Problem]) -> None:
    try:
        radius = float(value)
    except (TypeError, ValueError):
        radius = float("nan")
    if not (0 < radius <= MAX_RADIUS_M):
        what = "no radius_m" if radius != radius else f"radius_m {value!r}"
        problems.append(Problem(label, ref, f"is a circle with {what}.",
                                "Give 'radius_m', the radius in metres (more than 0, at most "
                                "1,000,000).", rule="annotation-radius"))


def text_px(value: Any) -> float | None:
    """A ``text_size`` in CSS pixels (a name or a number), or None when it is not a size."""
    if isinstance(value, str) and value in TEXT_SIZES:
        return float(TEXT_SIZES[value])
    try:
        px = float(value)
    except (TypeError, ValueError):
        return None
    low, high = TEXT_PX_RANGE
    return px if low <= px <= high else None
