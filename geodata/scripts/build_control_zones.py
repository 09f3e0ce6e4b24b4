"""Build ``geodata/control_zones.geojson``: who held what in Syria, one tiling per snapshot.

Method
------
Syria (Natural Earth 1:10m, ``basemap/syria.geojson``) is cut into the schematic blocks of
``zone_blocks.py``, each block = (outline ∩ Syria) − (earlier blocks), the last one being the
remainder. ``HOLDINGS`` below says who held each block from which date, with the confidence
and the report behind it. For every snapshot date the blocks are dissolved by
(controller, confidence) into one feature each, valid from that snapshot to the next.

The blocks are made an edge-matched coverage and rounded to the 1e-5° grid (the precision
written to the file) *before* the dissolve, so rounding cannot open gaps or overlaps between
zones (see ``build_blocks``). The script checks the serialised result and fails loudly,
writing nothing, unless for every snapshot:

* the union of the zones matches Syria's geodesic area within 1 km²,
* no two zones overlap by 0.01 km² or more,
* every geometry is valid, counter-clockwise (RFC 7946) and inside Syria's bounding box,
* the named towns of FACTS.md sit on the intended side of the schematic Euphrates line.

The occupied Golan is outside Natural Earth's Syria outline (it follows the 1974 ceasefire
line), so it has no zone here; see ``zone_blocks``.

Nothing here is a surveyed front line: every feature is ``approximate: true`` and its notes
say what is uncertain. Run from the repository root::

    python geodata/scripts/build_control_zones.py
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import zone_blocks  # sibling module (this folder is not a package)

ROOT = Path(__file__).resolve().parents[2]
SYRIA_PATH = ROOT / "geodata" / "basemap" / "syria.geojson"
OUT_PATH = ROOT / "geodata" / "control_zones.geojson"

#: Grid of the written coordinates (5 decimals, about 1 m).
GRID = 1e-5
#: Tolerances of the tiling checks, km².
MAX_AREA_DIFF_KM2 = 1.0
MAX_OVERLAP_KM2 = 0.01
#: South-west-bank towns must be at least this far from the schematic river line, km.
MIN_RIVER_DISTANCE_KM = 3.0
GEOD = Geod(ellps="WGS84")
#: Longest edge (degrees) when measuring areas geodesically; see ``geodesic_km2``.
DENSIFY_DEG = 0.01

SNAPSHOTS: tuple[date, ...] = tuple(date.fromisoformat(d) for d in (
    "2024-11-26", "2024-11-30", "2024-12-01", "2024-12-05", "2024-12-06", "2024-12-07",
    "2024-12-08", "2024-12-09", "2024-12-11", "2024-12-20", "2025-01-29", "2025-04-12",
    "2025-07-17", "2026-01-10", "2026-01-17", "2026-01-18", "2026-01-20", "2026-01-30",
    "2026-02-12",
))

#: Controller vocabulary (data contract) and the label used in feature names.
CONTROLLERS: dict[str, str] = {
    "assad_government": "Assad government",
    "hts_led": "HTS-led forces (MOC)",
    "transitional_government": "Transitional government",
    "sna": "Syrian National Army (SNA)",
    "sdf": "Syrian Democratic Forces (SDF)",
    "southern_factions": "Southern factions",
    "druze_factions": "Druze factions",
    "us_sfa": "US forces and Syrian Free Army (SFA)",
    "israel": "Israel",
    "shared_government_sdf": "Shared: government and SDF",
}
CONFIDENCES = ("high", "medium", "low")

#: Towns that must lie on the south-west bank, ≥ 3 km from the schematic river (FACTS.md §2).
SW_BANK_TOWNS: dict[str, tuple[float, float]] = {
    "Deir ez-Zor": (40.141, 35.336), "Mayadin": (40.452, 35.019), "Albu Kamal": (40.918, 34.453),
    "Tabqa": (38.548, 35.836),
}
#: Towns that must lie on the north-east bank (FACTS.md §1-2).
NE_BANK_TOWNS: dict[str, tuple[float, float]] = {
    "Raqqa": (39.009, 35.953), "Kobani": (38.354, 36.891), "Ain Issa": (38.862, 36.385),
    "Tell Tamr": (40.367, 36.650), "Hasakah": (40.748, 36.502), "Qamishli": (41.232, 37.052),
}


@dataclass(frozen=True)
class Holding:
    """Who held a block from ``since`` (inclusive) until the block's next holding."""

    block: str
    since: date
    controller: str
    confidence: str
    source: str
    note: str


