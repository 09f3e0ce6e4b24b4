"""Gazetteer search: every spelling an analyst may type finds the place, offline."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from layers.analysis.gazetteer import (
    Gazetteer,
    PlaceNotFoundError,
    fold,
    phonetic_key,
    strip_articles,
)
from layers.ingest.catalog_layers import load_catalog_layers


@pytest.fixture(scope="module")
def real() -> Gazetteer:
    return Gazetteer.from_loaded(load_catalog_layers())


@pytest.fixture
def small() -> Gazetteer:
    places = gpd.GeoDataFrame({
        "id": ["tartus", "jableh", "dez"], "name": ["Tartus", "Jableh", "Deir ez-Zor"],
        "other_names": ["Tartous", None, "Deir al-Zour"], "place_type": ["city", "town", "city"],
    }, geometry=[Point(35.887, 34.889), Point(35.926, 35.361), Point(40.141, 35.336)],
        crs="EPSG:4326")
    sites = gpd.GeoDataFrame({
        "id": ["kh-site-1", "kh-site-2", "kh-perim-1", "t-outline"],
        "site_id": ["khmeimim", "khmeimim", "khmeimim", "tartus-base"],
        "part": ["site", "site", "perimeter", "outline"],
        "name": ["Khmeimim air base", "Khmeimim air base", "Khmeimim perimeter", "Tartus base"],
        "other_names": ["Hmeimim, Hmeymim", "Hmeimim, Hmeymim", "", "720th PMTO"],
        "site_type": ["air_base"] * 3 + ["naval_base"],
    }, geometry=[Point(35.945, 35.41167), Point(35.945, 35.41167),
                 box(35.94, 35.38, 35.96, 35.42), box(35.86, 34.91, 35.88, 34.92)],
        crs="EPSG:4326")
    return Gazetteer.from_frames(places, sites)


def test_folding_drops_accents_punctuation_and_case():
    assert fold("Ḥmeimīm") == "hmeimim"
    assert fold("Ma'arrat al-Nu'man") == "maarratalnuman"
    assert phonetic_key("Khmeimim") == phonetic_key("Hmeymim") == phonetic_key("Hmeimim")
    assert phonetic_key("Tartous") == phonetic_key("tartus")
    assert phonetic_key("Deir ez-Zor") == phonetic_key("Deir ezzor")
    assert strip_articles("Maarat al-Numan") == "Maarat Numan"


def test_one_entry_per_site_at_its_site_point(small):
    kh = [e for e in small.entries if e.key == "khmeimim"]
    assert len(kh) == 1 and (kh[0].lat, kh[0].lon) == (35.41167, 35.945)
    assert kh[0].other_names == ("Hmeimim", "Hmeymim")
    # A site without a 'site' point sits at the centre of its parts.
    tb = next(e for e in small.entries if e.key == "tartus-base")
    assert tb.lon == pytest.approx(35.87, abs=0.01)


@pytest.mark.parametrize(("query", "name"), [
    ("Hmeimim", "Khmeimim air base"), ("Khmeimim", "Khmeimim air base"),
    ("hmeymim", "Khmeimim air base"), ("Tartous", "Tartus"), ("tartus", "Tartus"),
    ("TARTUS", "Tartus"), ("Deir ez-Zor", "Deir ez-Zor"), ("Deir ezzor", "Deir ez-Zor"),
    ("deir al zour", "Deir ez-Zor"), ("Jablah", "Jableh"), ("720th", "Tartus base"),
])
def test_spellings_find_the_place(small, query, name):
    hits = small.search(query)
    assert hits and hits[0].entry.name == name


def test_exact_name_ranks_before_longer_names(small):
    names = [h.entry.name for h in small.search("Tartus")]
    assert names[:2] == ["Tartus", "Tartus base"]


def test_nonsense_finds_nothing(small):
    assert small.search("xyzzy") == [] and small.search("a") == []


def test_resolve_coordinates_ids_and_names(small):
    spot = small.resolve("34.9, 35.8")
    assert (spot.lat, spot.lon, spot.how) == (34.9, 35.8, "coordinates")
    assert small.resolve("kh-perim-1").label == "Khmeimim air base"  # any feature id of a site
    found = small.resolve("Hmeymim")
    assert (found.label, found.lat, found.lon) == ("Khmeimim air base", 35.41167, 35.945)
    assert "other name" in found.how


def test_resolve_unknown_name_lists_nearest(small):
    with pytest.raises(PlaceNotFoundError, match="not a place") as info:
        small.resolve("Atlantis")
    assert isinstance(info.value, LookupError)


@pytest.mark.parametrize(("query", "name"), [
    ("Hmeimim", "Khmeimim air base"), ("Khmeimim", "Khmeimim air base"),
    ("Tartous", "Tartus"), ("tartus", "Tartus"), ("Deir ez-Zor", "Deir ez-Zor"),
    ("Deir ezzor", "Deir ez-Zor"), ("Qamishlo", "Qamishli"), ("T4", "Tiyas (T-4)"),
    ("Sweida", "Suwayda"), ("Halab", "Aleppo"), ("Maarat Numan", "Maarat al-Numan"),
    ("Tartus naval facility", "Tartus naval facility"),
])
def test_real_gazetteer(real, query, name):
    assert real.search(query)[0].entry.name == name


def test_real_gazetteer_holds_places_and_sites(real):
    layers = {e.layer for e in real.entries}
    assert layers == {"places", "installations"}
    assert len({e.key for e in real.entries if e.layer == "installations"}) >= 10


def test_an_exact_name_resolves_as_the_search_ranks_it(real):
    """resolve's short way for exact names gives what the full search gives first."""
    for entry in real.entries:
        for name in entry.names:
            if not name or name.lower() in real.ids:
                continue
            top = real.search(name, limit=1)[0]
            found = real.resolve(name)
            how = "name" if top.matched == top.entry.name else f"other name {top.matched!r}"
            assert (found.label, found.lat, found.lon, found.how) == (
                top.entry.name, top.entry.lat, top.entry.lon, how), name
