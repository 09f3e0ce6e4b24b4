"""Build the Russian-footprint layers from the researched facts (``/work/shared/FACTS.md``).

The facts live below as plain Python tables, in the order and wording of FACTS.md, so
an analyst can check every number against the sheet line by line. The script turns
them into four GeoJSON files that follow the data contract in ``geodata/README.md``:

``geodata/installations.geojson``
    Russian sites: one feature per (site, part, status period). Successive periods of
    one site share a ``site_id`` and tile time without gap or overlap.
``geodata/evacuation_routes.geojson``
    Convoys and airlift/sealift legs as approximate polylines through FACTS §3 waypoints.
``geodata/events.geojson``
    One point per place concerned by each dated item of FACTS §4.
``geodata/places.geojson``
    The gazetteer: FACTS §2 town centres plus the named towns among the §3 waypoints.

Run from the repository root::

    python geodata/scripts/build_features.py

Output is deterministic (no timestamps, fixed ordering), so a rebuild that changes
nothing leaves the files byte-identical and a review diff shows only real edits.

Conventions
-----------
* Coordinates are written in the tables as ``(lat, lon)``, exactly as FACTS gives them,
  and converted to GeoJSON's ``[lon, lat]`` in one place (:func:`lonlat`).
* Coordinates keep the decimals FACTS gives (never more than five); schematic shapes
  drawn here are rounded to what they can claim (see each table).
* ``valid_to`` is exclusive: an event reported for "15–16 Dec" runs to 17 Dec.
* Confidence: H → high, M → medium, L → low; mixed ratings take the lower
  (``M–L``/``L–M``/``M/L`` → low, ``H/M``/``M/H`` → medium); general knowledge (GK)
  is medium at best.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyproj import Geod

OUT = Path(__file__).resolve().parents[1]
#: First day of the data: the dashboard's timeline starts here.
DATA_START = "2024-11-26"
#: Map frame (lon_min, lat_min, lon_max, lat_max); same as ``build_basemap.FRAME``.
FRAME = (33.0, 30.0, 44.5, 39.0)
#: How far beyond the frame an external air leg is cut (degrees): just off the map.
FRAME_OVERSHOOT = 0.25
GEOD = Geod(ellps="WGS84")
MAX_DECIMALS = 5

LatLon = tuple[float, float]

# --------------------------------------------------------------------------------------------
# Confidence and dates
# --------------------------------------------------------------------------------------------

_CONFIDENCE = {
    "H": "high", "M": "medium", "L": "low", "GK": "medium",
    "H/M": "medium", "M/H": "medium", "M–L": "low", "L–M": "low", "M/L": "low",
}
_RANK = {"low": 0, "medium": 1, "high": 2}


def confidence(code: str) -> str:
    """Map a FACTS.md rating to the contract's word.

    Parameters
    ----------
    code
        ``H``, ``M``, ``L``, ``GK`` or a mixed rating such as ``M–L``.

    Returns
    -------
    str
        ``high``, ``medium`` or ``low``. Mixed ratings take the lower grade because a
        feature is only as sure as its weakest part; GK is capped at medium because it
        was not checked against a source.
    """
    try:
        return _CONFIDENCE[code]
    except KeyError:
        raise ValueError(f"unknown FACTS rating {code!r}") from None


def weakest(*grades: str) -> str:
    """Return the lowest of several confidence words (a feature combining facts)."""
    return min(grades, key=_RANK.__getitem__)


_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    start=1)}
_PART = re.compile(r"(?:(\d{1,2})(?:–(\d{1,2}))? )?([A-Z][a-z]{2}) (\d{4})")


def _month_end(year: int, month: int) -> dt.date:
    """First day of the following month (exclusive end of a month-only date)."""
    return dt.date(year + month // 12, month % 12 + 1, 1)


def _span(text: str) -> tuple[dt.date, dt.date]:
    """First day and exclusive end of one side of a reported date (see :func:`date_span`)."""
    match = _PART.fullmatch(text.strip())
    if not match:
        raise ValueError(f"cannot read the date {text!r}")
    first, last, month_name, year_text = match.groups()
    year, month = int(year_text), _MONTHS[month_name]
    if first is None:
        return dt.date(year, month, 1), _month_end(year, month)
    end = dt.date(year, month, int(last or first)) + dt.timedelta(days=1)
    return dt.date(year, month, int(first)), end


def date_span(text: str) -> tuple[str, str]:
    """Turn a date as reported into the contract's ``valid_from`` and exclusive ``valid_to``.

    Parsing the reported text, rather than typing the ISO dates by hand, keeps the two in
    step when an analyst corrects a date.

    Parameters
    ----------
    text
        ``27 Nov 2024``, ``15–16 Dec 2024``, ``Aug 2025``, ``about 15 Dec 2024``,
        ``reported 15 Dec 2024`` (the day of the report), ``early Jan 2025`` (1–15 Jan) or
        ``23 Dec 2024 – Apr 2025`` (spaced en dash between two dates).

    Returns
    -------
    tuple of str
        ``(valid_from, valid_to)`` as ``YYYY-MM-DD``; a month-only date covers the whole
        month.
    """
    core = text.removeprefix("about ").removeprefix("reported ").strip()
    if core.startswith("early "):  # "early Jan 2025": the first half of the month
        start = _span(core.removeprefix("early "))[0]
        return start.isoformat(), (start + dt.timedelta(days=15)).isoformat()
    if " – " in core:
        left, right = core.split(" – ")
        start, end = _span(left)[0], _span(right)[1]
    else:
        start, end = _span(core)
    return start.isoformat(), end.isoformat()


# --------------------------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------------------------


def lonlat(point: LatLon, decimals: int = MAX_DECIMALS) -> list[float]:
    """Convert a FACTS ``(lat, lon)`` pair to a GeoJSON ``[lon, lat]`` position.

    The tables keep FACTS' order so they can be proof-read against the sheet; this is
    the single place the axes are swapped, so a swap cannot creep in feature by feature.
    """
    lat, lon = point
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"not a (lat, lon) pair: {point}")
    digits = min(decimals, MAX_DECIMALS)
    return [round(lon, digits), round(lat, digits)]


def point(at: LatLon) -> dict[str, Any]:
    """GeoJSON Point from a FACTS ``(lat, lon)`` pair."""
    return {"type": "Point", "coordinates": lonlat(at)}


def line(path: Sequence[LatLon], decimals: int = MAX_DECIMALS) -> dict[str, Any]:
    """GeoJSON LineString from ``(lat, lon)`` pairs."""
    return {"type": "LineString", "coordinates": [lonlat(p, decimals) for p in path]}


def polygon(ring: Sequence[LatLon], decimals: int) -> dict[str, Any]:
    """GeoJSON Polygon from an open ``(lat, lon)`` ring, closed and wound counter-clockwise.

    RFC 7946 asks for counter-clockwise exterior rings; some viewers fill the outside of a
    clockwise ring.
    """
    coords = [lonlat(p, decimals) for p in ring]
    nxt = coords[1:] + coords[:1]
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(coords, nxt, strict=True))
    if area2 < 0:
        coords.reverse()
    return {"type": "Polygon", "coordinates": [coords + coords[:1]]}


def offset(start: LatLon, azimuth_deg: float, distance_km: float, decimals: int) -> LatLon:
    """The point ``distance_km`` from ``start`` on ``azimuth_deg``, rounded to ``decimals``.

    Used where FACTS gives a position only as "about N km in direction D of X"; rounding
    to ``decimals`` keeps the result from looking surveyed.
    """
    lon, lat, _ = GEOD.fwd(start[1], start[0], azimuth_deg, distance_km * 1000)
    return round(lat, decimals), round(lon, decimals)


def frame_exit(start: LatLon, target: LatLon, decimals: int = 2) -> LatLon:
    """Where the great circle from ``start`` toward ``target`` leaves the map, just beyond it.

    External air legs (to Russia, to Libya) are drawn only as a direction: a line running
    to the far side of the frame would stretch the map to another continent and suggest a
    flight path FACTS does not give.
    """
    lon0, lat0, lon1, lat1 = (FRAME[0] - FRAME_OVERSHOOT, FRAME[1] - FRAME_OVERSHOOT,
                              FRAME[2] + FRAME_OVERSHOOT, FRAME[3] + FRAME_OVERSHOOT)
    azimuth, _, total = GEOD.inv(start[1], start[0], target[1], target[0])
    step = 1000.0
    distance = step
    while distance < total:
        lon, lat, _ = GEOD.fwd(start[1], start[0], azimuth, distance)
        if not (lon0 <= lon <= lon1 and lat0 <= lat <= lat1):
            return round(lat, decimals), round(lon, decimals)
        distance += step
    return target


def slug(text: str) -> str:
    """Lower-case ASCII id fragment: stable, readable, URL-safe."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --------------------------------------------------------------------------------------------
# FACTS §2 and §3: the gazetteer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: a town centre good to about 1–2 km (FACTS §2, §3)."""

    key: str
    name: str
    at: LatLon
    place_type: str
    other_names: str = ""
    precision_m: int = 2000
    rating: str = "GK"
    section: str = "§2"
    notes: str = ""