def _h(block: str, since: str, controller: str, confidence: str, source: str,
       note: str) -> Holding:
    """Shorthand constructor so the table below stays one line of facts per change."""
    return Holding(block, date.fromisoformat(since), controller, confidence, source, note)


#: The snapshot of 26 Nov 2024 (stable since 2020): the control maps behind the research's
#: snapshots (ISW/CTP, with Reuters, AP and SOHR of the same days).
BASE = "ISW/CTP control maps, 26 Nov 2024"
DISSOLVE = "Reuters 29 Jan 2025"
START = "2024-11-26"
MERGE = "2025-01-29"
OFFENSIVES = "Wikipedia: 2024 Syrian opposition offensives (secondary)"
NE_OFFENSIVE = "Wikipedia: 2026 northeastern Syria offensive (secondary)"
SHARED = "shared_government_sdf"

#: The control table. Confidence never exceeds the rating of the report behind it; outlines
#: are schematic, so most entries are medium at best.
HOLDINGS: tuple[Holding, ...] = (
    # --- South-west: Israeli buffer zone, Quneitra, Daraa, Suwayda ---
    _h("buffer_hermon", START, "assad_government", "medium", BASE,
       "UNDOF area of separation, Syrian civil administration; strip width schematic"),
    _h("buffer_hermon", "2024-12-08", "israel", "medium",
       "IRNA (reporting 8 Dec 2024); IFP News (reporting 8 Dec 2024)",
       "buffer zone and Syrian side of Mount Hermon; depth of the Israeli advance schematic"),
    _h("quneitra", START, "assad_government", "medium", BASE,
       "east of the UNDOF area of separation; schematic"),
    _h("quneitra", "2024-12-08", "southern_factions", "low", "ISW/CTP control maps, 8 Dec 2024",
       "Quneitra east of the Israeli-held strip; only the 8 Dec snapshot mentions it, no dated "
       "report of its own"),
    _h("quneitra", MERGE, "transitional_government", "medium", DISSOLVE,
       "southern factions dissolve into the state; integration was gradual"),
    _h("daraa", START, "assad_government", "low", BASE,
       "government control only nominal (2018 reconciliation deals with local factions)"),
    _h("daraa", "2024-12-07", "southern_factions", "medium", "Shafaq News 7 Dec 2024",
       "Daraa city, over 90% of the governorate and Nasib crossing taken"),
    _h("daraa", MERGE, "transitional_government", "medium", DISSOLVE,
       "southern factions dissolve into the state; integration was gradual"),
    _h("suwayda", START, "assad_government", "low", BASE, "government control only nominal"),
    _h("suwayda", "2024-12-07", "druze_factions", "medium", "Reuters 7 Dec 2024",
       "Suwayda taken by local Druze factions"),
    _h("suwayda", MERGE, "transitional_government", "low", DISSOLVE,
       "government authority nominal; Druze factions kept local security"),
    _h("suwayda", "2025-07-17", "druze_factions", "medium",
       "TRT World (reporting 13–19 Jul 2025); New Indian Express 17 Jul 2025",
       "government forces withdraw 16-17 Jul 2025; Druze factions hold security"),
    # --- Desert: al-Tanf, Palmyra ---
    _h("tanf", START, "us_sfa", "low", BASE,
       "geodesic 55-km circle; its centre (the garrison) is known to ±10 km only"),
    _h("tanf", "2026-02-12", "transitional_government", "high",
       "Reuters 12 Feb 2026; Devdiscourse 12 Feb 2026", "the US hands al-Tanf to the government"),
    _h("palmyra", START, "assad_government", "medium", BASE, "Homs desert, schematic"),
    _h("palmyra", "2024-12-07", "us_sfa", "low", "Reuters 7 Dec 2024",
       "SFA takes Palmyra; the extent of the corridor from al-Tanf is a guess"),
    _h("palmyra", MERGE, "transitional_government", "low", DISSOLVE,
       "assumed to follow the factions' dissolution; hand-over date not reported"),
    # --- Aleppo and the north-west ---
    _h("idlib_core", START, "hts_led", "medium", BASE,
       "Greater Idlib (HTS and allies); line along Jabal al-Zawiya and west of Saraqib"),
    _h("idlib_core", MERGE, "transitional_government", "medium", DISSOLVE,
       "HTS dissolves into the state"),
    _h("idlib_expansion", START, "assad_government", "medium", BASE, "schematic"),
    _h("idlib_expansion", "2024-11-30", "hts_led", "medium",
       f"Anadolu (anews) 30 Nov 2024; {OFFENSIVES}",
       "all of Idlib governorate down to Morek (~35.37 N); the Ghab plain stays government"),
    _h("idlib_expansion", MERGE, "transitional_government", "medium", DISSOLVE,
       "HTS dissolves into the state"),
    _h("aleppo", START, "assad_government", "medium", BASE, "schematic"),
    _h("aleppo", "2024-11-30", "hts_led", "medium", f"Anadolu (anews) 30 Nov 2024; {OFFENSIVES}",
       "most of Aleppo and its airport fall; Kurdish districts excluded"),
    _h("aleppo", MERGE, "transitional_government", "medium", DISSOLVE,
       "HTS dissolves into the state"),
    _h("sheikh_maqsoud", START, "sdf", "medium", BASE,
       "Kurdish districts of Aleppo; block size schematic (a few km)"),
    _h("sheikh_maqsoud", "2026-01-10", "transitional_government", "high",
       "Hürriyet Daily News (reporting 6–10 Jan 2026); Al-Ahed News (reporting 6–10 Jan 2026)",
       "government takes Sheikh Maqsoud"),
    _h("afrin", START, "sna", "medium", BASE,
       "boundaries with Greater Idlib and the Tell Rifaat pocket schematic"),
    _h("afrin", MERGE, "transitional_government", "medium", DISSOLVE,
       "SNA dissolves into the state"),
    _h("azaz_bab_jarablus", START, "sna", "medium", BASE,
       "between the Turkish border, the Euphrates and the Sajur"),
    _h("azaz_bab_jarablus", MERGE, "transitional_government", "medium", DISSOLVE,
       "SNA dissolves into the state"),
    _h("tadef", START, "assad_government", "medium", BASE, "just south of al-Bab"),
    _h("tadef", "2024-11-30", "sna", "medium", "Anadolu (anews) 30 Nov 2024",
       "SNA's Dawn of Freedom takes Tadef"),
    _h("tadef", MERGE, "transitional_government", "medium", DISSOLVE,
       "SNA dissolves into the state"),
    _h("tell_rifaat", START, "sdf", "medium", BASE, "schematic"),
    _h("tell_rifaat", "2024-12-01", "sna", "medium",
       "TRT World 1 Dec 2024; Anadolu (anews) 1 Dec 2024", "SNA takes Tell Rifaat"),
    _h("tell_rifaat", MERGE, "transitional_government", "medium", DISSOLVE,
       "SNA dissolves into the state"),
    _h("kuweires", START, "assad_government", "medium", BASE, "schematic"),
    _h("kuweires", "2024-12-01", "sna", "medium",
       "TRT World 1 Dec 2024; Anadolu (anews) 1 Dec 2024",
       "SNA takes al-Safira, Khanasir and Kuweires"),
    _h("kuweires", MERGE, "transitional_government", "medium", DISSOLVE,
       "SNA dissolves into the state"),
    _h("manbij", START, "sdf", "medium", BASE,
       "bounded by the Sajur and the Euphrates; schematic"),
    _h("manbij", "2024-12-09", "sna", "medium",
       "Hürriyet Daily News 8 Dec 2024; Shafaq News 9 Dec 2024; Wikipedia: Manbij offensive "
       "(2024) (secondary)", "about 80% SNA on 8 Dec; SNA takes Manbij on 9 Dec"),
    _h("manbij", MERGE, "transitional_government", "medium", DISSOLVE,
       "SNA dissolves into the state"),
    _h("tishrin_dam", START, "sdf", "medium", BASE, "small schematic block around the dam"),
    _h("tishrin_dam", "2025-04-12", SHARED, "medium",
       "SANA 12 Apr 2025; Middle East Eye 12 Apr 2025",
       "government forces enter the dam under the SDF deal: a joint force, the dam left under "
       "Kurdish civil administration (shared); fighting there since 23 Dec 2024"),
    _h("deir_hafer", START, "assad_government", "medium", BASE, "schematic"),
    _h("deir_hafer", "2024-12-08", "sdf", "low", "ISW/CTP control maps, 15 Dec 2024",
       "SDF-held by 15 Dec; the date it was taken is not known"),
    _h("deir_hafer", "2026-01-17", "transitional_government", "high",
       "Enab Baladi/Etana brief 17 Jan 2026",
       "after an order on 16 Jan the government takes Deir Hafer and Maskanah within a day"),
    # --- Centre: Hama, Homs, Damascus, the coast, the desert ---
    _h("north_hama", START, "assad_government", "medium", BASE, "schematic"),
    _h("north_hama", "2024-12-05", "hts_led", "medium",
       "Reuters 5 Dec 2024; ISW/CTP control maps, 5 Dec 2024",
       "front about 10-15 km south of Hama, north of Rastan; drawn at ~35.02 N"),
    _h("north_hama", MERGE, "transitional_government", "medium", DISSOLVE,
       "HTS dissolves into the state"),
    _h("salamiyah", START, "assad_government", "medium", BASE, "schematic"),
    _h("salamiyah", "2024-12-06", "hts_led", "low", "ISW/CTP control maps, 5 and 8 Dec 2024",
       "government on 5 Dec, MOC by 8 Dec; the day it changed hands is a guess"),
    _h("salamiyah", MERGE, "transitional_government", "medium", DISSOLVE,
       "HTS dissolves into the state"),
    _h("rastan", START, "assad_government", "medium", BASE, "schematic"),
    _h("rastan", "2024-12-06", "hts_led", "medium", "TRT World 6 Dec 2024",
       "Rastan and Talbiseh taken"),
    _h("rastan", MERGE, "transitional_government", "medium", DISSOLVE,
       "HTS dissolves into the state"),
    _h("homs", START, "assad_government", "medium", BASE, "schematic"),
    _h("homs", "2024-12-08", "hts_led", "medium", "Reuters 8 Dec 2024",
       "Homs falls overnight 7-8 Dec"),
    _h("homs", MERGE, "transitional_government", "medium", DISSOLVE,
       "HTS dissolves into the state"),
    _h("damascus", START, "assad_government", "medium", BASE, "schematic"),
    _h("damascus", "2024-12-08", "hts_led", "medium",
       "ISW/CTP control maps, 8 Dec 2024; Sputnik 16 Dec 2024 (Assad's statement)",
       "Damascus falls; Qalamoun and the M5 with it"),
    _h("damascus", MERGE, "transitional_government", "medium", DISSOLVE,
       "HTS dissolves into the state"),
    _h("coast", START, "assad_government", "medium", BASE,
       "east edge along the coastal range, schematic"),
    _h("coast", "2024-12-08", "hts_led", "medium", "TASS 9 Dec 2024",
       "the opposition controls Latakia province, Tartus and Jableh from 8 Dec, avoiding the "
       "Russian bases"),
    _h("coast", MERGE, "transitional_government", "medium", DISSOLVE,
       "HTS dissolves into the state; coastal insurgency 6-10 Mar 2025"),
    _h("rest", START, "assad_government", "medium", BASE,
       "central desert (Homs, Hama, Raqqa and Deir ez-Zor badia); ISIS active, holds no territory"),
    _h("rest", "2024-12-08", "hts_led", "low", "ISW/CTP control maps, 8 and 15 Dec 2024",
       "inferred: everything west of the Euphrates not held by others; no front line known"),
    _h("rest", MERGE, "transitional_government", "low", DISSOLVE,
       "nominal control of the desert; ISIS active"),
    # --- Euphrates south-west bank ---
    _h("deir_ez_zor_city", START, "assad_government", "medium", BASE, "south-west bank"),
    _h("deir_ez_zor_city", "2024-12-06", "sdf", "medium", "Kurdpress 6 Dec 2024",
       "army withdraws, SDF moves in"),
    _h("deir_ez_zor_city", "2024-12-11", "hts_led", "medium", "Vestnik Kavkaza 11 Dec 2024",
       "MOC takes Deir ez-Zor city (west bank) from the SDF"),
    _h("deir_ez_zor_city", MERGE, "transitional_government", "medium", DISSOLVE,
       "HTS dissolves into the state"),
    *(h for town in ("mayadin", "albu_kamal") for h in (
        _h(town, START, "assad_government", "medium", BASE, "south-west bank"),
        _h(town, "2024-12-06", "sdf", "medium", "Kurdpress 6 Dec 2024",
           "army withdraws, SDF moves in"),
        _h(town, "2024-12-11", "sdf", "low", "ISW/CTP control maps, 15 Dec 2024",
           "unclear after the MOC took Deir ez-Zor city; drawn SDF until the hand-over"),
        _h(town, "2024-12-20", "hts_led", "medium", "TRT World (reporting about 20 Dec 2024)",
           "returned from the SDF to the new authorities by about 20 Dec"),
        _h(town, MERGE, "transitional_government", "medium", DISSOLVE,
           "HTS dissolves into the state"),
    )),
    # --- North-east ---
    _h("tabqa", START, "sdf", "medium", BASE, "south bank around Tabqa, schematic"),
    _h("tabqa", "2026-01-18", "transitional_government", "medium",
       "SANA 18 Jan 2026; AFP via Taipei Times 18 Jan 2026",
       "the army controls Tabqa (high on the town; the line is schematic)"),
    _h("raqqa", START, "sdf", "medium", BASE, "Raqqa, Ain Issa, Sarrin, the lake; schematic"),
    _h("raqqa", "2026-01-18", "transitional_government", "medium",
       f"MEED (reporting 18 Jan 2026); {NE_OFFENSIVE}",
       "the army enters Raqqa city; extent around it schematic"),
    _h("deir_ez_zor_east", START, "sdf", "medium", BASE,
       "the river line is drawn a few km onto this bank near the towns; schematic"),
    _h("deir_ez_zor_east", "2026-01-20", "transitional_government", "medium", NE_OFFENSIVE,
       "the Deir ez-Zor east bank taken 18-20 Jan; ceasefires 18 and 20 Jan"),
    _h("peace_spring", START, "sna", "medium", BASE,
       "about 30 km deep; Ain Issa and Tell Tamr outside it"),
    _h("peace_spring", MERGE, "transitional_government", "medium", DISSOLVE,
       "SNA dissolves into the state"),
    _h("kobani", START, "sdf", "medium", BASE, "Kobani and surroundings; extent schematic"),
    _h("kobani", "2026-01-20", "sdf", "low", "ISW/CTP control maps, mid-Feb 2026",
       "SDF reduced to a Kobani pocket; its extent is a guess (~20-30 km)"),
    _h("hasakah_gov", START, "sdf", "medium", BASE, "governorate boundary schematic"),
    _h("hasakah_gov", "2026-01-20", "sdf", "low",
       f"{NE_OFFENSIVE}; ISW/CTP control maps, mid-Feb 2026",
       "SDF keeps 'part of' Hasakah governorate under the 20 Jan ceasefire; which part "
       "(south: Shaddadi, al-Hol) unclear"),
    *(h for enclave, town in (("qamishli_enclave", "Qamishli"), ("hasakah_enclave", "Hasakah"))
      for h in (
        _h(enclave, START, "assad_government", "medium", BASE,
           f"government enclave in {town}; size schematic (a few km)"),
        _h(enclave, "2024-12-07", "sdf", "medium" if town == "Qamishli" else "low",
           "Reuters 7 Dec 2024",
           "SDF takes Qamishli airport" if town == "Qamishli"
           else "assumed to go with Qamishli; only the Qamishli airport is reported"),
        _h(enclave, "2026-01-30", SHARED, "medium", "Shafaq News 30 Jan 2026",
           f"Interior Ministry forces deploy into {town} under the comprehensive government–SDF "
           "agreement (shared; implementation gradual)"
           + ("; the airport is run jointly" if town == "Qamishli" else "")),
    )),
)


