"""Options shared by ``export`` and ``pack``: which layers, what extent, what page.

Kept apart so both commands read ``--layers``, ``--bbox``, ``--overlay``, the
layout (``--layout``, ``--frame``, ``--grid``) and the page's words (``--title``,
``--subtitle``, ``--caveat``, ``--handling``, with ``{date}`` and ``{known_on}``) the
same way and build the same :class:`~layers.core.view.MapView` and
:class:`~layers.render.layout.Layout` the dashboard's export panel would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

import shapely

from layers.analysis.buffers import MAX_BUFFER_KM, buffer_overlay
from layers.analysis.gazetteer import Gazetteer
from layers.core.loaded import LoadedLayers
from layers.core.timeline import parse_date
from layers.core.view import MapView, Overlay
from layers.errors import ExportError, UnknownLayerError
from layers.geo.coords import CoordinateError, format_decimal, parse_latlon
from layers.ingest.catalog_layers import load_catalog_layers
from layers.ingest.upload import load_upload
from layers.render.layout import FRAMES, GRIDS, PRESETS, Layout, LayoutError, Texts, preset_key


def bbox_arg(text: str) -> tuple[float, float, float, float]:
    """Read ``MINLON,MINLAT,MAXLON,MAXLAT`` (argparse type: a bad box is a usage error)."""
    parts = [p.strip() for p in text.split(",")]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not MINLON,MINLAT,MAXLON,MAXLAT (four numbers, e.g. "
            "35.5,34.5,36.5,35.8)")
    minx, miny, maxx, maxy = values
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise argparse.ArgumentTypeError(
            f"{text!r}: need -180 <= MINLON < MAXLON <= 180 and -90 <= MINLAT < MAXLAT <= 90 "
            "(longitude first)")
    return values  # type: ignore[return-value]


def add_view_arguments(p: argparse.ArgumentParser) -> None:
    """The options that pick what the map shows."""
    p.add_argument("--layers", metavar="ID,...",
                   help="layers to show, comma-separated (default: those the catalog shows "
                   "on opening)")
    p.add_argument("--bbox", type=bbox_arg, metavar="MINLON,MINLAT,MAXLON,MAXLAT",
                   help="extent in degrees (default: the catalog's region)")
    p.add_argument("--overlay", action="append", default=[], type=Path, metavar="PATH",
                   help="a file of your own drawn on top, as an upload is in the app "
                   "(GeoJSON, KML, GeoPackage, zipped Shapefile); repeatable")
    p.add_argument("--title", help="title on the map (default: the catalog's title); "
                   "{date} and {known_on} are filled in for each page")
    p.add_argument("--subtitle", help="line under the title (default: 'As of {date}')")
    p.add_argument("--caveat", help="the caveat paragraph (default: the data's caveat)")
    p.add_argument("--handling", help="handling line for the banners (default: the "
                   "catalog's, e.g. 'UNCLASSIFIED // OPEN SOURCE')")
    p.add_argument("--layout", default="16:9", metavar="PRESET", type=_preset_arg,
                   help=f"page: {', '.join(PRESETS)} (default 16:9)")
    p.add_argument("--frame", choices=FRAMES, default="view",
                   help="lock the frame to --bbox (view, default) or the catalog's region")
    p.add_argument("--grid", choices=GRIDS, default="graticule",
                   help="grid across the map: graticule (default), mgrs or none")
    p.add_argument("--no-locator", action="store_true",
                   help="leave out the locator inset shown when zoomed in")
    p.add_argument("--buffer", action="append", default=[], metavar="WHAT:KM",
                   help="a geodesic buffer labelled with its area: WHAT is a site or place "
                   "name, 'lat,lon', or the file name of an --overlay; repeatable")
    p.add_argument("--compare", metavar="YYYY-MM-DD",
                   help="a second date drawn beside the first on the same page")


def _preset_arg(text: str) -> str:
    """The argparse type of ``--layout``: an unknown preset is a usage error naming the known."""
    try:
        return preset_key(text)
    except LayoutError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def layer_ids(loaded: LoadedLayers, text: str | None) -> list[str]:
    """The ids asked for, checked against the catalog; defaults to the visible ones.

    Raises
    ------
    UnknownLayerError
        Naming the unknown ids and every known one.
    """
    if not text:
        return [s.id for s in loaded.catalog.layers if s.visible]
    ids = [i.strip() for i in text.split(",") if i.strip()]
    unknown = [i for i in ids if i not in loaded.catalog.ids]
    if unknown or not ids:
        raise UnknownLayerError(
            f"unknown layer(s) {', '.join(map(repr, unknown)) or repr(text)}; known layers: "
            f"{', '.join(loaded.catalog.ids)}")
    return ids


def load_view(args: argparse.Namespace, day: dt.date) -> tuple[LoadedLayers, MapView]:
    """Load the catalog's layers and build the view the options describe.

    A requested layer that fails validation is left out with a warning naming
    its problems count, as the dashboard does; the command still writes the rest.
    """
    loaded = load_catalog_layers()
    ids = layer_ids(loaded, args.layers)
    for layer_id in ids:
        if layer_id not in loaded.frames:
            problems = loaded.problems.get(layer_id, [])
            print(f"warning: layer {layer_id!r} did not load ({len(problems)} problem(s)); "
                  f"it is left out. Run: python -m layers validate "
                  f"{loaded.catalog.get(layer_id).path}", file=sys.stderr)
    overlays = tuple(read_overlays(list(getattr(args, "overlay", []) or [])))
    overlays += tuple(buffers(loaded, list(getattr(args, "buffer", []) or []), overlays))
    view = MapView(day=day, layer_ids=tuple(ids) + tuple(o.spec.id for o in overlays),
                   bbox=args.bbox, title=args.title, overlays=overlays)
    return loaded, view


def read_overlays(paths: list[Path]) -> list[Overlay]:
    """Read each ``--overlay`` file through the app's upload door; refuse any bad one.

    Warnings (a repaired ring, a missing date) are printed; a refused file stops
    the command with every problem and its fix, before anything is drawn.

    Raises
    ------
    ExportError
        Naming the file and its problems.
    """
    out: list[Overlay] = []
    for i, path in enumerate(paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ExportError(f"--overlay {path}: cannot read it ({exc.strerror or exc}). "
                              "Fix: give the path of an existing file.") from None
        overlay, problems = load_upload(data, path.name, color_index=i)
        if overlay is None:
            listed = "; ".join(p.describe() for p in problems[:5])
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            raise ExportError(f"--overlay {path}: refused. {listed}{more}")
        for problem in problems:
            print(f"warning: --overlay {path}: {problem.describe()}", file=sys.stderr)
        spec = overlay.spec
        if any(o.spec.id == spec.id for o in out):
            spec = replace(spec, id=f"{spec.id}-{i + 1}")
        out.append(Overlay(spec, overlay.frame))
    return out


def buffers(loaded: LoadedLayers, texts: list[str], overlays: tuple[Overlay, ...]
            ) -> list[Overlay]:
    """One buffer layer per ``--buffer WHAT:KM``.

    Raises
    ------
    ExportError
        For a text without ``:KM``, a distance that is not a positive number, or a
        name found neither among the overlays nor in the gazetteer.
    """
    out: list[Overlay] = []
    for i, text in enumerate(texts):
        what, _, km_text = text.rpartition(":")
        try:
            km = float(km_text)
        except ValueError:
            km = -1.0
        if not what.strip() or not 0 < km <= MAX_BUFFER_KM:
            raise ExportError(f"--buffer {text!r}: write WHAT:KM with a distance over 0 and at "
                              f"most {MAX_BUFFER_KM:g} km, e.g. --buffer 'Khmeimim:50'.")
        name, geom = _buffer_target(loaded, what.strip(), overlays)
        out.append(buffer_overlay(name, geom, km, layer_id=f"buffer-{i + 1}"))
    return out


def _buffer_target(loaded: LoadedLayers, what: str, overlays: tuple[Overlay, ...]):
    for overlay in overlays:
        if what in (overlay.spec.title, overlay.spec.id):
            return overlay.spec.title, shapely.union_all(list(overlay.frame.geometry.values))
    try:
        lat, lon = parse_latlon(what)
        return format_decimal(lat, lon), shapely.Point(lon, lat)
    except CoordinateError:
        pass
    found = Gazetteer.from_loaded(loaded).resolve(what)
    return found.label, shapely.Point(found.lon, found.lat)


def layout_from_args(args: argparse.Namespace) -> Layout:
    """The page layout the options describe (texts unfilled: each page fills its own).

    Raises
    ------
    LayoutError
        For an unknown ``--layout`` preset, naming the known ones.
    """
    texts = Texts(title=args.title, subtitle=args.subtitle, caveat=args.caveat,
                  handling=args.handling)
    return Layout(preset=preset_key(args.layout), frame=args.frame, grid=args.grid,
                  locator=not args.no_locator, texts=texts)


def compare_day(args: argparse.Namespace) -> dt.date | None:
    """The ``--compare`` date, or None."""
    return parse_date(args.compare) if args.compare else None


__all__ = ["LayoutError", "add_view_arguments", "compare_day", "layout_from_args",
           "load_view", "read_overlays"]