_S3 = "§3"
#: FACTS §2 (GK town centres, ±1–2 km), then the named towns among the §3 waypoints, then
#: the two §1 towns that carry a site. Cities (governorate seats and the largest towns)
#: get 2 km, smaller towns 1 km.
PLACES: tuple[Place, ...] = (
    Place("damascus", "Damascus", (33.5131, 36.2919), "city", "Dimashq, al-Sham"),
    Place("homs", "Homs", (34.7308, 36.7094), "city", "Hims"),
    Place("hama", "Hama", (35.1318, 36.7578), "city", "Hamah"),
    Place("aleppo", "Aleppo", (36.200, 37.160), "city", "Halab",
          notes="Point is the citadel."),
    Place("idlib", "Idlib", (35.9306, 36.6339), "city"),
    Place("latakia", "Latakia", (35.5167, 35.7833), "city", "Lattakia, Ladhiqiyah"),
    Place("tartus", "Tartus", (34.889, 35.887), "city", "Tartous"),
    Place("jableh", "Jableh", (35.361, 35.926), "town", "Jableh, Jablah", 1000),
    Place("baniyas", "Baniyas", (35.182, 35.940), "town", "Banias", 1000),
    Place("daraa", "Daraa", (32.619, 36.102), "city", "Deraa, Dar'a"),
    Place("suwayda", "Suwayda", (32.709, 36.569), "city", "Sweida, as-Suwayda"),
    Place("deir-ez-zor", "Deir ez-Zor", (35.336, 40.141), "city", "Deir al-Zour"),
    Place("raqqa", "Raqqa", (35.953, 39.009), "city", "ar-Raqqah"),
    Place("tabqa", "Tabqa", (35.836, 38.548), "town", "al-Thawrah", 1000),
    Place("qamishli", "Qamishli", (37.052, 41.232), "city", "Qamishlo"),
    Place("hasakah", "Hasakah", (36.502, 40.748), "city", "al-Hasakah"),
    Place("manbij", "Manbij", (36.528, 37.955), "town", "Menbij", 1000),
    Place("kobani", "Kobani", (36.891, 38.354), "town", "Ain al-Arab", 1000),
    Place("afrin", "Afrin", (36.512, 36.869), "town", "", 1000),
    Place("azaz", "Azaz", (36.587, 37.046), "town", "A'zaz", 1000),
    Place("al-bab", "al-Bab", (36.370, 37.515), "town", "", 1000),
    Place("tell-rifaat", "Tell Rifaat", (36.472, 37.097), "town", "Tal Rifaat", 1000),
    Place("jisr-al-shughur", "Jisr al-Shughur", (35.812, 36.318), "town", "", 1000),
    Place("saraqib", "Saraqib", (35.864, 36.806), "town", "", 1000),
    Place("maarat-al-numan", "Maarat al-Numan", (35.643, 36.673), "town",
          "Ma'arrat al-Nu'man", 1000),
    Place("salamiyah", "Salamiyah", (35.011, 37.053), "town", "Salamiyeh", 1000),
    Place("palmyra", "Palmyra", (34.560, 38.267), "town", "Tadmur", 1000),
    Place("mayadin", "Mayadin", (35.019, 40.452), "town", "al-Mayadin", 1000),
    Place("albu-kamal", "Albu Kamal", (34.453, 40.918), "town", "Abu Kamal", 1000),
    Place("al-tanf", "al-Tanf garrison", (33.50, 38.65), "garrison", "at-Tanf", 10000, "L",
          notes="Position ±10 km (low); the US 55-km deconfliction circle was "
                "centred on it."),
    # §3 waypoints that are named towns (or the Nasib crossing).
    Place("nasib-crossing", "Nasib crossing", (32.548, 36.204), "crossing", "Nassib", 2000, "L",
          _S3, "Border crossing with Jordan; position approximate (≈, low)."),
    Place("sanamayn", "Sanamayn", (33.071, 36.184), "town", "al-Sanamayn", 1000, section=_S3),
    Place("kiswah", "Kiswah", (33.358, 36.238), "town", "al-Kiswah", 1000, section=_S3),
    Place("harasta", "Harasta", (33.558, 36.368), "town", "", 1000, section=_S3,
          notes="The road waypoints use it for the Damascus north exit of the M5."),
    Place("qutayfah", "Qutayfah", (33.738, 36.603), "town", "al-Qutayfah", 1000, section=_S3),
    Place("nabk", "Nabk", (34.024, 36.728), "town", "an-Nabk", 1000, section=_S3),
    Place("qara", "Qara", (34.155, 36.745), "town", "", 1000, section=_S3),
    Place("hisyah", "Hisyah", (34.40, 36.75), "town", "Hasya", 2000, section=_S3,
          notes="Approximate waypoint (≈)."),
    Place("talbiseh", "Talbiseh", (34.84, 36.73), "town", "Talbisah", 1000, section=_S3),
    Place("rastan", "Rastan", (34.917, 36.732), "town", "ar-Rastan", 1000, section=_S3),
    Place("suran", "Suran", (35.29, 36.745), "town", "", 2000, section=_S3,
          notes="Approximate waypoint (≈)."),
    Place("khan-shaykhun", "Khan Shaykhun", (35.442, 36.651), "town", "Khan Sheikhoun", 1000,
          section=_S3),
    Place("zirba", "Zirba", (36.08, 37.00), "town", "", 2000, "L", _S3,
          "Approximate waypoint (≈, low)."),
    Place("ariha", "Ariha", (35.813, 36.607), "town", "", 1000, section=_S3),
    Place("ain-issa", "Ain Issa", (36.385, 38.862), "town", "Ayn Issa", 1000, section=_S3),
    Place("tell-tamr", "Tell Tamr", (36.650, 40.367), "town", "Tal Tamr", 1000, section=_S3),
    # §1 towns hosting a site.
    Place("qudsaya", "Qudsaya", (33.536, 36.217), "town", "Qudsayya", 2000, section="§1",
          notes="Town ±2 km; the Syrian 4th Division HQ hosted Russian troops."),
    Place("sarrin", "Sarrin", (36.5875, 38.2997), "town", "Sirrin", 2000, "M/L", "§1",
          "Position ±2 km; site of a Russian military police post."),
)
PLACE = {p.key: p for p in PLACES}

#: FACTS §3 waypoints, verbatim, for the road polylines. Town waypoints can differ slightly
#: from the §2 town centres (the highway passes beside the town); §3 is used for roads.
WAYPOINTS: dict[str, LatLon] = {
    # M5, south to north
    "Harasta": (33.558, 36.368), "Qutayfah": (33.738, 36.603), "Nabk": (34.024, 36.728),
    "Qara": (34.155, 36.745), "Hisyah": (34.40, 36.75), "Homs east bypass": (34.73, 36.72),
    "Talbiseh": (34.84, 36.73), "Rastan": (34.917, 36.732), "Hama east": (35.13, 36.77),
    "Suran": (35.29, 36.745), "Khan Shaykhun": (35.442, 36.651),
    "Maarat al-Numan": (35.643, 36.673), "Saraqib": (35.864, 36.806), "Zirba": (36.08, 37.00),
    "Aleppo": (36.20, 37.16),
    # Homs–Tartus (M1 west)
    "Homs": (34.731, 36.709), "M1 west ≈34.70, 36.45": (34.70, 36.45),
    "Talkalakh junction": (34.69, 36.26), "M1 west ≈34.77, 36.05": (34.77, 36.05),
    "Tartus south junction": (34.85, 35.93), "Tartus": (34.889, 35.887),
    # Coastal M1
    "Baniyas": (35.182, 35.940),
    # Not in FACTS: a schematic bend inland so the Baniyas-Jableh leg stays on land on
    # Natural Earth's coarse coastline (a straight leg ran 9 km over the sea).
    "Coastal M1 inland ≈35.22, 35.975": (35.22, 35.975),
    "Jableh": (35.361, 35.926),
    "Khmeimim turn-off": (35.40, 35.955),
    # M4 east (the old Russian patrol axis), east to west
    "Tell Tamr": (36.650, 40.367), "Ain Issa": (36.385, 38.862),
    "Qarah Qawzak bridge": (36.66, 38.20), "Manbij": (36.528, 37.955),
}

