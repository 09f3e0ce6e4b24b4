"""An analyst's own file becomes a session layer: validated, styled, ready for every renderer.

:func:`load_upload` is the one door for uploads. It takes the bytes and the
name the browser sent, never raises for anything a file can contain, and returns
either an :class:`~layers.core.view.Overlay` (with the warnings) or None with every
problem found. The overlay's spec is built from the file alone: a stable id, the
file name as title, and a style that colours by a categorical column when the
file has one, so an upload looks deliberate next to the catalog's layers.
"""

from __future__ import annotations

import io
import logging
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from layers.core.catalog import LayerSpec, load_catalog
from layers.core.view import Overlay
from layers.errors import CatalogError, LayerValidationError
from layers.geo.coordcheck import DEFAULT_REGION
from layers.ingest.annotations import looks_like_annotations, upload_annotations
from layers.ingest.formats import SHAPEFILE_PARTS, sniff
from layers.ingest.load import load_layer
from layers.ingest.tabular import guess_mapping, read_table
from layers.ingest.zipsafe import MIB
from layers.problems import Problem

log = logging.getLogger(__name__)

#: Sizes are MiB everywhere (Streamlit's ``server.maxUploadSize`` counts them so too).
MB = MIB
#: Automatic colours of uploads: hues no catalog legend uses (no red, orange, green,
#: teal, purple, yellow, grey or navy: orange already means "drawing down", teal the
#: transitional government). Each is at least 20 CIE76 ΔE from every colour in
#: ``geodata/catalog.toml`` and 23 from each other (tests/ingest/test_upload_palette.py).
CATEGORY_COLORS = ("#ff1493", "#00ced1", "#9acd32", "#8b4513", "#ff00ff", "#191970",
                   "#d2b48c", "#f781bf", "#f0e68c", "#e9967a")
#: One colour per upload when no column is worth colouring by.
PALETTE = tuple(reversed(CATEGORY_COLORS))[:8]
#: Columns tried first for colouring, as analysts name them.
PREFERRED_BY = ("controller", "status", "category", "event_type", "mode", "type", "kind",
                "class", "side", "folder", "gpx_type")
#: Columns that identify or describe a feature rather than classify it.
_NOT_CATEGORIES = {"id", "name", "description", "notes", "source", "valid_from", "valid_to",
                   "date", "confidence", "_index", "geometry", "site_id", "route_id"}
_GEOMETRY_FAMILY = {"Point": "point", "MultiPoint": "point", "LineString": "line",
                    "MultiLineString": "line", "Polygon": "polygon", "MultiPolygon": "polygon"}


@dataclass(frozen=True)
class UploadLimits:
    """How big an upload may be.

    Attributes
    ----------
    max_bytes
        File size (``BRIEFING_MAX_UPLOAD_MB``, in MiB: 50 MiB by default).
    max_features
        Features in the file (``BRIEFING_MAX_UPLOAD_FEATURES``, 250,000).
    max_unzipped_bytes
        What a zip may inflate to (``BRIEFING_MAX_UNZIPPED_MB``, 200 MiB).
    """

    max_bytes: int = 50 * MB
    max_features: int = 250_000
    max_unzipped_bytes: int = 200 * MB

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> UploadLimits:
        """Limits from the environment; a value that is not a positive number is ignored."""
        env = os.environ if environ is None else environ
        default = cls()
        return cls(max_bytes=_positive(env, "BRIEFING_MAX_UPLOAD_MB", default.max_bytes, MB),
                   max_features=_positive(env, "BRIEFING_MAX_UPLOAD_FEATURES",
                                          default.max_features, 1),
                   max_unzipped_bytes=_positive(env, "BRIEFING_MAX_UNZIPPED_MB",
                                                default.max_unzipped_bytes, MB))


def _positive(env: Any, key: str, default: int, unit: int) -> int:
    try:
        value = float(env.get(key, ""))
    except ValueError:
        return default
    return int(value * unit) if value > 0 else default


def load_upload(data: bytes, filename: str, *, limits: UploadLimits | None = None,
                repair: bool = False,
                region: tuple[float, float, float, float] | None = None,
                color_index: int = 0, columns: dict[str, str] | None = None
                ) -> tuple[Overlay | None, list[Problem]]:
    """Validate an uploaded file and build its session layer.

    Parameters
    ----------
    data
        The file's bytes as received.
    filename
        The name the browser sent; used for the format, messages and the title.
    limits
        Size caps; :meth:`UploadLimits.from_env` when None.
    repair
        Repair invalid geometries (with a warning) instead of refusing them.
    region
        Lon/lat box the data should fall in, for the swapped-axes and
        projected-metres checks; the catalog's region when None.
    color_index
        Position of this upload in the session, so each gets its own colour.
    columns
        The analyst's column mapping (role → column: ``lat``, ``lon``, ``date``, ...),
        over the guess from the names (see :func:`layers.ingest.load.load_layer`).

    Returns
    -------
    overlay, problems
        The overlay (None when the file is refused) and every problem found:
        errors when refused, warnings otherwise.
    """
    limits = limits or UploadLimits.from_env()
    name = _clean_name(filename)
    if looks_like_annotations(bytes(data)):  # an analyst's marks: a layer kind of their own
        return upload_annotations(bytes(data), name, region=region or catalog_region())
    try:
        frame = load_layer(bytes(data), "generic", name=name, region=region or catalog_region(),
                           repair=repair,
                           max_bytes=limits.max_bytes, max_features=limits.max_features,
                           max_unzipped_bytes=limits.max_unzipped_bytes, columns=columns)
    except LayerValidationError as exc:
        return None, list(exc.problems)
    except Exception as exc:  # a file must never take the page down; log the bug, report it
        log.exception("unexpected error while loading upload %r", name)
        return None, [Problem(name, "", f"could not be read ({type(exc).__name__}).",
                              "Open it in QGIS, export it as GeoJSON and upload that.",
                              rule="internal-error")]
    return Overlay(upload_spec(frame, name, color_index), frame), list(frame.attrs["problems"])


