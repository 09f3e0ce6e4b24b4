"""The date's layers as the script streamlit-folium runs in the map frame, built in milliseconds.

:func:`layers.render.webmap.feature_groups` builds Folium objects, and Folium renders
them by compiling each element's output, data included, as a Jinja template:
seconds for a layer of thousands of features, on every slider step. This module
writes the same script directly (the same variable names, feature properties,
styles, tooltips, popups, labels and legend, so the frame and the tests see no
difference) from pieces computed once:

* each row's properties (style, escaped tooltip and popup) are built once per
  loaded layer and reused on every date that shows the row;
* geometry is simplified to the zoom band and rounded to the map's resolution
  (:mod:`layers.render.lod`), once per set of rows and band; control zones are
  simplified together so they still tile;
* dense point layers are aggregated per grid cell (:func:`layers.render.lod.aggregate_points`);
* a layer's JSON for a (set of rows, band) is kept, so a date seen before costs
  a dictionary look-up.

Caches hang off the loaded frames (weakly): when the app reloads a changed
file, the old frame and its cache go away together.
"""

from __future__ import annotations

import json
import math
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from layers.core.catalog import LayerSpec
from layers.render import lod as _lod
from layers.render.feature_focus import feature_key

ShownLayer = tuple[LayerSpec, gpd.GeoDataFrame]

#: Layer results kept per loaded frame (sets of rows x zoom bands).
LAYER_CACHE_SIZE = 512
#: Whole payloads kept (a date and its toggles, per band).
PAYLOAD_CACHE_SIZE = 64
#: Layers up to this many rows get every row's properties built at once, on first use:
#: later dates then only cost their geometry. Larger ones are built as dates show them.
EAGER_ROWS = 5000

_LAYER_JS = """var feature_group_feature_group_{i} = L.featureGroup({{}});
var geo_json_feature_group_{i}_0 = L.geoJson(null, {{style: _bmStyle, pointToLayer: _bmPoint, onEachFeature: _bmBind}});
function geo_json_feature_group_{i}_0_add(data) {{ geo_json_feature_group_{i}_0.addData(data); }}
geo_json_feature_group_{i}_0_add({data});
geo_json_feature_group_{i}_0.addTo(feature_group_feature_group_{i});
"""  # noqa: E501
_LABELS_JS = """var geo_json_feature_group_{i}_1 = L.geoJson(null, {{interactive: false, pointToLayer: function (f, ll) {{ return L.circleMarker(ll, {{radius: 1, stroke: false, fill: false, interactive: false, className: "bm-label-anchor"}}); }}, onEachFeature: _bmLabel}});
function geo_json_feature_group_{i}_1_add(data) {{ geo_json_feature_group_{i}_1.addData(data); }}
geo_json_feature_group_{i}_1_add({data});
geo_json_feature_group_{i}_1.addTo(feature_group_feature_group_{i});
"""  # noqa: E501
_LEGEND_JS = """var feature_group_feature_group_{i} = L.featureGroup({{}});
(function (group) {{
    var control = L.control({{position: "bottomright"}});
    control.onAdd = function () {{
        var box = L.DomUtil.create("div", "bm-legend-control");
        box.innerHTML = {html};
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
    }};
    group.on("add", function () {{ control.addTo(group._map); }});
    group.on("remove", function () {{ control.remove(); }});
}})(feature_group_feature_group_{i});
"""
_ADD_JS = """map_div.addLayer(feature_group_feature_group_{i});
window.feature_group = window.feature_group || [];
window.feature_group.push(feature_group_feature_group_{i});
"""


def js_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>``: ``<``, ``>``, ``&`` and ``'`` escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027"))


def _helpers() -> str:
    from layers.render.webmap import BIND_JS
    from layers.render.webmap_basemap import LABEL_JS

    return ("var _bmStyle = function (f) { return f.properties._style; };\n"
            "var _bmPoint = function (f, ll) { var o = f.properties._style; "
            "return L.bmMarker ? L.bmMarker(ll, o) : L.circleMarker(ll, o); };\n"
            f"var _bmBind = {BIND_JS.js_code};\nvar _bmLabel = {LABEL_JS.js_code};\n")