# --------------------------------------------------------------------------------------------
# FACTS §1: Russian sites and their status over time
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A Russian (or context) site of FACTS §1; its point is the ``site`` part."""

    site_id: str
    name: str
    other_names: str
    site_type: str
    operator: str
    at: LatLon
    precision_m: int
    source: str
    approximate: bool
    notes: str


@dataclass(frozen=True)
class Period:
    """One status of a site from ``valid_from`` to ``valid_to`` (exclusive; None = open)."""

    site_id: str
    status: str
    valid_from: str
    valid_to: str | None
    rating: str
    source: str
    notes: str


@dataclass(frozen=True)
class Part:
    """Extra geometry of a site (outline, perimeter, runway), repeated for every period."""

    site_id: str
    part: str
    part_id: str
    name: str
    geometry: dict[str, Any]
    rating: str
    source: str
    precision_m: int | None
    notes: str


_PRE = "Present before the data's start date (26 Nov 2024)."
_MP = "SOHR; Rojava Information Center"
# The publications named in the research for each item, written once so one report is spelt
# the same way wherever it is cited (the Sources panel lists each spelling once).
_WIKI = "Wikipedia infobox (secondary)"
_BLACKSKY = "BlackSky via Reuters 5 Dec 2024"
_HUR = "i24NEWS 10 Dec 2024 (Ukrainian military intelligence, one party's claim)"
_FT = "Financial Times 15 Dec 2024 (quoting HTS official Kamal Lababidi)"
_WSJ = "Wall Street Journal (reporting Dec 2024)"
_WAPO = "Washington Post (reporting 9–10 Dec 2024)"
_T4 = "ISW via Caliber.az (undated, no dated report found)"
_AF_LIST = "list of Syrian Air Force bases (secondary)"
_DAWN = "Wikipedia: Operation Dawn of Freedom (secondary)"
_QAMISHLI_OUT = ("Reuters (reporting late Jan 2026); Shafaq News 23 Jan 2026; Rudaw 30 Jan 2026; "
                 "AFP 27 Jan 2026")
_CTRL15 = "ISW/CTP control maps, 15 Dec 2024"
_CTRL_END25 = "ISW/CTP control maps, end of 2025"
_CTRL_FEB26 = "ISW/CTP control maps, mid-Feb 2026"
_S5_15DEC = ("by 15 Dec 2024 Russia had pulled back to Khmeimim, Tartus and Qamishli "
             "(ISW/CTP control maps, M)")

SITES: tuple[Site, ...] = (
    Site("tartus", "Tartus naval facility",
         "720th Material-Technical Support Point (PMTO)", "naval_base", "Russian Navy",
         (34.91500, 35.87400), 200, f"{_WIKI}; OpenStreetMap", False,
         "Naval supply and repair point; Russian piers inside the northern breakwater. The "
         "commercial port (Stroytransgaz contract) is a separate thing."),
    Site("khmeimim", "Khmeimim air base",
         "Hmeimim, Hmeymim; shares the field with Latakia International (formerly Bassel "
         "al-Assad), ICAO OSLK", "air_base", "Russian Aerospace Forces",
         (35.41167, 35.94500), 300, f"{_WIKI}; DAFIF", False,
         "Point is the Russian area in the north of the airfield, about 3 km NE of Jableh "
         "(±200–300 m); the airport reference point is 35.40083, 35.94861."),
    Site("qamishli-airport", "Qamishli airport", "OSKL", "airport",
         "Russian armed forces (garrison at a civil airport)", (37.02056, 41.19139), 300,
         "DAFIF; Rudaw 30 Jan 2026", False,
         "Civil airport with a Russian garrison since 2019."),
    Site("tiyas-t4", "Tiyas (T-4)", "T4", "air_base", "Syrian Air Force; Russian detachment",
         (34.52250, 37.62972), 500, _T4, False,
         "Syrian Air Force base with a Russian detachment."),
    Site("shayrat", "Shayrat", "", "air_base", "Syrian Air Force", (34.49000, 36.90889), 500,
         "ISW 2015", False,
         "Low confidence of any Russian presence: Russian use was reported in 2015 and is "
         "not confirmed for 2024."),
    Site("hama-airport", "Hama military airport", "", "air_base", "Syrian Air Force",
         (35.11806, 36.71111), 500, _AF_LIST, False,
         "Low confidence of any Russian presence: a Russian presence in 2024 is not "
         "confirmed."),
    Site("kuweires", "Kuweires", "Kweiris", "air_base", "Syrian Air Force (air base / flight "
         "school)", (36.18694, 37.58306), 500, _DAWN, False,
         "Low confidence of any Russian presence: the research lists it among the Russian "
         "sites rated L and gives no detail of Russians there in 2024."),
    Site("palmyra-airport", "Palmyra airport", "Tadmur, OSPR", "air_base",
         "Syrian military", (34.55750, 38.31694), 300, "DAFIF; SOHR", False,
         "Military airport. Low confidence of any Russian presence: the research rates "
         "it L and gives no detail of Russians there in 2024."),
    Site("kobani", "Kobani base", "Ain al-Arab", "garrison", "Russian and Syrian forces (joint)",
         (36.891, 38.354), 3000, f"Syrian Observer/TASS Aug 2024; {_WAPO}", True,
         "Joint Russian–Syrian base announced Aug 2024. Point is the town centre (±3 km), a "
         "stand-in for the base."),
    Site("mp-ain-issa", "Ain Issa military police post", "Ayn Issa", "military_police",
         "Russian military police", (36.385, 38.862), 2000, _MP, True,
         "Russian military police since 2019. Point is the town centre (general knowledge)."),
    Site("mp-tell-tamr", "Tell Tamr military police post", "Tal Tamr", "military_police",
         "Russian military police", (36.650, 40.367), 2000, _MP, True,
         "Russian military police since 2019. Point is the town centre (general knowledge)."),
    Site("mp-sarrin", "Sarrin military police post", "Sirrin", "military_police",
         "Russian military police", (36.5875, 38.2997), 2000, _MP, True,
         "Russian military police since 2019. Point is the town, ±2 km (corrected from an "
         "earlier ±5 km stand-in at 36.6, 38.4)."),
    Site("mp-manbij", "Manbij military police post", "Menbij", "military_police",
         "Russian military police", (36.528, 37.955), 2000, _MP, True,
         "Russian military police since 2019. Point is the town centre (general knowledge)."),
    Site("qudsaya-hq", "Qudsaya (Syrian 4th Division HQ)", "Qudsayya", "headquarters",
         "Syrian Army 4th Division (host); Russian troops", (33.536, 36.217), 2000,
         _FT, True,
         "Syrian army HQ hosting Russian troops; starting point of the evacuation of about "
         "400 soldiers. Point is the town centre (±2 km)."),
    Site("latakia-port", "Latakia port", "", "port", "Syria (civil port; Syrian Navy ships)",
         (35.522, 35.770), 1000, "Maxar (reporting 9–10 Dec 2024)", True,
         "Context, not a Russian base. Israeli strikes hit Syrian navy ships here 9–10 Dec "
         "2024. Position general knowledge, ±1 km."),
)
SITE = {s.site_id: s for s in SITES}

PERIODS: tuple[Period, ...] = (
    # Tartus ------------------------------------------------------------------------------
    Period("tartus", "active", "2017-01-18", "2024-12-06", "H",
           f"{_WIKI}; OpenStreetMap; {_BLACKSKY}",
           "Used under the 2017 agreement for 49 years. valid_from is the agreement's signing "
           "day, 18 Jan 2017: the day is general knowledge, the research gives only '2017 "
           "agreement'. On 5 Dec 2024 BlackSky imagery (via Reuters) and Maxar still show all "
           "six Russian vessels at the base (H)."),
    Period("tartus", "drawing_down", "2024-12-06", "2025-01-28", "M",
           f"{_BLACKSKY}; Maxar 10 Dec 2024; Planet Labs via Reuters 9 Dec 2024; The Times 14 Dec "
           "2024; The War Zone (reporting early Jan 2025); Reuters (reporting early Jan 2025); "
           "VesselTracker (reporting 21 Jan 2025); Orda.kz (reporting 21 Jan 2025); "
           "The War Zone (reporting 25–27 Jan 2025)",
           "The warships left the piers between 6 and 9 Dec 2024: in port on 5 Dec (BlackSky "
           "via Reuters; Maxar), gone on 10 Dec (Maxar) (H; earlier reports of departures on "
           "1–5 Dec are wrong). On 9 Dec two frigates and an oiler lay anchored about 13 km NW "
           "of Tartus (H). HTS guards at the gates were reported by The Times on 14 Dec, not "
           "seen by Maxar (M). In early Jan 2025 Syria kept Russian ships out for about two "
           "weeks; Ivan Gren, Alexander Otrakovsky and Admiral Golovko waited offshore (M). "
           "Sparta II entered on 21 Jan after waiting offshore since 5 Jan (M); Sparta and "
           "Sparta II were loading on 25–27 Jan (Maxar/Planet imagery via The War Zone, M). "
           "The drawdown went on at least until then; this phase closes on 28 Jan 2025."),
    Period("tartus", "uncertain", "2025-01-28", None, "M",
           "Al-Watan via Reuters 24 Jan 2025; Kyiv Independent 21 Jan 2025; TASS 15 Oct 2025; "
           f"TASS 28 Jan 2026; {_CTRL_END25}; {_CTRL_FEB26}",
           "Russia still holds Tartus (end of 2025, M; mid-Feb 2026 'Khmeimim and Tartus only', "
           "M–L), but its future is being negotiated: the 2019 Stroytransgaz commercial-port "
           "contract was annulled 20–24 Jan 2025 (the naval facility is not covered); Sharaa "
           "pledged on 15 Oct 2025 to respect all past agreements; the bases were not addressed "
           "in public on 28 Jan 2026. 'Uncertain' rather than 'active' because how far Russia "
           "still uses the facility is not reported."),
    # Khmeimim ----------------------------------------------------------------------------
    Period("khmeimim", "active", DATA_START, "2024-12-10", "H",
           f"{_WIKI}; DAFIF; Sputnik 16 Dec 2024 (Assad's statement); Turan 8 Dec 2024",
           f"{_PRE} Assad reached Khmeimim on the morning of 8 Dec 2024 and was flown to Moscow "
           "that evening (his statement of 16 Dec, via Sputnik; H). Transport aircraft arrived "
           "7–8 Dec and air-defence systems were reportedly moved (Turan 8 Dec, L–M); the "
           "drawdown is dated from the first medium-confidence report (10 Dec)."),
    Period("khmeimim", "drawing_down", "2024-12-10", "2024-12-17", "M",
           f"{_HUR}; Maxar via Reuters/The War Zone 13 Dec 2024; Reuters 14 Dec 2024; {_FT}; "
           f"{_WSJ}",
           "10 Dec: Ukrainian military intelligence says the withdrawal has begun, An-124/Il-76 "
           "flights from Khmeimim (i24NEWS; M, one party's claim); 13 Dec: Maxar shows two "
           "An-124s with noses open, a Ka-52 being dismantled and S-400 being packed (H); "
           "14 Dec: cargo flight to Libya (Reuters, M); Dec 2024: air-defence radars and other "
           "equipment moved to Haftar's bases in eastern Libya (WSJ, M); before 15 Dec "
           "(reported by the FT on 15 Dec): about 400 soldiers from the Damascus area arrive "
           "by convoy and are flown out (single source; the days are not known). Closed on "
           "17 Dec, after the last dated withdrawal items."),
    Period("khmeimim", "uncertain", "2024-12-17", None, "M",
           f"{_CTRL15}; Caliber.az (reporting 7–13 Mar 2025); Jerusalem Post (reporting 7–13 "
           "Mar 2025); AP via Devdiscourse (reporting 20 May 2025); Reuters (reporting late Jan "
           f"2026); Rudaw 30 Jan 2026; {_CTRL_FEB26}",
           "Russia kept Khmeimim (15 Dec 2024, M; mid-Feb 2026 'Khmeimim and Tartus only', "
           "M–L) and the base stayed in use: about 9,000 civilians sheltered there 7–13 Mar "
           "2025 (Russia's foreign ministry; one party's figure, M), it was attacked on 20 May "
           "2025 (M), and the Qamishli garrison moved there about 20–27 Jan 2026. Its future is "
           "under negotiation (bases not addressed in public on 28 Jan 2026), hence 'uncertain' "
           "not 'active'."),
    # Qamishli ----------------------------------------------------------------------------
    Period("qamishli-airport", "active", DATA_START, "2026-01-20", "H",
           "DAFIF; Reuters 7 Dec 2024; Wikipedia: Qamishli Airport (secondary); Kommersant via "
           "Syrian Observer (reporting Aug 2025)",
           f"{_PRE} The SDF took the airport on 7 Dec 2024 and about 200 Russian troops stayed "
           "until January 2026 (H); two Il-76s left on 16 Dec 2024 (M); in Aug 2025 Russian "
           "patrols near Qamishli resumed and reinforcements were sent (M)."),
    Period("qamishli-airport", "drawing_down", "2026-01-20", "2026-01-28", "M", _QAMISHLI_OUT,
           "Russians left Qamishli airport for Hmeimim about 20–27 Jan 2026: Reuters (late "
           "Jan) says the pull-out 'began last week', Shafaq News reported it on 23 Jan, Rudaw "
           "(30 Jan) says it culminated on the 22nd, AFP saw the last plane leave on 27 Jan. "
           "High that it happened, medium on the start day (no report supports 15 Jan)."),
    Period("qamishli-airport", "vacated", "2026-01-28", None, "H",
           "AFP 27 Jan 2026; Rudaw 30 Jan 2026; Shafaq News 30 Jan 2026",
           "Vacated from the day after AFP saw the last plane leave (27 Jan 2026). Under the "
           "30 Jan 2026 government–SDF agreement the airport is run jointly (M; implementation "
           "gradual)."),
    # T-4 ---------------------------------------------------------------------------------
    Period("tiyas-t4", "active", DATA_START, "2024-12-15", "M", _T4, _PRE),
    Period("tiyas-t4", "drawing_down", "2024-12-15", "2024-12-16", "L", _T4,
           "Russians reported leaving for Khmeimim about 15 Dec 2024; no dated report was "
           "found, so the day is approximate and the confidence low."),
    Period("tiyas-t4", "vacated", "2024-12-16", None, "L", f"{_T4}; {_CTRL15}",
           f"Vacated after the reported departure (low: no dated report); {_S5_15DEC}."),
    # Sites with low confidence of any Russian presence -----------------------------------
    Period("shayrat", "uncertain", DATA_START, "2024-12-08", "L", "ISW 2015",
           "Any Russian presence, if there was one, predates the data's start date."),
    Period("shayrat", "vacated", "2024-12-08", None, "L",
           f"ISW 2015; Reuters 8 Dec 2024; {_CTRL15}",
           "Any Russian presence ended at the latest with the fall of Homs (7–8 Dec 2024, H), "
           f"about 30 km to the north-north-west; {_S5_15DEC}. 'Vacated' means no Russian "
           "presence, not that one was confirmed."),
    Period("hama-airport", "uncertain", DATA_START, "2024-12-05", "L", _AF_LIST,
           "Any Russian presence, if there was one, predates the data's start date."),
    Period("hama-airport", "vacated", "2024-12-05", None, "L", f"{_AF_LIST}; Reuters 5 Dec 2024",
           "Any Russian presence ended at the latest when Hama fell (5 Dec 2024, H). 'Vacated' "
           "means no Russian presence, not that one was confirmed."),
    Period("kuweires", "uncertain", DATA_START, "2024-12-01", "L", _DAWN,
           "Any Russian presence, if there was one, predates the data's start date."),
    Period("kuweires", "vacated", "2024-12-01", None, "L",
           f"{_DAWN}; TRT World 1 Dec 2024; Anadolu (anews) 1 Dec 2024",
           "The SNA took Kuweires on 1 Dec 2024 (H); any Russian presence ended then at the "
           "latest. 'Vacated' means no Russian presence, not that one was confirmed."),
    Period("palmyra-airport", "uncertain", DATA_START, "2024-12-07", "L", "DAFIF; SOHR",
           "Any Russian presence, if there was one, predates the data's start date."),
    Period("palmyra-airport", "vacated", "2024-12-07", None, "L", "DAFIF; SOHR; Reuters 7 Dec 2024",
           "The Syrian Free Army took Palmyra about 7 Dec 2024; any Russian presence ended "
           "then at the latest. 'Vacated' means no Russian presence, not that one was "
           "confirmed."),
    # Kobani and the military police posts ------------------------------------------------
    Period("kobani", "active", DATA_START, "2024-12-09", "M", "Syrian Observer/TASS Aug 2024",
           _PRE),
    Period("kobani", "drawing_down", "2024-12-09", "2024-12-11", "M", _WAPO,
           "Russians left about 9–10 Dec 2024 (M)."),
    Period("kobani", "vacated", "2024-12-11", None, "M", _WAPO,
           "Vacated from the day after the reported departure (9–10 Dec 2024)."),
    Period("mp-manbij", "active", DATA_START, "2024-12-09", "M", _MP, _PRE),
    Period("mp-manbij", "drawing_down", "2024-12-09", "2024-12-11", "M",
           f"{_WAPO}; Shafaq News 9 Dec 2024",
           "Manbij and Kobani posts vacated 9–10 Dec 2024 (M); the SNA took Manbij on 9 Dec "
           "(H)."),
    Period("mp-manbij", "vacated", "2024-12-11", None, "M", _WAPO,
           "Vacated from the day after the reported departure (9–10 Dec 2024)."),
    *(p for key in ("mp-ain-issa", "mp-tell-tamr", "mp-sarrin") for p in (
        Period(key, "active", DATA_START, "2024-12-09", "M/L", _MP,
               f"{_PRE} Drawn active until the first northern posts (Manbij, Kobani) were "
               "vacated on 9–10 Dec 2024."),
        Period(key, "drawing_down", "2024-12-09", "2024-12-15", "M/L", f"{_MP}; ISW 13 Dec 2024",
               "The posts were all vacated in Dec 2024 (M/L); the day is not reported. Drawn "
               "as drawing down from 9 Dec, while convoys from eastern Syria were seen (ISW, "
               "13 Dec, H)."),
        Period(key, "vacated", "2024-12-15", None, "M/L", f"{_MP}; {_CTRL15}",
               f"Vacated in Dec 2024; {_S5_15DEC}."),
    )),
    # Qudsaya -----------------------------------------------------------------------------
    Period("qudsaya-hq", "active", DATA_START, "2024-12-13", "M", _FT, _PRE),
    Period("qudsaya-hq", "drawing_down", "2024-12-13", "2024-12-15", "L", f"{_FT}; ISW 13 Dec 2024",
           "At least 400 soldiers (4th Division HQ at Qudsaya plus embassy guards) were "
           "evacuated by a land convoy of about 100 vehicles to Hmeimim, then flown out; safe "
           "passage was arranged with HTS. The Financial Times reported it on 15 Dec 2024, "
           "quoting HTS official Kamal Lababidi, as having happened 'in recent days': single "
           "source, high that it was reported, low on the days. Drawn from 13 Dec, when ISW saw "
           "Russian convoys on the Damascus–Homs highway, which fits."),
    Period("qudsaya-hq", "vacated", "2024-12-15", None, "M", _FT,
           "Vacated by 15 Dec 2024, the day the Financial Times reported the evacuation."),
    # Latakia port (context) --------------------------------------------------------------
    Period("latakia-port", "uncertain", DATA_START, None, "M", "Maxar (reporting 9–10 Dec 2024)",
           "Not a Russian base: no Russian presence is reported here. The contract needs a "
           "status, so 'uncertain' is used; read it as 'context only'."),
)

#: Schematic outline along the northern breakwater, inside the OSM (2013) bounding box
#: lat 34.9087–34.9185, lon 35.8591–35.8794; four decimals, as the bbox.
_TARTUS_OUTLINE: tuple[LatLon, ...] = (
    (34.9185, 35.8794), (34.9120, 35.8591), (34.9087, 35.8600), (34.9125, 35.8780))
#: Schematic perimeter around both runways and the Russian area; three decimals (~100 m).
_KHMEIMIM_PERIMETER: tuple[LatLon, ...] = (
    (35.419, 35.940), (35.385, 35.943), (35.385, 35.955), (35.419, 35.953))

PARTS: tuple[Part, ...] = (
    Part("tartus", "outline", "outline", "Tartus naval facility (outline)",
         polygon(_TARTUS_OUTLINE, 4), "M", "OpenStreetMap (2013 outline, bounding box only)",
         None, "Schematic polygon along the northern breakwater, drawn inside the bounding box "
         "of the OpenStreetMap (2013) outline (lat 34.9087–34.9185, lon 35.8591–35.8794); not "
         "the surveyed outline."),
    Part("khmeimim", "perimeter", "perimeter", "Khmeimim air base (airfield perimeter)",
         polygon(_KHMEIMIM_PERIMETER, 3), "M", "navigation data; DAFIF", None,
         "Schematic perimeter drawn around both runways and the Russian area with a margin "
         "of a few hundred metres; not surveyed."),
    Part("khmeimim", "runway", "runway-17r-35l", "Khmeimim runway 17R/35L",
         line(((35.41513, 35.94736), (35.38814, 35.94931))), "M–L",
         f"navigation data; DAFIF; {_WIKI}", 300,
         "Approximate: stated 2,797 × 45 m, heading about 177° true, but these thresholds are "
         "3.0 km apart, so at least one is off by a few hundred metres (±100–300 m)."),
    Part("khmeimim", "runway", "runway-17l-35r", "Khmeimim runway 17L/35R",
         line(((35.41387, 35.94919), (35.39139, 35.95111))), "L", "navigation data", 300,
         "Approximate: some sources list only one runway; these thresholds are 2.5 km apart "
         "(±100–300 m)."),
)


def _installation(site: Site, period: Period, part: Part | None) -> dict[str, Any]:
    """One installations feature: a site's part during one status period."""
    part_id = part.part_id if part else "site"
    notes = [site.notes] if part is None else [part.notes]
    notes.append(period.notes)
    grade = confidence(period.rating)
    if part is not None:
        grade = weakest(grade, confidence(part.rating))
    props: dict[str, Any] = {
        "id": f"{site.site_id}-{part_id}-{period.valid_from}",
        "name": part.name if part else site.name,
        "other_names": site.other_names,
        "site_id": site.site_id,
        "part": part.part if part else "site",
        "part_id": part_id,
        "status": period.status,
        "site_type": site.site_type,
        "operator": site.operator,
        "valid_from": period.valid_from,
        "valid_to": period.valid_to,
        "source": period.source if part is None else f"{part.source}; {period.source}",
        "confidence": grade,
        "precision_m": site.precision_m if part is None else part.precision_m,
        "approximate": site.approximate if part is None else True,
        "notes": " ".join(n for n in notes if n),
    }
    geometry = point(site.at) if part is None else part.geometry
    return feature(props, geometry)


