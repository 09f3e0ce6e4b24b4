"""Loading: a file (or uploaded bytes) becomes a validated GeoDataFrame.

Reading is defensive on purpose. GeoJSON is parsed with :mod:`json` and checked
feature by feature before any geometry is built (:mod:`layers.ingest.geojson`),
so one broken feature yields a message naming it instead of a traceback from
deep inside a library, and every problem in the file is reported at once
(:class:`layers.LayerValidationError`). Tables (CSV, XLSX) and GPX have readers
of their own; KML, GeoPackage and Shapefile go through GDAL. Whatever the
format, the frame then meets the same contract (:mod:`layers.core.validate`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from layers.core.validate import validate_frame
from layers.errors import LayerValidationError
from layers.ingest.datecols import adopt_date_columns
from layers.ingest.formats import ACCEPTED, kml_is_safe, read_ogr, sniff, stage
from layers.ingest.geojson import features_to_frame, read_geojson
from layers.ingest.gpx import read_gpx
from layers.ingest.kml import read_kml
from layers.ingest.tabular import read_table, table_to_frame
from layers.ingest.zipsafe import MIB, ZipLimits
from layers.problems import Problem

#: Upper bounds that keep a hostile or mistaken file from exhausting memory.
MAX_BYTES = 50 * 1024 * 1024
MAX_FEATURES = 250_000



def load_layer(source: str | Path | bytes, kind: str = "generic", *, name: str | None = None,
               coverage: shapely.Geometry | None = None,
               region: tuple[float, float, float, float] | None = None,
               repair: bool = False, max_bytes: int = MAX_BYTES,
               max_features: int = MAX_FEATURES,
               max_unzipped_bytes: int | None = None,
               columns: Mapping[str, str] | None = None) -> gpd.GeoDataFrame:
    """Read, check and return one layer as a GeoDataFrame in WGS84.

    Parameters
    ----------
    source
        A path, or the raw bytes of an upload (then give ``name``).
    kind
        Validation profile (``installations``, ``routes``, ``control_zones``,
        ``events``, ``places`` or ``generic``).
    name
        Name used in messages; defaults to the file name.
    coverage
        For control zones: the area the zones must tile on every date.
    region
        Expected lon/lat box, used to spot swapped axes and projected metres.
    repair
        Repair invalid geometries and close unclosed rings (with a warning each)
        instead of refusing them.
    max_bytes, max_features
        Limits; a larger file is refused with a message that says so.
    max_unzipped_bytes
        For a zip: the most its members may inflate to; defaults to four times
        ``max_bytes`` (200 MiB), so a zip bomb is refused before it fills memory.
    columns
        The analyst's column mapping, role → column (``lat``, ``lon``, ``date``,
        ``end``, ``id``, ``name``, ``time_precision``, ``geo_precision``), over
        the guess from the names. ``date`` applies to every format.

    Returns
    -------
    geopandas.GeoDataFrame
        ``valid_from``/``valid_to`` as datetime64 (NaT when open); warnings in
        ``frame.attrs["problems"]``.

    Raises
    ------
    LayerValidationError
        Carrying every problem found in the file.
    """
    label = name or (Path(source).name if not isinstance(source, bytes) else "upload")
    problems: list[Problem] = []
    zip_limits = ZipLimits(max_unzipped_bytes=max_unzipped_bytes or 4 * max_bytes)
    frame, crs = _read_frame(source, label, problems, max_bytes=max_bytes,
                             max_features=max_features, zip_limits=zip_limits, repair=repair,
                             columns=columns or {})
    if frame is not None and len(frame) > max_features:
        problems.append(Problem(label, "", f"has {len(frame):,} features, more than the "
                                f"limit of {max_features:,}.", "Split the file or filter it.",
                                rule="too-many-features"))
    if frame is None or _has_errors(problems):
        raise LayerValidationError(problems, label)
    if crs is not None and not frame.empty:
        frame = _reproject(frame, crs, label, problems)
    if kind == "generic":
        frame = adopt_date_columns(frame, label, problems, (columns or {}).get("date"))
    if _has_errors(problems):
        raise LayerValidationError(problems, label)
    kwargs: dict[str, Any] = {"coverage": coverage, "repair": repair}
    if region is not None:
        kwargs["region"] = region
    frame, found = validate_frame(frame, kind, label, **kwargs)
    problems.extend(found)
    if _has_errors(problems):
        raise LayerValidationError(problems, label)
    frame.attrs["problems"] = problems
    frame.attrs["source"] = label
    frame.attrs["kind"] = kind
    return frame


def _has_errors(problems: Sequence[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def too_large(size: int, limit: int, label: str) -> Problem:
    """The one message for a file over the size limit, in MiB like the settings."""
    return Problem(label, "", f"is {size / MIB:.1f} MiB, over the limit of {limit / MIB:.0f} "
                   "MiB.", "Simplify or split the file.", rule="too-large")


def _read_bytes(source: str | Path | bytes, label: str, problems: list[Problem],
                max_bytes: int) -> bytes | None:
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            problems.append(Problem(label, "", f"cannot be read ({exc.strerror or exc}).",
                                    "Check the path and permissions.", rule="unreadable"))
            return None
        if size > max_bytes:
            problems.append(too_large(size, max_bytes, label))
            return None
        data = path.read_bytes()
    if len(data) > max_bytes:
        problems.append(too_large(len(data), max_bytes, label))
        return None
    return data


def _read_frame(source: str | Path | bytes, label: str, problems: list[Problem], *,
                max_bytes: int, max_features: int, zip_limits: ZipLimits, repair: bool,
                columns: Mapping[str, str]) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """Decide the format from the bytes, then read it with the reader of that format."""
    if not isinstance(source, bytes) and Path(source).suffix.lower() == ".shp":
        return _read_shapefile_beside(Path(source), label, problems, max_features, repair)
    data = _read_bytes(source, label, problems, max_bytes)
    if data is None:
        return None, None
    found = sniff(data, label)
    if found.kind is None:
        fix = ("Upload the .shp with its .shx, .dbf and .prj (picked together, or zipped in "
               "one .zip)." if "Shapefile" in found.what else
               f"Upload one of: {', '.join(ACCEPTED)} (a Shapefile zipped with its .shx, .dbf "
               "and .prj).")
        problems.append(Problem(label, "", f"looks like {found.what}, not a layer the app reads.",
                                fix, rule="unsupported-format"))
        return None, None
    if found.kind == "geojson":  # handed over in a list, so the bytes go once parsed
        holder = [data]
        del data
        return read_geojson(holder, label, problems, repair=repair, max_features=max_features)
    if found.kind in ("csv", "xlsx"):
        table = read_table(data, found.kind, label, problems)
        if table is None:
            return None, None
        return table_to_frame(table, label, problems, mapping=columns), None
    if found.kind == "gpx":
        return read_gpx(data, label, problems), None
    if found.kind == "kml":
        return _read_kml(data, label, problems, repair=repair)
    return _read_staged(data, found.kind, label, problems, max_features=max_features,
                        zip_limits=zip_limits, repair=repair)


def _read_staged(data: bytes, kind: str, label: str, problems: list[Problem], *,
                 max_features: int, zip_limits: ZipLimits, repair: bool
                 ) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """KML, KMZ, GeoPackage and zipped Shapefiles: on disk under our own name, then GDAL."""
    with tempfile.TemporaryDirectory(prefix="briefing-upload-") as tmp:
        path = stage(data, kind, Path(tmp), label, problems, zip_limits=zip_limits)
        if path is None:
            return None, None
        if path.suffix in (".geojson", ".json"):
            return read_geojson(path.read_bytes(), label, problems, repair=repair,
                                max_features=max_features)
        if path.suffix == ".kml":
            return _read_kml(path.read_bytes(), label, problems, repair=repair)
        features, crs = read_ogr(path, label, problems, max_features=max_features)
    if not features and _has_errors(problems):
        return None, None
    return features_to_frame(features, label, problems, repair=repair), crs


def _read_kml(data: bytes, label: str, problems: list[Problem], *, repair: bool
              ) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """KML (or the KML inside a KMZ): the entity check over the whole text, then our reader."""
    if not kml_is_safe(data, label, problems):
        return None, None
    features = read_kml(data, label, problems)
    if features is None:
        return None, None
    return features_to_frame(features, label, problems, repair=repair), None


def _read_shapefile_beside(path: Path, label: str, problems: list[Problem],
                           max_features: int, repair: bool
                           ) -> tuple[gpd.GeoDataFrame | None, str | None]:
    """``validate x.shp``: the .shx and .dbf beside it are part of it, the .prj too."""
    missing = [s for s in (".shx", ".dbf") if not _sibling(path, s)]
    if not path.is_file() or missing:
        what = "does not exist" if not path.is_file() else (
            f"has no {' or '.join(missing)} beside it; a Shapefile is several files")
        problems.append(Problem(label, "", f"{what}.", "Keep the .shp, .shx, .dbf and .prj "
                                "(same name) in one folder.", rule="shapefile-incomplete"))
        return None, None
    features, crs = read_ogr(path, label, problems, max_features=max_features)
    if not features and _has_errors(problems):
        return None, None
    return features_to_frame(features, label, problems, repair=repair), crs


def _sibling(path: Path, suffix: str) -> bool:
    return any(path.with_suffix(s).is_file() for s in (suffix, suffix.upper()))


def _reproject(frame: gpd.GeoDataFrame, crs: str, label: str,
               problems: list[Problem]) -> gpd.GeoDataFrame:
    try:
        transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        geoms = shapely.transform(frame.geometry.values,
                                  lambda xy: np.column_stack(transformer.transform(xy[:, 0],
                                                                                   xy[:, 1])))
    except Exception as exc:  # PROJ errors come in several types
        problems.append(Problem(label, "", f"could not be reprojected from {crs} ({exc}).",
                                "Reproject it to WGS84 (EPSG:4326) before loading.",
                                rule="crs-unknown"))
        return frame
    problems.append(Problem(label, "", f"declared {_crs_label(crs)}; reprojected to WGS84 "
                            "longitude/latitude.", severity="warning", rule="reprojected"))
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs="EPSG:4326"))


def _crs_label(crs: str) -> str:
    """``EPSG:3857 (WGS 84 / Pseudo-Mercator)`` rather than a page of WKT."""
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError:
        return crs[:80]
    code = parsed.to_epsg()
    return f"EPSG:{code} ({parsed.name})" if code else parsed.name
