"""Formats other than GeoJSON: tell what a file is, then read it with GDAL (pyogrio).

An upload's name is a claim and its first bytes are evidence: a ``.kml`` that
is really a zip (KMZ), a ``.geojson`` that is really a PDF, a lone ``.shp``.
:func:`sniff` decides from the bytes first and the name second, so each case
gets a message that says what the file is and what to upload instead.
:func:`read_ogr` reads GeoPackage (first layer with features) and Shapefile into the
loader's list of GeoJSON-like features; KML has a reader of its own
(:mod:`layers.ingest.kml`), after :func:`kml_is_safe`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pyproj import CRS
from pyproj.exceptions import CRSError

from layers.ingest.zipsafe import ZipLimits, extract_dataset
from layers.problems import Problem

#: Suffixes the app accepts, for messages and the file picker.
ACCEPTED = (".geojson", ".json", ".kml", ".kmz", ".gpkg", ".zip", ".csv", ".tsv", ".xlsx",
            ".gpx")
#: Parts of a Shapefile; picked together they are zipped into one upload.
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_NOT_VECTOR = ((b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"),
               (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
               (b"II*\x00", "a TIFF image (raster)"), (b"MM\x00*", "a TIFF image (raster)"),
               (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
               (b"\x1f\x8b", "a gzip file"), (b"\xd0\xcf\x11\xe0", "an old Office document"))
#: Columns GDAL's KML driver adds to every placemark; dropped when they hold nothing useful.
@dataclass(frozen=True)
class Sniffed:
    """What a file is: a format the loader reads, or a description of what it is instead."""

    kind: str | None
    what: str = ""


def sniff(data: bytes, name: str) -> Sniffed:
    """Decide the format from the first bytes, then the file name.

    Returns
    -------
    Sniffed
        ``kind`` is ``geojson``, ``kml``, ``gpkg``, ``zip`` (KMZ included), ``xlsx``,
        ``csv`` or ``gpx``, or
        None with ``what`` saying what the file looks like.
    """
    head = data[:4096]
    suffix = Path(name).suffix.lower()
    if suffix in SHAPEFILE_PARTS[1:]:
        return Sniffed(None, f"one part ({suffix}) of a Shapefile, without its .shp")
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return Sniffed("xlsx" if suffix in (".xlsx", ".xlsm") or _is_workbook(data) else "zip")
    if head.startswith(b"SQLite format 3\x00"):
        return Sniffed("gpkg")
    if head[:4] == b"\x00\x00\x27\x0a":
        return Sniffed(None, "a bare .shp file (a Shapefile also needs its .shx, .dbf and .prj)")
    for magic, what in _NOT_VECTOR:
        if head.startswith(magic):
            return Sniffed(None, what)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("{", "[")) or suffix in (".geojson", ".json"):
        return Sniffed("geojson")
    if text.startswith("<"):
        if "<kml" in text or b"<kml" in data or b"<KML" in data:  # after a long comment
            return Sniffed("kml")
        if "<html" in text or "<!doctype html" in text:
            return Sniffed(None, "an HTML page")
        if "<gpx" in text:
            return Sniffed("gpx")
        return Sniffed(None, "an XML file that is not KML")
    if suffix in (".csv", ".tsv") or (b"\x00" not in head and suffix in ("", ".txt") and any(
            sep in head for sep in (b",", b";", b"\t"))):
        return Sniffed("csv")
    if suffix == ".kml":
        return Sniffed(None, "a .kml file without a <kml> element")
    return Sniffed(None, "a file of an unknown kind")


def stage(data: bytes, kind: str, dest: Path, label: str, problems: list[Problem], *,
          zip_limits: ZipLimits) -> Path | None:
    """Put the dataset on disk in ``dest`` under a name chosen here, ready for GDAL.

    GDAL picks its driver from the suffix and warns about a GeoPackage read from
    memory, so every format gets a real file with the right suffix; a zip is
    checked and unpacked by :mod:`layers.ingest.zipsafe`.
    """
    if kind == "zip":
        return extract_dataset(data, dest, label, problems, zip_limits)
    path = dest / f"layer.{kind}"
    path.write_bytes(data)
    return path


def _is_workbook(data: bytes) -> bool:
    """A zip whose directory names an Office workbook (``xl/workbook.xml``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def declares_dtd(data: bytes, label: str, problems: list[Problem], *, what: str, fix: str,
                 rule: str) -> bool:
    """Whether an XML file declares a DOCTYPE or ENTITY, which we refuse (and say so).

    Entity expansion can exhaust memory or read local files, and no GIS export
    needs a DTD, so refusing is cheaper than a parser configured to be safe.
    """
    lower = data.lower()
    if b"<!doctype" not in lower and b"<!entity" not in lower:
        return False
    problems.append(Problem(label, "", f"declares a DOCTYPE or ENTITY; such {what} is refused "
                            "(entity expansion can exhaust memory or read local files).",
                            fix, rule=rule))
    return True


def kml_is_safe(data: bytes, label: str, problems: list[Problem]) -> bool:
    """Refuse DTDs (entity expansion, external entities); warn that links are not followed.

    The whole text is searched, not its first bytes: a DOCTYPE after 64 KiB of
    comment is still a DOCTYPE. A KMZ's KML comes here too, once unpacked.
    """
    if declares_dtd(data, label, problems, what="KML", rule="kml-doctype",
                    fix="Export the KML again from Google Earth or QGIS."):
        return False
    lower = data.lower()
    if b"<networklink" in lower:
        problems.append(Problem(label, "", "has NetworkLink elements; they are not followed "
                                "(the app is offline), only the placemarks in the file are read.",
                                "Save the linked layers into the KML (Google Earth: 'Save "
                                "Place As' on the loaded folder).", severity="warning",
                                rule="kml-network-link"))
    return True


def read_ogr(path: Path, label: str, problems: list[Problem], *, max_features: int
             ) -> tuple[list[dict[str, Any]], str | None]:
    """Read a KML, GeoPackage or Shapefile into GeoJSON-like features and its CRS.

    Returns
    -------
    features, crs
        ``crs`` is None for WGS84 (nothing to reproject) or when undeclared.
    """
    import pyogrio  # local: only non-GeoJSON uploads need GDAL

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            listed = [(str(n), g) for n, g in pyogrio.list_layers(path)]
            counts = {n: pyogrio.read_info(path, layer=n)["features"] for n, _ in listed}
    except Exception as exc:  # GDAL raises many types; all mean "unreadable"
        problems.append(Problem(label, "", f"could not be read as a vector file "
                                f"({_short(exc)}).", "Upload GeoJSON, KML, GeoPackage or a "
                                "zipped Shapefile.", rule="unreadable"))
        return [], None
    names = [n for n, g in listed if g is not None and counts.get(n, 0) != 0]
    if not names:
        problems.append(Problem(label, "", "holds no layer with features and geometries.",
                                "Export a layer that has features.", rule="empty"))
        return [], None
    if len(names) > 1:
        problems.append(Problem(label, "", f"has {len(names)} layers; read {names[0]!r} "
                                f"only (also: {', '.join(map(repr, names[1:6]))}).",
                                "Export each layer to its own file to load the others.",
                                severity="warning", rule="several-layers"))
    names = names[:1]
    total = sum(max(counts[n], 0) for n in names)
    if total > max_features:
        problems.append(Problem(label, "", f"has {total:,} features, more than the limit of "
                                f"{max_features:,}.", "Split the file or filter it.",
                                rule="too-many-features"))
        return [], None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frames = [pyogrio.read_dataframe(path, layer=n) for n in names]
    except Exception as exc:  # GDAL raises many types; all mean "unreadable"
        problems.append(Problem(label, "", f"could not be read ({_short(exc)}).",
                                "Open it in QGIS and export it again.", rule="unreadable"))
        return [], None
    crs = frames[0].crs
    frame = frames[0]
    if path.suffix == ".shp" and crs is None:
        _note_missing_prj(frame, label, problems)
    frame = _dates_as_text(frame)
    features = json.loads(frame.to_json(drop_id=True, to_wgs84=False, default=str))["features"]
    return features, _crs_name(crs)


def _short(exc: Exception) -> str:
    """GDAL messages carry the temporary file's path; show only the reason."""
    return re.sub(r"(/[^\s:'\"]+)+/layer\.", "layer.", str(exc))[:300]


def _crs_name(crs: CRS | None) -> str | None:
    """None for WGS84 (nothing to do), else ``EPSG:<code>`` or the WKT."""
    if crs is None:
        return None
    try:
        if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
            return None
        epsg = crs.to_epsg()
    except CRSError:
        epsg = None
    return f"EPSG:{epsg}" if epsg else crs.to_wkt()


def _note_missing_prj(frame: Any, label: str, problems: list[Problem]) -> None:
    """A Shapefile without .prj: assume WGS84 if the numbers are degrees, and say so."""
    minx, miny, maxx, maxy = frame.total_bounds
    if np.all(np.isfinite([minx, miny, maxx, maxy])) and max(abs(minx), abs(maxx)) <= 180 \
            and max(abs(miny), abs(maxy)) <= 90:
        problems.append(Problem(label, "", "has no .prj file; the coordinates look like "
                                "degrees, so WGS84 longitude/latitude (EPSG:4326) was assumed.",
                                "Zip the .prj with the Shapefile so its CRS is known.",
                                severity="warning", rule="no-prj"))


def _dates_as_text(frame: Any) -> Any:
    """Datetime columns as ISO text, dates alone when every value is a midnight."""
    for column in frame.columns:
        series = frame[column]
        if not pd.api.types.is_datetime64_any_dtype(series):
            if series.dtype == object and series.map(lambda v: isinstance(
                    v, (dt.date, dt.datetime))).any():
                frame[column] = series.map(lambda v: v.isoformat() if isinstance(
                    v, (dt.date, dt.datetime)) else v)
            continue
        naive = series.dt.tz_localize(None) if series.dt.tz is not None else series
        fmt = "%Y-%m-%d" if (naive.dropna() == naive.dropna().dt.floor("D")).all() else \
            "%Y-%m-%dT%H:%M:%S"
        frame[column] = naive.map(lambda v, f=fmt: None if pd.isna(v) else v.strftime(f))
    return frame
