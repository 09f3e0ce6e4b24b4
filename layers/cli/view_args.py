"""Options shared by ``export`` and ``pack``: which layers, what extent, what title.

Kept apart so both commands read ``--layers``, ``--bbox``, ``--title`` and
``--handling`` the same way and build the same :class:`~layers.core.view.MapView`
the dashboard would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from layers.core.loaded import LoadedLayers
from layers.core.view import MapView
from layers.errors import UnknownLayerError
from layers.ingest.catalog_layers import load_catalog_layers


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
    p.add_argument("--title", help="title on the map (default: the catalog's title)")
    p.add_argument("--handling", help="handling line for the banners (default: the "
                   "catalog's, e.g. 'UNCLASSIFIED // OPEN SOURCE')")


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
    view = MapView(day=day, layer_ids=tuple(ids), bbox=args.bbox, title=args.title)
    return loaded, view
