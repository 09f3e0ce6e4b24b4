"""The two-dates page: each side holds its own date's features, offline, text kept as text."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re

import _hostile
import pytest
from export_fixtures import HOSTILE, REPO, load_fixture

from layers import ExportError
from layers.core.catalog import load_catalog
from layers.core.view import MapView
from layers.export.compare_html import SPLIT_MAX, SPLIT_MIN, compare_data, compare_html
from layers.ingest.catalog_layers import load_catalog_layers

NOV26, DEC8 = dt.date(2024, 11, 26), dt.date(2024, 12, 8)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("geodata"))


def view_of(loaded, day=DEC8, layers=None) -> MapView:
    return MapView.create(day.isoformat(), layers or loaded.catalog.ids)


def embedded(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="compare-data">(.*?)</script>',
                      page, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


def ids(side: dict, layer: str) -> set[str]:
    return {f["id"] for lyr in side["layers"] if lyr["id"] == layer for f in lyr["features"]}


def test_each_side_holds_the_features_of_its_own_date(loaded):
    page = compare_html(loaded, view_of(loaded), NOV26, DEC8)
    data = embedded(page)
    left, right = data["sides"]
    assert (left["date"], left["label"]) == ("2024-11-26", "26 Nov 2024")
    assert (right["date"], right["label"]) == ("2024-12-08", "8 Dec 2024")
    # West of 38.5°E: government until 8 Dec, HTS-led from 8 Dec (export_fixtures).
    assert ids(left, "control_zones") == {"z-west-gov", "z-east-sdf"}
    assert ids(right, "control_zones") == {"z-west-hts", "z-east-sdf"}
    hts = next(f for lyr in right["layers"] for f in lyr["features"] if f["id"] == "z-west-hts")
    assert (hts["from"], hts["confidence"]) == ("2024-12-08", "low")
    # The header and the tags say which date is where.
    assert "26 Nov 2024 (left) · 8 Dec 2024 (right)" in page
    assert '<div id="tag-a" class="tag left">26 Nov 2024</div>' in page
    assert '<div id="tag-b" class="tag right">8 Dec 2024</div>' in page


def test_swipe_has_a_divider_where_asked_and_pair_is_named(loaded):
    page = compare_html(loaded, view_of(loaded), NOV26, DEC8, split=0.3)
    assert 'id="divider" role="slider"' in page and 'class="mode-swipe"' in page
    assert embedded(page)["split"] == 0.3
    pair = compare_html(loaded, view_of(loaded), NOV26, DEC8, mode="pair")
    assert 'class="mode-pair"' in pair and embedded(pair)["mode"] == "pair"
    assert 'id="map-a"' in pair and 'id="map-b"' in pair
    assert embedded(compare_html(loaded, view_of(loaded), NOV26, DEC8, split=7))["split"] \
        == SPLIT_MAX
    assert compare_data(loaded, view_of(loaded), NOV26, DEC8, split=-1)["split"] == SPLIT_MIN
    with pytest.raises(ExportError, match="swipe, pair"):
        compare_html(loaded, view_of(loaded), NOV26, DEC8, mode="<b>")


def test_change_layer_is_the_ground_that_changed_hands(loaded):
    off = embedded(compare_html(loaded, view_of(loaded), NOV26, DEC8))
    assert off["change"] is None
    data = embedded(compare_html(loaded, view_of(loaded), DEC8, NOV26, change=True))
    change = data["change"]
    assert change["title"] == "Changed hands 26 Nov 2024 → 8 Dec 2024"
    assert [f["value"] for f in change["features"]] == ["hts_led"]
    assert change["features"][0]["name"].endswith("→ HTS-led forces (MOC)")
    # Dates given the other way round still put A on the left as asked.
    assert [s["date"] for s in data["sides"]] == ["2024-12-08", "2024-11-26"]


def test_page_needs_no_network(loaded):
    page = compare_html(loaded, view_of(loaded), NOV26, DEC8, change=True)
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert "<link" not in page and "@import" not in page and "sourceMappingURL" not in page
    markup = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S)
    assert not re.search(r"\b(src|href|action)\s*=", markup, re.I)  # nothing to load
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", markup, re.I)
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", page)
    assert all(u.startswith(("data:", "#default#VML")) for u in urls)  # VML: old IE only
    assert "url(images/" not in page
    assert "default-src &#x27;none&#x27;" in page and "img-src data:" in page


def test_hostile_text_stays_text(loaded):
    page = compare_html(loaded, view_of(loaded), NOV26, DEC8)
    assert HOSTILE not in page and "<img src=x" not in page
    names = {f["name"] for side in embedded(page)["sides"] for lyr in side["layers"]
             for f in lyr["features"]}
    assert HOSTILE in names  # reaches the page's script unchanged, as data


def test_hostile_layer_title_and_names_stay_text(tmp_path):
    root = _hostile.build(tmp_path / "geodata")
    loaded = load_catalog_layers(load_catalog(root / "catalog.toml"))
    view = MapView.create("2024-12-08", [*loaded.catalog.ids])
    view = MapView(day=view.day, layer_ids=view.layer_ids, title=_hostile.TITLE)
    page = compare_html(loaded, view, NOV26, DEC8, handling=_hostile.SCRIPT)
    # Markup never reaches the page as markup ("${...}" and backticks are inert outside
    # a template literal: the page has none, and its script writes text with textContent).
    for raw in (_hostile.IMG, _hostile.SCRIPT, _hostile.LABEL, "<b>title</b>"):
        assert raw not in page, raw
    assert "<h1>Hostile &lt;b&gt;title&lt;/b&gt;" in page
    assert "innerHTML" not in (REPO / "layers/export/_html/swipe.js").read_text()
    assert html_lib.escape(_hostile.SCRIPT) in page  # the handling banner, as text
    data = embedded(page)
    hostile = [lyr for side in data["sides"] for lyr in side["layers"]
               if lyr["id"] == _hostile.LAYER_ID]
    assert hostile and {f["name"] for lyr in hostile for f in lyr["features"]} == {_hostile.IMG}
    assert all(f["style"]["color"] != "#fff\" onmouseover=\"window.__pwned=7"
               for lyr in hostile for f in lyr["features"])