class _Store:
    """What one loaded frame's rows look like on the map, built once per row."""

    def __init__(self, spec: LayerSpec, frame: gpd.GeoDataFrame) -> None:
        self.spec = spec
        self.props: dict[Hashable, str] = {}
        self.points: dict[Hashable, str] = {}
        self.layers: OrderedDict[tuple, tuple[str, int]] = OrderedDict()
        self.unique = frame.index.is_unique

    def layer(self, frame: gpd.GeoDataFrame, band: int) -> tuple[str, int]:
        """``(FeatureCollection JSON, feature count)`` of ``frame``'s rows at ``band``."""
        key = (band, tuple(frame.index))
        hit = self.layers.get(key)
        if hit is not None:
            self.layers.move_to_end(key)
            return hit
        result = self._build(frame, band)
        self.layers[key] = result
        if len(self.layers) > LAYER_CACHE_SIZE:
            self.layers.popitem(last=False)
        return result

    def _build(self, frame: gpd.GeoDataFrame, band: int) -> tuple[str, int]:
        spec = self.spec
        if spec.kind == "events" and len(frame) > _lod.MAX_POINTS:
            frame = _lod.aggregate_points(frame, band, by=(spec.style or {}).get("by"))
        geoms = frame.geometry.values
        present = ~shapely.is_missing(geoms)
        present[present] = ~shapely.is_empty(geoms[present])
        frame, geoms = frame.loc[present], geoms[present]
        if not len(frame):
            return '{"type":"FeatureCollection","features":[]}', 0
        labels = list(frame.index)
        props = self._props(frame, labels)
        # Aggregates move with the date: their labels name a cell, not a row; never cache them.
        fixed = (~frame["cluster"].notna().to_numpy() if "cluster" in frame.columns
                 else np.ones(len(frame), dtype=bool))
        shapes = self._geometries(geoms, labels, band, fixed)
        features = [f'{{"type":"Feature","id":"{n}","geometry":{g},"properties":{p}}}'
                    for n, (g, p) in enumerate(zip(shapes, props, strict=True))]
        return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}", len(
            features)

    def _props(self, frame: gpd.GeoDataFrame, labels: list[Hashable]) -> list[str]:
        """Each row's properties JSON; rows of the loaded frame are built once."""
        from layers.render.webmap import feature_style_dict
        from layers.render.webmap_html import HIDDEN, popup_html, present, tooltip_html

        counts = (frame["cluster"].to_numpy() if "cluster" in frame.columns
                  else np.full(len(frame), np.nan))
        cluster = np.array([_is_number(c) for c in counts], dtype=bool)
        out: list[str | None] = [
            None if cluster[n] or not self.unique else self.props.get(label)
            for n, label in enumerate(labels)]
        missing = [n for n, text in enumerate(out) if text is None]
        if not missing:
            return out  # type: ignore[return-value]
        columns = [c for c in frame.columns if c not in HIDDEN and c != "cluster"]
        part = frame.iloc[missing]
        records = part[columns].to_dict("records")
        types = part.geometry.geom_type.to_numpy()
        for n, record, geom_type in zip(missing, records, types, strict=True):
            record = {k: v for k, v in record.items() if present(v)}
            style = feature_style_dict(self.spec, record, geom_type)
            if cluster[n]:  # an aggregate of several events: larger, by how many
                style["radius"] = round(float(style.get("radius", 5))
                                        + 2.5 * math.log2(float(counts[n])), 1)
            props = {"_style": style, "_tip": tooltip_html(self.spec, record),
                     "_pop": popup_html(self.spec, record)}
            if not cluster[n]:  # the attribute table's row key (layers.render.feature_focus)
                props["_key"] = feature_key(self.spec.id, labels[n])
            text = js_json(props)
            out[n] = text
            if not cluster[n] and self.unique:
                self.props[labels[n]] = text
        return out  # type: ignore[return-value]

    def _geometries(self, geoms: np.ndarray, labels: list[Hashable], band: int,
                    fixed: np.ndarray) -> list[str]:
        """Geometry JSON: points to 1 m, cached per row; the rest simplified to ``band``."""
        points = shapely.get_type_id(geoms) == 0
        out = np.empty(len(geoms), dtype=object)
        if points.any():
            where = np.flatnonzero(points)
            cached = fixed & self.unique
            missing = [n for n in where if not (cached[n] and labels[n] in self.points)]
            if missing:
                rounded = _lod.round_geoms(geoms[missing], 5)
                for n, text in zip(missing, shapely.to_geojson(rounded), strict=True):
                    out[n] = text
                    if cached[n]:
                        self.points[labels[n]] = text
            for n in where:
                if out[n] is None:
                    out[n] = self.points[labels[n]]
        if not points.all():
            other = ~points
            simple = _lod.simplify_geoms(geoms[other], band,
                                         coverage=self.spec.kind == "control_zones")
            out[other] = shapely.to_geojson(simple)
        return list(out)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not (
        isinstance(value, float) and math.isnan(value))


