"""KML for Google Earth: a folder per layer, a placemark per feature, with TimeSpan.

Written with :mod:`xml.etree.ElementTree`, which escapes every text and attribute,
so a name such as ``<b>`` or ``&`` from a data file stays text. Each placemark
carries ``<TimeSpan>`` from ``valid_from``/``valid_to`` (the end is exclusive in
our data and an instant in KML: the same meaning), its style in the web map's
colours (KML writes them ``aabbggrr``) and every property in ``<ExtendedData>``.
No icon URL is written: Google Earth tints its built-in placemark icon, so the
file needs no network.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import shapely

from layers.core.catalog import LayerSpec
from layers.core.loaded import LoadedLayers
from layers.core.records import plain_properties, rounded
from layers.core.view import MapView
from layers.export.kml_annotations import annotation_placemark
from layers.render.map_panel import CAVEAT
from layers.render.mpl_draw import rgba
from layers.render.style import FeatureStyle, feature_style

KML_NS = "http://www.opengis.net/kml/2.2"


def kml_color(color: str, opacity: float = 1.0) -> str:
    """A CSS colour as KML's ``aabbggrr`` hex (alpha first, then blue, green, red)."""
    r, g, b, a = rgba(color, opacity)
    return "".join(f"{round(v * 255):02x}" for v in (a, b, g, r))


def _sub(parent: ET.Element, tag: str, text: Any = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = str(text)
    return el


def _style_element(doc: ET.Element, style_id: str, style: FeatureStyle) -> None:
    el = _sub(doc, "Style", id=style_id)
    icon = _sub(el, "IconStyle")
    _sub(icon, "color", kml_color(style.fill_color, max(style.fill_opacity, 0.9)))
    _sub(icon, "scale", f"{max(0.5, style.radius / 7):.2f}")
    label = _sub(el, "LabelStyle")
    _sub(label, "scale", "0.8")
    line = _sub(el, "LineStyle")
    _sub(line, "color", kml_color(style.color, style.opacity))
    _sub(line, "width", f"{max(1.0, style.weight):g}")
    poly = _sub(el, "PolyStyle")
    _sub(poly, "color", kml_color(style.fill_color, style.fill_opacity))


def _coords(xy: Sequence[Sequence[float]]) -> str:
    return " ".join(f"{x:.6f},{y:.6f}" for x, y, *_ in xy)


def _geometry(parent: ET.Element, geom: shapely.Geometry) -> None:
    kind = geom.geom_type
    if kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coords([(geom.x, geom.y)]))
    elif kind in ("LineString", "LinearRing"):
        line = _sub(parent, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "coordinates", _coords(geom.coords))
    elif kind == "Polygon":
        poly = _sub(parent, "Polygon")
        _sub(poly, "tessellate", "1")
        ring = _sub(_sub(poly, "outerBoundaryIs"), "LinearRing")
        _sub(ring, "coordinates", _coords(geom.exterior.coords))
        for hole in geom.interiors:
            inner = _sub(_sub(poly, "innerBoundaryIs"), "LinearRing")
            _sub(inner, "coordinates", _coords(hole.coords))
    else:  # Multi* and collections
        multi = _sub(parent, "MultiGeometry")
        for part in geom.geoms:
            _geometry(multi, part)


def _xml_id(text: str) -> str:
    """An XML ``id`` (an NCName): letters, digits, ``_.-``, not starting with a digit."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    return safe if safe[:1].isalpha() or safe[:1] == "_" else f"_{safe}"


def _description(props: dict[str, Any], spec: LayerSpec) -> str:
    lines = [f"Layer: {spec.title}"]
    for key in ("status", "controller", "mode", "category", "date", "confidence", "source",
                "notes"):
        value = props.get(key)
        if value not in (None, ""):
            lines.append(f"{key.replace('_', ' ').capitalize()}: {value}")
    return "\n".join(lines)


def _placemark(folder: ET.Element, spec: LayerSpec, props: dict[str, Any],
               geom: shapely.Geometry, style_id: str) -> None:
    mark = _sub(folder, "Placemark", id=_xml_id(f"{spec.id}.{props.get('id', '')}"))
    _sub(mark, "name", props.get("name") or props.get("id") or "")
    _sub(mark, "description", _description(props, spec))
    if props.get("valid_from") or props.get("valid_to"):
        span = _sub(mark, "TimeSpan")
        if props.get("valid_from"):
            _sub(span, "begin", props["valid_from"])
        end = props.get("valid_to")
        if spec.kind == "events" and not end and props.get("valid_from"):
            end = (dt.date.fromisoformat(props["valid_from"]) + dt.timedelta(days=1)).isoformat()
        if end:
            _sub(span, "end", end)
    _sub(mark, "styleUrl", f"#{style_id}")
    data = _sub(mark, "ExtendedData")
    for key, value in {**props, "layer": spec.id}.items():
        item = _sub(data, "Data", name=key)
        _sub(item, "value", "" if value is None else value)
    _geometry(mark, rounded(geom))


def kml_document(loaded: LoadedLayers, view: MapView,
                 layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]], *, handling: str,
                 made: dt.datetime) -> bytes:
    """The KML file (UTF-8 bytes) of the shown features."""
    root = ET.Element("kml", xmlns=KML_NS)
    doc = _sub(root, "Document")
    title = view.title or loaded.catalog.title
    _sub(doc, "name", f"{title} — as of {view.day.isoformat()}")
    _sub(doc, "description", f"{handling}\nAs of {view.day.isoformat()}. Made "
         f"{made.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC.\n{CAVEAT}")
    styles: dict[FeatureStyle, str] = {}
    folders = []
    for spec, frame in layers:
        folder = ET.Element("Folder", id=_xml_id(spec.id))
        _sub(folder, "name", spec.title)
        if spec.description:
            _sub(folder, "description", spec.description)
        for _, row in frame.iterrows():
            geom = row.geometry
            if geom is None or geom.is_empty:
                continue
            props = plain_properties(row)
            if spec.kind == "annotations":  # a mark is drawn as it looks (kml_annotations)
                props, geom, style = annotation_placemark(props, geom)
            else:
                style = feature_style(spec, props)
            if style not in styles:
                styles[style] = f"style-{len(styles) + 1}"
            _placemark(folder, spec, props, geom, styles[style])
        folders.append(folder)
    for style, style_id in styles.items():  # styles first: Google Earth resolves them in order
        _style_element(doc, style_id, style)
    doc.extend(folders)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