def installations() -> list[dict[str, Any]]:
    """Every site × part × status period, in table order (site, then time)."""
    features = []
    for site in SITES:
        periods = [p for p in PERIODS if p.site_id == site.site_id]
        parts: list[Part | None] = [None, *(p for p in PARTS if p.site_id == site.site_id)]
        for part in parts:
            features.extend(_installation(site, period, part) for period in periods)
    return features


# --------------------------------------------------------------------------------------------
# FACTS §3 and §4: routes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A convoy or airlift/sealift leg, drawn through named waypoints."""

    route_id: str
    leg: str
    name: str
    mode: str
    origin: str
    destination: str
    personnel: int | None
    path: tuple[LatLon, ...]
    valid_from: str
    valid_to: str
    source: str
    rating: str
    notes: str
    external: bool = False


def _via(*names: str) -> tuple[LatLon, ...]:
    """Waypoint coordinates from FACTS §3, by name (a typo fails loudly)."""
    return tuple(WAYPOINTS[n] for n in names)


_KHMEIMIM = SITE["khmeimim"].at
_TARTUS_BASE = SITE["tartus"].at
_QAMISHLI_AIRPORT = SITE["qamishli-airport"].at
_M1_TO_KHMEIMIM = ("Homs", "M1 west ≈34.70, 36.45", "Talkalakh junction",
                   "M1 west ≈34.77, 36.05", "Tartus south junction", "Tartus", "Baniyas",
                   "Coastal M1 inland ≈35.22, 35.975", "Jableh", "Khmeimim turn-off")
#: General knowledge, not in FACTS: only used to give an external leg its direction.
_MOSCOW: LatLon = (55.76, 37.62)
_AL_KHADIM: LatLon = (32.5, 20.7)
#: "About 13 km NW of Tartus" (FACTS §4, 9 Dec 2024), measured from the naval facility.
ANCHORAGE: LatLon = offset(_TARTUS_BASE, 315.0, 13.0, 2)
#: Sparta II's waiting position is not reported: a schematic point 15 km west at sea.
_OFFSHORE_WEST: LatLon = offset(_TARTUS_BASE, 270.0, 15.0, 2)
_STRAIGHT = "Straight segments between waypoints, not road geometry."

