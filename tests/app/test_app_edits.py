"""The edit flow in the page (AppTest): edit an event's date with a source, reload, history.

Each test has a workspace store of its own (``BRIEFING_WORKSPACE``), seeded from the
catalog's files by the page itself on its first run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.core.catalog import load_catalog
from layers.store import Provenance, Store
from layers.store.engine import default_path
from layers.store.seed import seeded_at

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "dashboard" / "app.py")
EVENTS = json.loads((REPO / "geodata" / "events.geojson").read_text(encoding="utf-8"))
EVENT = EVENTS["features"][4]["properties"]


@pytest.fixture
def own_store(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BRIEFING_WORKSPACE", str(tmp_path))
    return default_path()


@pytest.fixture(params=["sqlite", "postgis"])
def page_store(request, tmp_path, monkeypatch) -> Iterator[str]:
    """The page's store on each backend: the embedded file, or ``BRIEFING_STORE`` on PostGIS."""
    from conftest import store_url_for

    monkeypatch.setenv("BRIEFING_WORKSPACE", str(tmp_path))
    if request.param == "sqlite":
        yield f"sqlite:///{default_path()}"
        return
    url = store_url_for("postgis", tmp_path, request)
    monkeypatch.setenv("BRIEFING_STORE", url)
    yield url
    # The page keeps its store open in Streamlit's resource cache (this process): close
    # its connections now, not whenever the garbage collector finds them in a later test.
    import gc
    import warnings

    from dashboard import workspace
    from dashboard._data import file_fingerprint

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        opened = workspace._open(file_fingerprint(), url)
        if opened is not None:
            opened.close()
        workspace._open.clear()
        gc.collect()


def _run(at: AppTest | None = None, **state) -> AppTest:
    if at is None:  # the first run sets the page's defaults (the day among them)
        at = AppTest.from_file(APP, default_timeout=180)
        at.session_state["main_tab"] = "Edit"  # only the open tab under the map runs
        at.run()
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def _sent_events(at: AppTest) -> dict[str, dict]:
    """Event features sent to the map, by name: their first day, read from the popup."""
    import re

    args = at.get("component_instance")[0].proto.json_args
    out = {}
    for p in _features(args):
        if "bm-layer-events" not in str(p.get("_style", {}).get("className", "")):
            continue
        name = re.search(r'bm-pop-name">([^<]*)<', p["_pop"]).group(1)
        first = re.search(r"<th>First day</th><td>([0-9-]+)</td>", p["_pop"]).group(1)
        out[name] = {"valid_from": first, "popup": p["_pop"]}
    return out


def _features(args: str) -> list[dict]:
    from _map_sent import sent_features

    return sent_features(args)


def test_edit_an_events_date_reload_history_and_as_known_on(page_store):
    fid, old_start, name = EVENT["id"], EVENT["valid_from"], EVENT["name"]
    day = dt.date.fromisoformat(old_start)
    at = _run(day=day, **{"edit:layer": "events", "edit:fid:events": fid})
    with Store(page_store) as store:  # the page created and seeded the store itself
        assert store.current("events", fid).source == EVENT["source"]
    assert _sent_events(at)[name]["valid_from"] == old_start

    form_from = _by_label(at.text_input, "Valid from (YYYY-MM-DD)")
    assert form_from.value == old_start
    new_start = (day + dt.timedelta(days=2)).isoformat()
    new_end = (day + dt.timedelta(days=3)).isoformat()
    form_from.set_value(new_start)
    _by_label(at.text_input, "Valid to, exclusive (empty = open)").set_value(new_end)
    _by_label(at.text_input, "Source (publication and date)").set_value("Reuters, 9 Dec 2024")
    _by_label(at.selectbox, "Confidence").set_value("medium")
    _by_label(at.text_input, "Reason for the edit").set_value("date corrected")
    _by_label(at.button, "Save a new version").click()
    at = _run(at)
    assert any("Saved version 2" in s.value for s in at.success), [s.value for s in at.error]

    # A new session (a reload) reads the store: the edit is there, with its history.
    again = _run(day=dt.date.fromisoformat(new_start),
                 **{"edit:layer": "events", "edit:fid:events": fid})
    assert _sent_events(again)[name]["valid_from"] == new_start
    history = again.dataframe[0].value
    assert list(history["version"]) == [2, 1]
    assert list(history["valid from"]) == [new_start, old_start]
    assert history["reason"].iloc[0] == "date corrected"
    assert "Reuters, 9 Dec 2024" in history["source"].iloc[0]

    with Store(page_store) as store:
        versions = store.history("events", fid)
    assert [v.seq for v in versions] == [1, 2]
    assert versions[0].user == "seed"

    # "As known on" a minute before the edit: the map and the Events panel show the old
    # date (a moment before the store's first record reads as that first record).
    edited = versions[1].recorded_at
    before = edited - dt.timedelta(minutes=1)
    past = _run(again, **{"workspace:known_on": True, "workspace:known_date": before.date(),
                          "workspace:known_time": dt.time(before.hour, before.minute)})
    assert _sent_events(past)[name]["valid_from"] == old_start
    assert _events_panel_day(past, name) == old_start
    # ... and at the edit's minute, the new one.
    now = _run(past, **{"workspace:known_date": edited.date(),
                        "workspace:known_time": dt.time(edited.hour, edited.minute)})
    assert _sent_events(now)[name]["valid_from"] == new_start
    assert _events_panel_day(now, name) == new_start


