"""The analysis panel's "Who held this place?" box.

A thin page over :func:`layers.analysis.who.who_held`, the function behind
``python -m layers who``, so the box and the command line give the same answer. It
asks about the map's date; the place is a name (any spelling the gazetteer knows),
``lat,lon``, or the last point clicked on the map.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import streamlit as st

from dashboard._sidebar import md_text
from layers.analysis.gazetteer import Gazetteer, Located
from layers.analysis.who import describe, who_held
from layers.core.catalog import LayerSpec, label_for
from layers.errors import LayersError

KEY = "an_who_query"


def _where(gaz: Gazetteer, query: str, clicked: tuple[float, float] | None) -> Located | None:
    if query.strip():
        return gaz.resolve(query)
    if clicked is not None:
        return Located("Clicked point", clicked[0], clicked[1], "map click")
    return None


def render_who(gaz: Gazetteer, zones: gpd.GeoDataFrame, spec: LayerSpec, day: dt.date,
               clicked: tuple[float, float] | None) -> None:
    """The box: a place in, the controller, since, until, source and confidence out."""
    query = st.text_input("Place, site or lat,lon", key=KEY,
                          placeholder="e.g. Kobani, Deir ezzor, 36.2,37.16 (or click the map)")
    try:
        where = _where(gaz, query, clicked)
        if where is None:
            st.caption("Type a place or click the map: the answer is for "
                       f"{day:%d %b %Y}, the map's date.")
            return
        holding = who_held(zones, where.lat, where.lon, day)
    except LayersError as exc:
        st.warning(md_text(str(exc)))
        return
    label = label_for(spec, holding.controller)
    head, *rest = describe(holding, f"{where.label} ({where.lat:.4f}, {where.lon:.4f})", label)
    st.markdown(f"**{md_text(head)}**")
    for line in rest:
        st.caption(md_text(line))


def who_section(gaz: Gazetteer, zones: gpd.GeoDataFrame, spec: LayerSpec, day: dt.date,
                clicked: tuple[float, float] | None) -> None:
    """The box in its own expander; closed, it computes nothing and keeps its input."""
    section = st.expander("Who held this place?", key="an_open_who", on_change="rerun")
    with section:
        if section.open:
            render_who(gaz, zones, spec, day, clicked)
        elif KEY in st.session_state:  # Streamlit forgets a widget not drawn in a run
            st.session_state[KEY] = st.session_state[KEY]