ROUTES: tuple[Route, ...] = (
    Route("damascus-evacuation", "road", "Damascus-area evacuation convoy to Khmeimim", "road",
          "Qudsaya (Syrian 4th Division HQ)", "Khmeimim air base", 400,
          (SITE["qudsaya-hq"].at, *_via("Harasta", "Qutayfah", "Nabk", "Qara", "Hisyah",
                                        "Homs east bypass", *_M1_TO_KHMEIMIM), _KHMEIMIM),
          "2024-12-13", "2024-12-15", f"{_FT}; ISW 13 Dec 2024", "L",
          "At least 400 soldiers (4th Division HQ at Qudsaya plus embassy guards) left the "
          "Damascus area in a land convoy of about 100 vehicles to Hmeimim and were flown out; "
          "safe passage was arranged with HTS. The Financial Times reported it on 15 Dec 2024 "
          "as having happened 'in recent days' (single source): the days are not known, so the "
          "line is drawn on 13–14 Dec, when ISW saw Russian convoys on the Damascus–Homs "
          "highway (which fits), and its confidence is low. The FT says only that the convoy "
          "went by land: the road is inferred — M5 north by Harasta, Qutayfah, Nabk, Qara and "
          "Hisyah, the Homs east bypass, the M1 west to Tartus, the coastal M1 by Baniyas and "
          f"Jableh. The embassy guards started in Damascus itself. {_STRAIGHT}"),
    Route("northeast-withdrawal", "road", "North-east posts withdrawal convoy (inferred)", "road",
          "Tell Tamr and Ain Issa military police posts", "Khmeimim air base", None,
          (*_via("Tell Tamr", "Ain Issa", "Qarah Qawzak bridge", "Manbij", "Aleppo", "Zirba",
                 "Saraqib", "Maarat al-Numan", "Khan Shaykhun", "Suran", "Hama east", "Rastan",
                 "Talbiseh", "Homs east bypass", *_M1_TO_KHMEIMIM), _KHMEIMIM),
          "2024-12-13", "2024-12-15", f"ISW 13 Dec 2024; {_MP}", "L",
          "ISW saw convoys 'from eastern Syria' on 13 Dec 2024 (H) and the north-eastern posts "
          "were vacated in Dec 2024 (M/L), but the road taken is not reported. Drawn along the "
          "old Russian patrol axis (M4 east: Tell Tamr, Ain Issa, Qarah Qawzak bridge, Manbij) "
          "to Aleppo, then the M5 south by Hama and Homs and the M1 to the coast — an "
          "inference. By 13 Dec Manbij, Aleppo, Hama and Homs were held by the SNA or "
          "HTS-led forces, so passage would have needed arranging (not reported). Qamishli is "
          f"not the origin: its garrison stayed until Jan 2026. {_STRAIGHT}"),
    Route("t4-withdrawal", "road", "T-4 detachment withdrawal to Khmeimim (inferred)", "road",
          "Tiyas (T-4)", "Khmeimim air base", None,
          (SITE["tiyas-t4"].at, *_via(*_M1_TO_KHMEIMIM), _KHMEIMIM),
          "2024-12-15", "2024-12-16", _T4, "L",
          "Russians reported leaving T-4 for Khmeimim about 15 Dec 2024 (low: no dated report "
          "found). Mode and road are not reported; drawn as a road move. T-4 to Homs is one "
          f"straight segment (no waypoints for that road), then the M1 west and the coastal "
          f"M1. {_STRAIGHT}"),
    Route("khmeimim-airlift", "russia", "Airlift from Khmeimim toward Russia", "air",
          "Khmeimim air base", "Russia (direction only)", None,
          (_KHMEIMIM, frame_exit(_KHMEIMIM, _MOSCOW)), "2024-12-10", "2024-12-17",
          f"{_HUR}; Maxar via Reuters/The War Zone 13 Dec 2024; {_FT}", "M",
          "Withdrawal flights by An-124 and Il-76 from Khmeimim reported from 10 Dec 2024 (M, "
          "one party's claim); two An-124s with noses open seen 13 Dec (H); the Damascus-area "
          "troops were flown out (reported 15 Dec; single source). Neither destinations nor "
          "the air corridor are reported: the line only points toward Moscow (great-circle "
          "direction; Moscow's position is general knowledge) and is cut just beyond the map's "
          "northern edge.", external=True),
    Route("khmeimim-airlift", "inbound-dec-2024", "Transport aircraft arrive at Khmeimim", "air",
          "Russia (direction only)", "Khmeimim air base", None,
          (frame_exit(_KHMEIMIM, _MOSCOW), _KHMEIMIM), "2024-12-07", "2024-12-09",
          "Turan 8 Dec 2024", "L",
          "Transport aircraft arrive at Khmeimim on 7–8 Dec 2024 and air-defence systems are "
          "reportedly moved (L–M). Neither the aircraft's origin nor the corridor is reported: "
          "the line only comes from the direction of Moscow (great-circle direction; general "
          "knowledge) and starts just beyond the map's northern edge.", external=True),
    Route("khmeimim-airlift", "libya", "Cargo flight from Khmeimim to Libya", "air",
          "Khmeimim air base", "Libya (direction only)", None,
          (_KHMEIMIM, frame_exit(_KHMEIMIM, _AL_KHADIM)), "2024-12-14", "2024-12-15",
          "Reuters 14 Dec 2024", "M",
          "Cargo flight from Khmeimim to Libya on 14 Dec 2024 (M). The Libyan airfield is not "
          "reported: the line points toward al-Khadim air base near Benghazi (about 32.5 N, "
          "20.7 E; general knowledge) and is cut just beyond the map's western edge.",
          external=True),
    Route("libya-equipment", "dec-2024", "Air-defence equipment moved to eastern Libya", "air",
          "Syria (Khmeimim assumed)", "Haftar's bases in eastern Libya (direction only)", None,
          (_KHMEIMIM, frame_exit(_KHMEIMIM, _AL_KHADIM)), "2024-12-01", "2025-01-01", _WSJ, "L",
          "In Dec 2024 air-defence radars (S-400/S-300) and other equipment were moved from "
          "Syria to Haftar's bases in eastern Libya, al-Khadim and al-Jufra (WSJ, M). The month "
          "only is reported, so the line covers all of December; the mode, the Syrian end "
          "(drawn at Khmeimim) and the path are assumptions, hence low confidence. It points "
          "toward al-Khadim and is cut just beyond the map's western edge.", external=True),
    Route("qamishli-airlift", "dec-2024", "Two Il-76s leave Qamishli", "air",
          "Qamishli airport", "Khmeimim air base (assumed)", None,
          (_QAMISHLI_AIRPORT, _KHMEIMIM), "2024-12-16", "2024-12-17",
          "Wikipedia: Qamishli Airport (secondary)", "L",
          "Two Il-76s left Qamishli on 16 Dec 2024 (M). No destination is reported: drawn to "
          "Khmeimim, the Russian hub, as an assumption, hence low confidence. Straight line, "
          "not a flight path."),
    Route("qamishli-withdrawal", "jan-2026", "Russians leave Qamishli airport for Hmeimim", "air",
          "Qamishli airport", "Khmeimim air base", None, (_QAMISHLI_AIRPORT, _KHMEIMIM),
          "2026-01-20", "2026-01-28", _QAMISHLI_OUT, "M",
          "Russians left Qamishli airport for Hmeimim about 20–27 Jan 2026 (high that it "
          "happened; medium on the start day, which no report puts on 15 Jan). How they "
          "travelled is not reported: drawn as a straight air leg, an assumption."),
    Route("tartus-sealift", "anchorage", "Warships leave the Tartus piers for an offshore "
          "anchorage", "sea", "Tartus naval facility", "Anchorage about 13 km NW of Tartus", None,
          (_TARTUS_BASE, ANCHORAGE), "2024-12-06", "2024-12-10",
          f"{_BLACKSKY}; Planet Labs via Reuters 9 Dec 2024; Maxar 10 Dec 2024", "H",
          "The warships left the Tartus piers between 6 and 9 Dec 2024: in port on 5 Dec, gone "
          "on 10 Dec (H; earlier reports of departures on 1–5 Dec are wrong). On 9 Dec a "
          "satellite image showed two frigates and an oiler anchored about 13 km NW of Tartus "
          "(H). The anchorage end is 13 km from the naval facility on azimuth 315°, rounded "
          "to 0.01°: 'about 13 km NW' is all that is reported."),
    Route("tartus-sealift", "sparta-ii", "Sparta II enters Tartus", "sea",
          "Offshore (waiting position not reported)", "Tartus naval facility", None,
          (_OFFSHORE_WEST, _TARTUS_BASE), "2025-01-21", "2025-01-22",
          "VesselTracker (reporting 21 Jan 2025); Orda.kz (reporting 21 Jan 2025)", "M",
          "The ship Sparta II entered Tartus on 21 Jan 2025 after waiting offshore since 5 Jan "
          "(M). The waiting position is not reported: the origin is a schematic point 15 km "
          "west of the facility."),
)


def routes() -> list[dict[str, Any]]:
    """The route legs as LineStrings, in table order."""
    features = []
    for r in ROUTES:
        props = {
            "id": f"{r.route_id}-{r.leg}", "name": r.name, "route_id": r.route_id,
            "mode": r.mode, "origin": r.origin, "destination": r.destination,
            "personnel": r.personnel, "valid_from": r.valid_from, "valid_to": r.valid_to,
            "source": r.source, "confidence": confidence(r.rating), "approximate": True,
            "external": r.external, "notes": r.notes,
        }
        features.append(feature(props, line(r.path)))
    return features


# --------------------------------------------------------------------------------------------
# FACTS §4: the timeline as events
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """Where one event point goes: a place or site key and the headline shown there.

    ``stand_in`` says the point is not where it happened (talks in Moscow, a sinking off
    Spain); ``placed`` explains the choice. A stand-in gets no ``precision_m``: the radius
    of the town would falsely suggest the event happened within it.
    """

    key: str
    headline: str
    stand_in: bool = False
    placed: str = ""


@dataclass(frozen=True)
class Item:
    """One dated item of FACTS §4, with the place(s) it concerns."""

    item_id: str
    category: str
    date: str
    rating: str
    source: str
    sentence: str
    spots: tuple[Spot, ...]
    rating_note: str = ""


_MOSCOW_NOTE = "held in Moscow; placed at Damascus, the other party's capital"
_TISHRIN = ("Tishrin Dam has no coordinate in the research; placed at Manbij, the nearest "
            "gazetteer town (the dam is on the Euphrates south-east of it, general knowledge)")
