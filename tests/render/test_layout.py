"""Print layouts: presets, texts with placeholders, locator, grid choice, two dates on a page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from export_fixtures import load_fixture
from matplotlib.text import Text
from PIL import Image

from layers.core.view import MapView
from layers.render.layout import (
    PRESETS,
    Layout,
    LayoutError,
    Texts,
    boxes,
    fill,
    preset_key,
)
from layers.render.staticmap import make_page, page_extent, render_figure, render_static

DAY = dt.date(2024, 12, 8)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("geodata"))


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def by_gid(fig, gid: str) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_gid() == gid]


def test_placeholders_fill_and_nothing_else_is_read():
    known = dt.date(2025, 1, 3)
    assert fill("Coast — {date}", DAY, known) == "Coast — 8 December 2024"
    assert fill("as known on {known_on}", DAY, known) == "as known on 3 January 2025"
    for literal in ("{0}", "{date.year}", "{__class__}", "{{date}}", "${date"):
        assert fill(literal, DAY, known) == literal.replace("{date}", "8 December 2024")


@pytest.mark.parametrize(("typed", "key"), [("16x9", "16:9"), ("A4 portrait", "a4-portrait"),
                                            ("a3_landscape", "a3-landscape"), ("4:3", "4:3"),
                                            ("A4", "a4-landscape")])
def test_presets_read_as_typed(typed, key):
    assert preset_key(typed) == key


def test_unknown_choices_name_the_known_ones():
    with pytest.raises(LayoutError, match="a4-portrait"):
        preset_key("letter")
    with pytest.raises(LayoutError, match="graticule, mgrs, none"):
        Layout(grid="utm")


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_has_its_page_size_and_boxes_on_the_page(loaded, preset):
    layout = Layout(preset=preset)
    where = boxes(layout)
    width, height = PRESETS[preset]
    for x, y, w, h in (*where.maps, where.panel, where.title, *(filter(None, [where.side]))):
        assert x >= 0 and y >= 0 and x + w <= width + 1e-9 and y + h <= height + 1e-9
        assert w > 1 and h > 0.5
    buf = io.BytesIO()
    render_static(loaded, MapView.create(DAY, loaded.catalog.ids), buf, "png", dpi=40,
                  layout=layout)
    buf.seek(0)
    assert Image.open(buf).size == (int(width * 40), int(height * 40))


def test_titles_say_the_page_date_and_handling_is_the_analysts(loaded):
    layout = Layout(texts=Texts(title="Russia in Syria — {date}", subtitle="Known on {known_on}",
                                caveat="Draft for {date}", handling="SECRET // REL TEST"))
    view = MapView.create(DAY, loaded.catalog.ids)
    page = make_page(loaded, view, layout=layout, known_on=dt.date(2024, 12, 9))
    fig = render_figure(loaded, view, page)
    assert by_gid(fig, "page-title") == ["Russia in Syria — 8 December 2024"]
    assert by_gid(fig, "page-subtitle") == ["Known on 9 December 2024"]
    found = "\n".join(texts(fig))
    assert "Draft for 8 December 2024" in found
    assert found.count("SECRET // REL TEST") == 2


def test_region_frame_ignores_the_view_and_locator_shows_when_zoomed(loaded):
    zoomed = MapView.create(DAY, loaded.catalog.ids, bbox=(35.6, 34.7, 36.3, 35.6))
    locked = page_extent(loaded, zoomed, Layout(frame="region"))
    free = page_extent(loaded, zoomed, Layout())
    assert locked[2] - locked[0] > 5 and free[2] - free[0] < 2
    fig = render_figure(loaded, zoomed)
    inset = [ax for ax in fig.axes if ax.get_label() == "locator"]
    assert len(inset) == 1
    red = next(p for p in inset[0].patches if p.get_gid() == "locator-frame")
    assert red.get_x() == pytest.approx(free[0]) and red.get_width() == pytest.approx(
        free[2] - free[0])
    whole = render_figure(loaded, MapView.create(DAY, loaded.catalog.ids))
    assert not [ax for ax in whole.axes if ax.get_label() == "locator"]
    off = render_figure(loaded, zoomed, make_page(loaded, zoomed, layout=Layout(locator=False)))
    assert not [ax for ax in off.axes if ax.get_label() == "locator"]


def test_grid_choice(loaded):
    view = MapView.create(DAY, loaded.catalog.ids, bbox=(35.6, 34.7, 36.3, 35.6))
    mgrs = render_figure(loaded, view, make_page(loaded, view, layout=Layout(grid="mgrs")))
    squares = set(by_gid(mgrs, "mgrs-square"))
    assert {"36S YD", "37S BU"} <= squares  # Tartus and the coast east of 36° E
    assert by_gid(mgrs, "mgrs-num")  # 10 km lines numbered on a small frame
    map_ax = next(ax for ax in mgrs.axes if ax.get_label() == "map")
    assert not any(line.get_visible() for line in map_ax.get_xgridlines())
    none = render_figure(loaded, view, make_page(loaded, view, layout=Layout(grid="none")))
    assert not by_gid(none, "mgrs-square")
    ax = next(ax for ax in none.axes if ax.get_label() == "map")
    assert not any(line.get_visible() for line in ax.get_xgridlines())
    assert [t.get_text() for t in ax.get_xticklabels()]  # degree ticks stay on the frame


def test_two_dates_side_by_side_earlier_left_one_framing(loaded):
    view = MapView.create(DAY, loaded.catalog.ids)
    page = make_page(loaded, view, compare=dt.date(2024, 11, 30))
    fig = render_figure(loaded, view, page)
    maps = [ax for ax in fig.axes if ax.get_label().startswith("map")]
    assert len(maps) == 2
    assert maps[0].get_xlim() == maps[1].get_xlim() and maps[0].get_ylim() == \
        maps[1].get_ylim()
    assert by_gid(fig, "frame-date") == ["As of 30 November 2024", "As of 8 December 2024"]
    assert by_gid(fig, "page-subtitle") == ["As of 30 November 2024 and 8 December 2024"]
    found = texts(fig)
    # the legend covers both dates: the zone of 30 Nov and that of 8 Dec
    assert "Assad government" in found and "HTS-led forces (MOC)" in found
    def fills(ax):
        return {tuple(round(c, 3) for c in p.get_facecolor()) for p in ax.patches}

    assert fills(maps[0]) != fills(maps[1])  # the zones changed hands between the dates
