"""The per-process memo the page's sessions share: same objects, same answer, computed once."""

from __future__ import annotations

import gc

import pandas as pd

from dashboard._memo import IdentityMemo


def test_the_same_frames_are_computed_once_and_others_again():
    memo = IdentityMemo(size=4)
    calls: list[int] = []
    a, b = pd.DataFrame({"x": [1]}), pd.DataFrame({"x": [1]})  # equal, not the same

    def compute(n: int):
        return lambda: calls.append(n) or f"result {n}"

    assert memo.get([a], "day-1", compute(1)) == "result 1"
    assert memo.get([a], "day-1", compute(2)) == "result 1"  # a look-up
    assert memo.get([b], "day-1", compute(3)) == "result 3"  # another frame: computed
    assert memo.get([a], "day-2", compute(4)) == "result 4"  # another key: computed
    assert calls == [1, 3, 4]


def test_a_new_frame_never_gets_an_old_frames_answer():
    memo = IdentityMemo(size=2)
    old = pd.DataFrame({"x": [1]})
    memo.get([old], "k", lambda: "old answer")
    del old
    gc.collect()
    # The memo holds the frame it answered for, so its id cannot pass to a new frame while
    # the entry lives; once evicted, the id may be reused and is computed again.
    for n in range(5):
        fresh = pd.DataFrame({"x": [n]})
        assert memo.get([fresh], "k", lambda n=n: f"answer {n}") == f"answer {n}"


def test_only_the_newest_entries_are_kept():
    memo = IdentityMemo(size=2)
    frames = [pd.DataFrame({"x": [n]}) for n in range(3)]
    for n, frame in enumerate(frames):
        memo.get([frame], "k", lambda n=n: n)
    calls = []
    memo.get([frames[0]], "k", lambda: calls.append("again") or 0)  # evicted: computed again
    memo.get([frames[2]], "k", lambda: calls.append("no") or 2)  # kept
    assert calls == ["again"]



def _numbers(shown) -> list[list[str]]:
    return [list(frame["source_refs"]) for _, frame in shown]


def test_after_an_edit_a_page_regroups_only_the_edited_layers_cut(monkeypatch):
    """shown_layers: the same numbers as unmemoised, the unchanged layers' cuts grouped once."""
    import datetime as dt

    from dashboard import _data
    from layers.core import sources
    from layers.core.catalog import load_catalog
    from layers.core.view import MapView
    from layers.ingest.catalog_layers import load_catalog_layers
    from tests.conftest import GEODATA

    loaded = load_catalog_layers(load_catalog(GEODATA / "catalog.toml"))
    # As the store's frames come: without numbers of their own (the view numbers them).
    for key, frame in loaded.frames.items():
        loaded.frames[key] = frame.drop(columns=[sources.REFS_COLUMN])
    view = MapView(day=dt.date(2024, 12, 8), layer_ids=tuple(loaded.frames))
    grouped: list[int] = []
    real = sources.source_groups
    monkeypatch.setattr(_data, "source_groups", lambda f: grouped.append(id(f)) or real(f))
    _data._SHOWN.clear()
    _data._GROUPS.clear()

    def unmemoised(shown):
        return sources.with_source_numbers(
            [(spec, frame.drop(columns=[sources.REFS_COLUMN])) for spec, frame in shown])[0]

    first = _data.shown_layers(loaded, view)
    assert len(grouped) == len(first) == 5
    assert _numbers(first) == _numbers(unmemoised(first))
    loaded.frames["installations"] = loaded.frames["installations"].copy()  # an edit
    grouped.clear()
    again = _data.shown_layers(loaded, view)
    assert len(grouped) == 1  # only the edited layer's cut
    assert _numbers(again) == _numbers(unmemoised(again))


def test_the_stores_layers_are_numbered_once_and_unchanged_layers_keep_their_frame():
    """numbered_layers: the files' numbers, and after an edit the same frames where unchanged."""
    from dashboard import _data
    from layers.core import sources
    from layers.core.catalog import load_catalog
    from layers.core.loaded import LoadedLayers
    from layers.ingest.catalog_layers import load_catalog_layers
    from tests.conftest import GEODATA

    catalog = load_catalog(GEODATA / "catalog.toml")
    files = load_catalog_layers(catalog)  # numbered when loaded (number_frames)

    def as_stored() -> LoadedLayers:  # the store's frames come without numbers
        held = LoadedLayers(catalog)
        held.frames.update({k: f.drop(columns=[sources.REFS_COLUMN])
                            for k, f in files.frames.items()})
        return held

    _data._NUMBERED.clear()
    stored = as_stored()
    first = _data.numbered_layers(stored)
    assert sources.REFS_COLUMN not in stored.frames["events"].columns  # a numbered copy
    for key, frame in first.frames.items():  # the same numbers the files get
        assert list(frame[sources.REFS_COLUMN]) == list(files.frames[key][sources.REFS_COLUMN])

    # An edit to one event that cites a new first source: numbers move where they must.
    edited = stored.frames["events"].copy()
    edited.loc[edited.index[0], "source"] = "AAA Agency 1 Jan 2025"
    again = LoadedLayers(catalog)
    again.frames.update({**stored.frames, "events": edited})
    second = _data.numbered_layers(again)
    assert second.frames["events"][sources.REFS_COLUMN].iloc[0] == "1"
    moved = {k for k in files.frames
             if list(second.frames[k][sources.REFS_COLUMN])
             != list(first.frames[k][sources.REFS_COLUMN])}
    assert "events" in moved
    # A third version that changes nothing of the numbers hands back the same frames.
    third = LoadedLayers(catalog)
    third.frames.update(again.frames)
    kept = _data.numbered_layers(third)
    assert all(kept.frames[k] is second.frames[k] for k in files.frames)


def test_a_view_of_numbered_layers_numbers_nothing(monkeypatch):
    """shown_layers: layers numbered when loaded are cut, not grouped or numbered again."""
    import datetime as dt

    from dashboard import _data
    from layers.core import sources
    from layers.core.catalog import load_catalog
    from layers.core.view import MapView
    from layers.ingest.catalog_layers import load_catalog_layers
    from tests.conftest import GEODATA

    loaded = load_catalog_layers(load_catalog(GEODATA / "catalog.toml"))
    grouped: list[int] = []
    monkeypatch.setattr(_data, "source_groups", lambda f: grouped.append(id(f)) or [])
    _data._GROUPS.clear()
    shown = _data.shown_layers(loaded, MapView(day=dt.date(2024, 12, 8),
                                               layer_ids=tuple(loaded.frames)))
    assert grouped == []
    events = next(frame for spec, frame in shown if spec.id == "events")
    full = loaded.frames["events"].set_index("id")[sources.REFS_COLUMN]
    assert len(events) > 0
    assert all(full[fid] == refs for fid, refs in zip(events["id"], events[sources.REFS_COLUMN],
                                                       strict=True))