def load_syria() -> BaseGeometry:
    """Return Syria's outline as stored in the basemap (unrounded)."""
    data = json.loads(SYRIA_PATH.read_text(encoding="utf-8"))
    return shape(data["features"][0]["geometry"])


def geodesic_km2(geom: BaseGeometry) -> float:
    """Return the area of a (multi)polygon on the WGS84 ellipsoid, km².

    Edges are first densified to ``DENSIFY_DEG``: GeoJSON edges are straight in lon/lat, but
    pyproj joins vertices by geodesics, so a long, flat sliver between two zones (zero area
    in lon/lat) would otherwise measure as a fraction of a km². Rings are measured one by
    one and holes subtracted explicitly, as absolute values, so the result does not depend
    on ring orientation.
    """
    total = 0.0
    for poly in polygons_of(shapely.segmentize(geom, DENSIFY_DEG)):
        total += _ring_m2(poly.exterior) - sum(_ring_m2(r) for r in poly.interiors)
    return total / 1e6


def _ring_m2(ring: shapely.LinearRing) -> float:
    """Return the unsigned geodesic area enclosed by one ring, m²."""
    lons, lats = ring.coords.xy
    return abs(GEOD.polygon_area_perimeter(lons, lats)[0])


def polygons_of(geom: BaseGeometry) -> list[Polygon]:
    """Return the non-empty polygons of any geometry (overlays may yield collections)."""
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    return [p for g in getattr(geom, "geoms", []) for p in polygons_of(g)]


