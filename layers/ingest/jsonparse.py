"""JSON text to Python objects, compactly: a 50 MB file of 200,000 points in under 400 MB.

:func:`json.loads` makes a dict, a list and two floats of every Point geometry
and a fresh string of every repeated value ("high", "2024-12-08"); for 200,000
features that is about 250 MB of objects. The hook here turns a plain Point
geometry (``type`` and two float ``coordinates``, nothing else) into a
:class:`PointXY` tuple, and the Feature around it into a :class:`PointFeature`,
as they are parsed, which takes a quarter off. Every
reader of the result calls :func:`unpack` where a geometry object is expected,
so a ``PointXY`` is never seen as "an array". Integers past float range
become infinity, so a 5,000,000-digit coordinate is "not a finite number"
instead of a ValueError.
"""

from __future__ import annotations

import json
from typing import Any

from layers.problems import Problem


class PointXY(tuple):
    """A parsed ``{"type": "Point", "coordinates": [x, y]}`` with float x and y."""

    __slots__ = ()

    def as_geojson(self) -> dict[str, Any]:
        """The geometry object it was parsed from."""
        return {"type": "Point", "coordinates": list(self)}


class PointFeature(tuple):
    """A parsed Feature of a :class:`PointXY`, its properties object and its id (or None)."""

    __slots__ = ()

    def as_geojson(self) -> dict[str, Any]:
        """The Feature object it was parsed from."""
        props, point, fid = self
        out = {"type": "Feature", "properties": props, "geometry": point}
        if fid is not None:
            out["id"] = fid
        return out


_FEATURE_KEYS = frozenset(("type", "properties", "geometry", "id"))


#: What :func:`parse_document` returns for a file that is not JSON (``null`` is JSON).
NOT_JSON = object()


def unpack(value: Any) -> Any:
    """A :class:`PointXY` or :class:`PointFeature` back as its object; anything else as is."""
    return value.as_geojson() if type(value) in (PointXY, PointFeature) else value


def _parse_int(text: str) -> int | float:
    """Integers past float range are infinite, so they fail as "not a finite number"."""
    return float("inf") if len(text.lstrip("-")) > 309 else int(text)


def _compact(pairs: list[tuple[str, Any]]) -> Any:
    """A plain Point as a :class:`PointXY`; every other object as the dict it is."""
    if len(pairs) == 2:
        (k1, v1), (k2, v2) = pairs
        coords = v2 if k1 == "type" and v1 == "Point" and k2 == "coordinates" else (
            v1 if k2 == "type" and v2 == "Point" and k1 == "coordinates" else None)
        if type(coords) is list and len(coords) == 2 and type(coords[0]) is float and \
                type(coords[1]) is float:
            return PointXY(coords)
    out = dict(pairs)
    if len(out) == len(pairs) and out.get("type") == "Feature" and out.keys() <= _FEATURE_KEYS \
            and type(out.get("geometry")) is PointXY and type(out.get("properties")) is dict:
        return PointFeature((out["properties"], out["geometry"], out.get("id")))
    return out


def parse_document(data: bytes | list[bytes], label: str, problems: list[Problem]) -> Any:
    """The JSON value of the file, or :data:`NOT_JSON` (with the reason).

    ``data`` may be a one-item list, which is emptied: the caller's bytes are
    then freed while the text is parsed (50 MB less at the peak).
    """
    raw = data.pop() if isinstance(data, list) else data
    try:
        text = raw.decode("utf-8-sig")
        del raw
        return unpack(json.loads(text, parse_int=_parse_int, object_pairs_hook=_compact))
    except UnicodeDecodeError:
        problems.append(Problem(label, "", "is not UTF-8 text.",
                                "Save it as UTF-8 GeoJSON.", rule="not-utf8"))
    except json.JSONDecodeError as exc:
        problems.append(Problem(label, "", f"is not valid JSON (line {exc.lineno}, column "
                                f"{exc.colno}): {exc.msg}.",
                                "Check it with a JSON linter; a missing comma or quote is usual.",
                                rule="not-json"))
    except (RecursionError, MemoryError):
        problems.append(Problem(label, "", "is nested too deeply to be GeoJSON.",
                                "Check that the file is GeoJSON; coordinates nest 4 levels at "
                                "most.", rule="not-json"))
    return NOT_JSON
