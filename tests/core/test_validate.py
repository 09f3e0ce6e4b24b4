"""Every validation rule, with the message an analyst sees."""

import json

import pytest
from conftest import feature, square
from shapely.geometry import box

from layers import LayerValidationError, load_layer


def problems_of(path, kind="generic", **kwargs):
    with pytest.raises(LayerValidationError) as info:
        load_layer(path, kind, **kwargs)
    return info.value


def only(err, rule):
    found = [p for p in err.problems if p.rule == rule]
    assert found, f"no {rule!r} problem in {[p.rule for p in err.problems]}"
    return found[0]


def test_valid_layer_loads_with_parsed_dates(write_geojson):
    path = write_geojson([feature("a", valid_to="2024-12-09"), feature("b")])
    frame = load_layer(path, "generic")
    assert list(frame["id"]) == ["a", "b"]
    assert str(frame["valid_from"].dtype).startswith("datetime64")
    assert frame["valid_to"].isna().tolist() == [False, True]
    assert frame.crs.to_epsg() == 4326


def test_not_json_names_line_and_column(write_geojson):
    err = problems_of(write_geojson('{"type": "FeatureCollection", "features": [}', raw=True))
    p = only(err, "not-json")
    assert "line 1" in p.message and "layer.geojson" in str(err)


def test_not_a_feature_collection(write_geojson):
    err = problems_of(write_geojson({"type": "Topology"}, raw=True))
    assert "expected \"FeatureCollection\"" in only(err, "not-featurecollection").message


def test_null_geometry_is_left_out_with_a_warning_naming_it(write_geojson):
    bad = feature("tartus")
    bad["geometry"] = None
    frame = load_layer(write_geojson([feature("ok"), bad]))
    assert list(frame["id"]) == ["ok"]
    (p,) = [p for p in frame.attrs["problems"] if p.rule == "null-geometry"]
    assert p.feature == "'tartus' (#1)" and p.severity == "warning"
    assert "has no geometry (null or empty); it is not drawn" in p.message


def test_non_numeric_coordinates(write_geojson):
    bad = feature("x", geometry={"type": "Point", "coordinates": ["36.2", 33.5]})
    p = only(problems_of(write_geojson([bad])), "bad-coordinates")
    assert p.feature == "'x' (#0)"
    assert "coordinates of the Point holds text '36.2', which is not a finite number" in p.message


def test_missing_contract_properties_listed_together(write_geojson):
    bad = feature("x")
    del bad["properties"]["source"]
    del bad["properties"]["confidence"]
    err = problems_of(write_geojson([bad]), "events")
    missing = [p.message for p in err.problems if p.rule == "missing-property"]
    assert "has no 'source'." in missing and "has no 'confidence'." in missing


def test_bad_confidence_value(write_geojson):
    err = problems_of(write_geojson([feature("x", confidence="H", category="control")]),
                      "events")
    p = only(err, "bad-confidence")
    assert "'H'" in p.message and "high/medium/low" in p.fix


def test_duplicate_ids(write_geojson):
    err = problems_of(write_geojson([feature("dup", category="control"),
                                     feature("dup", category="control")]), "events")
    p = only(err, "duplicate-id")
    assert p.feature == "'dup' (#1)" and "#0" in p.message


def test_unreadable_date_suggests_iso(write_geojson):
    err = problems_of(write_geojson([feature("x", valid_from="08/12/2024")]))
    p = only(err, "bad-date")
    assert "'08/12/2024'" in p.message and '"2024-12-08"' in p.fix


def test_valid_to_before_valid_from(write_geojson):
    err = problems_of(write_geojson([feature("x", valid_from="2024-12-09",
                                             valid_to="2024-12-08")]))
    assert "not after valid_from 2024-12-09" in only(err, "date-order").message


def test_unknown_controller(write_geojson):
    err = problems_of(write_geojson([feature("z", geometry=square(36, 34), controller="rebels")]),
                      "control_zones")
    p = only(err, "bad-controller")
    assert "'rebels'" in p.message and "assad_government" in p.fix


def test_wrong_geometry_type_for_kind(write_geojson):
    err = problems_of(write_geojson([feature("z", controller="sdf")]), "control_zones")
    assert "is a Point" in only(err, "geometry-type").message


def test_self_intersection_refused_with_reason(write_geojson):
    bowtie = {"type": "Polygon", "coordinates": [[[36, 34], [37, 35], [37, 34], [36, 35],
                                                  [36, 34]]]}
    err = problems_of(write_geojson([feature("bow", geometry=bowtie)]))
    p = only(err, "invalid-geometry")
    assert "Self-intersection" in p.message and "repair" in p.fix


def test_self_intersection_repaired_on_request(write_geojson):
    bowtie = {"type": "Polygon", "coordinates": [[[36, 34], [37, 35], [37, 34], [36, 35],
                                                  [36, 34]]]}
    frame = load_layer(write_geojson([feature("bow", geometry=bowtie)]), repair=True)
    assert frame.geometry.is_valid.all()
    assert [p.rule for p in frame.attrs["problems"]] == ["repaired-geometry"]


