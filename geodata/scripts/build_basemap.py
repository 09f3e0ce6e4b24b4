"""Build the offline basemap layers from Natural Earth 1:10m (public domain).

Natural Earth is packaged on the npm registry as ``world-atlas`` (TopoJSON). This
script fetches that package with ``npm pack`` (the only registry this project's
machines reach), decodes the TopoJSON itself (no Node.js code runs) and writes:

``geodata/basemap/countries.geojson``
    Syria and its neighbours, clipped to the map frame.
``geodata/basemap/syria.geojson``
    Syria alone at full resolution, as Natural Earth draws it: the 1974 ceasefire
    line, so the Israeli-occupied Golan lies outside it (185,941 km² on WGS84).
    Control zones are clipped to this outline and must tile it.

Run from the repository root::

    python geodata/scripts/build_basemap.py

It is a build script, kept outside the ``layers`` package on purpose: the app
only ever reads the GeoJSON it wrote.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape
from shapely.validation import make_valid

WORLD_ATLAS = "world-atlas@2.0.2"
#: Map frame (lon/lat) that the neighbours are clipped to.
FRAME = (33.0, 30.0, 44.5, 39.0)
SYRIA_ID = "760"
SOURCE = "Natural Earth 1:10m admin 0 countries (public domain), via world-atlas 2.0.2"
OUT = Path(__file__).resolve().parents[1] / "basemap"


def _fetch_topology(workdir: Path) -> dict:
    subprocess.run(["npm", "pack", WORLD_ATLAS, "--silent"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tgz = next(workdir.glob("world-atlas-*.tgz"))
    with tarfile.open(tgz) as tar:
        member = tar.extractfile("package/countries-10m.json")
        assert member is not None
        return json.load(member)


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Undo TopoJSON quantisation and delta encoding."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def _ring(indexes: list[int], arcs: list) -> list[tuple[float, float]]:
    coords: list[tuple[float, float]] = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        coords.extend(pts if not coords else pts[1:])
    return coords


def _geometry(geom: dict, arcs: list) -> dict | None:
    kind = geom.get("type")
    polys = {"Polygon": [geom.get("arcs")], "MultiPolygon": geom.get("arcs")}.get(kind)
    if polys is None:
        return None
    rings = [[_ring(r, arcs) for r in poly] for poly in polys]
    # Quantisation can collapse a tiny islet to fewer than four points: drop it.
    rings = [[r for r in poly if len(r) >= 4] for poly in rings]
    return {"type": "MultiPolygon", "coordinates": [p for p in rings if p]}


def _polygons(geom):
    """Keep the areal part of a clip result (slivers along the frame can be lines)."""
    parts = [g for g in getattr(geom, "geoms", [geom])
             if g.geom_type in ("Polygon", "MultiPolygon")]
    polys = [p for g in parts for p in getattr(g, "geoms", [g])]
    return MultiPolygon(polys) if len(polys) > 1 else (polys[0] if polys else Polygon())


def _round(geom_json: dict, digits: int = 5) -> dict:
    def walk(c):
        if isinstance(c[0], (int, float)):
            return [round(c[0], digits), round(c[1], digits)]
        return [walk(x) for x in c]
    return {"type": geom_json["type"], "coordinates": walk(geom_json["coordinates"])}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        topology = _fetch_topology(Path(tmp))
    arcs = _decode_arcs(topology)
    frame = box(*FRAME)
    features = []
    syria = None
    for obj in topology["objects"]["countries"]["geometries"]:
        gj = _geometry(obj, arcs)
        if gj is None:
            continue
        geom = make_valid(shape(gj))
        if not geom.intersects(frame):
            continue
        name = obj.get("properties", {}).get("name", "")
        if obj.get("id") == SYRIA_ID:
            syria = geom
        clipped = _polygons(geom.intersection(frame))
        if clipped.is_empty:
            continue
        features.append({
            "type": "Feature",
            "properties": {"id": f"country-{obj.get('id') or name.lower()}", "name": name,
                           "iso_n3": obj.get("id"), "source": SOURCE},
            "geometry": _round(mapping(clipped)),
        })
    if syria is None:
        raise SystemExit("Syria (ISO 760) not found in world-atlas")
    _write(OUT / "countries.geojson", features)
    _write(OUT / "syria.geojson", [{
        "type": "Feature",
        "properties": {"id": "syria", "name": "Syria", "iso_n3": SYRIA_ID, "source": SOURCE,
                       "notes": "Natural Earth 1:10m outline; the Israeli-occupied Golan lies "
                                "outside it (Natural Earth draws the 1974 ceasefire line)."},
        "geometry": _round(mapping(syria), 6),
    }])
    print(f"wrote {len(features)} countries to {OUT}")


def _write(path: Path, features: list[dict]) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
