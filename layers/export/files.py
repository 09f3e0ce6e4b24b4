"""Exports of a map view: static maps, a standalone HTML map and data files.

Every format starts from the same :class:`~layers.core.view.MapView` and the same
:func:`~layers.core.view.view_layers`, so a file holds exactly what the dashboard
shows for that date, layers and extent:

========  ===================================================================
png       print map, 300 dpi (:mod:`layers.render.staticmap`)
pdf       print map, vector, TrueType fonts embedded
svg       print map, vector, text kept as text
html      one self-contained file with its own time slider (no network)
geojson   RFC 7946 FeatureCollection, one ``layer`` property per feature
kml       Google Earth, a folder per layer, ``TimeSpan`` per placemark
gpkg      GeoPackage, one table per layer
========  ===================================================================

Data exports keep the features valid on the date; with a ``bbox`` in the view,
those that touch it (whole, not clipped), since that is what the screen shows.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from layers.core.catalog import LayerSpec
from layers.core.loaded import LoadedLayers
from layers.core.records import geojson_geometry, plain_value, records
from layers.core.view import MapView, view_layers
from layers.errors import DateError, ExportError, UnknownLayerError

FORMATS = ("png", "pdf", "svg", "html", "geojson", "kml", "gpkg")
STATIC_FORMATS = ("png", "pdf", "svg")
DATA_FORMATS = ("geojson", "kml", "gpkg")
SUFFIXES = {"png": ".png", "pdf": ".pdf", "svg": ".svg", "html": ".html",
            "geojson": ".geojson", "kml": ".kml", "gpkg": ".gpkg"}
MIME_TYPES = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml",
              "html": "text/html", "geojson": "application/geo+json",
              "kml": "application/vnd.google-earth.kml+xml",
              "gpkg": "application/geopackage+sqlite3"}
_ALIASES = {"json": "geojson", "htm": "html"}

Layers = list[tuple[LayerSpec, gpd.GeoDataFrame]]


def check_view(loaded: LoadedLayers, view: MapView) -> None:
    """Refuse a view that names an unknown layer or a date before the data begin.

    Raises
    ------
    UnknownLayerError
        Naming the unknown ids and every id that exists.
    DateError
        When the date is before the catalog's start (the map would be empty).
    """
    known = [*loaded.catalog.ids, *(o.spec.id for o in view.overlays)]
    unknown = [i for i in view.layer_ids if i not in known]
    if unknown:
        raise UnknownLayerError(f"unknown layer(s) {', '.join(map(repr, unknown))}; known "
                                f"layers: {', '.join(known)}")
    start = loaded.catalog.start
    if start and view.day.isoformat() < start:
        raise DateError(f"date {view.day.isoformat()!r} is before the data begin ({start}); "
                        f"give a date from {start} on, as YYYY-MM-DD.")


def unloaded_layers(loaded: LoadedLayers, view: MapView) -> list[str]:
    """Requested catalog layers that failed to load (the screen cannot show them either)."""
    return [i for i in view.layer_ids if i in loaded.catalog.ids and i not in loaded.frames]


def shown_layers(loaded: LoadedLayers, view: MapView) -> Layers:
    """The view's layers as of its date; with a bbox, only features that touch it."""
    layers = view_layers(loaded, view)
    if view.bbox is None:
        return layers
    frame_box = shapely.box(*view.bbox)
    out: Layers = []
    for spec, frame in layers:
        geoms = frame.geometry.values
        out.append((spec, frame.loc[~shapely.is_missing(geoms)
                                    & shapely.intersects(geoms, frame_box)]))
    return out