def test_latlon_swapped_detected(write_geojson):
    pts = [feature(f"p{i}", geometry={"type": "Point", "coordinates": [lat, lon]})
           for i, (lon, lat) in enumerate([(36.29, 33.51), (36.71, 34.73), (40.14, 35.34)])]
    p = only(problems_of(write_geojson(pts)), "latlon-swapped")
    assert "swapped" in p.message and "[longitude, latitude]" in p.fix


def test_web_mercator_metres_without_crs(write_geojson):
    pt = feature("m", geometry={"type": "Point", "coordinates": [4040000.0, 3963000.0]})
    p = only(problems_of(write_geojson([pt])), "projected-coordinates")
    assert "Web Mercator" in p.message


def test_declared_crs_is_reprojected_with_warning(write_geojson):
    doc = {"type": "FeatureCollection",
           "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
           "features": [feature("m", geometry={"type": "Point",
                                               "coordinates": [4040000.0, 3963000.0]})]}
    frame = load_layer(write_geojson(doc, raw=True))
    x, y = frame.geometry.iloc[0].x, frame.geometry.iloc[0].y
    assert 36.2 < x < 36.4 and 33.4 < y < 33.6
    assert frame.attrs["problems"][0].rule == "reprojected"


def test_zone_overlap_between_controllers(write_geojson):
    zones = [feature("a", geometry=square(36, 34), controller="sdf"),
             feature("b", geometry=square(36.25, 34), controller="sna")]
    p = only(problems_of(write_geojson(zones), "control_zones"), "zone-overlap")
    assert "2024-12-01" in p.message and "sdf" in p.message and "km²" in p.message


def test_zone_overlap_ignored_when_dates_do_not_meet(write_geojson):
    zones = [feature("a", geometry=square(36, 34), controller="sdf", valid_to="2024-12-05"),
             feature("b", geometry=square(36.25, 34), controller="sna",
                     valid_from="2024-12-05")]
    assert len(load_layer(write_geojson(zones), "control_zones")) == 2


def test_zone_gap_against_coverage(write_geojson):
    zones = [feature("a", geometry=square(36, 34), controller="sdf")]
    err = problems_of(write_geojson(zones), "control_zones", coverage=box(36, 34, 37, 35))
    assert "unassigned" in only(err, "zone-gap").message


def test_all_problems_reported_at_once(write_geojson):
    bad = [feature("a", confidence="sure"), feature("b", valid_from="soon"),
           feature("b", name="")]
    err = problems_of(write_geojson(bad), "places")
    rules = {p.rule for p in err.problems}
    assert {"bad-confidence", "bad-date", "duplicate-id", "missing-property"} <= rules
    assert len(err.errors) >= 4


def test_generic_layer_missing_contract_is_only_a_warning(write_geojson):
    path = write_geojson([{"type": "Feature", "properties": {"label": "x"},
                           "geometry": {"type": "Point", "coordinates": [36.3, 33.5]}}])
    frame = load_layer(path)
    assert frame["id"].tolist() == ["f0"]
    assert {p.rule for p in frame.attrs["problems"]} == {
        "missing-valid_from", "missing-source", "missing-confidence"}


def test_too_many_features(write_geojson):
    err = problems_of(write_geojson([feature(f"f{i}") for i in range(5)]), max_features=3)
    assert "more than the limit of 3" in only(err, "too-many-features").message


def test_error_message_lists_file_and_feature(write_geojson):
    err = problems_of(write_geojson([feature("tartus", confidence="x", category="control")],
                                    name="sites.geojson"), "events")
    assert str(err).startswith("sites.geojson: 1 problem(s) found")
    assert "feature 'tartus' (#0)" in str(err)


def test_bad_confidence_in_generic_upload_is_a_warning(write_geojson):
    frame = load_layer(write_geojson([feature("x", confidence="H")]))
    assert [p.rule for p in frame.attrs["problems"]] == ["bad-confidence"]


def test_bytes_upload_is_read(write_geojson):
    data = json.dumps({"type": "FeatureCollection", "features": [feature("u")]}).encode()
    frame = load_layer(data, name="upload.geojson")
    assert frame.attrs["source"] == "upload.geojson" and frame["id"].tolist() == ["u"]


def test_lookalike_date_column_gets_a_rename_hint(write_geojson):
    path = write_geojson([{"type": "Feature", "properties": {"id": "a", "date": "2024-12-08"},
                           "geometry": {"type": "Point", "coordinates": [36.3, 33.5]}}])
    frame = load_layer(path)
    assert not [p for p in frame.attrs["problems"] if p.rule == "missing-valid_from"]
    (note,) = [p for p in frame.attrs["problems"] if p.rule == "date-column"]
    assert "read 'date' as the date (valid_from): each feature shows on that day only" in \
        note.message
    assert f"{frame['valid_from'].iloc[0]:%Y-%m-%d}" == "2024-12-08"
    assert f"{frame['valid_to'].iloc[0]:%Y-%m-%d}" == "2024-12-09"


def test_lookalike_date_that_is_no_date_keeps_the_rename_hint(write_geojson):
    path = write_geojson([{"type": "Feature", "properties": {"id": "a", "date": "soon"},
                           "geometry": {"type": "Point", "coordinates": [36.3, 33.5]}}])
    hint = next(p for p in load_layer(path).attrs["problems"] if p.rule == "missing-valid_from")
    assert "Rename the 'date' property to 'valid_from'" in hint.fix
