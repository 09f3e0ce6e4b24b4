"""The numbered source list: parsing references, numbering, and the text a briefer pastes."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from layers.core import sources as src


def _frame(rows: list[tuple[str, str]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [n for n, _ in rows], "source": [s for _, s in rows]},
                            geometry=[Point(36, 34)] * len(rows), crs="EPSG:4326")


@pytest.mark.parametrize(("ref", "publication", "date"), [
    ("Reuters 5 Dec 2024", "Reuters", "5 Dec 2024"),
    ("TRT World (reporting about 20 Dec 2024)", "TRT World", "reporting about 20 Dec 2024"),
    ("Wikipedia: Qamishli Airport (secondary)", "Wikipedia: Qamishli Airport (secondary)", ""),
    ("Financial Times 15 Dec 2024 (quoting HTS official Kamal Lababidi)",
     "Financial Times (quoting HTS official Kamal Lababidi)", "15 Dec 2024"),
    ("ISW/CTP control maps, mid-Feb 2026", "ISW/CTP control maps", "mid-Feb 2026"),
    ("Syrian Observer/TASS Aug 2024", "Syrian Observer/TASS", "Aug 2024"),
    ("ISW 2015", "ISW", "2015"),
    ("DAFIF", "DAFIF", ""),
])
def test_parse_reference(ref: str, publication: str, date: str) -> None:
    assert src.parse_reference(ref) == (publication, date)


def test_each_reference_once_numbered_by_publication_then_date() -> None:
    frame = _frame([("Hama falls", "Reuters 5 Dec 2024"),
                    ("Homs falls", "Reuters 8 Dec 2024; TASS 9 Dec 2024"),
                    ("Rastan taken", "TRT World 6 Dec 2024; Reuters 5 Dec 2024"),
                    ("Hama falls", "Reuters 5 Dec 2024")])
    got = src.numbered_sources([frame])
    assert [(s.number, s.reference) for s in got] == [
        (1, "Reuters 5 Dec 2024"), (2, "Reuters 8 Dec 2024"), (3, "TASS 9 Dec 2024"),
        (4, "TRT World 6 Dec 2024")]
    assert got[0].supports == ("Hama falls", "Rastan taken")
    assert got[0].line() == "1. Reuters, 5 Dec 2024 — Hama falls; Rastan taken"
    assert src.reference_numbers("TRT World 6 Dec 2024; Reuters 5 Dec 2024", got) == [4, 1]


def test_numbers_made_at_load_survive_a_date_filter() -> None:
    frames = src.number_frames({"a": _frame([("A", "Zeta 1 Jan 2025"), ("B", "Alpha 2 Jan 2025")])})
    numbered = frames["a"]
    assert list(numbered["source_refs"]) == ["2", "1"]
    # On a date when only "A" is shown, Zeta keeps its number 2, and an upload comes after.
    upload = _frame([("U", "My notes")])
    got = src.numbered_sources([numbered.iloc[[0]], upload])
    assert [(s.number, s.reference) for s in got] == [(2, "Zeta 1 Jan 2025"), (3, "My notes")]
    layers, _ = src.with_source_numbers([(None, numbered.iloc[[0]]), (None, upload)])
    assert list(layers[1][1]["source_refs"]) == ["3"]
    assert layers[0][1] is not None and "source_refs" not in upload.columns


def test_compact_text_names_each_publication_once_and_says_what_is_left_out() -> None:
    frame = _frame([(f"f{i}", f"Reuters {i + 1} Dec 2024") for i in range(20)]
                   + [("g", "TASS 9 Dec 2024 (annual press conference)")])
    got = src.numbered_sources([frame])
    text = src.compact_text(got)
    assert text.startswith("Reuters [1] 1 Dec 2024, [2] 2 Dec 2024,")
    assert text.count("Reuters") == 1 and text.endswith("; TASS [21] 9 Dec 2024")
    short = src.compact_text(got, 120)
    assert len(short) <= 120 and short.startswith("Reuters [1] 1 Dec 2024")
    shown = short.count("[")
    assert short.endswith(f"; and {21 - shown} more (full list in the Sources tab)")


def test_pasteable_text_and_table() -> None:
    got = src.numbered_sources([_frame([("Hama falls", "Reuters 5 Dec 2024")])])
    assert src.source_list_text(got) == "1. Reuters, 5 Dec 2024 — Hama falls"
    table = src.sources_frame(got)
    assert table.to_dict("records") == [{"No.": 1, "Publication": "Reuters", "Date": "5 Dec 2024",
                                         "Supports": "Hama falls", "Features": 1}]


def test_the_catalog_is_numbered_once_across_layers() -> None:
    from layers.ingest.catalog_layers import load_catalog_layers

    loaded = load_catalog_layers()
    everything = src.numbered_sources(loaded.frames.values())
    assert [s.number for s in everything] == list(range(1, len(everything) + 1))
    zones = loaded.frames["control_zones"]
    row = zones[zones["source"].str.contains("TASS 9 Dec 2024")].iloc[0]
    numbers = [int(n) for n in row["source_refs"].split(", ")]
    assert "TASS 9 Dec 2024" in [everything[n - 1].reference for n in numbers]


def test_html_export_carries_the_catalog_numbers() -> None:
    from layers.core.view import MapView
    from layers.export.html import page_data
    from layers.ingest.catalog_layers import load_catalog_layers

    loaded = load_catalog_layers()
    data = page_data(loaded, MapView.create("2024-12-08", loaded.catalog.ids), handling="X")
    numbers = {s.reference: s.number for s in src.numbered_sources(loaded.frames.values())}
    cited = [s for layer in data["layers"] for f in layer["features"] for s in f["sources"]]
    assert cited and all(s.startswith("[") for s in cited)
    for item in cited:
        number, ref = item[1:].split("] ", 1)
        assert numbers[ref] == int(number), item


def test_one_source_behind_many_features_lists_each_name_once_in_order() -> None:
    """A generated layer cites one source for 20,000 events (the scale set: 100,000)."""
    names = [f"event {i}" for i in range(20_000)]
    frame = _frame([(name, "Generator 1 Jan 2025") for name in names + names[:5]])
    (source,) = src.numbered_sources([frame])
    assert source.supports == tuple(names)
