"""A small, fully known geodata folder for the export tests.

The real catalog.toml and basemap are copied; the five layers are replaced by a
handful of hand-made features whose dates are chosen so each test date has a
known answer:

* zones: west of 38.5°E Assad government until 2024-12-08, then HTS-led (low
  confidence, dashed); east of it SDF throughout. They tile Syria's outline.
* routes: a road convoy 2024-12-15 → 2024-12-17, an airlift from 2024-12-10 on.
* installations: Tartus (active until 2024-12-01, then drawing down), Khmeimim
  (site, perimeter, runway, all open-ended), Kobani (vacated from 2024-12-10).
* events: one on 2024-12-08 (one day), one on 2024-11-27.
* places: Damascus (city), Tartus (town), and one with hostile text in its name.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import box, mapping, shape

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"
SPLIT_LON = 38.5
HOSTILE = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>'


def _feature(fid: str, geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    base = {"id": fid, "name": f"Feature {fid}", "valid_from": "2024-11-26", "valid_to": None,
            "source": f"Test source {fid}", "confidence": "high"}
    base.update(props)
    return {"type": "Feature", "properties": base, "geometry": geometry}


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def _zones(syria: shapely.Geometry) -> list[dict[str, Any]]:
    minx, miny, maxx, maxy = syria.bounds
    west = mapping(syria.intersection(box(minx - 1, miny - 1, SPLIT_LON, maxy + 1)))
    east = mapping(syria.intersection(box(SPLIT_LON, miny - 1, maxx + 1, maxy + 1)))
    return [
        _feature("z-west-gov", west, name="West (government)", controller="assad_government",
                 valid_to="2024-12-08", approximate=True),
        _feature("z-west-hts", west, name="West (HTS)", controller="hts_led",
                 valid_from="2024-12-08", confidence="low", approximate=True),
        _feature("z-east-sdf", east, name="East (SDF)", controller="sdf",
                 confidence="medium", approximate=True),
    ]


def _routes() -> list[dict[str, Any]]:
    road = {"type": "LineString", "coordinates": [[36.217, 33.536], [36.72, 34.73],
                                                  [35.93, 34.85], [35.945, 35.41]]}
    air = {"type": "LineString", "coordinates": [[35.945, 35.41], [34.5, 36.5]]}
    return [
        _feature("r-road", road, name="Damascus convoy", route_id="evac", mode="road",
                 origin="Qudsaya", destination="Khmeimim", personnel=400,
                 valid_from="2024-12-15", valid_to="2024-12-17", confidence="medium"),
        _feature("r-air", air, name="Airlift", route_id="air", mode="air", origin="Khmeimim",
                 destination="Russia", personnel=None, valid_from="2024-12-10"),
    ]


def _installations() -> list[dict[str, Any]]:
    common = {"operator": "Russian forces"}
    perimeter = mapping(box(35.935, 35.395, 35.965, 35.42))
    runway = {"type": "LineString", "coordinates": [[35.94736, 35.41513], [35.94931, 35.38814]]}
    return [
        _feature("tartus-1", _point(35.874, 34.915), name="Tartus naval facility",
                 site_id="tartus", part="site", status="active", site_type="naval_base",
                 valid_from="2017-01-18", valid_to="2024-12-01", **common),
        _feature("tartus-2", _point(35.874, 34.915), name="Tartus naval facility",
                 site_id="tartus", part="site", status="drawing_down", site_type="naval_base",
                 valid_from="2024-12-01", confidence="medium", **common),
        _feature("khmeimim-site", _point(35.945, 35.4117), name="Khmeimim air base",
                 site_id="khmeimim", part="site", status="active", site_type="air_base",
                 valid_from="2015-09-30", **common),
        _feature("khmeimim-perimeter", perimeter, name="Khmeimim air base",
                 site_id="khmeimim", part="perimeter", status="active", site_type="air_base",
                 valid_from="2015-09-30", **common),
        _feature("khmeimim-runway", runway, name="Khmeimim runway 17R/35L",
                 site_id="khmeimim", part="runway", status="active", site_type="air_base",
                 valid_from="2015-09-30", confidence="medium", **common),
        _feature("kobani-1", _point(38.354, 36.891), name="Kobani base", site_id="kobani",
                 part="site", status="active", site_type="garrison", valid_from="2024-08-01",
                 valid_to="2024-12-10", confidence="medium", **common),
        _feature("kobani-2", _point(38.354, 36.891), name="Kobani base", site_id="kobani",
                 part="site", status="vacated", site_type="garrison", valid_from="2024-12-10",
                 confidence="medium", **common),
    ]


def _events() -> list[dict[str, Any]]:
    return [
        _feature("e-damascus", _point(36.2919, 33.5131), name="Damascus falls",
                 category="control", date="8 Dec 2024", valid_from="2024-12-08",
                 valid_to="2024-12-09"),
        _feature("e-offensive", _point(37.16, 36.2), name="Offensive launched",
                 category="control", date="27 Nov 2024", valid_from="2024-11-27",
                 valid_to="2024-11-28"),
    ]


def _places() -> list[dict[str, Any]]:
    return [
        _feature("damascus", _point(36.2919, 33.5131), name="Damascus", place_type="city",
                 confidence="medium", approximate=True),
        _feature("tartus", _point(35.887, 34.889), name="Tartus", place_type="town",
                 confidence="medium", approximate=True),
        _feature("hostile", _point(39.0, 35.95), name=HOSTILE, place_type="city",
                 source=f"Source {HOSTILE}", confidence="low", approximate=True),
    ]


def build_geodata(root: Path) -> Path:
    """Write the fixture geodata folder under ``root``; return its ``catalog.toml``."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(GEODATA / "catalog.toml", root / "catalog.toml")
    shutil.copytree(GEODATA / "basemap", root / "basemap", dirs_exist_ok=True)
    syria_doc = json.loads((GEODATA / "basemap" / "syria.geojson").read_text(encoding="utf-8"))
    syria = shapely.union_all([shape(f["geometry"]) for f in syria_doc["features"]])
    layers = {"control_zones.geojson": _zones(syria), "evacuation_routes.geojson": _routes(),
              "installations.geojson": _installations(), "events.geojson": _events(),
              "places.geojson": _places()}
    for name, features in layers.items():
        doc = {"type": "FeatureCollection", "features": features}
        (root / name).write_text(json.dumps(doc), encoding="utf-8")
    return root / "catalog.toml"


def load_fixture(root: Path):
    """Build the folder and load it as the app would (``LoadedLayers``)."""
    from layers.core.catalog import load_catalog
    from layers.ingest.catalog_layers import load_catalog_layers

    loaded = load_catalog_layers(load_catalog(build_geodata(root)))
    assert not any(p.severity == "error" for ps in loaded.problems.values() for p in ps), \
        loaded.problems
    return loaded


def cli_caller(geodata: Path, monkeypatch: Any, capsys: Any) -> Any:
    """A function running ``python -m layers`` in-process on ``geodata``.

    It returns (exit code, stdout, stderr); argparse's usage errors count as their exit
    code, so a test reads a refusal the way a shell would.
    """
    from layers.cli.main import main

    monkeypatch.setenv("BRIEFING_GEODATA", str(geodata))

    def call(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = int(exc.code)
        out, err = capsys.readouterr()
        return code, out, err
    return call
