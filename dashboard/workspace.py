"""The workspace in the page: the store behind the map, "as known on", saved views.

The page reads the catalog's layers through the store (:func:`store_layers`,
called by :func:`dashboard._data.loaded_layers`), seeded from the catalog's files
on the first run, so whatever the map does it draws what the store holds. If the
store cannot be opened the page falls back to the files and says so.
"""

from __future__ import annotations

import datetime as dt
import getpass
import threading
from urllib.parse import urlencode

import streamlit as st

from dashboard import _map
from dashboard._data import numbered_layers
from dashboard._sidebar import DAY, layer_key, md_text
from dashboard.identity import team_mode
from dashboard.team_edit import session_store, session_user
from layers.core.catalog import load_catalog
from layers.core.loaded import LoadedLayers
from layers.errors import LayersError
from layers.store import Store
from layers.store.engine import redact, store_url
from layers.store.live import current_version
from layers.store.seed import seeded_at, sync_seeds
from layers.store.workspace import Item, list_items, save_item

USER = "workspace:user"
KNOWN_ON = "workspace:known_on"
KNOWN_DATE = "workspace:known_date"
KNOWN_TIME = "workspace:known_time"
TITLE = "workspace:title"
PROBLEM = "workspace:problem"


@st.cache_resource(show_spinner="Opening the workspace store…", max_entries=4)
def _open(files: tuple, url: str) -> Store | None:
    """The store, migrated and seeded from the catalog's files (once per file version)."""
    try:
        store = Store(url)
        store.init()
        sync_seeds(store, load_catalog())
    except (LayersError, OSError) as exc:
        st.session_state[PROBLEM] = str(exc)
        return None
    return store


def get_store(files: tuple | None = None) -> Store | None:
    """The page's store, or None when it cannot be opened (the files are used then).

    In the team deployment it is the shared store as the signed-in user may use it
    (:func:`dashboard.team_edit.session_store`): every write checks the role.
    """
    from dashboard._data import file_fingerprint

    if team_mode():
        return session_store()
    return _open(files if files is not None else file_fingerprint(), store_url())


def _data_version(store: Store) -> object:
    """The store's write counter; in team mode the process's, read at most every 0.4 s."""
    return current_version(store_url()) if team_mode() else store.data_version()


def _layers_version(store: Store) -> object:
    """The version the page's layers are keyed by.

    In team mode, the one the process's watch has published
    (:func:`dashboard.team_watch.page_version`), so a step never waits for the
    rebuild after an edit elsewhere.
    """
    if not team_mode():
        return store.data_version()
    from dashboard.team_watch import page_version

    return page_version(store_url())


def state_key(files: tuple) -> tuple:
    """What the page's caches depend on besides the files: store writes and "known on"."""
    store = get_store(files)
    if store is None:
        return ("files",)
    try:
        version = _layers_version(store)
    except LayersError as exc:
        st.session_state[PROBLEM] = str(exc)
        return ("files",)
    known = known_on_value()
    return (store.url, version, known.isoformat() if known else None)


@st.cache_resource(show_spinner=False, max_entries=8)
def _layers(files: tuple, key: tuple) -> LoadedLayers:
    known = dt.datetime.fromisoformat(key[2]) if key[2] else None
    return numbered_layers(get_store(files).loaded_layers(load_catalog(), known_on=known))


def store_layers(files: tuple, key: tuple) -> LoadedLayers | None:
    """The catalog's layers as the store holds them (at "known on"), or None for files."""
    if key == ("files",):
        return None
    try:
        return _layers(files, key)
    except LayersError as exc:
        st.session_state[PROBLEM] = str(exc)
        return None


def current_user() -> str:
    """Who is editing: the name typed in the workspace panel (default: the login name).

    In the team deployment it is the name the proxy vouched for, never a typed one.
    """
    if team_mode():
        return session_user() or ""
    if not st.session_state.get(USER):
        try:
            st.session_state[USER] = getpass.getuser()
        except (KeyError, OSError):
            st.session_state[USER] = "analyst"
    return str(st.session_state[USER])


# --- "as known on" ----------------------------------------------------------------------------

def asked_known_on() -> dt.datetime | None:
    """The record time the widgets ask for (end of the chosen minute), or None when off."""
    if not st.session_state.get(KNOWN_ON):
        return None
    day = st.session_state.get(KNOWN_DATE) or dt.datetime.now(dt.UTC).date()
    clock = st.session_state.get(KNOWN_TIME) or dt.time(23, 59)
    return dt.datetime.combine(day, clock, dt.UTC).replace(second=59, microsecond=999_999)


#: Per store URL: when its first seed finished (it never moves once there are edits).
_FIRST: dict[str, dt.datetime] = {}


def first_record() -> dt.datetime | None:
    """When the page's store was first seeded (:func:`seeded_at`; kept once known)."""
    store = get_store()
    if store is None:
        return None
    if store.url not in _FIRST:
        try:
            first = seeded_at(store)
        except LayersError:
            return None
        if first is None:
            return None
        _FIRST[store.url] = first
    return _FIRST[store.url]


def known_on_value() -> dt.datetime | None:
    """The record time to read the store at, or None (latest), from the widgets' state.

    A moment before the store's first record is read as that first record: the
    store was seeded from the catalog's files then, and those files were what the
    team held before it (an empty map would say the team knew nothing). The
    sidebar says so, and the exports stamp the moment actually read.
    """
    asked = asked_known_on()
    if asked is None:
        return None
    first = first_record()
    return first if first is not None and asked < first else asked