def as_polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygons of an overlay result (dropping stray lines and points)."""
    polys = polygons_of(geom)
    return MultiPolygon(polys) if polys else Polygon()


def build_blocks(syria: BaseGeometry) -> dict[str, BaseGeometry]:
    """Cut Syria into the blocks of ``zone_blocks.BLOCKS``, edge-matched on the 1e-5° grid.

    The blocks are cut at full precision, in priority order. Rounding each block on its own
    would move the nodes where a later block's outline meets an earlier block's edge, and
    open slivers of up to ~0.01 km² along long straight edges. So the blocks are first made
    an edge-matched coverage (``coverage_clean``: every shared edge has the same vertices on
    both sides), and only then are coordinates rounded: identical vertices round identically,
    so the rounded blocks still meet exactly.
    """
    east = zone_blocks.east_of_euphrates()
    taken: BaseGeometry = Polygon()
    geoms: list[BaseGeometry] = []
    for block in zone_blocks.BLOCKS:
        geom = syria
        if block.parts:
            geom = syria.intersection(shapely.union_all([_part_polygon(p, east)
                                                         for p in block.parts]))
        geom = as_polygonal(geom.difference(taken))
        if geom.is_empty:
            raise CheckError(f"block {block.id!r} is empty")
        geoms.append(geom)
        taken = taken.union(geom)
    cleaned = shapely.coverage_clean(geoms, merge_strategy="min_index")
    rounded = shapely.remove_repeated_points(
        shapely.set_precision(cleaned, GRID, mode="pointwise"))
    blocks = {b.id: as_polygonal(g) for b, g in zip(zone_blocks.BLOCKS, rounded, strict=True)}
    bad = [k for k, g in blocks.items() if g.is_empty or not g.is_valid]
    if bad or not shapely.coverage_is_valid(list(blocks.values())):
        raise CheckError(f"rounded blocks are not a valid coverage (invalid: {bad})")
    return blocks


def _part_polygon(part: zone_blocks.Part, east: Polygon) -> BaseGeometry:
    """Return a part's outline restricted to its side of the Euphrates."""
    poly = Polygon(part.outline)
    if not poly.is_valid:
        raise CheckError(f"invalid outline starting {part.outline[0]}")
    if part.side == "east":
        return poly.intersection(east)
    if part.side == "west":
        return poly.difference(east)
    return poly


