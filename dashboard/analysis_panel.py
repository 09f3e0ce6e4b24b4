"""Analyst tools beside the map: where am I, distance, range rings, territory, change, exposure.

A thin page over :mod:`layers.analysis.measures` and :mod:`layers.analysis.overlays`: every
figure comes from the same functions as ``python -m layers stats|measure|diff``,
so the panel and the command line quote the same numbers. Map results go back
to the app as :class:`~layers.core.view.Overlay` objects, which the map, the legend
and every export draw like catalog layers. Tables are ``st.dataframe`` (cells are
text) and data values in markdown pass through ``md_text``.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard._analysis_cache import (
    _areas,
    _diff,
    _gazetteer,
    _ground,
    _over_time,
    _resolve,
    _ring_inside,
    _route_table,
    _sites,
    _snapshots,
)
from dashboard._sidebar import keep_values, md_text
from dashboard._who_box import who_section
from layers.analysis import measures as analysis
from layers.analysis import overlays as layers_out
from layers.analysis.gazetteer import Gazetteer
from layers.core.catalog import label_for
from layers.core.loaded import LoadedLayers
from layers.core.view import MapView, Overlay
from layers.errors import LayersError
from layers.geo.coords import format_decimal, format_dms, to_mgrs
from layers.geo.geodesy import compass_point, measure

#: Session key the map reads to fly to a place: (lat, lon, zoom).
FOCUS = "map_focus"
FOCUS_ZOOM = 11
DEFAULT_FROM, DEFAULT_TO = "Tartus naval facility", "Khmeimim air base"
DEFAULT_RADII = "50, 100, 200"
CLICKED = "Clicked point"
CHART_WINDOW_DAYS = 42
#: Shown in each section that draws on the map: a closed section is not computed.
LAZY_NOTE = "Drawn on the map only while this section is open: closing it removes the overlay."


# --- the sections -----------------------------------------------------------------------------

def _set(key: str, value: object) -> None:
    st.session_state[key] = value


# --- where am I -------------------------------------------------------------------------------

def _held_by(loaded: LoadedLayers, zones: gpd.GeoDataFrame | None, day: dt.date,
             lat: float, lon: float) -> str:
    if zones is None:
        return ""
    try:
        holder = analysis.controller_at(zones, day, lat, lon)
    except LayersError:
        return ""
    if holder is None:
        return f"Outside Syria's border (sea or abroad) on {day:%d %b %Y}"
    return f"Held by {analysis.controller_label(loaded, holder)} on {day:%d %b %Y}"


def _where(loaded: LoadedLayers, gaz: Gazetteer, zones: gpd.GeoDataFrame | None, day: dt.date,
           clicked: tuple[float, float] | None) -> None:
    if clicked is None:
        st.caption("Click the map to read a position in decimal degrees, DMS and MGRS.")
    else:
        lat, lon = clicked
        st.code(f"{format_decimal(lat, lon)}\n{format_dms(lat, lon)}\nMGRS {to_mgrs(lat, lon)}",
                language=None)
        nearest = analysis.within_radius(lat, lon, 20_000, gaz).head(1)
        facts = []
        held = _held_by(loaded, zones, day, lat, lon)
        if held:
            facts.append(held)
        if not nearest.empty:
            row = nearest.iloc[0]
            back = (row["bearing"] + 180) % 360
            facts.append(f"{row['km']:,.1f} km {compass_point(back)} of {row['name']}")
        if facts:
            st.caption(md_text(" · ".join(facts)))
    query = st.text_input("Find a place or site", key="an_search",
                          placeholder="e.g. Hmeimim, Tartous, Deir ezzor")
    if not query.strip():
        return
    hits = gaz.search(query, limit=8)
    if not hits:
        st.caption("No place or site by that name in the gazetteer.")
        return
    labels = [f"{h.entry.name} ({(h.entry.kind or h.entry.layer).replace('_', ' ')})"
              for h in hits]
    pick = st.selectbox("Matches", range(len(hits)), key="an_search_pick",
                        format_func=labels.__getitem__)
    entry = hits[min(pick or 0, len(hits) - 1)].entry
    st.caption(md_text(f"{format_decimal(entry.lat, entry.lon)} · MGRS "
                       f"{to_mgrs(entry.lat, entry.lon)}"))
    st.button("Show on map", key="an_search_go", on_click=_set,
              args=(FOCUS, (entry.lat, entry.lon, FOCUS_ZOOM)))


# --- distance and bearing ---------------------------------------------------------------------

def _measure(gaz: Gazetteer, clicked: tuple[float, float] | None,
             frames: tuple) -> list[Overlay]:
    st.session_state.setdefault("an_from", DEFAULT_FROM)
    st.session_state.setdefault("an_to", DEFAULT_TO)
    if clicked is not None:
        here = format_decimal(*clicked)
        left, right = st.columns(2)
        left.button("Click → From", key="an_from_click", on_click=_set, args=("an_from", here),
                    help="Measure from the point clicked on the map")
        right.button("Click → To", key="an_to_click", on_click=_set, args=("an_to", here),
                     help="Measure to the point clicked on the map")
    a_text = st.text_input("From", key="an_from", help="A place, a site, a feature id, or "
                           "lat,lon (DMS and MGRS work too).")
    b_text = st.text_input("To", key="an_to")
    try:
        a, b = _resolve(a_text, *frames), _resolve(b_text, *frames)
    except LayersError as exc:
        st.warning(md_text(str(exc)))
        return []
    result = measure(a.lat, a.lon, b.lat, b.lon)
    left, right = st.columns(2)
    left.metric("Distance", f"{result.km:,.1f} km")
    right.metric("Initial bearing", f"{result.bearing:.1f}° {result.compass}")
    st.caption(md_text(f"{a.label} → {b.label}: {result.km / 1.852:,.1f} NM; back bearing "
                       f"{result.back_bearing:.1f}°. Geodesic on WGS84."))
    if st.checkbox("Draw on the map", key="an_measure_show", value=False):
        return [layers_out.measure_overlay(a.label, (a.lat, a.lon), b.label, (b.lat, b.lon))]
    return []


# --- range rings ------------------------------------------------------------------------------

def _parse_radii(text: str) -> list[float]:
    values = [float(v) for v in text.replace(";", ",").split(",") if v.strip()]
    if not values or any(not 0 < v <= 2000 for v in values):
        raise ValueError("give radii in km between 0 and 2,000, separated by commas")
    return sorted(set(values))


def _rings(loaded: LoadedLayers, zones: gpd.GeoDataFrame | None, day: dt.date,
           clicked: tuple[float, float] | None, frames: tuple) -> list[Overlay]:
    sites_frame = analysis.frame_of_kind(loaded, "installations")
    sites = (_sites(sites_frame, day) if sites_frame is not None
             else pd.DataFrame(columns=["site_id", "name", "lat", "lon", "status"]))
    options = list(sites["site_id"]) + ([CLICKED] if clicked else [])
    if not options:
        st.caption("No installation on this date; click the map to ring a point.")
        return []
    names = dict(zip(sites["site_id"], sites["name"] + " (" + sites["status"].str.replace(
        "_", " ") + ")", strict=True))
    default = options.index("khmeimim") if "khmeimim" in options else 0
    controls, results = st.columns([1, 1.4])
    with controls:
        choice = st.selectbox("Centre", options, index=default, key="an_ring_site",
                              format_func=lambda k: names.get(k, k))
        text = st.text_input("Radii (km)", value=DEFAULT_RADII, key="an_radii")
        show = st.checkbox("Show the rings on the map", key="an_rings_show", value=False)
    try:
        radii = _parse_radii(text)
    except ValueError as exc:
        st.warning(md_text(f"Radii: {exc}."))
        return []
    if choice == CLICKED and clicked:
        (lat, lon), name, key = clicked, format_decimal(*clicked), None
    else:
        row = sites.set_index("site_id").loc[choice]
        lat, lon, name, key = float(row["lat"]), float(row["lon"]), str(row["name"]), choice
    inside = _ring_inside(lat, lon, tuple(radii), *frames, key)
    table = pd.DataFrame({"Ring": inside["ring_km"].map(lambda r: f"≤ {r:g} km"),
                          "Name": inside["name"], "km": inside["km"].round(1),
                          "Bearing": [f"{b:.0f}° {compass_point(b)}" if k >= 0.05 else "—"
                                      for b, k in zip(inside["bearing"], inside["km"],
                                                      strict=True)],
                          "What": inside["kind"].str.replace("_", " ")})
    with results:
        st.caption(md_text(f"Within {radii[-1]:g} km of {name}: {len(table)} place(s) and "
                           "site(s)"))
        st.dataframe(table, hide_index=True, width="stretch", height=300)
    with controls:
        _ring_ground(loaded, zones, day, lat, lon, radii[-1])
    if show:
        return [layers_out.rings_overlay(name, lat, lon, radii)]
    return []


def _ring_ground(loaded: LoadedLayers, zones: gpd.GeoDataFrame | None, day: dt.date,
                 lat: float, lon: float, radius: float) -> None:
    if zones is not None:
        try:
            ground = _ground(lat, lon, radius, zones, day)
        except LayersError:
            return
        st.dataframe(pd.DataFrame({
            f"Ground within {radius:g} km": [analysis.controller_label(loaded, c)
                                             for c in ground["controller"]],
            "km²": ground["area_km2"].round(0),
            "%": ground["share_pct"].map(analysis.share_figure)}),
            hide_index=True, width="stretch")


# --- territory, change, exposure --------------------------------------------------------------

def _chart(loaded: LoadedLayers, zones: gpd.GeoDataFrame, spec, day: dt.date, *,
           window_days: int | None) -> alt.Chart:
    """Stacked areas per controller, as steps (a snapshot holds until the next one)."""
    data = _over_time(zones).copy()
    last = data["date"].max()
    end = max(last, pd.Timestamp(day)) + pd.Timedelta(days=7)
    data = pd.concat([data, data[data["date"] == last].assign(date=end)], ignore_index=True)
    if window_days:
        lo = pd.Timestamp(day) - pd.Timedelta(days=window_days)
        hi = pd.Timestamp(day) + pd.Timedelta(days=window_days)
        before = data[data["date"] <= lo]
        start = before["date"].max() if not before.empty else data["date"].min()
        data = data[(data["date"] >= start) & (data["date"] <= hi)].copy()
        data.loc[data["date"] == start, "date"] = max(start, lo)
        final = data["date"].max()
        if final < hi:  # stretch the last step to the window's edge
            data = pd.concat([data, data[data["date"] == final].assign(date=min(hi, end))],
                             ignore_index=True)
    data["side"] = [analysis.controller_label(loaded, c) for c in data["controller"]]
    colors = (spec.style or {}).get("colors", {})
    domain = [label_for(spec, c) for c in colors]
    area = alt.Chart(data).mark_area(interpolate="step-after", opacity=0.85).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("area_km2:Q", title="km²", stack="zero"),
        color=alt.Color("side:N", title=None, scale=alt.Scale(domain=domain,
                                                               range=list(colors.values())),
                        legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("date:T", format="%d %b %Y"), "side:N",
                 alt.Tooltip("area_km2:Q", format=",.0f", title="km²")])
    rule = alt.Chart(pd.DataFrame({"date": [pd.Timestamp(day)]})).mark_rule(
        color="black", strokeDash=[4, 3]).encode(x="date:T")
    return (area + rule).properties(height=260)


def _territory(loaded: LoadedLayers, zones: gpd.GeoDataFrame, spec, day: dt.date) -> None:
    try:
        areas = _areas(zones, day)
    except LayersError as exc:
        st.caption(md_text(str(exc)))
        return
    left, right = st.columns([1, 1.6])
    left.dataframe(pd.DataFrame({
        f"Held on {day:%d %b %Y}": [analysis.controller_label(loaded, c)
                                    for c in areas["controller"]],
        "km²": areas["area_km2"].round(0), "%": areas["share_pct"].map(analysis.share_figure)}),
        hide_index=True, width="stretch")
    with right:
        period = st.radio("Chart period", ["Six weeks either side", "Everything"],
                          key="an_chart_period", horizontal=True, label_visibility="collapsed")
        window = CHART_WINDOW_DAYS if period == "Six weeks either side" else None
        st.altair_chart(_chart(loaded, zones, spec, day, window_days=window), width="stretch")
    with st.expander("Table: area per controller on each date (km²)"):
        wide = _over_time(zones).pivot(index="date", columns="controller", values="area_km2")
        wide.index = wide.index.strftime("%Y-%m-%d")
        wide.columns = [analysis.controller_label(loaded, c) for c in wide.columns]
        st.dataframe(wide.round(0), width="stretch")
    st.caption("Geodesic areas (WGS84) of schematic zones: quote them as approximate.")


def _change(loaded: LoadedLayers, zones: gpd.GeoDataFrame, spec, day: dt.date) -> list[Overlay]:
    days = _snapshots(zones)
    if not days:
        return []
    default = days[0] if day != days[0] else days[-1]
    other = st.selectbox("Compare the map's date with", days, index=days.index(default),
                         key="an_cmp_day", format_func=lambda d: f"{d:%d %b %Y}")
    d1, d2 = sorted((day, other))
    if d1 == d2:
        st.caption("Pick another date to compare.")
        return []
    try:
        summary, moves = _diff(zones, d1, d2)
    except LayersError as exc:
        st.caption(md_text(str(exc)))
        return []
    left, right = st.columns([1.5, 1])
    left.dataframe(pd.DataFrame({
        "Controller": [analysis.controller_label(loaded, c) for c in summary["controller"]],
        f"{d1:%d %b}": summary["area_1_km2"].round(0),
        f"{d2:%d %b}": summary["area_2_km2"].round(0),
        "Gained": summary["gained_km2"].round(0), "Lost": summary["lost_km2"].round(0),
        "Net": summary["net_km2"].round(0)}), hide_index=True, width="stretch")
    if not moves.empty:
        right.dataframe(pd.DataFrame({
            "From": [analysis.controller_label(loaded, c) for c in moves["from_controller"]],
            "To": [analysis.controller_label(loaded, c) for c in moves["to_controller"]],
            "km²": moves["area_km2"].round(0)}), hide_index=True, width="stretch")
    overlays = []
    if st.checkbox(f"Show ground that changed hands {d1:%d %b} → {d2:%d %b}",
                   key="an_change_show", value=False):
        overlays.append(layers_out.change_overlay(zones, spec, d1, d2))
    if st.checkbox(f"Outline the zones of {other:%d %b %Y} over the map (side by side)",
                   key="an_compare_show", value=False):
        overlays.append(layers_out.zones_outline_overlay(zones, spec, other))
    return overlays


def _exposure(loaded: LoadedLayers, zones: gpd.GeoDataFrame, day: dt.date) -> None:
    routes = analysis.frame_of_kind(loaded, "routes")
    if routes is None:
        st.caption("No routes layer.")
        return
    try:
        table = _route_table(routes, zones, day)
    except LayersError as exc:
        st.caption(md_text(str(exc)))
        return
    if table.empty:
        starts = sorted({d.date() for d in routes["valid_from"].dropna()})
        st.caption(md_text("No route on this date. Routes start on: "
                           + ", ".join(f"{d:%d %b %Y}" for d in starts)))
        return
    st.dataframe(pd.DataFrame({
        "Route": table["name"], "Through": [analysis.controller_label(loaded, c)
                                            for c in table["controller"]],
        "km": table["km"].round(1), "%": table["share_pct"].map(analysis.share_figure),
        "Route km": table["length_km"].round(1)}), hide_index=True, width="stretch")
    st.caption("Road lines follow highway waypoints, not surveyed roads.")


def render_analysis(loaded: LoadedLayers, view: MapView,
                    clicked: tuple[float, float] | None) -> list[Overlay]:
    """Draw the analysis tools for the view's date; return the overlays to add to the map.

    Parameters
    ----------
    clicked
        Last point the analyst clicked on the map, as (lat, lon), or None.
    """
    zones = analysis.frame_of_kind(loaded, "control_zones")
    zone_spec = next((s for s in loaded.specs() if s.kind == "control_zones"), None)
    frames = (analysis.frame_of_kind(loaded, "places"),
              analysis.frame_of_kind(loaded, "installations"))  # the gazetteer's sources
    gaz = _gazetteer(*frames)
    overlays: list[Overlay] = []
    where, distance = st.columns(2)
    with where, st.expander("Where am I", expanded=True):
        _where(loaded, gaz, zones, view.day, clicked)
    with distance, st.expander("Distance and bearing", expanded=True):
        overlays += _measure(gaz, clicked, frames)
    # Closed sections compute nothing: a slider step reruns the page, and at scale the
    # closed sections cost more than the map (issue 7). The price: an overlay is drawn
    # only while its section is open.
    rings = st.expander("Range rings", key="an_open_rings", on_change="rerun")
    with rings:
        if rings.open:
            st.caption(LAZY_NOTE)
            overlays += _rings(loaded, zones, view.day, clicked, frames)
        else:
            keep_values("an_ring_site", "an_radii", "an_rings_show")
    if zones is None or zone_spec is None:
        st.caption("The zones layer did not load: no territory figures.")
        return overlays
    who_section(gaz, zones, zone_spec, view.day, clicked)
    territory = st.expander("Territory over time", key="an_open_territory", on_change="rerun")
    with territory:
        if territory.open:
            _territory(loaded, zones, zone_spec, view.day)
        else:
            keep_values("an_chart_period")
    change = st.expander("Change between two dates", key="an_open_change", on_change="rerun")
    with change:
        if change.open:
            st.caption(LAZY_NOTE)
            overlays += _change(loaded, zones, zone_spec, view.day)
        else:
            keep_values("an_cmp_day", "an_change_show", "an_compare_show")
    exposure = st.expander("Route exposure", key="an_open_exposure", on_change="rerun")
    with exposure:
        if exposure.open:
            _exposure(loaded, zones, view.day)
    return overlays
