"""Rebuild the corpus of bad files: one small file per rule (run from the repository root).

    .venv/bin/python tests/bad_files/make_corpus.py

The zip bomb is not stored here: tests/ingest/test_upload.py builds it in a fixture.
"""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import make_realworld
import shapely

HERE = Path(__file__).resolve().parent
TARTUS = (35.8867, 34.9117)
KHMEIMIM = (35.9486, 35.4011)
DAMASCUS = (36.2913, 33.5102)


def props(fid: str, **extra) -> dict:
    base = {"id": fid, "name": f"Site {fid}", "valid_from": "2024-12-01", "valid_to": None,
            "source": "corpus", "confidence": "high"}
    base.update(extra)
    return base


def point(fid: str, xy=TARTUS, **extra) -> dict:
    return {"type": "Feature", "properties": props(fid, **extra),
            "geometry": {"type": "Point", "coordinates": list(xy)}}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def write_json(name: str, doc) -> None:
    text = doc if isinstance(doc, str) else json.dumps(doc, indent=1, ensure_ascii=False)
    (HERE / name).write_text(text + "\n", encoding="utf-8")


def geojson_files() -> None:
    write_json("not-json.geojson", '{"type": "FeatureCollection", "features": [\n'
               '  {"type": "Feature", "properties": {"id": "a"} "geometry": null}\n]}')
    write_json("not-featurecollection.geojson", {"type": "Topology", "objects": {}})
    write_json("empty.geojson", collection())
    nogeom = point("tartus")
    nogeom["geometry"] = None
    write_json("no-geometry.geojson", collection(point("ok", KHMEIMIM), nogeom))
    bad = point("khmeimim")
    bad["geometry"]["coordinates"] = ["35.9486", 35.4011]
    write_json("bad-coordinates.geojson", collection(bad))
    write_json("latlon-swapped.geojson", collection(
        point("tartus", TARTUS[::-1]), point("khmeimim", KHMEIMIM[::-1]),
        point("damascus", DAMASCUS[::-1])))
    write_json("web-mercator-no-crs.geojson", collection(
        point("tartus", (3994913.6, 4151021.5)), point("khmeimim", (4001804.2, 4216718.9))))
    write_json("unknown-crs.geojson", {**collection(point("a")), "crs": {
        "type": "name", "properties": {"name": "EPSG:999999"}}})
    bowtie = {"type": "Polygon", "coordinates": [[[35.8, 34.8], [36.0, 35.0], [36.0, 34.8],
                                                  [35.8, 35.0], [35.8, 34.8]]]}
    write_json("self-intersection.geojson", collection(
        {"type": "Feature", "properties": props("bowtie"), "geometry": bowtie}))
    write_json("bad-date.geojson", collection(point("tartus", valid_from="08/12/2024")))
    write_json("date-order.geojson", collection(point("tartus", valid_from="2024-12-20",
                                                      valid_to="2024-12-08")))
    write_json("duplicate-id.geojson", collection(point("site"), point("site", KHMEIMIM)))
    write_json("bad-confidence.geojson", collection(point("tartus", confidence="H")))
    js = "window.__pwned=1"
    hostile = collection(
        point("<script>window.__pwned=1</script>", name=f"<img src=x onerror={js}>",
              notes="`${window.__pwned=1}` and </script><script>window.__pwned=1</script>",
              source=f"<svg onload={js}>", category="<b>bold</b>",
              **{f"<img src=x onerror={js}>": "key carries script"}),
        point("${window.__pwned=1}", KHMEIMIM, name="`${window.__pwned=1}`",
              notes="\" onmouseover=\"window.__pwned=1", source="javascript:window.__pwned=1",
              category="{{7*7}}"),
        point("plain", DAMASCUS, name="Damascus & <co>", category="normal"))
    write_json("hostile.geojson", hostile)


