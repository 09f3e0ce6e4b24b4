"""Where the map goes for one feature, and how the frame finds that feature again.

The attribute table ("On the map") names each row by :func:`feature_key`, the
same key the web map writes into the feature's properties (``_key``), so a row
click can fly the map to :func:`focus_of` the feature and open its popup
(``bmOpenFeature`` in ``_assets/briefing.js``) without any text from the data
running as script: the key reaches the page as escaped JSON and is compared,
never inserted as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence

import geopandas as gpd
import shapely

from layers.core.catalog import LayerSpec
from layers.render.labels import zoom_for_span

#: Zoom a point feature is shown at; lines and areas get the zoom that frames them.
POINT_ZOOM = 11.0
MIN_ZOOM, MAX_ZOOM = 6.0, 12.0
#: Width (px) of the map a feature is framed in.
FRAME_PX = 600

Focus = tuple[float, float, float]


def feature_key(layer_id: str, label: Hashable) -> str:
    """A row's key on the map: its layer and its row label (stable across dates)."""
    return f"{layer_id}#{label}"


def focus_of(geom: shapely.Geometry | None) -> Focus | None:
    """``(lat, lon, zoom)`` that shows ``geom``: a point up close, a shape framed whole."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "Point":
        return round(geom.y, 6), round(geom.x, 6), POINT_ZOOM
    minx, miny, maxx, maxy = geom.bounds
    span = max(maxx - minx, (maxy - miny) * 1.3, 1e-4)
    zoom = min(MAX_ZOOM, max(MIN_ZOOM, round(zoom_for_span(span, FRAME_PX) - 0.5, 1)))
    centre = geom.representative_point() if geom.geom_type.endswith("Polygon") else \
        shapely.box(minx, miny, maxx, maxy).centroid
    return round(centre.y, 6), round(centre.x, 6), zoom


def table_targets(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]]
                  ) -> list[tuple[str, Focus | None]]:
    """Key and focus of each feature, in the order the attribute table lists them.

    Empty layers are skipped, as :func:`dashboard._panels.on_map_table` skips them.
    """
    out: list[tuple[str, Focus | None]] = []
    for spec, frame in layers:
        if frame.empty:
            continue
        out.extend((feature_key(spec.id, label), focus_of(geom))
                   for label, geom in zip(frame.index, frame.geometry.values, strict=True))
    return out


def open_script(key: str | None) -> str:
    """A line for the feature-group script: open the popup of the feature ``key``.

    The key is JSON with ``<``, ``>``, ``&`` and quotes escaped, so a layer id or a
    row label from an upload cannot end the script or run as code.
    """
    if not key:
        return ""
    text = json.dumps(str(key), ensure_ascii=True)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027"))
    return f"if (window.bmOpenFeature) {{ window.bmOpenFeature({text}); }}\n"
