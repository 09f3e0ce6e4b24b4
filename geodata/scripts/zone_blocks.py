"""Schematic building blocks for ``control_zones.geojson``, kept as data.

Why blocks
----------
Control changed hands region by region (Greater Idlib, Aleppo city, Hama, the coast...), and
the dashboard needs, for every date, a set of zones that tiles Syria exactly. Drawing each
snapshot by hand would leave slivers and overlaps. Instead Syria is cut once into a fixed set
of blocks and every snapshot is a dissolve of blocks by holder (see
``build_control_zones.py``). A block is built in priority order::

    block = (its outline ∩ Syria) − (all blocks listed before it)

so the blocks tile Syria by construction; whatever is left is the last block (``rest``).

Precision
---------
None of these outlines is a surveyed front line. They follow FACTS.md §2 and §5 (town centres
good to 1–2 km, "schematic" zone descriptions) and are drawn so that the towns FACTS.md names
fall clearly on the right side, usually by several kilometres. Vertices are lon/lat (WGS84);
many lie deliberately outside Syria (in Turkey, Iraq, the sea) because the outline is clipped.

The Euphrates
-------------
``EUPHRATES`` is a rough polyline of the river (and the south-west shore of Lake Assad) from
the Turkish border at Jarablus to the Iraqi border at Albu Kamal. ``east_of_euphrates()`` turns
it into a half-plane-like polygon, so blocks can be described as "this box, east (or west) of
the river". Below Raqqa the line is pushed a few kilometres onto the north-east bank so that
Deir ez-Zor, Mayadin and Albu Kamal (all on the south-west bank) sit at least 3 km inside the
south-west blocks despite their ±1–2 km town-centre precision.

The Golan
---------
The occupied Golan has no block: Natural Earth's Syria outline (``basemap/syria.geojson``)
follows the 1974 ceasefire line, so the Golan lies outside it (Natural Earth gives it to
Israel's de facto polygon in ``countries.geojson``). The Israeli zone therefore starts with the
8 Dec 2024 buffer zone and Mount Hermon.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pyproj import Geod
from shapely.geometry import Polygon, box

Side = Literal["any", "west", "east"]
Coords = tuple[tuple[float, float], ...]

#: Euphrates (and Lake Assad's south-west shore), north to south, (lon, lat). Starts in Turkey
#: and ends in Iraq so that it cuts Syria's outline in two.
EUPHRATES: Coords = (
    (38.02, 36.90), (38.03, 36.83), (38.04, 36.75), (38.08, 36.68), (38.15, 36.62),
    (38.19, 36.52), (38.19, 36.42), (38.18, 36.38), (38.20, 36.30), (38.16, 36.22),
    (38.12, 36.12), (38.12, 36.02), (38.20, 35.95), (38.35, 35.90), (38.50, 35.88),
    (38.57, 35.87), (38.70, 35.86), (38.85, 35.88), (39.01, 35.925), (39.20, 35.90),
    (39.40, 35.83), (39.65, 35.72), (39.90, 35.52), (40.08, 35.40), (40.20, 35.37),
    (40.33, 35.24), (40.43, 35.15), (40.52, 35.04), (40.62, 34.92), (40.75, 34.78),
    (40.85, 34.65), (40.96, 34.50), (41.05, 34.40),
)

#: al-Tanf garrison, the centre of the US 55-km deconfliction circle (FACTS.md §2: ±10 km, L).
TANF_CENTRE = (38.65, 33.50)
TANF_RADIUS_KM = 55.0


@dataclass(frozen=True)
class Part:
    """One outline of a block, optionally restricted to one side of the Euphrates."""

    outline: Coords
    side: Side = "any"


@dataclass(frozen=True)
class Block:
    """A schematic region whose holder is tabulated in ``build_control_zones.HOLDINGS``."""

    id: str
    name: str
    parts: tuple[Part, ...]


def _box(lon_min: float, lat_min: float, lon_max: float, lat_max: float) -> Coords:
    """Return a lon/lat rectangle as a coordinate tuple (counter-clockwise)."""
    return tuple(box(lon_min, lat_min, lon_max, lat_max).exterior.coords)


def geodesic_circle(lon: float, lat: float, radius_km: float, step_deg: float = 2.0) -> Coords:
    """Return a polygon approximating a circle of ``radius_km`` on the WGS84 ellipsoid.

    A circle drawn in degrees would be an ellipse on the ground (a degree of longitude is
    about 93 km at 33° N, a degree of latitude 111 km); the 55-km zone is a ground distance.
    """
    geod = Geod(ellps="WGS84")
    azimuths = [i * step_deg for i in range(int(360 / step_deg))]
    lons, lats, _ = geod.fwd([lon] * len(azimuths), [lat] * len(azimuths), azimuths,
                             [radius_km * 1000.0] * len(azimuths))
    ring = tuple(zip(lons, lats, strict=True))
    return ring + ring[:1]


def east_of_euphrates() -> Polygon:
    """Return a polygon covering everything north-east of ``EUPHRATES`` within the map frame.

    The river is closed through Iraq and Turkey (outside Syria), so intersecting with Syria
    gives exactly the north-east bank; Syria minus it is the south-west bank.
    """
    closing = ((43.5, EUPHRATES[-1][1]), (43.5, 38.0), (EUPHRATES[0][0], 38.0))
    return Polygon(EUPHRATES + closing)


# Greater Idlib as held since 2020 (FACTS.md §5, 26 Nov 2024): from the Turkish border in
# Jabal al-Akrad, round Jisr al-Shughur, along Jabal al-Zawiya (~35.66-35.69 N), west of
# Maarat al-Numan and Saraqib, then north to Atarib-Darat Izza and the Afrin zone (~36.3 N).
_IDLIB_CORE: Coords = (
    (36.00, 36.10), (36.10, 35.87), (36.16, 35.80), (36.24, 35.76), (36.31, 35.71),
    (36.40, 35.685), (36.50, 35.665), (36.58, 35.655), (36.63, 35.67), (36.645, 35.72),
    (36.68, 35.79), (36.745, 35.855), (36.77, 35.92), (36.80, 36.00), (36.84, 36.07),
    (36.87, 36.15), (36.89, 36.23), (36.90, 36.30), (36.75, 36.32), (36.56, 36.33),
    (36.30, 36.30), (36.00, 36.10),
)

# What HTS added by 30 Nov: the rest of Idlib governorate down to Morek (~35.37 N), SW Aleppo
# countryside; the Ghab plain (west of ~36.42 E) stays out.
_IDLIB_EXPANSION: Coords = (
    (36.40, 35.685), (36.43, 35.55), (36.50, 35.40), (36.55, 35.36), (37.05, 35.36),
    (37.30, 35.55), (37.30, 36.00), (36.88, 36.00), (36.88, 36.31), (36.60, 36.31),
    (36.40, 35.685),
)

# Latakia and Tartus governorates: east edge along the coastal range (~36.15-36.30 E).
_COAST: Coords = (
    (35.50, 34.55), (36.18, 34.55), (36.15, 34.75), (36.18, 34.90), (36.20, 35.05),
    (36.22, 35.25), (36.23, 35.50), (36.26, 35.70), (36.30, 35.80), (36.30, 36.10),
    (35.50, 36.10), (35.50, 34.55),
)

# UNDOF area of separation: a strip ~3-5 km east of the ceasefire line (which is the western
# edge of the Syria outline), plus the Syrian side of Mount Hermon (~33.25-33.46 N).
_BUFFER_HERMON: Coords = (
    (35.70, 32.70), (35.80, 32.72), (35.83, 32.76), (35.88, 32.82), (35.89, 32.88),
    (35.92, 32.94), (35.90, 32.99), (35.89, 33.09), (35.86, 33.13), (35.875, 33.19),
    (35.85, 33.25), (35.90, 33.27), (35.95, 33.30), (35.95, 33.46), (35.70, 33.46),
    (35.70, 32.70),
)

_QUNEITRA: Coords = (
    (35.70, 32.78), (35.95, 32.80), (36.00, 33.00), (35.98, 33.20), (35.93, 33.35),
    (35.85, 33.46), (35.70, 33.46), (35.70, 32.78),
)

_DARAA: Coords = (
    (35.60, 32.25), (36.52, 32.25), (36.50, 32.60), (36.45, 32.80), (36.42, 33.00),
    (36.30, 33.22), (35.90, 33.22), (35.60, 32.75), (35.60, 32.25),
)

_SUWAYDA: Coords = (
    (36.40, 32.25), (37.40, 32.25), (37.40, 32.95), (36.95, 33.10), (36.55, 33.10),
    (36.35, 32.95), (36.40, 32.25),
)

# Damascus and Rif Dimashq incl. Qalamoun (Nabk, Qara) up to the Homs governorate (~34.35 N).
_DAMASCUS: Coords = (
    (35.80, 33.00), (37.40, 33.00), (37.60, 33.50), (37.50, 34.00), (37.00, 34.35),
    (36.10, 34.35), (35.80, 33.60), (35.80, 33.00),
)

# Palmyra and the desert corridor from the al-Tanf circle's northern edge (~34.0 N) to it.
_PALMYRA: Coords = (
    (38.05, 34.72), (38.50, 34.72), (38.62, 34.40), (38.90, 34.00), (38.40, 33.90),
    (38.05, 34.40), (38.05, 34.72),
)

# Euphrates Shield zone: Turkish border, Afrin, Tell Rifaat pocket, al-Bab (~36.36 N), the
# Sajur (~36.67 N) north of the Manbij pocket, and the Euphrates (west side only).
_AZAZ_BAB_JARABLUS: Coords = (
    (36.96, 37.00), (36.96, 36.555), (37.17, 36.555), (37.17, 36.45), (37.40, 36.45),
    (37.45, 36.36), (37.62, 36.36), (37.75, 36.40), (37.75, 36.68), (38.10, 36.66),
    (38.40, 36.66), (38.40, 37.00), (36.96, 37.00),
)

_AFRIN: Coords = (
    (36.45, 36.32), (36.90, 36.30), (36.96, 36.36), (36.96, 37.00), (36.45, 37.00),
    (36.45, 36.32),
)

_MANBIJ: Coords = (
    (37.75, 36.30), (37.75, 36.68), (38.10, 36.66), (38.40, 36.66), (38.40, 36.30),
    (37.75, 36.30),
)

# Tell Abyad-Ras al-Ayn: ~30 km deep, stopping short of the M4 at Ain Issa and Tell Tamr.
_PEACE_SPRING: Coords = (
    (38.75, 37.00), (38.75, 36.55), (38.85, 36.45), (39.20, 36.45), (39.60, 36.50),
    (40.00, 36.55), (40.25, 36.60), (40.25, 37.00), (38.75, 37.00),
)

# Hasakah governorate: west of ~39.75 E is Raqqa governorate; the south edge (Deir ez-Zor
# governorate) runs from ~36.3 N at 39.75 E to ~35.45 N at the Iraqi border.
_HASAKAH_GOV: Coords = (
    (39.75, 37.50), (39.75, 36.30), (40.10, 35.95), (40.60, 35.78), (41.00, 35.62),
    (41.40, 35.45), (43.00, 35.45), (43.00, 37.50), (39.75, 37.50),
)

#: Blocks in priority order: earlier blocks win where outlines overlap. The last one, ``rest``,
#: has no outline: it is whatever the others leave (the central desert, west of the river).
BLOCKS: tuple[Block, ...] = (
    Block("buffer_hermon", "UNDOF buffer zone and Syrian side of Mount Hermon",
          (Part(_BUFFER_HERMON),)),
    Block("quneitra", "Quneitra governorate east of the buffer zone", (Part(_QUNEITRA),)),
    Block("tanf", "al-Tanf 55-km zone",
          (Part(geodesic_circle(*TANF_CENTRE, TANF_RADIUS_KM)),)),
    Block("palmyra", "Palmyra and the desert towards al-Tanf", (Part(_PALMYRA),)),
    Block("sheikh_maqsoud", "Sheikh Maqsoud and Ashrafiyah (Aleppo)",
          (Part(_box(37.145, 36.215, 37.175, 36.237)),)),
    Block("qamishli_enclave", "Qamishli government enclave incl. the airport",
          (Part(_box(41.17, 36.99, 41.26, 37.08)),)),
    Block("hasakah_enclave", "Hasakah government enclave",
          (Part(_box(40.72, 36.475, 40.775, 36.53)),)),
    Block("tishrin_dam", "Tishrin Dam", (Part(_box(38.10, 36.33, 38.28, 36.43)),)),
    Block("deir_ez_zor_city", "Deir ez-Zor city (south-west bank)",
          (Part(_box(39.95, 35.15, 40.30, 35.50), "west"),)),
    Block("mayadin", "Mayadin (south-west bank)",
          (Part(_box(40.30, 34.85, 40.65, 35.15), "west"),)),
    Block("albu_kamal", "Albu Kamal (south-west bank)",
          (Part(_box(40.65, 34.30, 41.10, 34.85), "west"),)),
    Block("idlib_core", "Greater Idlib", (Part(_IDLIB_CORE),)),
    Block("coast", "The coast (Latakia and Tartus governorates)", (Part(_COAST),)),
    Block("tadef", "Tadef, south of al-Bab", (Part(_box(37.45, 36.30, 37.62, 36.36)),)),
    Block("tell_rifaat", "Tell Rifaat pocket", (Part(_box(36.96, 36.40, 37.17, 36.555)),)),
    Block("afrin", "Afrin district", (Part(_AFRIN),)),
    Block("azaz_bab_jarablus", "Azaz-al-Bab-Jarablus", (Part(_AZAZ_BAB_JARABLUS, "west"),)),
    Block("manbij", "Manbij pocket (west of the Euphrates)", (Part(_MANBIJ, "west"),)),
    Block("aleppo", "Aleppo city with its airport and northern countryside",
          (Part(_box(36.88, 36.00, 37.30, 36.45)),)),
    Block("idlib_expansion", "Rest of Idlib governorate and SW Aleppo countryside",
          (Part(_IDLIB_EXPANSION),)),
    Block("kuweires", "Kuweires-al-Safira-Khanasir area",
          (Part(_box(37.30, 35.70, 37.65, 36.45)),)),
    Block("deir_hafer", "Deir Hafer-Maskanah pocket",
          (Part(_box(37.65, 35.90, 38.30, 36.40), "west"),)),
    Block("salamiyah", "Salamiyah", (Part(_box(36.90, 34.90, 37.35, 35.15)),)),
    Block("north_hama", "Northern Hama governorate incl. Hama city and the Ghab",
          (Part(((36.10, 35.02), (37.35, 35.02), (37.35, 35.70), (36.10, 35.80),
                 (36.10, 35.02))),)),
    Block("rastan", "Rastan and Talbiseh", (Part(_box(36.45, 34.80, 36.90, 35.02)),)),
    Block("homs", "Homs and its countryside", (Part(_box(36.10, 34.35, 37.30, 35.02)),)),
    Block("daraa", "Daraa governorate", (Part(_DARAA),)),
    Block("suwayda", "Suwayda governorate", (Part(_SUWAYDA),)),
    Block("damascus", "Damascus with Rif Dimashq and Qalamoun", (Part(_DAMASCUS),)),
    Block("tabqa", "Tabqa (south bank)", (Part(_box(38.25, 35.65, 38.80, 35.95), "west"),)),
    Block("peace_spring", "Tell Abyad-Ras al-Ayn strip", (Part(_PEACE_SPRING),)),
    Block("kobani", "Kobani pocket", (Part(_box(37.95, 36.68, 38.62, 37.20), "east"),)),
    Block("hasakah_gov", "Hasakah governorate (Hasakah, Qamishli, Tell Tamr and Amuda)",
          (Part(_HASAKAH_GOV, "east"),)),
    Block("raqqa", "Raqqa and Ain Issa area",
          (Part(_box(37.95, 35.50, 39.75, 37.50), "east"),
           Part(_box(38.80, 35.65, 39.60, 35.95), "west"))),
    Block("deir_ez_zor_east", "Deir ez-Zor east bank",
          (Part(_box(39.75, 34.00, 43.50, 36.60), "east"),)),
    Block("rest", "Central desert (the Homs, Hama and Deir ez-Zor badia)", ()),
)