def frame(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    pts = [TARTUS, KHMEIMIM, DAMASCUS]
    gdf = gpd.GeoDataFrame({"id": ["tartus", "khmeimim", "damascus"],
                            "name": ["Tartus", "Khmeimim", "Damascus"],
                            "valid_from": ["2024-12-01"] * 3, "source": ["corpus"] * 3,
                            "confidence": ["high", "medium", "low"]},
                           geometry=[shapely.Point(p) for p in pts], crs="EPSG:4326")
    return gdf.to_crs(crs)


def shapefile_zip(name: str, gdf: gpd.GeoDataFrame, *, keep=(".shp", ".shx", ".dbf", ".prj",
                                                              ".cpg")) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(Path(tmp) / "sites.shp")
        with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(Path(tmp).iterdir()):
                if part.suffix in keep:
                    zf.write(part, f"sites/{part.name}")


def zip_files() -> None:
    with zipfile.ZipFile(HERE / "zip-slip.zip", "w") as zf:
        zf.writestr("../evil.shp", b"\x00\x00\x27\x0a")
        zf.writestr("sites.shp", b"\x00\x00\x27\x0a")
    with zipfile.ZipFile(HERE / "zip-symlink.zip", "w") as zf:
        info = zipfile.ZipInfo("sites.shp")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with zipfile.ZipFile(HERE / "empty.zip", "w"):
        pass
    with zipfile.ZipFile(HERE / "zip-no-shp.zip", "w") as zf:
        zf.writestr("readme.txt", "the layer is in another email\n")
        zf.writestr("sites.csv", "id,lat,lon\ntartus,34.9117,35.8867\n")
    shapefile_zip("shapefile-incomplete.zip", frame(), keep=(".shp",))
    shapefile_zip("shapefile-no-prj.zip", frame(), keep=(".shp", ".shx", ".dbf", ".cpg"))
    shapefile_zip("shapefile-mercator-no-prj.zip", frame("EPSG:3857"),
                  keep=(".shp", ".shx", ".dbf", ".cpg"))


def other_files() -> None:
    for stale in ("gpkg-mercator.gpkg", "gpkg-two-layers.gpkg"):
        (HERE / stale).unlink(missing_ok=True)
    frame("EPSG:3857").to_file(HERE / "gpkg-mercator.gpkg", layer="sites", driver="GPKG")
    frame().to_file(HERE / "gpkg-two-layers.gpkg", layer="sites", driver="GPKG")
    frame().iloc[:1].to_file(HERE / "gpkg-two-layers.gpkg", layer="ports", driver="GPKG")
    (HERE / "kml-timespan.kml").write_text("""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Russian sites</name>
<Placemark><name>Tartus naval facility</name>
 <ExtendedData><Data name="id"><value>tartus</value></Data>
  <Data name="confidence"><value>high</value></Data></ExtendedData>
 <TimeSpan><begin>2024-12-01</begin><end>2024-12-20</end></TimeSpan>
 <Point><coordinates>35.8867,34.9117,0</coordinates></Point></Placemark>
<Placemark><name>Khmeimim air base</name>
 <ExtendedData><Data name="id"><value>khmeimim</value></Data></ExtendedData>
 <TimeStamp><when>2024-12-08T10:00:00Z</when></TimeStamp>
 <Point><coordinates>35.9486,35.4011</coordinates></Point></Placemark>
</Document></kml>
""", encoding="utf-8")
    (HERE / "kml-doctype.kml").write_text("""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>&b;</name><Point><coordinates>35.8867,34.9117</coordinates></Point></Placemark>
</Document></kml>
""", encoding="utf-8")
    (HERE / "pdf-renamed.geojson").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\n"
                                               b"endobj\ntrailer\n<<>>\n%%EOF\n")
    with tempfile.TemporaryDirectory() as tmp:
        frame().to_file(Path(tmp) / "sites.shp")
        shutil.copy(Path(tmp) / "sites.shp", HERE / "lone.shp")


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        geojson_files()
        zip_files()
        other_files()
        make_realworld.build()
    print("\n".join(sorted(p.name for p in HERE.iterdir() if p.suffix != ".py")))
