"""Coordinates as analysts read and type them: decimal degrees, DMS, MGRS.

A briefing quotes positions in several notations: decimal degrees for GIS,
degrees-minutes-seconds for reports, MGRS for anyone who works with the military
grid. This module formats a point in all three and reads any of them back, so a
position copied from one document can be pasted into the app or the CLI.

Points are ``(lat, lon)`` tuples here, the order people write them.
"""

from __future__ import annotations

import math
import re

import mgrs as _mgrs

from layers.errors import LayersError

_MGRS = _mgrs.MGRS()
_MGRS_RE = re.compile(r"^\s*(\d{1,2})\s*([C-HJ-NP-X])\s*([A-HJ-NP-Z]{2})\s*(\d*)\s*(\d*)\s*$",
                      re.IGNORECASE)
_DMS_PART = re.compile(
    r"^\s*(?P<sign>[-+])?\s*(?P<deg>\d+(?:\.\d+)?)\s*(?:°|º|deg|d|\s)?\s*"
    r"(?:(?P<min>\d+(?:\.\d+)?)\s*(?:'|′|’|m|min|\s)?\s*)?"
    r"(?:(?P<sec>\d+(?:\.\d+)?)\s*(?:\"|″|”|''|s|sec)?\s*)?"
    r"(?P<hemi>[NSEW])?\s*$", re.IGNORECASE)
_HEMI_SPLIT = re.compile(r"(?<=[NSEW])[\s,;]*(?=[-+\d])")


class CoordinateError(LayersError, ValueError):
    """Text that is not a position in any notation this module reads."""


def format_decimal(lat: float, lon: float, *, places: int = 5) -> str:
    """``lat, lon`` in signed decimal degrees, the form the CLI and GIS tools accept.

    Five places is about 1 m: finer digits would claim a precision no layer has.
    """
    return f"{lat:.{places}f}, {lon:.{places}f}"


def to_dms(value: float, *, is_lat: bool, seconds_places: int = 1) -> str:
    """One coordinate as degrees, minutes, seconds and hemisphere, e.g. ``34°54'54.0"N``.

    Seconds are rounded first and carried into minutes and degrees, so a value
    never prints as ``59'60.0"``.
    """
    hemi = ("N" if value >= 0 else "S") if is_lat else ("E" if value >= 0 else "W")
    scale = 10 ** seconds_places
    total = round(abs(value) * 3600 * scale)  # in units of 10^-places seconds
    deg, rest = divmod(total, 3600 * scale)
    minutes, secs = divmod(rest, 60 * scale)
    width = 3 + seconds_places if seconds_places else 2
    sec_text = f"{secs / scale:0{width}.{seconds_places}f}"
    return f"{deg}°{minutes:02d}'{sec_text}\"{hemi}"


def format_dms(lat: float, lon: float, *, seconds_places: int = 1) -> str:
    """A point in DMS, latitude first: ``34°54'54.0"N 35°52'26.4"E``."""
    return (f"{to_dms(lat, is_lat=True, seconds_places=seconds_places)} "
            f"{to_dms(lon, is_lat=False, seconds_places=seconds_places)}")


def to_mgrs(lat: float, lon: float, *, precision_m: int = 1, spaced: bool = True) -> str:
    """The MGRS reference of a point, e.g. ``36S YD 62566 67387`` (1 m).

    Parameters
    ----------
    precision_m
        1, 10, 100, 1000 or 10000 metres; the number of digits follows.
    spaced
        Group zone, square and easting/northing with spaces, as printed on maps;
        ``False`` gives the compact form (``36SYD6256667387``).

    Raises
    ------
    CoordinateError
        Outside MGRS's latitude band (80° S to 84° N) or a bad precision.
    """
    digits = {1: 5, 10: 4, 100: 3, 1000: 2, 10000: 1}.get(precision_m)
    if digits is None:
        raise CoordinateError(f"MGRS precision must be 1, 10, 100, 1000 or 10000 m, "
                              f"got {precision_m!r}.")
    if not -80.0 <= lat <= 84.0 or not -180.0 <= lon <= 180.0:
        raise CoordinateError(f"({lat}, {lon}) has no MGRS reference (UTM bands cover 80° S to "
                              "84° N; the poles use UPS).")
    if -1e-6 < lat < 0:
        # Within 11 cm south of the equator the library writes a southern-band reference
        # with a northing of 00000, which no reader (itself included) accepts; at 1 m
        # precision such a point is on the equator.
        lat = 0.0
    compact = _MGRS.toMGRS(lat, lon, MGRSPrecision=digits)
    if isinstance(compact, bytes):  # pragma: no cover - older mgrs releases
        compact = compact.decode()
    if not spaced:
        return compact
    match = _MGRS_RE.match(compact)
    if match is None:  # pragma: no cover - the library's own output
        return compact
    zone, band, square, east, north = match.groups()
    digits_en = east + north
    half = len(digits_en) // 2
    return f"{zone}{band.upper()} {square.upper()} {digits_en[:half]} {digits_en[half:]}".strip()