class CheckError(RuntimeError):
    """A data check failed: the file must not be written or trusted."""


def check_table() -> None:
    """Check the control table against the vocabulary, the blocks and the snapshots.

    Every change must fall on a snapshot date (otherwise it would silently never show), and
    every block must have a holder on the first snapshot.
    """
    block_ids = {b.id for b in zone_blocks.BLOCKS}
    for h in HOLDINGS:
        problems = [
            h.block not in block_ids and f"unknown block {h.block}",
            h.controller not in CONTROLLERS and f"unknown controller {h.controller}",
            h.confidence not in CONFIDENCES and f"bad confidence {h.confidence}",
            h.since not in SNAPSHOTS and f"{h.since} is not a snapshot date",
        ]
        if any(problems):
            raise CheckError(f"{h.block} {h.since}: {[p for p in problems if p]}")
    for block_id in block_ids:
        if holder(block_id, SNAPSHOTS[0]) is None:
            raise CheckError(f"block {block_id} has no holder on {SNAPSHOTS[0]}")


def holder(block_id: str, day: date) -> Holding | None:
    """Return the holding of a block in force on ``day`` (the latest one not after it)."""
    rows = [h for h in HOLDINGS if h.block == block_id and h.since <= day]
    return max(rows, key=lambda h: h.since) if rows else None


