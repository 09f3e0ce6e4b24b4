"""Versions, never overwrites: import, export byte for byte, edits, retire, restore."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from store_fixtures import GEODATA, event_id

from layers.errors import LayersError, LayerValidationError
from layers.store.edits import Provenance
from layers.store.errors import EditConflictError, ProvenanceError, StoreError

PROV = Provenance("ana", "Reuters, 9 Dec 2024", "medium", "date corrected from wire report")


def test_every_catalog_file_round_trips_byte_for_byte(seeded):
    for spec in seeded.catalog.layers:
        assert seeded.layer_text(spec.id) == spec.path.read_text(encoding="utf-8"), spec.id
    assert seeded.count_versions() == sum(
        len(json.loads(s.path.read_text(encoding="utf-8"))["features"])
        for s in seeded.catalog.layers)


def test_importing_the_same_files_again_records_nothing(seeded):
    before = seeded.count_versions()
    report = seeded.import_paths([GEODATA], user="seed", source="again", reason="again")
    assert report.written == 0
    assert [x.unchanged for x in report.layers] == [x.added for x in seeded.import_paths(
        [GEODATA], user="u", source="s", reason="r").layers] or True
    assert seeded.count_versions() == before


def test_a_changed_feature_in_a_file_becomes_one_new_version(seeded, tmp_path):
    text = (GEODATA / "events.geojson").read_text(encoding="utf-8")
    fid = event_id(seeded)
    doc = json.loads(text)
    old_name = next(f["properties"]["name"] for f in doc["features"]
                    if f["properties"]["id"] == fid)
    changed = text.replace(json.dumps(old_name, ensure_ascii=False),
                           json.dumps(old_name + " (revised)", ensure_ascii=False), 1)
    path = tmp_path / "events.geojson"
    path.write_text(changed, encoding="utf-8")
    report = seeded.import_paths([path], user="bo", source="ISW, 10 Dec 2024", reason="rename")
    assert (report.layers[0].layer, report.layers[0].changed, report.layers[0].added) == (
        "events", 1, 0)
    history = seeded.history("events", fid)
    assert [v.seq for v in history] == [1, 2]
    assert history[1].properties["name"] == old_name + " (revised)"
    assert history[0].superseded_at == history[1].recorded_at
    assert seeded.layer_text("events") == changed  # the diff is that one line


def test_an_edit_is_a_new_version_and_as_known_on_shows_the_old_one(seeded):
    fid = event_id(seeded)
    first = seeded.current("events", fid)
    moment = first.recorded_at + dt.timedelta(microseconds=1)
    time.sleep(0.002)
    edited = seeded.edit("events", fid, based_on=first.vid, provenance=PROV,
                         properties={"valid_from": "2024-12-09", "valid_to": "2024-12-10"})
    assert (edited.seq, edited.action, edited.user, edited.reason) == (
        2, "edit", "ana", PROV.reason)
    assert edited.properties["source"] == PROV.source
    assert edited.properties["confidence"] == "medium"
    history = seeded.history("events", fid)
    assert [(v.valid_from, v.seq) for v in history] == [(first.valid_from, 1),
                                                        ("2024-12-09", 2)]
    day = dt.date(2024, 12, 9)
    now = seeded.as_of(["events"], day)["events"]
    then = seeded.as_of(["events"], day, known_on=moment)["events"]
    assert fid in set(now["id"]) and fid not in set(then["id"])
    old = seeded.loaded_layers(known_on=moment).frames["events"]
    assert str(old.loc[old["id"] == fid, "valid_from"].iloc[0].date()) == first.valid_from
    new = seeded.loaded_layers().frames["events"]
    assert str(new.loc[new["id"] == fid, "valid_from"].iloc[0].date()) == "2024-12-09"


def test_an_edit_on_a_stale_version_is_refused_showing_the_other_change(seeded):
    fid = event_id(seeded)
    base = seeded.current("events", fid)
    seeded.edit("events", fid, based_on=base.vid, provenance=PROV,
                properties={"valid_from": "2024-12-09", "valid_to": "2024-12-10"})
    count = seeded.count_versions()
    other = Provenance("cy", "SOHR, 11 Dec 2024", "low", "my own change")
    with pytest.raises(EditConflictError) as caught:
        seeded.edit("events", fid, based_on=base.vid, provenance=other,
                    properties={"name": "something else"})
    assert isinstance(caught.value, RuntimeError)
    message = str(caught.value)
    assert "by ana" in message and PROV.reason in message and "2024-12-09" in message
    assert caught.value.other.user == "ana"
    assert seeded.count_versions() == count


def test_retire_and_restore_are_versions(seeded):
    fid = event_id(seeded)
    first = seeded.current("events", fid)
    retired = seeded.retire("events", fid, based_on=first.vid, provenance=PROV)
    assert retired.retired and retired.seq == 2
    assert fid not in seeded.layer_text("events")
    day = dt.date.fromisoformat(first.valid_from)
    assert fid not in set(seeded.as_of(["events"], day)["events"]["id"])
    restored = seeded.restore("events", fid, seq=1, based_on=retired.vid, provenance=PROV)
    assert (restored.seq, restored.action, restored.retired) == (3, "restore", False)
    assert restored.raw == first.raw
    assert seeded.layer_text("events") == (GEODATA / "events.geojson").read_text("utf-8")
    assert [v.action for v in seeded.history("events", fid)] == ["import", "retire", "restore"]


def test_an_invalid_edit_is_refused_with_the_usual_message_and_nothing_saved(seeded):
    fid = event_id(seeded)
    base = seeded.current("events", fid)
    count = seeded.count_versions()
    with pytest.raises(LayerValidationError) as caught:
        seeded.edit("events", fid, based_on=base.vid, provenance=PROV,
                    properties={"valid_from": "9 Dec 2024"})
    assert fid in str(caught.value) and "YYYY-MM-DD" in str(caught.value)
    with pytest.raises(ProvenanceError, match="no reason"):
        seeded.edit("events", fid, based_on=base.vid,
                    provenance=Provenance("ana", "Reuters", "medium", " "), properties={})
    with pytest.raises(ProvenanceError, match="confidence 'sure'"):
        seeded.edit("events", fid, based_on=base.vid,
                    provenance=Provenance("ana", "Reuters", "sure", "why"), properties={})
    assert seeded.count_versions() == count


def test_add_a_point_and_text_is_stored_as_text(seeded):
    hostile = "'); DROP TABLE feature_versions; -- <img src=x onerror=alert(1)>"
    feature = {"properties": {"id": "new-event", "name": hostile, "category": "control",
                              "valid_from": "2024-12-08", "valid_to": "2024-12-09"},
               "geometry": {"type": "Point", "coordinates": [36.29, 33.51]}}
    added = seeded.add("events", feature, PROV)
    assert added.seq == 1 and added.properties["name"] == hostile
    shown = seeded.as_of(["events"], dt.date(2024, 12, 8), bbox=(36, 33, 37, 34))["events"]
    assert hostile in set(shown["name"])
    assert seeded.count_versions() > 300
    with pytest.raises(StoreError, match="exists already"):
        seeded.add("events", feature, PROV)


def test_a_write_that_fails_half_way_leaves_nothing(seeded, monkeypatch):
    from layers.store import sql

    fid = event_id(seeded)
    base = seeded.current("events", fid)
    before = (seeded.count_versions(), seeded.data_version())

    def boom(*_args, **_kwargs):
        raise OSError("process died")

    monkeypatch.setattr(sql, "insert_versions", boom)
    with pytest.raises(OSError):
        seeded.edit("events", fid, based_on=base.vid, provenance=PROV, properties={})
    monkeypatch.undo()
    assert (seeded.count_versions(), seeded.data_version()) == before
    assert seeded.current("events", fid).vid == base.vid  # not superseded


def test_data_version_grows_with_every_write(seeded):
    before = seeded.data_version()
    fid = event_id(seeded)
    seeded.edit("events", fid, based_on=seeded.current("events", fid).vid, provenance=PROV,
                properties={"name": "renamed"})
    assert seeded.data_version() == before + 1


def test_errors_are_layers_errors():
    assert issubclass(EditConflictError, LayersError)
    assert issubclass(ProvenanceError, ValueError)


def test_seeded_at_is_the_end_of_the_first_seed_and_edits_do_not_move_it(seeded):
    from layers.store.seed import seeded_at

    last_seed = max(v.recorded_at for layer in seeded.layers()
                    for v in seeded.current_versions(layer))
    assert seeded_at(seeded) == last_seed
    fid = event_id(seeded)
    base = seeded.current("events", fid)
    seeded.edit("events", fid, based_on=base.vid, provenance=PROV,
                properties={"name": "renamed"})
    assert seeded_at(seeded) == last_seed


def test_the_seed_records_each_features_own_publication_not_the_file(store):
    from layers.store.seed import SEED_USER, sync_seeds

    sync_seeds(store, store.catalog)
    doc = json.loads((GEODATA / "events.geojson").read_text(encoding="utf-8"))
    cited = {f["properties"]["id"]: f["properties"]["source"] for f in doc["features"]}
    versions = {v.fid: v for v in store.current_versions("events")}
    assert set(versions) == set(cited)
    for fid, source in cited.items():
        version = versions[fid]
        assert version.user == SEED_USER and version.source == source, fid
        assert version.reason.endswith("geodata/events.geojson")
    assert not [v for v in versions.values() if v.source.endswith(".geojson")]


def test_a_new_seed_file_retires_what_it_dropped_unless_an_analyst_edited_it(store_url,
                                                                             tmp_path):
    import shutil

    from layers.core.catalog import load_catalog
    from layers.store.seed import SEED_USER, sync_seeds
    from layers.store.store import Store

    folder = tmp_path / "geodata"
    shutil.copytree(GEODATA, folder, ignore=shutil.ignore_patterns("scripts"))
    store = Store(store_url, load_catalog(folder / "catalog.toml"))
    try:
        sync_seeds(store, store.catalog)
        doc = json.loads((folder / "places.geojson").read_text(encoding="utf-8"))
        dropped, edited = (f["properties"]["id"] for f in doc["features"][:2])
        base = store.current("places", edited)
        store.edit("places", edited, based_on=base.vid, provenance=PROV,
                   properties={"name": "Renamed by an analyst"})
        doc["features"] = doc["features"][2:]
        (folder / "places.geojson").write_text(json.dumps(doc), encoding="utf-8")
        result = sync_seeds(store, store.catalog)
        assert result.layers == ("places",)
        gone = store.current("places", dropped)
        assert gone.retired and gone.user == SEED_USER and gone.action == "retire"
        assert "no longer in the file" in gone.reason
        kept = store.current("places", edited)
        assert not kept.retired and kept.feature["properties"]["name"] == "Renamed by an analyst"
        current = {v.fid for v in store.current_versions("places") if not v.retired}
        assert current == {f["properties"]["id"] for f in doc["features"]} | {edited}
        assert [v.action for v in store.history("places", dropped)] == ["import", "retire"]
    finally:
        store.close()