def format_for(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The export format: ``fmt`` if given, else from the file's suffix.

    Raises
    ------
    ExportError
        When neither names a known format.
    """
    name = (fmt or Path(path).suffix.lstrip(".")).lower()
    name = _ALIASES.get(name, name)
    if name not in FORMATS:
        what = f"format {fmt!r}" if fmt else f"file suffix of {os.fspath(path)!r}"
        raise ExportError(f"{what} is not an export format; use one of {', '.join(FORMATS)}.")
    return name


def file_name(loaded: LoadedLayers, view: MapView, fmt: str, *,
              compare: dt.date | None = None) -> str:
    """A download name such as ``russia-s-military-footprint-in-syria_2024-12-08.png``."""
    title = (view.title or loaded.catalog.title).replace("{date}", "").replace("{known_on}", "")
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    dates = view.day.isoformat() + (f"_vs_{compare.isoformat()}" if compare else "")
    return f"{slug[:60] or 'map'}_{dates}{SUFFIXES[fmt]}"


def export_bytes(loaded: LoadedLayers, view: MapView, fmt: str, *,
                 handling: str | None = None, dpi: int = 300,
                 made: dt.datetime | None = None, layout: Any = None,
                 compare: dt.date | None = None) -> bytes:
    """The export as bytes (for a download button).

    Parameters
    ----------
    fmt
        One of :data:`FORMATS`.
    handling
        Banner text; defaults to the catalog's handling line.
    dpi
        PNG resolution.
    made
        Time stamp written into the file; now (UTC) by default.
    layout
        A :class:`~layers.render.layout.Layout` for the print formats (preset,
        frame, grid, texts); its handling line is used when ``handling`` is None.
    compare
        A second date for a side-by-side page (print formats only).

    Raises
    ------
    ExportError
        When ``compare`` is asked of a format that is not a printed page.
    """
    check_view(loaded, view)
    fmt = format_for("", fmt)
    made = made or dt.datetime.now(dt.UTC)
    if compare is not None and fmt not in STATIC_FORMATS:
        raise ExportError(f"a comparison of two dates is a printed page: use png, pdf or svg, "
                          f"not {fmt}.")
    if compare is not None:
        check_view(loaded, replace(view, day=compare))
    if handling is None and layout is not None:
        handling = layout.texts.handling
    handling = handling if handling is not None else loaded.catalog.handling
    if fmt in STATIC_FORMATS:
        from layers.render.staticmap import render_static

        buf = io.BytesIO()
        render_static(loaded, view, buf, fmt, dpi=dpi, handling=handling, made=made,
                      layout=layout, compare=compare)
        return buf.getvalue()
    if fmt == "html":
        from layers.export.html import standalone_html

        return standalone_html(loaded, view, handling=handling, made=made).encode("utf-8")
    if fmt == "kml":
        from layers.export.kml import kml_document

        return kml_document(loaded, view, shown_layers(loaded, view), handling=handling,
                            made=made)
    if fmt == "geojson":
        doc = geojson_document(loaded, view, shown_layers(loaded, view), handling=handling,
                               made=made)
        return json.dumps(doc, ensure_ascii=False, indent=None).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        write_gpkg(loaded, view, shown_layers(loaded, view), path, handling=handling,
                   made=made)
        return path.read_bytes()


def export_file(loaded: LoadedLayers, view: MapView, path: str | os.PathLike[str],
                fmt: str | None = None, **options: Any) -> Path:
    """Write the export to ``path``; the format comes from ``fmt`` or the suffix.

    The file is written next to its destination first and moved into place, so
    a failed export never leaves half a file where a good one was.

    Raises
    ------
    ExportError
        Naming the path when its folder is missing or not writable.
    """
    target = Path(path)
    fmt = format_for(target, fmt)
    check_view(loaded, view)
    check_target(target, file_name(loaded, view, fmt))
    return write_output(target, export_bytes(loaded, view, fmt, **options))


def check_target(target: Path, example: str = "map.png") -> None:
    """Refuse, before any rendering, a destination that cannot be written.

    Raises
    ------
    ExportError
        Naming the path: folder missing, a folder given instead of a file, or a
        folder without write permission.
    """
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: folder {folder} does not exist. Fix: "
                          "create it or choose another --out.")
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder. Fix: give a file name, "
                          f"e.g. {target / example}.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {target}: no permission to write in {folder}. Fix: "
                          "choose a folder you can write to.")


def write_output(target: Path, data: bytes) -> Path:
    """Write ``data`` next to ``target`` and move it into place (never half a file).

    Raises
    ------
    ExportError
        Naming the path when the write fails (permission, disk full, read-only).
    """
    folder = target.parent if str(target.parent) else Path(".")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=target.suffix, dir=folder)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        # mkstemp makes the file owner-only; a briefing file gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None and Path(tmp).exists():
            Path(tmp).unlink()
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}. Fix: choose a "
                          "folder you can write to.") from None
    return target


def geojson_document(loaded: LoadedLayers, view: MapView, layers: Layers, *,
                     handling: str, made: dt.datetime) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection of the shown features.

    Each feature keeps the contract's properties (dates as ``YYYY-MM-DD``) and
    gains ``layer`` (the layer id) since several layers share one file. Foreign
    members at the top say what the file is: title, as-of date, handling line.
    """
    features = []
    for spec, frame in layers:
        for props, geom in records(frame):
            props["layer"] = spec.id
            features.append({"type": "Feature", "properties": props,
                             "geometry": geojson_geometry(geom)})
    return {"type": "FeatureCollection",
            "name": view.title or loaded.catalog.title,
            "as_of": view.day.isoformat(),
            "handling": handling,
            "made": made.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "layers": [{"id": spec.id, "title": spec.title, "features": len(frame)}
                       for spec, frame in layers],
            "features": features}


def write_gpkg(loaded: LoadedLayers, view: MapView, layers: Layers, path: Path, *,
               handling: str, made: dt.datetime) -> None:
    """One table per layer (named by layer id), dates as ``YYYY-MM-DD`` text.

    Tables are written even when empty on the date, so the file's structure does
    not depend on the day. Mixed layers (installations: points, outlines,
    runways) become a generic-geometry table, which QGIS splits by type on load.
    """
    import pyogrio

    meta = {"title": view.title or loaded.catalog.title, "as_of": view.day.isoformat(),
            "handling": handling, "made": made.astimezone(dt.UTC).isoformat(timespec="minutes")}
    for spec, frame in layers:
        columns = [c for c in frame.columns
                   if c != frame.geometry.name and not str(c).startswith("_")]
        table = gpd.GeoDataFrame(frame[columns].copy(), geometry=frame.geometry.values,
                                 crs="EPSG:4326")
        for column in ("valid_from", "valid_to"):
            if column in table.columns:
                table[column] = [plain_value(v) for v in frame[column]]
                table[column] = table[column].astype("object")
        pyogrio.write_dataframe(table, path, layer=spec.id, driver="GPKG",
                                layer_metadata={**meta, "layer_title": spec.title,
                                                "attribution": spec.attribution},
                                promote_to_multi=None)
