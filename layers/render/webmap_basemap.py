"""The web map's offline basemap: land, borders and names, drawn from ``geodata/``.

No tile server is needed: the countries file (Natural Earth 1:10m) is drawn as
vectors on a sea-coloured background, Syria outlined and its neighbours lighter,
and the gazetteer's places and the neighbours' names as small permanent labels.
The colours match the static map's basemap so a slide and the screen agree.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import folium
import shapely
from folium.utilities import JsCode
from shapely.geometry import box, shape

from layers.core.catalog import Catalog
from layers.render import assets
from layers.render import escape as esc
from layers.render import webmap_ground as ground
from layers.render.labels import label_rule

URLFor = Callable[[str, str], str]

SEA = "#dbe7ef"
LAND = "#f4f1ea"
NEIGHBOUR = "#ebe8e1"
BORDER = "#8a8a8a"
FOCUS_BORDER = "#3d3d3d"
#: Natural Earth name of the country the catalog is about.
FOCUS = "Syria"
#: Neighbours whose share of the basemap's frame is below this get no name.
MIN_LABEL_SHARE = 0.015

#: Binds a permanent label (pre-escaped HTML in ``_label``) to each point.
LABEL_JS = JsCode("""function (feature, layer) {
    var p = feature.properties || {};
    if (p._label) {
        // Labels get a pane of their own, above the data and below popups and hover tips.
        layer.on("add", function () {
            var map = layer._map;
            if (map && !map.getPane("bmLabels")) {
                var pane = map.createPane("bmLabels");
                pane.style.zIndex = 620;
                pane.style.pointerEvents = "none";
            }
        });
        layer.bindTooltip(p._label, {permanent: true, interactive: false, opacity: 1,
                                     pane: "bmLabels",
                                     direction: p._dir || "right", offset: p._offset || [4, 0],
                                     className: p._cls || "bm-label"});
    }
}""")


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    return _read_cached(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _read_cached(path: str, _mtime: int) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _countries_path(catalog: Catalog) -> Path:
    return catalog.root / catalog.basemap.get("countries", "basemap/countries.geojson")


def _places_path(catalog: Catalog) -> Path:
    return catalog.root / catalog.basemap.get("places", "places.geojson")


def countries_geojson(catalog: Catalog) -> dict[str, Any] | None:
    """Countries with only what the map needs: an id, and the style to draw them with."""
    path = _countries_path(catalog)
    doc = _read_json(path)
    if doc is None:
        return None
    return _countries_cached(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _countries_cached(path: str, mtime: int) -> dict[str, Any]:
    doc = _read_cached(path, mtime)
    features = []
    for i, feat in enumerate(doc.get("features", [])):
        if not feat.get("geometry"):
            continue
        focus = (feat.get("properties") or {}).get("name") == FOCUS
        style = {"color": FOCUS_BORDER if focus else BORDER, "weight": 1.6 if focus else 0.8,
                 "fillColor": LAND if focus else NEIGHBOUR, "fillOpacity": 1.0, "opacity": 1.0}
        features.append({"type": "Feature", "id": str(i), "geometry": feat["geometry"],
                         "properties": {"_style": style}})
    # The focus country last, so its darker border is not covered by a neighbour's.
    features.sort(key=lambda f: f["properties"]["_style"]["color"] == FOCUS_BORDER)
    return {"type": "FeatureCollection", "features": features}


def country_labels(catalog: Catalog) -> dict[str, Any] | None:
    """A point per neighbour big enough to name, inside the catalog's region, escaped."""
    path = _countries_path(catalog)
    if _read_json(path) is None:
        return None
    return _country_labels_cached(str(path), path.stat().st_mtime_ns, tuple(catalog.region))