def from_mgrs(text: str) -> tuple[float, float]:
    """(lat, lon) of an MGRS reference.

    MGRS names a square, not a point; like every GIS we return its south-west
    corner, which for a 1 m reference is the point itself.

    Raises
    ------
    CoordinateError
        When ``text`` is not an MGRS reference.
    """
    match = _MGRS_RE.match(text or "")
    if match is None:
        raise CoordinateError(f"{text!r} is not an MGRS reference (e.g. '36S YD 62566 67387').")
    zone, band, square, east, north = match.groups()
    if (north and len(east) != len(north)) or len(east + north) % 2 or len(east + north) > 10:
        raise CoordinateError(f"{text!r}: easting and northing must have as many digits "
                              "(1 to 5 each).")
    compact = f"{zone}{band}{square}{east}{north}".upper()
    try:
        lat, lon = _MGRS.toLatLon(compact)
    except Exception as exc:  # the C library raises a bare MGRSError
        raise CoordinateError(f"{text!r} is not a valid MGRS reference ({exc}).") from None
    return float(lat), float(lon)


def parse_dms(text: str, *, is_lat: bool | None = None) -> float:
    """Read one coordinate in decimal or DMS form: ``34.915``, ``34°54'54"N``, ``35 52 26 E``.

    Raises
    ------
    CoordinateError
        When the text is not a coordinate, or minutes/seconds are 60 or more.
    """
    match = _DMS_PART.match(text or "")
    if match is None:
        raise CoordinateError(f"{text!r} is not a coordinate (e.g. 34.915 or 34°54'54\"N).")
    deg = float(match.group("deg"))
    minutes = float(match.group("min") or 0)
    secs = float(match.group("sec") or 0)
    if minutes >= 60 or secs >= 60:
        raise CoordinateError(f"{text!r}: minutes and seconds must be below 60.")
    value = deg + minutes / 60 + secs / 3600
    hemi = (match.group("hemi") or "").upper()
    if (is_lat is True and hemi in ("E", "W")) or (is_lat is False and hemi in ("N", "S")):
        raise CoordinateError(f"{text!r}: hemisphere {hemi} where a "
                              f"{'latitude' if is_lat else 'longitude'} was expected.")
    if match.group("sign") == "-" or hemi in ("S", "W"):
        value = -value
    return value


def parse_latlon(text: str) -> tuple[float, float]:
    """Read a point typed by an analyst: ``lat,lon``, DMS or MGRS.

    Accepted forms: ``34.915,35.874`` · ``34.915 35.874`` · ``34.915N 35.874E`` ·
    ``34°54'54"N 35°52'26"E`` · ``35.874E 34.915N`` (hemisphere letters fix the
    order) · ``36SYD6256667387`` / ``36S YD 62566 67387``.

    Raises
    ------
    CoordinateError
        Naming the forms that are accepted, when none fits or the values are out
        of range.
    """
    raw = (text or "").strip()
    if _MGRS_RE.match(raw):
        return from_mgrs(raw)
    first, second = _split_pair(raw)
    hemis = (first.strip()[-1:].upper(), second.strip()[-1:].upper())
    if hemis[0] in ("E", "W") and hemis[1] not in ("E", "W"):  # lon first, with letters
        first, second = second, first
    elif hemis[0] in ("N", "S") and hemis[1] in ("N", "S"):
        raise CoordinateError(f"{text!r}: two latitudes; write 'lat,lon'.")
    lat, lon = parse_dms(first, is_lat=True), parse_dms(second, is_lat=False)
    if abs(lat) > 90 or abs(lon) > 180:
        raise CoordinateError(f"{text!r}: latitude must lie in [-90, 90] and longitude in "
                              "[-180, 180]; write latitude first (e.g. 34.915,35.874).")
    return lat, lon


def _split_pair(raw: str) -> tuple[str, str]:
    for sep in (",", ";"):
        if raw.count(sep) == 1:
            first, second = raw.split(sep)
            return first, second
    parts = _HEMI_SPLIT.split(raw)
    if len(parts) == 2:
        return parts[0], parts[1]
    tokens = raw.split()
    if len(tokens) == 2:
        return tokens[0], tokens[1]
    if len(tokens) in (6, 8) or (len(tokens) == 4 and not any(t[-1:].isalpha() for t in tokens)):
        half = len(tokens) // 2
        return " ".join(tokens[:half]), " ".join(tokens[half:])
    raise CoordinateError(f"{raw!r} is not a position. Write 'lat,lon' in decimal degrees "
                          "(34.915,35.874), DMS (34°54'54\"N 35°52'26\"E) or MGRS "
                          "(36S YD 62566 67387).")


def looks_like_coordinates(text: str) -> bool:
    """True when ``text`` reads as a position (so it is not looked up as a name)."""
    try:
        lat, lon = parse_latlon(text)
    except CoordinateError:
        return False
    return math.isfinite(lat) and math.isfinite(lon)
