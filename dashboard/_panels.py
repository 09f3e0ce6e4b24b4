"""Beside the map: the events around the date, what is on the map, and the sources behind it.

The tables are built from the same as-of layers as the map (``view_layers``),
so they cannot disagree with it. They are plain DataFrames shown with
``st.dataframe``, which renders every cell as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard import _map
from dashboard._memo import IdentityMemo
from dashboard._sidebar import md_text
from layers.core.catalog import LayerSpec, label_for
from layers.core.loaded import LoadedLayers
from layers.core.sources import (
    REFS_COLUMN,
    Source,
    numbered_sources,
    reference_numbers,
    source_list_text,
    sources_frame,
)
from layers.core.timeline import events_window
from layers.render.feature_focus import Focus, table_targets

#: The events list looks this far back and ahead of the date.
EVENTS_BEFORE, EVENTS_AFTER = 14, 7


def _iso(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _last_day(value: object) -> str:
    if value is None or value is pd.NaT or not isinstance(value, (pd.Timestamp, dt.date)):
        return ""
    return (pd.Timestamp(value) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")


def _text(frame: gpd.GeoDataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column].astype(object).where(frame[column].notna(), "").astype(str)


#: Events tables per (events frames, day): every session of the process shares them.
_EVENTS = IdentityMemo(256)


def events_table(loaded: LoadedLayers, day: dt.date) -> pd.DataFrame:
    """Events from two weeks before the date (newest first), then the week after it.

    Treat it as read-only: it is shared by the sessions that show the same day.
    """
    frames = [(spec, loaded.frames[spec.id]) for spec in loaded.specs()
              if spec.kind == "events"]
    return _EVENTS.get([f for _, f in frames], (day, tuple(repr(s) for s, _ in frames)),
                       lambda: _events_table(frames, day))


def _events_table(frames: list[tuple[LayerSpec, gpd.GeoDataFrame]], day: dt.date
                  ) -> pd.DataFrame:
    rows: dict[str, list] = {c: [] for c in ("Day", "When", "Date as reported", "Event",
                                              "Category", "Confidence", "Source")}
    for spec, frame in frames:
        near = events_window(frame, day, before=EVENTS_BEFORE, after=EVENTS_AFTER)
        # Column by column, not row by row: thousands of events at scale.
        starts = [ts.date() for ts in near["valid_from"]]
        offsets = [(start - day).days for start in starts]
        rows["Day"] += [start.isoformat() for start in starts]
        rows["When"] += ["today" if o == 0 else (f"{-o} d ago" if o < 0 else f"in {o} d")
                         for o in offsets]
        for column, name in (("date", "Date as reported"), ("name", "Event"),
                             ("confidence", "Confidence"), ("source", "Source")):
            values = near[column] if column in near.columns else [None] * len(near)
            rows[name] += [_iso(v) for v in values]
        by = spec.style.get("by", "category")
        values = near[by] if by in near.columns else [None] * len(near)
        rows["Category"] += [label_for(spec, v) for v in values]
    columns = ["Day", "Event", "When", "Category", "Confidence", "Source", "Date as reported"]
    # The date and the days before it first, newest first: what a briefing is about.
    # The days after it follow, soonest first, marked "in N d".
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table
    ahead = table["Day"] > day.isoformat()
    past = table[~ahead].sort_values("Day", ascending=False, kind="stable")
    return pd.concat([past, table[ahead]], ignore_index=True)


def on_map_table(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]]) -> pd.DataFrame:
    """One row per feature on the map: layer, name, what it is, dates, confidence, source.

    "Source no." points into the numbered list of the Sources panel (same layers, same
    numbers).
    """
    sources = numbered_sources(frame for _, frame in layers)
    parts = []
    for spec, frame in layers:
        if frame.empty:
            continue
        by = (spec.style or {}).get("by")
        values = _text(frame, by) if by else pd.Series([""] * len(frame), index=frame.index)
        parts.append(pd.DataFrame({
            "Layer": spec.title,
            "Name": _text(frame, "name"),
            "What": [label_for(spec, v) if v else "" for v in values],
            "First day": [_iso(v) for v in frame.get("valid_from", [None] * len(frame))],
            "Last day": [_last_day(v) for v in frame.get("valid_to", [None] * len(frame))],
            "Confidence": _text(frame, "confidence"),
            "Source no.": _refs(frame, sources),
            "Source": _text(frame, "source"),
        }))
    columns = ["Layer", "Name", "What", "First day", "Last day", "Confidence", "Source no.",
               "Source"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def _refs(frame: gpd.GeoDataFrame, sources: Sequence[Source]) -> pd.Series:
    """Each feature's source numbers ("3, 7"): from the view's column, else worked out."""
    if REFS_COLUMN in frame.columns:
        return _text(frame, REFS_COLUMN)
    text = _text(frame, "source")
    labels = {v: ", ".join(map(str, reference_numbers(v, sources))) for v in text.unique()}
    return text.map(labels)


def sources_table(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]]) -> pd.DataFrame:
    """The numbered source list of the features on the map: No., publication, date, supports."""
    return sources_frame(numbered_sources(frame for _, frame in layers))


def attributions(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]],
                 basemap_credit: str) -> list[str]:
    """Credit lines of the visible layers and of the basemap."""
    lines = [spec.attribution for spec, _ in layers if spec.attribution]
    if basemap_credit:
        lines.append(basemap_credit)
    return list(dict.fromkeys(lines))


def render_events(loaded: LoadedLayers, day: dt.date) -> None:
    """The events list, with the ones after the date marked as such."""
    table = events_table(loaded, day)
    st.caption(f"Events from {EVENTS_BEFORE} days before to {EVENTS_AFTER} days after "
               f"{day:%d %b %Y}. The map shows the last "
               f"{_window(loaded)} days.")
    if table.empty:
        st.info("No event recorded around this date.")
        return
    st.dataframe(table, hide_index=True, height=min(38 + 35 * len(table), 520),
                 column_config={"Source": st.column_config.TextColumn(width="medium"),
                                "Event": st.column_config.TextColumn(width="large")})


def _window(loaded: LoadedLayers) -> int:
    for spec in loaded.specs():
        if spec.kind == "events":
            return int(spec.style.get("window_days", 7))
    return 7


#: The attribute table's widget key (its selection lives in the session under it).
TABLE_KEY = "on_map_rows"


def render_on_map(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]]) -> None:
    """The attribute table of the features on the map: sortable, full text, click to fly.

    A row click sets the map's focus to the feature (``map_focus``) and asks the
    frame to open its popup (``map_open``); the map is drawn after this panel
    in the same run, so it flies at once.
    """
    table = on_map_table(layers)
    counts = ", ".join(f"{spec.title}: {len(frame)}" for spec, frame in layers)
    st.caption(counts or "No layer is switched on.")
    if table.empty:
        return
    st.caption("Click a column to sort it, a row to fly the map to the feature and open it.")
    event = st.dataframe(
        table, hide_index=True, height=min(38 + 35 * len(table), 520), width="stretch",
        on_select="rerun", selection_mode="single-row", key=TABLE_KEY,
        # The name first and pinned: scrolling sideways to the other columns keeps it.
        column_order=["Name", "What", "Layer", "First day", "Last day", "Confidence",
                      "Source no.", "Source"],
        column_config={"Name": st.column_config.TextColumn(width="large", pinned=True),
                       "Source": st.column_config.TextColumn(width="large"),
                       "Layer": st.column_config.TextColumn(width="medium")})
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    _follow_selection(table, table_targets(layers), rows)


def _follow_selection(table: pd.DataFrame, targets: Sequence[tuple[str, Focus | None]],
                      rows: Sequence[int]) -> None:
    """Fly to and open the selected row's feature, once per new selection; show it in full."""
    if not rows or not 0 <= rows[0] < len(targets):
        st.session_state.pop(_map.OPEN, None)
        return
    key, focus = targets[rows[0]]
    if focus is not None and st.session_state.get(_map.OPEN) != key:
        st.session_state[_map.FOCUS] = focus
        st.session_state[_map.OPEN] = key
    row = table.iloc[rows[0]]
    st.markdown(f"**{md_text(row['Name'] or '(no name)')}** · "
                + md_text(row["Layer"] + (f" · {row['What']}" if row["What"] else "")))
    st.caption(md_text(f"{row['First day'] or '…'} → {row['Last day'] or 'open'} · "
                       f"confidence {row['Confidence'] or 'not rated'} · {row['Source']}"))


def render_sources(layers: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]],
                   basemap_credit: str) -> None:
    """The numbered sources on the map (a table, and text to paste), then the credits."""
    sources = numbered_sources(frame for _, frame in layers)
    if not sources:
        st.info("Nothing on the map, so no source to cite.")
    else:
        st.caption(f"{len(sources)} sources behind the features on the map, numbered as in "
                   "the popups and the \"On the map\" table.")
        table = sources_frame(sources)
        st.dataframe(table, hide_index=True, height=min(38 + 35 * len(table), 420),
                     column_config={"No.": st.column_config.NumberColumn(width="small"),
                                    "Supports": st.column_config.TextColumn(width="large")})
        with st.expander("Source list to paste", expanded=False):
            st.code(source_list_text(sources), language=None, wrap_lines=True)
    credits = attributions(layers, basemap_credit)
    if credits:
        st.markdown("**Credits**")
        for line in credits:
            st.caption(md_text(line))