def snapshot_features(blocks: dict[str, BaseGeometry], index: int) -> list[dict[str, Any]]:
    """Dissolve the blocks held on snapshot ``index`` into one feature per change behind them.

    Blocks are merged when they share holder, confidence, the day they changed hands and
    the report of that change, so each zone cites exactly the reports that shaped it (a
    briefer asking who held a town reads that town's report, not a whole front's).
    """
    day = SNAPSHOTS[index]
    valid_to = SNAPSHOTS[index + 1].isoformat() if index + 1 < len(SNAPSHOTS) else None
    groups: dict[tuple[str, str, date, str], list[tuple[str, Holding]]] = {}
    for block_id in blocks:
        h = holder(block_id, day)
        assert h is not None  # check_table guarantees it
        groups.setdefault((h.controller, h.confidence, h.since, h.source), []).append(
            (block_id, h))
    features = []
    counts: dict[tuple[str, str], int] = {}
    for (controller, confidence, since, source), members in sorted(groups.items()):
        n = counts[(controller, confidence)] = counts.get((controller, confidence), 0) + 1
        geom = shapely.coverage_union_all([blocks[b] for b, _ in members])
        features.append({
            "type": "Feature",
            "properties": {
                "id": f"cz-{day.isoformat()}-{controller}-{confidence}-{n}",
                "name": f"{CONTROLLERS[controller]}, since {since.day} {since:%b %Y}"
                        f" ({confidence} confidence)",
                "valid_from": day.isoformat(),
                "valid_to": valid_to,
                "controller": controller,
                "held_since": since.isoformat(),
                "source": source,
                "confidence": confidence,
                "notes": _notes(members),
                "approximate": True,
            },
            "geometry": _geojson_geometry(geom),
        })
    return features


