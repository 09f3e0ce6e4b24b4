"""The real-world part of the corpus: what GIS tools and analysts actually send (issue 16).

Called by make_corpus.py. Each file is this project's own, written to stand for
one class of problem seen in the test suites of public GIS readers (RFC 7946
edge cases, Google Maps Timeline KML, ACLED exports, ArcGIS JSON, GPS tracks).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARTUS = [35.8867, 34.9117]
KHMEIMIM = [35.9486, 35.4011]
SQUARE = [[35.8, 34.8], [35.9, 34.8], [35.9, 34.9], [35.8, 34.9], [35.8, 34.8]]
KML_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"'
            ' xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>\n')


def props(fid: str, **extra) -> dict:
    return {"id": fid, "name": f"Site {fid}", "valid_from": "2024-12-01", "source": "corpus",
            "confidence": "high", **extra}


def feature(fid: str, geometry, **extra) -> dict:
    return {"type": "Feature", "properties": props(fid), "geometry": geometry, **extra}


def polygon(ring) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def write(name: str, doc) -> None:
    text = doc if isinstance(doc, str) else json.dumps(doc, indent=1)
    (HERE / name).write_text(text + "\n", encoding="utf-8")


def collection(*features, **extra) -> dict:
    return {"type": "FeatureCollection", **extra, "features": list(features)}


def rfc7946_files() -> None:
    write("unclosed-ring.geojson", collection(feature("zone", polygon(SQUARE[:-1]))))
    write("short-ring.geojson", collection(feature("sliver", polygon(
        [[35.8, 34.8], [35.9, 34.8], [35.8, 34.8]]))))
    write("bad-bbox.geojson", collection(feature("a", {"type": "Point", "coordinates": TARTUS}),
                                         bbox=[35.0, 36.0, 36.0]))
    write("bad-id.geojson", collection(feature("x", {"type": "Point", "coordinates": TARTUS},
                                               id={"site": 7})))
    amb = feature("amb", {"type": "Point", "coordinates": TARTUS}, coordinates=KHMEIMIM)
    write("ambiguous-member.geojson", collection(amb))
    write("clockwise.geojson", collection(feature("cw", polygon(SQUARE[::-1]))))
    nested = {"type": "GeometryCollection", "geometries": [
        {"type": "Point", "coordinates": TARTUS},
        {"type": "GeometryCollection", "geometries": [{"type": "Point",
                                                       "coordinates": KHMEIMIM}]}]}
    write("nested-collection.geojson", collection(feature("gc", nested)))
    write("excess-precision.geojson", collection(feature("p", {
        "type": "Point", "coordinates": [35.88670000000123, 34.91170000000456]})))
    world = [[170.0, -10.0], [180.0000019, -10.0], [180.0000019, 10.0], [170.0, 10.0],
             [170.0, -10.0]]
    write("world-edge.geojson", collection(feature("fiji-box", polygon(world)),
                                           feature("tartus", {"type": "Point",
                                                              "coordinates": TARTUS})))
    write("one-number-position.geojson", collection(feature("p", {"type": "Point",
                                                                  "coordinates": [35.9]})))
    write("numbers-not-positions.geojson", collection(feature("road", {
        "type": "LineString", "coordinates": [35.9, 34.9, 36.0, 35.0]})))
    write("inhomogeneous.geojson", collection(feature("zone", polygon(
        [[35.8, 34.8], [[35.9, 34.8]], [35.9, 34.9], [35.8, 34.8]]))))
    write("huge-integer.geojson", '{"type": "FeatureCollection", "features": [{"type": '
          '"Feature", "properties": {"id": "big"}, "geometry": {"type": "Point", '
          f'"coordinates": [{"9" * 400}, 34.9]}}}}]}}')
    write("bad-properties.geojson", collection(
        {"type": "Feature", "properties": ["Tartus"], "geometry": {"type": "Point",
                                                                   "coordinates": TARTUS}}))
    write("dated-event-date.geojson", collection(*[
        {"type": "Feature", "properties": {"id": f"e{i}", "event_date": day},
         "geometry": {"type": "Point", "coordinates": xy}}
        for i, (day, xy) in enumerate((("2024-12-08", TARTUS), ("2024-12-10", KHMEIMIM)))]))
    write("esri-arcgis.json", {
        "displayFieldName": "name", "geometryType": "esriGeometryPolygon",
        "spatialReference": {"wkid": 4326, "latestWkid": 4326},
        "fields": [{"name": "name", "type": "esriFieldTypeString"}],
        "features": [{"attributes": {"name": "Tartus port", "valid_from": "2024-12-01"},
                      "geometry": {"rings": [[[35.86, 34.90], [35.86, 34.92], [35.89, 34.92],
                                              [35.89, 34.90], [35.86, 34.90]]]}},
                     {"attributes": {"name": "Khmeimim"},
                      "geometry": {"x": 35.9486, "y": 35.4011}}]})


def _kml(body: str) -> str:
    return KML_HEAD + body + "\n</Document></kml>"


def kml_files() -> None:
    write("unclosed-ring.kml", _kml('<Placemark id="zone"><name>zone</name><Polygon>'
                                    "<outerBoundaryIs><LinearRing><coordinates>35.8,34.8 "
                                    "35.9,34.8 35.9,34.9 35.8,34.9</coordinates></LinearRing>"
                                    "</outerBoundaryIs></Polygon></Placemark>"))
    write("bare-linearring.kml", _kml(
        "<Placemark><name>Perimeter</name><TimeStamp><when>2024-12-08</when></TimeStamp>"
        "<LinearRing><coordinates>35.8,34.8 35.9,34.8 35.9,34.9 35.8,34.8</coordinates>"
        "</LinearRing></Placemark>"))
    write("two-placemarks.kml", _kml(
        "<Folder><name>Bases</name>"
        "<Placemark><name>Tartus</name><TimeSpan><begin>2024-12-01</begin></TimeSpan><Point>"
        "<coordinates>35.8867,34.9117,0</coordinates></Point></Placemark></Folder>"
        "<Folder><name>Air</name><Placemark><name>Khmeimim</name><TimeSpan><begin>2024-12-01"
        "</begin></TimeSpan><Point><coordinates>35.9486,35.4011</coordinates></Point>"
        "</Placemark></Folder>"))
    write("google-timeline.kml", _kml(
        "<name>Location history from 2024-12-08 to 2024-12-08</name>"
        "<Placemark><name>Tartus</name><address>Tartus, Syria</address>"
        "<TimeSpan><begin>2024-12-08T06:10:00.000Z</begin><end>2024-12-08T07:55:00.000Z</end>"
        "</TimeSpan><Point><coordinates>35.8867,34.9117,0</coordinates></Point></Placemark>"
        "<Placemark><name>Driving</name><ExtendedData><Data name=\"Category\"><value>Driving"
        "</value></Data><Data name=\"Distance\"><value>61034</value></Data></ExtendedData>"
        "<TimeSpan><begin>2024-12-08T07:55:00.000Z</begin><end>2024-12-08T09:05:00.000Z</end>"
        "</TimeSpan><LineString><altitudeMode>clampToGround</altitudeMode><extrude>1</extrude>"
        "<tessellate>1</tessellate><coordinates>35.8867,34.9117,0 35.9486,35.4011,0"
        "</coordinates></LineString></Placemark>"
        "<Placemark><name>Stop</name><gx:Track><when>2024-12-08T09:05:00Z</when>"
        "<gx:coord>35.9486 35.4011 0</gx:coord></gx:Track></Placemark>"))
    padding = "<!-- " + "x" * 70_000 + " -->\n"
    write("kml-doctype-late.kml", '<?xml version="1.0"?>\n' + padding +
          '<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">]>\n' + _kml("<Placemark><name>&a;</name>"
                                                              "<Point><coordinates>35.9,34.9"
                                                              "</coordinates></Point>"
                                                              "</Placemark>")[39:])
    doctype = ('<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">]>\n'
               '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&a;'
               "</name><Point><coordinates>35.9,34.9</coordinates></Point></Placemark>"
               "</Document></kml>")
    _kmz("kmz-doctype.kmz", doctype)
    _kmz("kmz-networklink.kmz", _kml(
        "<NetworkLink><name>Live feed</name><Link><href>http://example.invalid/feed.kml</href>"
        "</Link></NetworkLink><Placemark><name>Tartus</name><Point><coordinates>35.8867,"
        "34.9117</coordinates></Point></Placemark>"))


def _kmz(name: str, kml: str) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", kml)
    (HERE / name).write_bytes(buf.getvalue())


ACLED_ROWS = [
    ("SYR1001", "2024-12-08", 1, "Strategic developments", "Military Forces of Russia",
     "Tartus", 34.9117, 35.8867, 1, "Reuters", "Warships left the piers.", 0),
    ("SYR1002", "2024-12-10", 2, "Strategic developments", "Military Forces of Russia",
     "Jableh", 35.3611, 35.9256, 2, "Local media", "Convoy seen near the town; week only.", 0),
    ("SYR1003", "2024-12-15", 3, "Battles", "HTS", "Idlib", 35.9306, 36.6339, 3,
     "SOHR", "Clashes in the governorate; month only.", 4),
]
ACLED_HEADER = ("event_id_cnty", "event_date", "time_precision", "event_type", "actor1",
                "location", "latitude", "longitude", "geo_precision", "source", "notes",
                "fatalities")


def table_files() -> None:
    lines = [",".join(ACLED_HEADER)] + [",".join(f'"{v}"' if isinstance(v, str) and "," in v
                                                 else str(v) for v in row)
                                        for row in ACLED_ROWS]
    (HERE / "acled-export.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (HERE / "csv-no-coordinates.csv").write_text("event_date,place\n2024-12-08,Tartus\n",
                                                 encoding="utf-8")
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Event ID", "Day", "Y", "X", "What"])
    sheet.append(["x1", "2024-12-08", 34.9117, 35.8867, "Sealift"])
    sheet.append(["x2", "2024-12-09", 35.4011, 35.9486, "Airlift"])
    book.save(HERE / "analyst-own-columns.xlsx")
    (HERE / "patrol-track.gpx").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="corpus" '
        'xmlns="http://www.topografix.com/GPX/1/1">\n'
        '<wpt lat="34.9117" lon="35.8867"><time>2024-12-08T06:00:00Z</time><name>Start</name>'
        '</wpt>\n<trk><name>Patrol</name><trkseg>'
        '<trkpt lat="34.9117" lon="35.8867"><time>2024-12-08T06:00:00Z</time></trkpt>'
        '<trkpt lat="35.1000" lon="35.9000"><time>2024-12-08T07:00:00Z</time></trkpt>'
        '<trkpt lat="35.4011" lon="35.9486"><time>2024-12-09T01:00:00Z</time></trkpt>'
        "</trkseg></trk>\n</gpx>\n", encoding="utf-8")


def build() -> None:
    rfc7946_files()
    kml_files()
    table_files()


if __name__ == "__main__":
    build()
