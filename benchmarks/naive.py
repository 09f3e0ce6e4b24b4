"""The straightforward approach, as a baseline: read everything, rebuild everything, every time.

What a first version of this dashboard would do, and what the benchmarks compare
the real one against: on every rerun (every slider step) read each layer with
:func:`geopandas.read_file`, keep the features valid on the date, build a brand
new :class:`folium.Map` with all of them at full precision and send its whole
HTML to the browser with ``st.iframe``. Exports likewise read the files
again and plot every feature with matplotlib.

``streamlit run benchmarks/naive.py`` shows it (``BRIEFING_GEODATA`` picks the
data, as for the real app). It is a measuring stick, not a product: no
validation, no caching, no level of detail. Leaflet comes from the app's own
static files (the machine is offline) and every shown value is escaped, so the
baseline is slow but not unsafe.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import tomllib
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
HEIGHT = 680
#: Class of the zones' paths, so a browser can tell when the map is drawn.
ZONE_CLASS = "naive-zones"


def geodata_root() -> Path:
    """The data folder: ``$BRIEFING_GEODATA`` or the repository's ``geodata/``."""
    return Path(os.environ.get("BRIEFING_GEODATA", REPO / "geodata")).resolve()


def read_catalog(root: Path) -> dict[str, Any]:
    """The catalog, read again (the naive app caches nothing)."""
    return tomllib.loads((root / "catalog.toml").read_text(encoding="utf-8"))


def read_layers(root: Path, catalog: dict[str, Any]) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the catalog, read from disk."""
    return {spec["id"]: gpd.read_file(root / spec["file"]) for spec in catalog["layer"]}


def as_of(frame: gpd.GeoDataFrame, spec: dict[str, Any], day: dt.date) -> gpd.GeoDataFrame:
    """Features valid on ``day`` (events: the ``window_days`` before it)."""
    start = pd.to_datetime(frame.get("valid_from"), errors="coerce")
    end = pd.to_datetime(frame.get("valid_to"), errors="coerce")
    stamp = pd.Timestamp(day)
    if spec.get("kind") == "events":
        window = int(spec.get("style", {}).get("window_days", 7))
        mask = (start <= stamp) & (start >= stamp - pd.Timedelta(days=window))
    else:
        mask = (start.isna() | (start <= stamp)) & (end.isna() | (stamp < end))
    return frame.loc[mask.to_numpy()]


def _plain(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every property as escaped text, so folium can serialise and show it safely."""
    out = frame.copy()
    for column in out.columns:
        if column != out.geometry.name:
            out[column] = out[column].map(lambda v: "" if v is None or v is pd.NaT
                                          or (isinstance(v, float) and pd.isna(v))
                                          else html.escape(str(v)))
    return out


def _style(spec: dict[str, Any]):
    style = spec.get("style", {})
    by, colors = style.get("by"), style.get("colors", {})
    extra = {"className": ZONE_CLASS} if spec.get("kind") == "control_zones" else {}

    def style_function(feature: dict[str, Any]) -> dict[str, Any]:
        color = colors.get(feature["properties"].get(by, ""), "#555555")
        return {"color": color, "fillColor": color, "weight": style.get("weight", 2),
                "fillOpacity": style.get("fill_opacity", 0.5), **extra}
    return style_function


def build_map(root: Path, day: dt.date, *, catalog: dict[str, Any] | None = None,
              frames: dict[str, gpd.GeoDataFrame] | None = None,
              asset_url: str = "/app/static/vendor") -> folium.Map:
    """Build the whole map for ``day`` from scratch, reading the files unless given."""
    catalog = catalog or read_catalog(root)
    frames = frames if frames is not None else read_layers(root, catalog)
    minx, miny, maxx, maxy = catalog["catalog"]["region"]
    m = folium.Map(location=((miny + maxy) / 2, (minx + maxx) / 2), zoom_start=7, tiles=None)
    m.default_js = [("leaflet", f"{asset_url}/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", f"{asset_url}/leaflet/leaflet.css")]
    countries = gpd.read_file(root / catalog["basemap"]["countries"])
    folium.GeoJson(_plain(countries), name="Countries", style_function=lambda f: {
        "color": "#888888", "fillColor": "#f4f1ea", "weight": 1, "fillOpacity": 1}).add_to(m)
    for spec in catalog["layer"]:
        frame = _plain(as_of(frames[spec["id"]], spec, day))
        if frame.empty:
            continue
        fields = [c for c in ("name", "date", "valid_from", "source") if c in frame.columns]
        folium.GeoJson(
            frame, name=spec["title"], style_function=_style(spec),
            marker=folium.CircleMarker(radius=5) if spec.get("geometry") == "point" else None,
            tooltip=folium.GeoJsonTooltip(fields=fields[:1]),
            popup=folium.GeoJsonPopup(fields=fields)).add_to(m)
    return m


def page_html(root: Path, day: dt.date, **kwargs: Any) -> str:
    """The whole map page, rendered again."""
    return build_map(root, day, **kwargs).get_root().render()


def export_static(root: Path, day: dt.date, fmt: str, *, dpi: int = 300) -> bytes:
    """A PNG or PDF of the whole region on ``day``, plotting every feature read afresh."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    catalog = read_catalog(root)
    frames = read_layers(root, catalog)
    minx, miny, maxx, maxy = catalog["catalog"]["region"]
    fig, ax = plt.subplots(figsize=(11.69, 8.27))
    gpd.read_file(root / catalog["basemap"]["countries"]).plot(ax=ax, color="#f4f1ea",
                                                                edgecolor="#888888")
    for spec in catalog["layer"]:
        frame = as_of(frames[spec["id"]], spec, day)
        if frame.empty:
            continue
        style = spec.get("style", {})
        by, colors = style.get("by"), style.get("colors", {})
        color = ([colors.get(v, "#555555") for v in frame[by]] if by in frame.columns
                 else "#555555")
        frame.plot(ax=ax, color=color, alpha=0.6, markersize=12)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_title(f"{catalog['catalog']['title']} as of {day:%d %b %Y}")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def page() -> None:
    """The naive page: a date slider and the map rebuilt from the files."""
    import streamlit as st

    root = geodata_root()
    catalog = read_catalog(root)
    frames = read_layers(root, catalog)
    starts = pd.concat([pd.to_datetime(f["valid_from"], errors="coerce")
                        for f in frames.values() if "valid_from" in f.columns]).dropna()
    first = dt.date.fromisoformat(catalog["catalog"]["start"])
    last = max(starts.max().date(), first)
    default = min(max(dt.date.fromisoformat(catalog["catalog"]["default_date"]), first), last)
    day = st.slider("As of", min_value=first, max_value=last, value=default,
                    step=dt.timedelta(days=1), key="day")
    st.iframe(page_html(root, day, catalog=catalog, frames=frames), height=HEIGHT)


if __name__ == "__main__":
    page()