_TALKS = "Statement made in Moscow; placed at Damascus, the other party's capital"
_OFFENSIVES = "Wikipedia: 2024 Syrian opposition offensives (secondary)"
_NE_OFFENSIVE = "Wikipedia: 2026 northeastern Syria offensive (secondary)"
_SECONDARY = "Secondary reference only (an encyclopedia summary): medium at best."

EVENTS: tuple[Item, ...] = (
    # Control -------------------------------------------------------------------------------
    Item("2024-11-27-offensive", "control", "27 Nov 2024", "H",
         f"Reuters 27 Nov 2024; {_OFFENSIVES}",
         'HTS-led Military Operations Command (MOC) launches "Deterrence of Aggression" in the '
         "western Aleppo countryside.",
         (Spot("aleppo", "MOC launches 'Deterrence of Aggression'", True,
               "The offensive began in the western Aleppo countryside, which has no "
               "coordinate in the research; placed at Aleppo"),)),
    Item("2024-11-28-m5-cut", "control", "28 Nov 2024", "M", _OFFENSIVES,
         "MOC takes Dadikh, Kafr Batikh, Kafr Basin, Arnaz, Zirba; cuts the M5.",
         (Spot("zirba", "MOC takes Zirba and cuts the M5"),), _SECONDARY),
    Item("2024-11-29-aleppo", "control", "29 Nov 2024", "H/M", _OFFENSIVES,
         "MOC enters Aleppo; SDF expands inside the city; southern factions start operations "
         "in Daraa.",
         (Spot("aleppo", "MOC enters Aleppo; SDF expands in the city"),
          Spot("daraa", "Southern factions start operations in Daraa")), _SECONDARY),
    Item("2024-11-30-idlib", "control", "30 Nov 2024", "H",
         f"Anadolu (anews) 30 Nov 2024; {_OFFENSIVES}",
         "Most of Aleppo and its airport fall; Saraqib, Abu al-Duhur airbase, Maarat al-Numan, "
         'Khan Shaykhun and Morek taken — all of Idlib governorate held. SNA launches "Dawn of '
         'Freedom", takes Tadef.',
         (Spot("aleppo", "Most of Aleppo and its airport fall"),
          Spot("saraqib", "MOC takes Saraqib"),
          Spot("maarat-al-numan", "MOC takes Maarat al-Numan"),
          Spot("khan-shaykhun", "MOC takes Khan Shaykhun"),
          Spot("al-bab", "SNA launches 'Dawn of Freedom', takes Tadef", True,
               "Tadef has no coordinate in the research; placed at al-Bab, which it adjoins "
               "(general knowledge)"))),
    Item("2024-12-01-sna", "control", "1 Dec 2024", "H",
         "TRT World 1 Dec 2024; Anadolu (anews) 1 Dec 2024",
         "SNA takes al-Safira, Khanasir, Kuweires and Tell Rifaat.",
         (Spot("site:kuweires", "SNA takes Kuweires air base"),
          Spot("tell-rifaat", "SNA takes Tell Rifaat"))),
    Item("2024-12-05-hama", "control", "5 Dec 2024", "H", "Reuters 5 Dec 2024", "Hama falls.",
         (Spot("hama", "Hama falls"),)),
    Item("2024-12-06-rastan", "control", "6 Dec 2024", "H", "TRT World 6 Dec 2024",
         "Rastan and Talbiseh taken.", (Spot("rastan", "Rastan and Talbiseh taken"),)),
    Item("2024-12-06-euphrates", "control", "6 Dec 2024", "M", "Kurdpress 6 Dec 2024",
         "The army withdraws from Deir ez-Zor city, Mayadin and Albu Kamal and the SDF moves "
         "in.",
         (Spot("deir-ez-zor", "Army leaves Deir ez-Zor, Mayadin, Albu Kamal; SDF moves in"),)),
    Item("2024-12-06-tanf", "control", "6 Dec 2024", "L", "Reuters 7 Dec 2024",
         "The Syrian Free Army (SFA) is reported pushing out from al-Tanf in the same days.",
         (Spot("al-tanf", "SFA pushes out from al-Tanf"),),
         "No dated report of the push was found; the day is a guess (low). Reuters 7 Dec "
         "reports the SFA taking Palmyra."),
    Item("2024-12-07-south", "control", "7 Dec 2024", "H/M",
         "Shafaq News 7 Dec 2024; Reuters 7 Dec 2024",
         "Daraa city, over 90% of Daraa governorate and the Nasib crossing taken by southern "
         "factions (Shafaq News); Suwayda taken by local Druze factions; SFA takes Palmyra; "
         "SDF takes Qamishli airport (Reuters).",
         (Spot("daraa", "Southern factions take Daraa and the Nasib crossing"),
          Spot("suwayda", "Druze factions take Suwayda"),
          Spot("palmyra", "SFA takes Palmyra"),
          Spot("site:qamishli-airport", "SDF takes Qamishli airport"))),
    Item("2024-12-07-homs", "control", "7–8 Dec 2024", "H", "Reuters 8 Dec 2024", "Homs falls.",
         (Spot("homs", "Homs falls"),)),
    Item("2024-12-08-damascus", "control", "8 Dec 2024", "H",
         "Sputnik 16 Dec 2024 (Assad's statement); IRNA (reporting 8 Dec 2024); IFP News "
         "(reporting 8 Dec 2024)",
         "Damascus falls; Assad reaches Khmeimim in the morning and is flown to Moscow that "
         "evening (his own statement of 16 Dec, via Sputnik); Israel takes the buffer zone and "
         "the Syrian side of Mount Hermon (IRNA; IFP News).",
         (Spot("damascus", "Damascus falls"),
          Spot("site:khmeimim", "Assad reaches Khmeimim, flown to Moscow"))),
    Item("2024-12-08-coast", "control", "8 Dec 2024", "M", "TASS 9 Dec 2024",
         "The opposition controls Latakia province, Tartus and Jableh from 8 Dec, avoiding "
         "Russian troops.",
         (Spot("latakia", "Opposition controls Latakia"),
          Spot("jableh", "Opposition controls Jableh"),
          Spot("tartus", "Opposition controls Tartus")),
         "Reported by TASS on 9 Dec (M–H): the coast is no longer Assad's from 8 Dec."),
    Item("2024-12-08-manbij", "control", "8 Dec 2024", "H", "Hürriyet Daily News 8 Dec 2024",
         "The SNA holds about 80% of Manbij.", (Spot("manbij", "SNA holds about 80% of Manbij"),)),
    Item("2024-12-09-manbij", "control", "9 Dec 2024", "H",
         "Shafaq News 9 Dec 2024; Wikipedia: Manbij offensive (2024) (secondary)",
         "SNA takes Manbij.", (Spot("manbij", "SNA takes Manbij"),)),
    Item("2024-12-10-bashir", "control", "10 Dec 2024", "H", "Reuters 10 Dec 2024",
         "Mohammed al-Bashir becomes interim prime minister.",
         (Spot("damascus", "Mohammed al-Bashir interim prime minister"),)),
    Item("2024-12-11-deir-ez-zor", "control", "11 Dec 2024", "H", "Vestnik Kavkaza 11 Dec 2024",
         "MOC takes Deir ez-Zor city (west bank) from the SDF.",
         (Spot("deir-ez-zor", "MOC takes Deir ez-Zor city from the SDF"),)),
    Item("2024-12-20-mayadin", "control", "about 20 Dec 2024", "M",
         "TRT World (reporting about 20 Dec 2024)",
         "Albu Kamal and Mayadin return from the SDF to the new authorities by about 20 Dec.",
         (Spot("mayadin", "Mayadin back with the new authorities"),
          Spot("albu-kamal", "Albu Kamal back with the new authorities"))),
    Item("2024-12-23-tishrin", "control", "23 Dec 2024 – Apr 2025", "M",
         "Reuters (reporting 23 Dec 2024 – Apr 2025)",
         "SDF and SNA fight around Tishrin Dam.",
         (Spot("manbij", "SDF and SNA fight around Tishrin Dam", True, _TISHRIN),)),
    Item("2025-01-29-sharaa", "control", "29 Jan 2025", "H", "Reuters 29 Jan 2025",
         "HTS and the armed factions announce their dissolution into the new state; Ahmed "
         "al-Sharaa named transitional president.",
         (Spot("damascus", "Factions dissolve; al-Sharaa transitional president"),)),
    Item("2025-03-06-coast", "control", "6–10 Mar 2025", "H",
         "Reuters (reporting 6–10 Mar 2025); AP (reporting 6–10 Mar 2025)",
         "Insurgency on the coast and mass killings of Alawites.",
         (Spot("jableh", "Coastal insurgency; mass killings of Alawites", True,
               "Reported 'on the coast'; placed at Jableh, midway between Latakia and "
               "Baniyas"),)),
    Item("2025-03-10-sdf-deal", "control", "10 Mar 2025", "H", "Reuters 10 Mar 2025",
         "SDF–Damascus integration agreement.",
         (Spot("damascus", "SDF–Damascus integration agreement"),)),
    Item("2025-04-12-tishrin", "control", "12 Apr 2025", "M",
         "SANA 12 Apr 2025; Middle East Eye 12 Apr 2025",
         "Government forces enter Tishrin Dam under the deal: a joint force, the dam left "
         "under Kurdish civil administration (shared control).",
         (Spot("manbij", "Joint force enters Tishrin Dam (shared control)", True, _TISHRIN),)),
    Item("2025-07-13-suwayda", "control", "13–19 Jul 2025", "M/H",
         "TRT World (reporting 13–19 Jul 2025); New Indian Express 17 Jul 2025",
         "Fighting in Suwayda; government forces withdraw 16–17 Jul; Druze factions hold "
         "security.",
         (Spot("suwayda", "Fighting in Suwayda; government forces withdraw"),)),
    Item("2026-01-06-sheikh-maqsoud", "control", "6–10 Jan 2026", "H",
         "Hürriyet Daily News (reporting 6–10 Jan 2026); Al-Ahed News (reporting 6–10 Jan 2026)",
         "Government takes Sheikh Maqsoud in Aleppo.",
         (Spot("aleppo", "Government takes Sheikh Maqsoud", False,
               "Sheikh Maqsoud is a district of Aleppo; placed at the city point"),)),
    Item("2026-01-16-deir-hafer", "control", "16–17 Jan 2026", "H",
         "Enab Baladi/Etana brief 17 Jan 2026",
         "After an order on 16 Jan, the government takes Deir Hafer and Maskanah within a day.",
         (Spot("site:kuweires", "Government takes Deir Hafer and Maskanah", True,
               "Deir Hafer and Maskanah have no coordinate in the research; placed at "
               "Kuweires air base, the nearest point of the data (Deir Hafer is about 11 km "
               "east of it, general knowledge)"),)),
    Item("2026-01-18-tabqa-raqqa", "control", "18 Jan 2026", "H",
         f"SANA 18 Jan 2026; AFP via Taipei Times 18 Jan 2026; MEED (reporting 18 Jan 2026); "
         f"{_NE_OFFENSIVE}",
         "The army controls Tabqa and enters Raqqa city.",
         (Spot("tabqa", "Army controls Tabqa"), Spot("raqqa", "Army enters Raqqa city"))),
    Item("2026-01-18-east-bank", "control", "18–20 Jan 2026", "M", _NE_OFFENSIVE,
         "The Deir ez-Zor east bank taken; ceasefires 18 and 20 Jan; under the 20 Jan "
         "ceasefire the army does not enter Hasakah or Qamishli.",
         (Spot("deir-ez-zor", "Government takes the Deir ez-Zor east bank"),), _SECONDARY),
    Item("2026-01-30-sdf-agreement", "control", "30 Jan 2026", "M", "Shafaq News 30 Jan 2026",
         "Comprehensive government–SDF agreement: Interior Ministry forces deploy into Hasakah "
         "and Qamishli, Qamishli airport run jointly (shared control; implementation gradual).",
         (Spot("hasakah", "Interior Ministry forces deploy into Hasakah (shared)"),
          Spot("qamishli", "Interior Ministry forces deploy into Qamishli (shared)"))),
    Item("2026-02-11-tanf", "control", "11–12 Feb 2026", "H",
         "Reuters 12 Feb 2026; Devdiscourse 12 Feb 2026",
         "The US hands al-Tanf to the government.",
         (Spot("al-tanf", "US hands al-Tanf to the government"),)),
    # Russian forces ------------------------------------------------------------------------
    Item("2024-11-29-airstrikes", "russian_forces", "29–30 Nov 2024", "H",
         "RBC-Ukraine (reporting 29–30 Nov 2024); Reuters (reporting 29–30 Nov 2024)",
         "First Russian/Syrian airstrikes on Aleppo since 2016.",
         (Spot("aleppo", "First Russian/Syrian airstrikes on Aleppo since 2016"),)),
    Item("2024-12-06-warships", "russian_forces", "6–9 Dec 2024", "H",
         f"{_BLACKSKY}; Maxar 10 Dec 2024",
         "The warships leave the Tartus piers between 6 and 9 Dec: BlackSky imagery (via "
         "Reuters) shows all six Russian vessels still at the base on 5 Dec; Maxar shows them "
         "in port on 5 Dec and gone on 10 Dec.",
         (Spot("site:tartus", "Warships leave the Tartus piers"),),
         "Earlier reports of departures on 1–5 Dec are wrong."),
    Item("2024-12-07-transports", "russian_forces", "7–8 Dec 2024", "L–M", "Turan 8 Dec 2024",
         "Transport aircraft arrive at Khmeimim; air-defence systems reportedly moved.",
         (Spot("site:khmeimim", "Transport aircraft arrive at Khmeimim"),)),
    Item("2024-12-09-anchorage", "russian_forces", "9 Dec 2024", "H",
         "Planet Labs via Reuters 9 Dec 2024",
         "Satellite image shows two frigates and an oiler anchored about 13 km NW of Tartus.",
         (Spot("anchorage", "Frigates and oiler anchored off Tartus", False,
               "Placed 13 km NW of the naval facility (azimuth 315°), rounded to 0.01°; the "
               "3 km radius is a judgment of what 'about 13 km NW' allows"),)),
    Item("2024-12-09-posts", "russian_forces", "9–10 Dec 2024", "M", _WAPO,
         "Manbij and Kobani posts vacated.",
         (Spot("site:mp-manbij", "Russians vacate the Manbij post"),
          Spot("site:kobani", "Russians vacate the Kobani base"))),
    Item("2024-12-10-hur", "russian_forces", "10 Dec 2024", "M", _HUR,
         "Ukrainian military intelligence says withdrawal has begun: An-124/Il-76 flights from "
         "Khmeimim; landing ships sent.",
         (Spot("site:khmeimim", "Kyiv: Russian withdrawal under way from Khmeimim"),),
         "One party's claim."),
    Item("2024-12-13-maxar", "russian_forces", "13 Dec 2024", "H",
         "Maxar via Reuters/The War Zone 13 Dec 2024; ISW 13 Dec 2024",
         "Maxar images at Khmeimim: two An-124s with noses open, a Ka-52 being dismantled, "
         "S-400 being packed (Maxar via Reuters/The War Zone); convoys on the Damascus–Homs "
         "highway and from eastern Syria (ISW).",
         (Spot("site:khmeimim", "Maxar: An-124s loading, S-400 packed at Khmeimim"),
          Spot("nabk", "Russian convoys on the Damascus–Homs highway", True,
               "The convoys' position is not reported; placed at Nabk, on the Damascus–Homs "
               "highway (M5) about midway"))),
    Item("2024-12-14-tartus-guards", "russian_forces", "14 Dec 2024", "M", "The Times 14 Dec 2024",
         "HTS guards at the Tartus gates, reported by The Times; not seen by Maxar.",
         (Spot("site:tartus", "HTS guards at the Tartus gates (The Times)"),),
         "Reported only by The Times; Maxar's images do not show it."),
    Item("2024-12-14-libya", "russian_forces", "14 Dec 2024", "M", "Reuters 14 Dec 2024",
         "Cargo flight from Khmeimim to Libya.",
         (Spot("site:khmeimim", "Cargo flight from Khmeimim to Libya"),)),
    Item("2024-12-libya-equipment", "russian_forces", "Dec 2024", "M", _WSJ,
         "Air-defence radars (S-400/S-300) and other equipment moved from Syria to Haftar's "
         "bases in eastern Libya (al-Khadim, al-Jufra).",
         (Spot("site:khmeimim", "Air-defence equipment moved to eastern Libya", True,
               "The move's Syrian origin is not reported; placed at Khmeimim, the hub of the "
               "air link to Libya"),),
         "Month only: shown for the whole of December 2024."),
    Item("2024-12-15-t4", "russian_forces", "about 15 Dec 2024", "L", _T4,
         "Russians reported leaving T-4 for Khmeimim.",
         (Spot("site:tiyas-t4", "Russians leave T-4 for Khmeimim"),),
         "No dated report was found: low."),
    Item("2024-12-15-qudsaya", "russian_forces", "reported 15 Dec 2024", "M", _FT,
         "Before 15 Dec, at least 400 soldiers evacuated from the Damascus area (4th Division "
         "HQ at Qudsaya plus embassy guards) by a land convoy of about 100 vehicles to Hmeimim, "
         "then flown out; safe passage arranged with HTS. The FT says it happened 'in recent "
         "days'.",
         (Spot("site:qudsaya-hq", "About 400 Russian soldiers evacuated from Qudsaya"),),
         "Single source: high that it was reported, low on the days, which are not known "
         "(the Damascus–Homs convoys ISW saw about 13 Dec fit). Shown on the day of the report."),
    Item("2024-12-16-qamishli", "russian_forces", "16 Dec 2024", "M",
         "Wikipedia: Qamishli Airport (secondary)", "Two Il-76s leave Qamishli.",
         (Spot("site:qamishli-airport", "Two Il-76s leave Qamishli"),)),
    Item("2024-12-24-ursa-major", "russian_forces", "24 Dec 2024", "M",
         "Reuters (reporting 24 Dec 2024)",
         "Cargo ship Ursa Major sinks off Spain. Its link to the Syrian evacuation is an "
         "open-source inference; Russia's foreign ministry gave Vladivostok as its destination.",
         (Spot("site:tartus", "Ursa Major sinks off Spain", True,
               "Happened off Spain, far outside the map; placed at the Tartus naval facility "
               "as a stand-in for the evacuation it may be linked to"),),
         "The sinking is high confidence; the link to Syria is medium."),
    Item("2025-01-early-ships-refused", "russian_forces", "early Jan 2025", "M",
         "The War Zone (reporting early Jan 2025); Reuters (reporting early Jan 2025)",
         "Syria refuses Russian ships entry for about two weeks; the landing ships Ivan Gren "
         "and Alexander Otrakovsky and the frigate Admiral Golovko wait offshore.",
         (Spot("site:tartus", "Syria keeps Russian ships out of Tartus", True,
               "The ships waited offshore at positions not reported; placed at the naval "
               "facility"),),
         "'Early January' is drawn as 1–15 Jan 2025."),
    Item("2025-01-21-sparta-ii", "russian_forces", "21 Jan 2025", "M",
         "VesselTracker (reporting 21 Jan 2025); Orda.kz (reporting 21 Jan 2025)",
         "The ship Sparta II enters Tartus after waiting offshore since 5 Jan.",
         (Spot("site:tartus", "Sparta II enters Tartus"),)),
    Item("2025-01-25-sparta-loading", "russian_forces", "25–27 Jan 2025", "M",
         "The War Zone (reporting 25–27 Jan 2025)",
         "Sparta and Sparta II loading at Tartus (Maxar/Planet imagery via The War Zone); the "
         "Tartus drawdown goes on at least until then.",
         (Spot("site:tartus", "Sparta and Sparta II loading at Tartus"),)),
    Item("2025-03-07-civilians", "russian_forces", "7–13 Mar 2025", "M",
         "Caliber.az (reporting 7–13 Mar 2025); Jerusalem Post (reporting 7–13 Mar 2025)",
         "About 9,000 civilians shelter at Hmeimim.",
         (Spot("site:khmeimim", "About 9,000 civilians shelter at Hmeimim"),),
         "Russia's foreign ministry (Zakharova): one party's figure."),
    Item("2025-05-20-attack", "russian_forces", "20 May 2025", "M",
         "AP via Devdiscourse (reporting 20 May 2025)", "Attack on Hmeimim, 2 killed.",
         (Spot("site:khmeimim", "Attack on Hmeimim, 2 killed"),)),
    Item("2025-08-qamishli-patrols", "russian_forces", "Aug 2025", "M",
         "Kommersant via Syrian Observer (reporting Aug 2025)",
         "Russian patrols near Qamishli resume and reinforcements are sent to Qamishli; "
         "Damascus asks Russia to resume military-police patrols in the south (Quneitra) as a "
         "check on Israel.",
         (Spot("qamishli", "Russian patrols near Qamishli resume"),
          Spot("damascus", "Damascus asks for Russian patrols in the south", True,
               "A request by the government; placed at Damascus (Quneitra has no coordinate "
               "in the research)")),
         "Month only: shown for the whole of August 2025."),
    Item("2026-01-20-qamishli", "russian_forces", "about 20–27 Jan 2026", "M", _QAMISHLI_OUT,
         "Russians leave Qamishli airport for Hmeimim: Reuters (late Jan) says the pull-out "
         "'began last week', Shafaq News reports it on 23 Jan, Rudaw (30 Jan) says it "
         "culminated on the 22nd, and AFP saw the last plane leave on 27 Jan.",
         (Spot("site:qamishli-airport", "Russians leave Qamishli airport for Hmeimim"),),
         "High that it happened, medium on the start day (no report supports 15 Jan)."),
    # Basing talks --------------------------------------------------------------------------
    Item("2024-12-09-peskov", "basing_talks", "9 Dec 2024", "H", "Business Standard 9 Dec 2024",
         'Kremlin spokesman Peskov: it is "premature" to talk about the bases; Moscow is trying '
         "to get in touch with the new authorities.",
         (Spot("damascus", "Peskov: 'premature' to talk about the bases", True, _TALKS),)),
    Item("2024-12-11-peskov", "basing_talks", "11 Dec 2024", "H", "India TV 11 Dec 2024",
         'Peskov: "we maintain contacts" with HTS.',
         (Spot("damascus", "Peskov: 'we maintain contacts' with HTS", True, _TALKS),)),
    Item("2024-12-12-bogdanov", "basing_talks", "12–13 Dec 2024", "H",
         "Interfax (reporting 12–13 Dec 2024); Sputnik 12 Dec 2024",
         "Deputy Foreign Minister Bogdanov: direct contact with the HTS political committee, "
         'the talks "constructive"; the bases "are still there".',
         (Spot("damascus", "Bogdanov: talks 'constructive'; bases 'still there'", True,
               _TALKS),)),
    Item("2024-12-16-kremlin", "basing_talks", "16 Dec 2024", "M", "Sputnik 16 Dec 2024",
         "The Kremlin says no final decisions on the bases have been taken.",
         (Spot("damascus", "Kremlin: no final decision on the bases", True, _TALKS),)),
    Item("2024-12-19-putin", "basing_talks", "19 Dec 2024", "H", "TASS 19 Dec 2024",
         "Putin offers the bases for humanitarian deliveries (annual press conference).",
         (Spot("damascus", "Putin offers the bases for humanitarian deliveries", True,
               _TALKS),)),
    Item("2025-01-20-stroytransgaz", "basing_talks", "20–24 Jan 2025", "H",
         "Al-Watan via Reuters 24 Jan 2025; Kyiv Independent 21 Jan 2025",
         "The 2019 Stroytransgaz 49-year Tartus commercial-port contract is annulled; the "
         "naval facility is not covered.",
         (Spot("tartus", "Stroytransgaz Tartus port contract annulled", False,
               "Placed at Tartus town: the commercial port is separate from the Russian naval "
               "facility"),)),
    Item("2025-01-28-bogdanov", "basing_talks", "28–29 Jan 2025", "H",
         "TASS (reporting 28–29 Jan 2025)", "Bogdanov in Damascus meets al-Sharaa.",
         (Spot("damascus", "Bogdanov meets al-Sharaa in Damascus"),)),
    Item("2025-02-06-abu-qasra", "basing_talks", "6 Feb 2025", "H", "Washington Post 6 Feb 2025",
         'Defence Minister Abu Qasra: the bases can stay "if Syria benefits".',
         (Spot("damascus", "Abu Qasra: bases can stay 'if Syria benefits'"),)),
    Item("2025-02-12-call", "basing_talks", "12 Feb 2025", "H",
         "Hürriyet Daily News (reporting 12 Feb 2025); Kremlin readout 12 Feb 2025",
         "First Putin–Sharaa phone call.",
         (Spot("damascus", "First Putin–Sharaa phone call", True,
               "A phone call; placed at Damascus"),)),
    Item("2025-07-31-moscow", "basing_talks", "31 Jul 2025", "H",
         "TRT (reporting 31 Jul 2025); Sputnik 31 Jul 2025",
         "Foreign Minister Shaibani and Defence Minister Abu Qasra in Moscow; Abu Qasra meets "
         "Defence Minister Belousov; committees to review all Assad-era agreements.",
         (Spot("damascus", "Shaibani and Abu Qasra in Moscow; Abu Qasra meets Belousov", True,
               f"Visit {_MOSCOW_NOTE}"),)),
    Item("2025-09-09-novak", "basing_talks", "9 Sep 2025", "H", "RIA Novosti 9 Sep 2025",
         "Deputy PM Novak leads a delegation to Damascus (with Yevkurov).",
         (Spot("damascus", "Novak and Yevkurov lead a delegation to Damascus"),)),
    Item("2025-10-13-kremlin", "basing_talks", "13–15 Oct 2025", "H",
         "TASS 13 Oct 2025; TASS 15 Oct 2025; Reuters 15 Oct 2025; Dawn (reporting 15 Oct 2025)",
         "Lavrov says Damascus wants the bases to stay, possibly repurposed; Sharaa meets Putin "
         "in the Kremlin and pledges to respect all past agreements.",
         (Spot("damascus", "Sharaa meets Putin, pledges to respect past agreements", True,
               f"Meeting {_MOSCOW_NOTE}"),)),
    Item("2025-10-28-belousov", "basing_talks", "28 Oct 2025", "M", "TASS 28 Oct 2025",
         "Defence ministers Abu Qasra and Belousov meet again.",
         (Spot("damascus", "Abu Qasra and Belousov meet again", True,
               f"Meeting {_MOSCOW_NOTE}"),)),
    Item("2026-01-28-sharaa", "basing_talks", "28 Jan 2026", "H", "TASS 28 Jan 2026",
         "Sharaa's second Moscow visit; the delegation's counterparts include Belousov, GRU "
         "chief Kostyukov and Deputy Defence Minister Yevkurov, so military matters were on the "
         "table though the bases were not addressed in public.",
         (Spot("damascus", "Sharaa's second Moscow visit; defence chiefs at the table", True,
               f"Visit {_MOSCOW_NOTE}"),)),
)


