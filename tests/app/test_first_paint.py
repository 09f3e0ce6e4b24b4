"""A new page's first map kept on disk (dashboard._snapshot) and sent before any read.

The key must change with everything the first map depends on, and the page must
never leave a kept map up that differs from what it reads: it checks and reruns.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import _data, _first_paint, _snapshot, serve
from layers.core.catalog import geodata_dir
from layers.ingest.layer_cache import cache_dir
from layers.render.assets import STATIC_URL
from layers.store import open_store
from layers.store.engine import default_path

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def kept_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own layer cache (and first-map folder); no page has painted yet."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(cache))
    monkeypatch.setattr(_first_paint, "_PAINTED", threading.Event())
    monkeypatch.setattr(_first_paint, "_READ", set())
    return cache / "first-map"


def _new_process() -> None:
    """What a new server process has not: the state read (AppTest runs pages in this one)."""
    _first_paint._READ.clear()


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The embedded store of this test (conftest gives each test its own folder)."""
    open_store(init=True).engine.dispose()
    return default_path()


def _bump(path: Path) -> None:
    with sqlite3.connect(path) as con:
        con.execute("UPDATE store_meta SET value = value + 1 WHERE name = 'data_version'")


@pytest.mark.parametrize("env", [
    {},
    {"BRIEFING_GEODATA": "tests/geodata", "BRIEFING_CACHE_DIR": "~/elsewhere"},
    {"BRIEFING_CACHE_DIR": "off", "XDG_CACHE_HOME": "/tmp/xdg"},
    {"BRIEFING_CACHE_DIR": None, "XDG_CACHE_HOME": "/tmp/xdg"},
])
def test_the_light_settings_agree_with_the_packages(monkeypatch: pytest.MonkeyPatch,
                                                    env: dict) -> None:
    """The key is taken without importing ``layers``: its copies of the settings agree."""
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert _snapshot.geodata_dir() == geodata_dir()
    assert _snapshot.store_file() == default_path()
    layers_cache = cache_dir()
    assert _snapshot.folder() == (None if layers_cache is None else layers_cache / "first-map")
    assert _snapshot.STATIC_URL == STATIC_URL
    assert _snapshot.STATIC == _data.STATIC