def _notes(members: list[tuple[str, Holding]]) -> str:
    """Say the zone is schematic, then each caveat once with the blocks it applies to."""
    names = {b.id: b.name for b in zone_blocks.BLOCKS}
    by_note: dict[str, list[str]] = {}
    for block_id, h in members:
        by_note.setdefault(h.note, []).append(names[block_id])
    caveats = [f"{', '.join(blocks)}: {note}" for note, blocks in by_note.items()]
    return ("Schematic outline, not a surveyed front line; clipped to Natural Earth's Syria. "
            + ". ".join(caveats) + ".")


def _geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    """Return RFC 7946 geometry: CCW exteriors, 5-decimal coordinates, Polygon if single."""
    polys = [orient(p, 1.0) for p in polygons_of(geom)]
    out = polys[0] if len(polys) == 1 else MultiPolygon(polys)
    return _round(mapping(out))


def _round(obj: Any) -> Any:
    """Round every float in a nested GeoJSON structure to 5 decimals (the 1e-5 grid)."""
    if isinstance(obj, float):
        return round(obj, 5)
    if isinstance(obj, (list, tuple)):
        return [_round(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    return obj


def check_rivers() -> None:
    """Check the named towns sit on the intended bank, SW-bank ones ≥ 3 km from the line."""
    east = zone_blocks.east_of_euphrates()
    river = shapely.LineString(zone_blocks.EUPHRATES)
    for town, (lon, lat) in SW_BANK_TOWNS.items():
        pt = Point(lon, lat)
        nearest = river.interpolate(river.project(pt))
        km = GEOD.inv(lon, lat, nearest.x, nearest.y)[2] / 1000.0
        if east.contains(pt) or km < MIN_RIVER_DISTANCE_KM:
            raise CheckError(f"{town} is not well inside the SW bank ({km:.1f} km)")
    for town, (lon, lat) in NE_BANK_TOWNS.items():
        if not east.contains(Point(lon, lat)):
            raise CheckError(f"{town} is not on the NE bank")


def check_snapshot(day: str, features: list[dict[str, Any]],
                   syria: BaseGeometry) -> tuple[float, float, float]:
    """Check one snapshot as written.

    Returns
    -------
    tuple of float
        Net area difference from Syria, gap+excess (symmetric difference) against the
        unrounded outline, and the worst pairwise overlap, all km².
    """
    geoms = [shape(f["geometry"]) for f in features]
    minx, miny, maxx, maxy = syria.bounds
    for f, g in zip(features, geoms, strict=True):
        fid = f["properties"]["id"]
        if not g.is_valid:
            raise CheckError(f"{fid}: invalid geometry ({shapely.is_valid_reason(g)})")
        if any(not p.exterior.is_ccw or any(r.is_ccw for r in p.interiors)
               for p in polygons_of(g)):
            raise CheckError(f"{fid}: ring orientation is not RFC 7946")
        gx0, gy0, gx1, gy1 = g.bounds
        if gx0 < minx - GRID or gy0 < miny - GRID or gx1 > maxx + GRID or gy1 > maxy + GRID:
            raise CheckError(f"{fid}: outside Syria's bounding box")
    if not shapely.coverage_is_valid(geoms):
        raise CheckError(f"{day}: zones are not an edge-matched coverage")
    worst = 0.0
    for (fa, a), (fb, b) in combinations(zip(features, geoms, strict=True), 2):
        overlap = geodesic_km2(a.intersection(b))
        worst = max(worst, overlap)
        if overlap >= MAX_OVERLAP_KM2:
            raise CheckError(f"{day}: {fa['properties']['id']} and {fb['properties']['id']} "
                             f"overlap by {overlap:.4f} km²")
    union = shapely.union_all(geoms)
    net = abs(geodesic_km2(union) - geodesic_km2(syria))
    diff = geodesic_km2(union.symmetric_difference(syria))
    if net >= MAX_AREA_DIFF_KM2 or diff >= MAX_AREA_DIFF_KM2:
        raise CheckError(f"{day}: zones differ from Syria by {net:.3f} km² net, "
                         f"{diff:.3f} km² gap+excess")
    return net, diff, worst


def check_rest_is_west(blocks: dict[str, BaseGeometry]) -> None:
    """Check the remainder block lies west of the Euphrates.

    The remainder is the central desert and goes to the MOC on 8 Dec 2024; if an east-bank
    outline were drawn short, SDF land would silently fall into it.
    """
    stray = geodesic_km2(blocks["rest"].intersection(zone_blocks.east_of_euphrates()))
    if stray >= MAX_AREA_DIFF_KM2:
        raise CheckError(f"{stray:.1f} km² east of the Euphrates fell into the 'rest' block")


def main() -> None:
    """Build the control zones, check them as they will be read back, then write the file.

    The checks run on the serialised text re-parsed, i.e. on exactly the coordinates the
    file will hold, and nothing is written unless they all pass.
    """
    check_table()
    check_rivers()
    syria = load_syria()
    blocks = build_blocks(syria)
    check_rest_is_west(blocks)
    features = [f for i in range(len(SNAPSHOTS)) for f in snapshot_features(blocks, i)]
    ids = [f["properties"]["id"] for f in features]
    if len(set(ids)) != len(ids):
        raise CheckError("duplicate feature ids")
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":")) + "\n"

    written = json.loads(text)["features"]
    print(f"Syria: {geodesic_km2(syria):,.1f} km²; {len(blocks)} blocks; "
          f"{len(written)} features in {len(SNAPSHOTS)} snapshots")
    worst = [0.0, 0.0, 0.0]
    for day in SNAPSHOTS:
        todays = [f for f in written if f["properties"]["valid_from"] == day.isoformat()]
        figures = check_snapshot(day.isoformat(), todays, syria)
        worst = [max(w, x) for w, x in zip(worst, figures, strict=True)]
        print(f"  {day}: {len(todays):2d} features, net {figures[0]:.4f} km², "
              f"gap+excess {figures[1]:.4f} km², max overlap {figures[2]:.6f} km²")
    OUT_PATH.write_text(text, encoding="utf-8")
    print(f"OK: max net area difference {worst[0]:.4f} km², max gap+excess {worst[1]:.4f} km² "
          f"(rounding of the outline), max pairwise overlap {worst[2]:.6f} km²; "
          f"wrote {OUT_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