def _location(key: str) -> tuple[str, LatLon, int | None]:
    """Name, position and precision of an event location key (place, ``site:`` or anchorage)."""
    if key == "anchorage":
        return "Anchorage about 13 km NW of Tartus", ANCHORAGE, 3000
    if key.startswith("site:"):
        site = SITE[key.removeprefix("site:")]
        return site.name, site.at, site.precision_m
    place = PLACE[key]
    return place.name, place.at, place.precision_m


def events() -> list[dict[str, Any]]:
    """One point per (item, place concerned), in FACTS order.

    An item naming places far apart (7 Dec 2024: Daraa, Suwayda, Palmyra, Qamishli) gets a
    point at each, sharing ``item_id`` and the full FACTS sentence, so no single point
    pretends the whole item happened there.
    """
    features = []
    for item in EVENTS:
        valid_from, valid_to = date_span(item.date)
        for spot in item.spots:
            where, at, precision = _location(spot.key)
            placed = spot.placed or f"At {where}"
            notes = [item.sentence, f"Location: {placed}."]
            if item.rating_note:
                notes.append(item.rating_note)
            props = {
                "id": f"{item.item_id}-{slug(spot.key.removeprefix('site:'))}",
                "name": spot.headline, "item_id": item.item_id, "category": item.category,
                "date": item.date, "valid_from": valid_from, "valid_to": valid_to,
                "source": item.source, "confidence": confidence(item.rating),
                "placed_at": where, "stand_in": spot.stand_in,
                "precision_m": None if spot.stand_in else precision, "approximate": True,
                "notes": " ".join(notes),
            }
            features.append(feature(props, point(at)))
    return features