def known_on_control() -> dt.datetime | None:
    """The sidebar's second date control, off by default: the map as the store held it."""
    on = st.toggle("As known on", key=KNOWN_ON,
                   help="Show the date above as the workspace held it at a past moment: "
                        "edits recorded after it are left out.")
    if not on:
        return None
    st.session_state.setdefault(KNOWN_DATE, dt.datetime.now(dt.UTC).date())
    st.session_state.setdefault(KNOWN_TIME, dt.time(23, 59))
    left, right = st.columns(2)
    left.date_input("Recorded by", key=KNOWN_DATE, format="YYYY-MM-DD")
    right.time_input("UTC", key=KNOWN_TIME, step=60)
    known = known_on_value()
    if known != asked_known_on():
        st.caption(f"The workspace's records begin at {known:%d %b %Y %H:%M:%S} UTC (the "
                   "catalog's files, imported): shown as first recorded.")
    st.caption(f"As recorded by {known:%d %b %Y %H:%M} UTC. Exports stamp both dates.")
    return known


def status_line() -> None:
    """Where the layers come from (and why, when it is the files)."""
    problem = st.session_state.get(PROBLEM)
    store = get_store()
    if store is None or problem:
        st.caption(f"Workspace store unavailable, showing the files: {md_text(problem or '')}")
    else:
        st.caption(f"Workspace: {md_text(redact(store.url))}")


def view_title(catalog_title: str, day: dt.date, known_on: dt.datetime | None) -> str | None:
    """The exports' title: a reopened view's own, stamped with "as known on" when set."""
    from layers.core.view import known_on_title

    title = st.session_state.get(TITLE)
    if known_on is None:
        return title or None
    return known_on_title(title or catalog_title, day, known_on)


# --- saved views ---------------------------------------------------------------------------

def _open_view(payload: dict, layer_ids: list[str]) -> None:
    """Callback (runs before the widgets are drawn): move the page to a saved view."""
    st.session_state[DAY] = dt.date.fromisoformat(payload["date"])
    for layer in layer_ids:
        st.session_state[layer_key(layer)] = layer in payload.get("layers", [])
    if payload.get("view"):
        st.session_state[_map.HOME] = tuple(payload["view"])
    st.session_state[TITLE] = payload.get("title") or None


#: Workspace items listed, per (store, data version, user, kind): a rerun lists nothing
#: again until something is written (a write anywhere moves the version).
_ITEMS: dict[tuple, list[Item]] = {}
_ITEMS_LOCK = threading.Lock()


def items_of(store, user: str, kind: str) -> list[Item]:
    """:func:`layers.store.workspace.list_items`, read once per data version."""
    try:
        version = _data_version(store)
    except Exception:  # the listing itself says what is wrong
        return list_items(store, user, kind)
    key = (store.url, version, user, kind)
    with _ITEMS_LOCK:
        hit = _ITEMS.get(key)
    if hit is None:
        hit = list_items(store, user, kind)
        with _ITEMS_LOCK:
            if len(_ITEMS) > 512:
                _ITEMS.clear()
            _ITEMS[key] = hit
    return list(hit)


def forget_items() -> None:
    """After this process wrote an item: the next listing reads the store again.

    In team mode the data version is read at most every 0.4 s, so without this a
    save could miss itself in the list drawn right after it.
    """
    with _ITEMS_LOCK:
        _ITEMS.clear()


def render_saved_views(*, day: dt.date, layer_ids: list[str], all_layers: list[str],
                       view: tuple[float, float, float] | None,
                       bbox: tuple[float, float, float, float] | None, basemap: str,
                       link: dict[str, str]) -> None:
    """Save the current view under a name (shared or private); list and reopen views."""
    store = get_store()
    if store is None:
        st.caption("Saved views need the workspace store.")
        return
    if not team_mode():
        st.text_input("Your name", key=USER, help="The owner of what you save and the author of "
                      "your edits.")
    user = current_user()
    with st.form("workspace:save_view", clear_on_submit=True, border=False):
        name = st.text_input("View name", placeholder="e.g. Tartus drawdown, 8 Dec")
        title = st.text_input("Title on exports (optional)")
        shared = st.checkbox("Shared with the team", value=False)
        if st.form_submit_button("Save this view"):
            payload = {"date": day.isoformat(), "layers": layer_ids, "view": view,
                       "bbox": bbox, "title": title.strip(), "basemap": basemap,
                       "link": "?" + urlencode(link)}
            try:
                save_item(store, kind="view", name=name, owner=user, payload=payload,
                          shared=shared)
                forget_items()
                st.success(f"Saved “{md_text(name.strip())}”.")
            except LayersError as exc:
                st.error(md_text(exc))
    try:
        items = items_of(store, user, "view")
    except LayersError as exc:
        st.error(md_text(exc))
        return
    for item in items:
        who = "you" if item.owner == user else md_text(item.owner)
        scope = "shared" if item.shared else "private"
        left, right = st.columns([3, 1])
        left.markdown(f"**{md_text(item.name)}** · {item.payload.get('date')} · {who}, {scope}")
        left.caption(md_text(item.payload.get("link", "")))
        right.button("Open", key=f"workspace:open:{item.item_id}", on_click=_open_view,
                     args=(item.payload, all_layers))