def test_the_key_follows_files_store_settings_and_code(kept_dir: Path, store: Path,
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "geodata"
    data.mkdir()
    (data / "catalog.toml").write_text("title = 'x'\n", encoding="utf-8")
    (data / "zones.geojson").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("BRIEFING_GEODATA", str(data))
    first = _snapshot.key()
    assert first is not None and first == _snapshot.key()  # the same state, the same key

    stamp = (data / "zones.geojson").stat().st_mtime_ns
    os.utime(data / "zones.geojson", ns=(stamp + 10**9, stamp + 10**9))
    after_file = _snapshot.key()
    assert after_file != first

    _bump(store)
    after_write = _snapshot.key()
    assert after_write not in (first, after_file)

    monkeypatch.setenv("BRIEFING_FIRST_MAP_PAUSE", "3")  # how the page runs, not its map
    assert _snapshot.key() == after_write
    monkeypatch.setenv("BRIEFING_SOMETHING_NEW", "1")
    assert _snapshot.key() != after_write

    monkeypatch.setattr(_snapshot, "_code_stamps", lambda: [("dashboard/page.py", 1, 2)])
    assert _snapshot.key() != after_write


@pytest.mark.parametrize("setting", [("BRIEFING_TEAM", "1"),
                                     ("BRIEFING_STORE", "postgresql+psycopg://db/x"),
                                     ("BRIEFING_CACHE_DIR", "off")])
def test_no_key_where_a_first_map_cannot_be_kept(store: Path, setting: tuple[str, str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The team page depends on who signs in; a server store or no cache: not kept."""
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(store.parent / "cache"))
    assert _snapshot.key() is not None
    monkeypatch.setenv(*setting)
    assert _snapshot.key() is None


def test_no_key_before_the_store_exists(kept_dir: Path) -> None:
    assert not _snapshot.store_file().exists()
    assert _snapshot.key() is None


def _kept(key: str, *files: str) -> _snapshot.Kept:
    script = " ".join(f'fetch("{STATIC_URL}/{name}")' for name in files)
    return _snapshot.Kept(key=key, header=("<style></style>", "#### Title", "Handling"),
                          args={"feature_group": script, "css_links": [], "zoom": None})


def test_a_kept_map_reads_back_only_for_its_key_and_with_its_files(
        kept_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    static = tmp_path / "static"
    (static / "timeline").mkdir(parents=True)
    (static / "timeline" / "part.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(_snapshot, "STATIC", static)
    kept = _kept("k1", "timeline/part.json")
    assert _snapshot.static_files(kept.args) == [static / "timeline" / "part.json"]

    assert _snapshot.write(kept)
    assert _snapshot.read("k1") == kept
    assert _snapshot.read("k2") is None  # another state of files, store or code

    (static / "timeline" / "part.json").unlink()  # the frame would fetch a file gone
    assert _snapshot.read("k1") is None

    files = list(kept_dir.glob("*.json"))
    assert len(files) == 1
    files[0].write_text("{not json", encoding="utf-8")
    assert _snapshot.read("k1") is None


def test_old_kept_maps_are_pruned(kept_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                  tmp_path: Path) -> None:
    for n in range(4):
        monkeypatch.setenv("BRIEFING_GEODATA", str(tmp_path / f"data{n}"))
        assert _snapshot.write(_kept(f"k{n}"))
        time.sleep(0.01)
    _snapshot._prune(kept_dir, keep=2)
    left = sorted(json.loads(p.read_text())["key"] for p in kept_dir.glob("*.json"))
    assert left == ["k2", "k3"]


def _page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _title(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("#### "))


def _page_day(at: AppTest) -> object:
    return at.date_input(key="day").value


def test_a_new_page_is_sent_the_kept_first_map_and_keeps_it(kept_dir: Path) -> None:
    """A new page keeps its first map; the next new page is sent it, the same."""
    _page()  # creates and seeds the store: nothing kept (no store when the page began)
    assert not list(kept_dir.glob("*.json"))
    second = _page()
    files = list(kept_dir.glob("*.json"))
    assert len(files) == 1
    doc = json.loads(files[0].read_text(encoding="utf-8"))
    sent = json.loads(second.get("component_instance")[0].proto.json_args)
    kept_args = {k: v for k, v in doc["args"].items()}
    assert kept_args["feature_group"] == sent["feature_group"]
    assert kept_args["script"] == sent["script"]
    assert doc["header"][1] == _title(second)

    assert not _first_paint._PAINTED.is_set()
    _page()  # this process has read the state: a new page builds its map at once
    assert not _first_paint._PAINTED.is_set()
    _new_process()
    third = _page()
    assert _first_paint._PAINTED.is_set()  # sent from disk before the page read anything
    assert _title(third) == _title(second)
    assert (json.loads(third.get("component_instance")[0].proto.json_args)["feature_group"]
            == sent["feature_group"])
    assert third.date_input(key="day").value == _page_day(second)  # the rest came too
    assert third.session_state[_first_paint.FIRST] == "done"


def test_a_kept_map_that_no_longer_holds_is_replaced_at_once(kept_dir: Path) -> None:
    """A kept header or map unlike what the page reads: the page reruns with its own."""
    _page()
    real = _page()
    path = next(kept_dir.glob("*.json"))
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["header"][1] = "#### A stale title"
    path.write_text(json.dumps(doc), encoding="utf-8")

    assert not _first_paint._PAINTED.is_set()
    _new_process()
    fixed = _page()
    assert _first_paint._PAINTED.is_set()  # the stale one was sent, then replaced
    assert _title(fixed) == _title(real)
    assert not any(m.value == "#### A stale title" for m in fixed.markdown)
    assert json.loads(path.read_text(encoding="utf-8"))["header"][1] == _title(real)


def test_the_warm_up_waits_for_a_kept_first_map_only(kept_dir: Path) -> None:
    assert serve._first_map_kept(_snapshot.key()) is False  # nothing kept: it reads at once
    _page()
    _page()
    assert serve._first_map_kept(_snapshot.key()) is True
    _bump(default_path())  # an edit since: the kept map no longer holds
    assert serve._first_map_kept(_snapshot.key()) is False


def test_the_hold_ends_without_a_page_or_after_its_pause(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setattr(_first_paint, "_PAINTED", threading.Event())
    start = time.monotonic()
    _first_paint.hold(0.1)  # no page came
    assert 0.09 < time.monotonic() - start < 1.0
    _first_paint._PAINTED.set()
    monkeypatch.setitem(_first_paint._QUIET, "until", time.monotonic() + 0.2)
    start = time.monotonic()
    _first_paint.hold(5.0)  # a page came: until its pause ends
    assert 0.15 < time.monotonic() - start < 1.0


def test_the_first_paint_imports_nothing_heavy() -> None:
    """What a kept first map is sent with stays light: no geodata library, no ``layers``.

    On a new process these take seconds (Folium alone 0.8 s), which is what the kept
    map saves; an import added here by accident would quietly cost it again.
    """
    import subprocess
    import sys

    code = ("import sys, dashboard._first_paint, dashboard._snapshot\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, check=True)
    loaded = set(done.stdout.split())
    heavy = {"layers", "geopandas", "shapely", "pyproj", "folium", "branca",
             "streamlit_folium", "sqlalchemy", "matplotlib", "altair"}
    assert "streamlit" in loaded and "dashboard" in loaded
    assert loaded & heavy == set()