def _events_panel_day(at: AppTest, name: str) -> str:
    """The "Day" the Events panel lists an event on."""
    table = next(d.value for d in at.dataframe if "Event" in d.value.columns)
    return table.loc[table["Event"] == name, "Day"].iloc[0]


def test_an_as_known_on_export_stamps_both_dates(own_store, monkeypatch):
    import dashboard.downloads as downloads

    made = {}
    real = downloads.maker

    def spy(loaded_, view, fmt, handling, **kw):
        made[fmt] = real(loaded_, view, fmt, handling, **kw)
        return made[fmt]

    monkeypatch.setattr(downloads, "maker", spy)
    fid, old_start, name = EVENT["id"], EVENT["valid_from"], EVENT["name"]
    at = _run(day=dt.date.fromisoformat(old_start))
    with Store(f"sqlite:///{own_store}") as store:
        base = store.current("events", fid)
        store.edit("events", fid, based_on=base.vid, properties={"name": "Renamed later"},
                   provenance=Provenance("tester", "Reuters, 20 Dec 2024", "high", "renamed"))
        first = seeded_at(store)
    # Asked for a day before the store existed: read (and stamped) as its first record.
    at = _run(at, **{"workspace:known_on": True, "workspace:known_date": dt.date(2024, 12, 20),
                     "workspace:known_time": dt.time(23, 59), "main_tab": "Export"})
    assert any("records begin" in c.value for c in at.caption)
    doc = json.loads(made["geojson"]())
    day = dt.date.fromisoformat(doc["as_of"])
    assert doc["name"] == (f"{load_catalog().title} — situation on {day.day} {day:%b %Y}, "
                           f"as recorded by {first.day} {first:%b %Y} {first:%H:%M} UTC")
    names = {f["properties"].get("name") for f in doc["features"]}
    assert name in names and "Renamed later" not in names
    # A title typed in the export panel is stamped too.
    at = _run(at, export_title="Coast")
    doc = json.loads(made["geojson"]())
    assert doc["name"].startswith(f"Coast — situation on {day.day} {day:%b %Y}, as recorded by")


def test_an_edit_without_a_reason_is_refused_and_nothing_saved(own_store):
    fid = EVENT["id"]
    at = _run(**{"edit:layer": "events", "edit:fid:events": fid})
    _by_label(at.text_input, "Name").set_value("<b>renamed</b>")
    _by_label(at.text_input, "Source (publication and date)").set_value("Reuters")
    _by_label(at.selectbox, "Confidence").set_value("high")
    _by_label(at.button, "Save a new version").click()
    at = _run(at)
    assert any("no reason" in e.value for e in at.error)
    with Store(f"sqlite:///{own_store}") as store:
        assert len(store.history("events", fid)) == 1


def test_the_history_lists_every_version_and_restores_one_as_a_new_version(own_store):
    fid, old_start, name = EVENT["id"], EVENT["valid_from"], EVENT["name"]
    day = dt.date.fromisoformat(old_start)
    at = _run(day=day)
    new_start = (day + dt.timedelta(days=1)).isoformat()
    with Store(f"sqlite:///{own_store}") as store:
        base = store.current("events", fid)
        store.edit("events", fid, based_on=base.vid,
                   properties={"valid_from": new_start,
                               "valid_to": (day + dt.timedelta(days=2)).isoformat()},
                   provenance=Provenance("ben", "AFP, 10 Dec 2024", "low", "moved a day"))
    at = _run(**{"edit:layer": "events", "edit:fid:events": fid})
    history = at.dataframe[0].value
    assert list(history["version"]) == [2, 1]
    assert list(history["who"]) == ["ben", "seed"]
    assert history["what changed"].iloc[0].startswith(f"valid_from: {old_start} → {new_start}")
    assert history["reason"].iloc[0] == "moved a day"
    assert any(f"History of {fid}" in m.value.replace("\\", "") for m in at.markdown)

    prefix = f"edit:Restore:events:{fid}"
    picker = at.selectbox(key="edit:restore:events")
    assert picker.options[0].startswith("version 1 · import by seed")
    picker.set_value(1)
    at.text_input(key=f"{prefix}:source").set_value("Reuters, 8 Dec 2024")
    at.selectbox(key=f"{prefix}:conf").set_value("high")
    at.text_input(key=f"{prefix}:reason").set_value("the first date was right")
    _by_label(at.button, "Restore this version").click()
    at = _run(at)
    assert any("version 3 (restore) by" in s.value.replace("\\", "") for s in at.success), \
        [e.value for e in at.error]
    history = at.dataframe[0].value
    assert list(history["version"]) == [3, 2, 1]
    assert history["action"].iloc[0] == "restore"
    assert history["valid from"].iloc[0] == old_start
    assert history["reason"].iloc[0] == "the first date was right"
    with Store(f"sqlite:///{own_store}") as store:
        assert [v.action for v in store.history("events", fid)] == ["import", "edit", "restore"]
        assert store.current("events", fid).valid_from == old_start
    assert _sent_events(_run(at, day=day))[name]["valid_from"] == old_start