_STORES: dict[int, tuple[weakref.ref, _Store]] = {}
_PAYLOADS: OrderedDict[tuple, str] = OrderedDict()


def _store(spec: LayerSpec, frame: gpd.GeoDataFrame) -> _Store:
    key = id(frame)
    entry = _STORES.get(key)
    if entry is not None and entry[0]() is frame and entry[1].spec == spec:
        return entry[1]
    store = _Store(spec, frame)
    _STORES[key] = (weakref.ref(frame), store)
    weakref.finalize(frame, _STORES.pop, key, None)
    if store.unique and 0 < len(frame) <= EAGER_ROWS:
        present = ~shapely.is_missing(frame.geometry.values)
        store._props(frame.loc[present], list(frame.index[present]))
    return store


def _source(spec: LayerSpec, frame: gpd.GeoDataFrame,
            sources: Mapping[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """The loaded frame ``frame`` was cut from, when known (its rows are then cached)."""
    full = sources.get(spec.id)
    if full is not None and full.index.is_unique and frame.index.isin(full.index).all():
        return full
    return frame


def feature_group_script(layers: Sequence[ShownLayer], *, zoom: float | None = None,
                         sources: Mapping[str, gpd.GeoDataFrame] | None = None,
                         with_legend: bool = True) -> str:
    """The ``feature_group`` script of streamlit-folium for these as-of layers.

    Parameters
    ----------
    layers
        :func:`layers.core.view.view_layers` of the view on screen, in drawing order.
    zoom
        The map's zoom, for the level of detail (:func:`layers.render.lod.zoom_band`);
        None for the zoom the map opens at.
    sources
        Layer id -> the loaded frame the as-of frames were cut from
        (``LoadedLayers.frames``), so each row's map data is built once per
        session rather than once per step. Layers without one are built afresh.
    with_legend
        End with the legend control's group, as :func:`layers.render.webmap.feature_groups`.
    """
    from layers.render.webmap import feature_labels, legend_sections
    from layers.render.webmap_html import legend_html

    band = _lod.zoom_band(zoom)
    sources = sources or {}
    parts: list[str] = []
    keys: list[Any] = [band, with_legend]
    built: list[tuple[str, gpd.GeoDataFrame, LayerSpec]] = []
    for spec, frame in layers:
        if spec.kind == "annotations":  # marks draw themselves (webmap_annotations)
            keys.append(("annotations", id(frame), tuple(frame.index)))
            built.append(("", frame, spec))
            continue
        store = _store(spec, _source(spec, frame, sources))
        data, _count = store.layer(frame, band)
        keys.append((id(store), tuple(frame.index)))
        built.append((data, frame, spec))
    key = tuple(keys)
    hit = _PAYLOADS.get(key)
    if hit is not None:
        _PAYLOADS.move_to_end(key)
        return hit
    for i, (data, frame, spec) in enumerate(built):
        if spec.kind == "annotations":
            from layers.render.webmap_annotations import annotation_group_js
            parts.append(annotation_group_js(i, frame) + _ADD_JS.format(i=i))
            continue
        parts.append(_LAYER_JS.format(i=i, data=data))
        labels = feature_labels(spec, frame)  # site names; ring radii, measured distances
        if labels["features"]:
            parts.append(_LABELS_JS.format(i=i, data=js_json(labels)))
        parts.append(_ADD_JS.format(i=i))
    if with_legend:
        i = len(built)
        html = legend_html(legend_sections(list(layers)))
        box = f"<details open><summary>Legend</summary>{html}</details>" if html else ""
        parts.append(_LEGEND_JS.format(i=i, html=js_json(box)) if box
                     else f"var feature_group_feature_group_{i} = L.featureGroup({{}});\n")
        parts.append(_ADD_JS.format(i=i))
    script = _helpers() + "".join(parts)
    _PAYLOADS[key] = script
    if len(_PAYLOADS) > PAYLOAD_CACHE_SIZE:
        _PAYLOADS.popitem(last=False)
    return script