def table_columns(data: bytes, filename: str) -> tuple[list[str], dict[str, str]] | None:
    """A CSV/XLSX upload's header and the roles guessed from it; None for other formats.

    The upload panel builds its column mapping form from this, so an analyst
    whose columns are called ``Y``/``X``/``Day`` can say which is which.
    """
    kind = sniff(bytes(data[:65536]) if _clean_name(filename).lower().endswith(
        (".csv", ".tsv", ".txt")) else bytes(data), _clean_name(filename)).kind
    if kind not in ("csv", "xlsx"):
        return None
    try:
        table = read_table(bytes(data) if kind == "xlsx" else bytes(data[:65536]), kind,
                           _clean_name(filename), [])
    except Exception:  # a header we cannot read: the load's own report says why
        log.exception("could not read the header of %r", filename)
        return None
    if table is None:
        return None
    columns = [str(c).strip() for c in table.columns]
    return columns, guess_mapping(columns)


def catalog_region() -> tuple[float, float, float, float]:
    """The catalog's lon/lat box (tight around Syria), or a wider default without a catalog.

    The tight box matters: Syria's longitudes and latitudes overlap (35-37°), so
    swapped axes of coastal sites only show as such against the catalog's box.
    """
    try:
        return load_catalog().region
    except CatalogError:
        return DEFAULT_REGION


def bundle_shapefiles(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Shapefile parts picked together (``x.shp``, ``x.shx``, ``x.dbf``, ``x.prj``) become one.

    Analysts often pick the parts instead of zipping them. Parts that share a
    name with a ``.shp`` are zipped into one upload called ``x.shp`` (read as a
    zip, since the format comes from the bytes); any other file passes through.
    """
    groups: dict[str, dict[str, tuple[str, bytes]]] = {}
    for name, data in files:
        path = Path(_clean_name(name))
        if path.suffix.lower() in SHAPEFILE_PARTS:
            groups.setdefault(path.stem.lower(), {})[path.suffix.lower()] = (path.name, data)
    out: list[tuple[str, bytes]] = []
    done: set[str] = set()
    for name, data in files:
        path = Path(_clean_name(name))
        stem = path.stem.lower()
        parts = groups.get(stem, {}) if path.suffix.lower() in SHAPEFILE_PARTS else {}
        if ".shp" not in parts:
            out.append((name, data))
        elif stem not in done:
            done.add(stem)
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
                for part_name, part in parts.values():
                    zf.writestr(part_name, part)
            out.append((parts[".shp"][0], buf.getvalue()))
    return out


def _clean_name(filename: str) -> str:
    """The base name only (browsers may send a path), without control characters."""
    base = re.split(r"[\\/]", str(filename))[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:120] or "upload"


def slug(filename: str) -> str:
    """``"Zones (v2).geojson"`` → ``"zones-v2"``: letters and digits only, for ids."""
    stem = Path(_clean_name(filename)).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:40] or "layer"


def upload_spec(frame: gpd.GeoDataFrame, filename: str, color_index: int = 0) -> LayerSpec:
    """The spec an uploaded layer is drawn with: id, title, geometry family and style."""
    return LayerSpec(id=f"upload-{slug(filename)}", title=_clean_name(filename), path=Path(),
                     kind="generic", geometry=geometry_family(frame), visible=True,
                     style=choose_style(frame, color_index),
                     attribution=f"Upload: {_clean_name(filename)[:60]}",
                     description=f"{len(frame):,} feature(s) from {_clean_name(filename)}; "
                     "this session only.")


def geometry_family(frame: gpd.GeoDataFrame) -> str:
    """``point``, ``line`` or ``polygon`` when all features agree, else ``mixed``."""
    families = {_GEOMETRY_FAMILY.get(t, "mixed") for t in frame.geometry.geom_type.unique()}
    return families.pop() if len(families) == 1 else "mixed"


def category_column(frame: gpd.GeoDataFrame, max_values: int = len(CATEGORY_COLORS)
                    ) -> str | None:
    """A text column with 2 to ``max_values`` short values, worth a colour legend."""
    columns = [c for c in PREFERRED_BY if c in frame.columns]
    columns += [c for c in frame.columns if c not in columns]
    for column in columns:
        if column in _NOT_CATEGORIES or column == frame.geometry.name:
            continue
        if "id" in frame.columns and frame[column].equals(frame["id"]):
            continue  # the column the ids came from (a table's event_id_cnty)
        values = frame[column].dropna()
        if values.empty or not all(isinstance(v, str) for v in values):
            continue
        distinct = pd.unique(values.astype(str))
        if 2 <= len(distinct) <= max_values and all(0 < len(v.strip()) <= 40
                                                    for v in distinct):
            return str(column)
    return None


def choose_style(frame: gpd.GeoDataFrame, color_index: int = 0) -> dict[str, Any]:
    """Colour by a categorical column if there is one, else one colour for the upload."""
    base: dict[str, Any] = {"weight": 2, "fill_opacity": 0.3, "radius": 6}
    column = category_column(frame)
    if column is None:
        return {**base, "color": PALETTE[color_index % len(PALETTE)]}
    values = sorted(pd.unique(frame[column].dropna().astype(str)))
    return {**base, "by": column, "color": PALETTE[color_index % len(PALETTE)],
            "colors": {v: CATEGORY_COLORS[i] for i, v in enumerate(values)},
            "labels": {v: v for v in values}}