#: Town centres and waypoints are general knowledge (GK in the research), said as such.
_PLACE_SOURCE = {
    "§1": "general knowledge (town centre, not checked against a source)",
    "§2": "general knowledge (town centre, not checked against a source)",
    "§3": "general knowledge (road waypoint, not checked against a source)",
}


def places() -> list[dict[str, Any]]:
    """The gazetteer as points."""
    return [feature({
        "id": p.key, "name": p.name, "other_names": p.other_names, "place_type": p.place_type,
        "precision_m": p.precision_m, "valid_from": DATA_START, "valid_to": None,
        "source": _PLACE_SOURCE[p.section], "confidence": confidence(p.rating),
        "approximate": True, "notes": p.notes,
    }, point(p.at)) for p in PLACES]


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def feature(props: dict[str, Any], geometry: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Feature (properties first, as analysts read them)."""
    return {"type": "Feature", "properties": props, "geometry": geometry}


def dumps(features: Iterable[dict[str, Any]]) -> str:
    """Serialise a FeatureCollection for hand editing: one property per line.

    Geometry stays on one line so a polygon does not turn into hundreds of lines of
    numbers, while properties, the part analysts edit, diff line by line.
    """
    chunks = []
    for f in features:
        props = json.dumps(f["properties"], ensure_ascii=False, indent=2).replace("\n", "\n    ")
        geometry = json.dumps(f["geometry"], ensure_ascii=False, separators=(",", ":"))
        chunks.append('  {\n    "type": "Feature",\n    "properties": ' + props
                      + ',\n    "geometry": ' + geometry + "\n  }")
    return ('{\n"type": "FeatureCollection",\n"features": [\n' + ",\n".join(chunks)
            + "\n]\n}\n")


def _check(name: str, features: list[dict[str, Any]]) -> None:
    """Refuse to write a file with duplicate ids or periods out of order (fail at build time)."""
    ids = [f["properties"]["id"] for f in features]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SystemExit(f"{name}: duplicate ids {dupes}")
    for f in features:
        p = f["properties"]
        if p["valid_to"] is not None and p["valid_to"] <= p["valid_from"]:
            raise SystemExit(f"{name}: {p['id']} ends before it starts")


def build() -> dict[str, list[dict[str, Any]]]:
    """All four layers, keyed by file name."""
    return {
        "installations.geojson": installations(),
        "evacuation_routes.geojson": routes(),
        "events.geojson": events(),
        "places.geojson": places(),
    }


def main(out_dir: Path = OUT) -> dict[str, int]:
    """Write the four files into ``out_dir`` and return the feature count of each.

    ``out_dir`` is a parameter so the tests can rebuild into a temporary folder and
    compare bytes with the committed files.
    """
    counts = {}
    for name, features in build().items():
        _check(name, features)
        (out_dir / name).write_text(dumps(features), encoding="utf-8")
        counts[name] = len(features)
    return counts


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    for file_name, count in main(target).items():
        print(f"{file_name}: {count} features")