@functools.lru_cache(maxsize=4)
def _country_labels_cached(path: str, mtime: int,
                           region: tuple[float, float, float, float]) -> dict[str, Any]:
    doc = _read_cached(path, mtime)
    # Name each neighbour where it meets the region the map opens on, so the label is
    # in view (Turkey's own centre is far north of the frame).
    frame = box(*region)
    features = []
    for feat in doc.get("features", []):
        props = feat.get("properties") or {}
        name = props.get("name")
        if not feat.get("geometry") or not name or name == FOCUS or not props.get("iso_n3"):
            continue
        geom = shapely.make_valid(shape(feat["geometry"])).intersection(frame)
        if geom.is_empty or geom.area < MIN_LABEL_SHARE * frame.area:
            continue
        point = geom.point_on_surface()
        features.append({
            "type": "Feature", "id": str(len(features)),
            "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
            # "right", not "center": a centred label is placed using its width, measured
            # before the component frame has loaded our stylesheet.
            "properties": {"_label": esc.text(str(name).upper()), "_dir": "right",
                           "_offset": [0, 0], "_cls": "bm-label bm-country"}})
    return {"type": "FeatureCollection", "features": features}


def gazetteer_points(catalog: Catalog) -> list[tuple[dict[str, Any], float, float]]:
    """The gazetteer's named points as ``(properties, lon, lat)``, unescaped (for exports)."""
    doc = _read_json(_places_path(catalog)) or {}
    out = []
    for feat in doc.get("features", []):
        geom = feat.get("geometry") or {}
        if geom.get("type") == "Point" and (feat.get("properties") or {}).get("name"):
            lon, lat = geom["coordinates"][:2]
            out.append((feat["properties"], float(lon), float(lat)))
    return out


def place_labels(catalog: Catalog) -> dict[str, Any] | None:
    """The gazetteer's names as labels; towns get a class the CSS hides when zoomed out."""
    path = _places_path(catalog)
    doc = _read_json(path)
    if doc is None:
        return None
    features = []
    for feat in doc.get("features", []):
        geom = feat.get("geometry") or {}
        props = feat.get("properties") or {}
        if geom.get("type") != "Point" or not props.get("name"):
            continue
        rule = label_rule("places", props)  # the rule the exports follow too
        if rule is None:
            continue
        features.append({
            "type": "Feature", "id": str(len(features)), "geometry": geom,
            "properties": {"_label": esc.text(props["name"]),
                           "_cls": f"bm-label {rule.css}"}})
    return {"type": "FeatureCollection", "features": features}


def _label_layer(data: dict[str, Any], name: str) -> folium.GeoJson:
    return folium.GeoJson(
        data, name=name, marker=folium.CircleMarker(radius=1, stroke=False, fill=False),
        on_each_feature=LABEL_JS, interactive=False, class_name="bm-label-anchor")


def ground_geojson(catalog: Catalog, key: str) -> dict[str, Any] | None:
    """A ground layer of the catalog's ``[basemap]`` (rivers, lakes, roads), geometry only."""
    rel = catalog.basemap.get(key)
    if not rel:
        return None
    doc = _read_json(catalog.root / str(rel))
    if doc is None:
        return None
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": f["geometry"], "properties": {}}
        for f in doc.get("features", []) if f.get("geometry")]}


def add_offline_basemap(m: folium.Map, catalog: Catalog, *, land: bool = True,
                        labels: bool = True, asset_url: URLFor | None = None) -> None:
    """Add land, relief, water, roads, borders and labels to ``m``, under any tile layer.

    They sit in panes below Leaflet's tile pane (:mod:`layers.render.webmap_ground`),
    so an online basemap covers them where its tiles load and leaves them in view
    where it cannot reach its server. None of it reacts to the mouse.

    Parameters
    ----------
    land
        Kept for callers that asked for no land under online tiles; the ground is
        now always drawn (it is what shows when the tiles do not load).
    asset_url
        Maps (folder, file) to the URL of the relief image (the app's static route).
    """
    del land  # the ground always goes under the tiles
    attribution = esc.text(catalog.basemap.get("attribution", ""))
    ground.add_panes(m)
    data = countries_geojson(catalog)
    if data and data["features"]:
        ground.add_land(m, data, FOCUS_BORDER, attribution or None)
    ground.add_relief(m, catalog, asset_url or assets.url)
    ground.add_water_and_roads(m, ground_geojson(catalog, "rivers"),
                               ground_geojson(catalog, "lakes"), ground_geojson(catalog, "roads"))
    if not labels:
        return
    for label_data, name in ((country_labels(catalog), "Countries"),
                             (place_labels(catalog), "Place names")):
        if label_data and label_data["features"]:
            _label_layer(label_data, name).add_to(m)
