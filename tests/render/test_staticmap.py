"""The print map: page furniture that must be right (scale, aspect, graticule), what it lists
(legend, labels, sources) and that it draws (not blank, 300 dpi)."""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pytest
from export_fixtures import HOSTILE, load_fixture
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image
from pyproj import Geod

from layers.core.view import MapView
from layers.render.cartography import (
    aspect_for,
    degrees_for_km,
    fit_extent,
    format_degrees,
    km_per_degree_lon,
)
from layers.render.map_panel import banner_color, sources_text
from layers.render.staticmap import (
    PAGE_SIZE,
    make_page,
    map_box,
    page_extent,
    render_figure,
    render_static,
)

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("geodata"))


def view(loaded, day="2024-12-08", **kw) -> MapView:
    return MapView.create(day, loaded.catalog.ids, **kw)


def map_axes(fig: Figure):
    return next(ax for ax in fig.axes if ax.get_label() == "map")


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


# --- geometry of the page -------------------------------------------------------------------

@pytest.mark.parametrize("bbox", [None, (35.6, 34.7, 36.3, 35.6), (10.0, 59.0, 12.0, 60.5),
                                  (-180, -85, 180, 85), (35.94, 35.40, 35.96, 35.42)])
def test_scale_bar_measures_what_it_says_on_the_ellipsoid(loaded, bbox):
    fig = render_figure(loaded, view(loaded, bbox=bbox))
    ax = map_axes(fig)
    bars = sorted((p for p in ax.patches if (p.get_gid() or "").startswith("scalebar-")),
                  key=lambda p: p.get_x())
    assert len(bars) == 2
    lon0, lat = bars[0].get_x(), bars[0].get_y()
    lon1 = bars[1].get_x() + bars[1].get_width()
    km_label = [t.get_text() for t in ax.texts if t.get_position()[0] == pytest.approx(lon1)]
    km = float(km_label[0])
    _, _, metres = GEOD.inv(lon0, lat, lon1, lat)
    assert metres / 1000 == pytest.approx(km, rel=0.002)
    assert any(t.get_text() == "km" for t in ax.texts)


def test_aspect_makes_a_km_the_same_length_both_ways_at_the_centre(loaded):
    fig = render_figure(loaded, view(loaded))
    fig.canvas.draw()
    ax = map_axes(fig)
    minx, maxx = ax.get_xlim()
    miny, maxy = ax.get_ylim()
    lon, lat = (minx + maxx) / 2, (miny + maxy) / 2
    east_lon, _, _ = GEOD.fwd(lon, lat, 90, 50_000)
    _, north_lat, _ = GEOD.fwd(lon, lat, 0, 50_000)
    origin = ax.transData.transform((lon, lat))
    dx = ax.transData.transform((east_lon, lat))[0] - origin[0]
    dy = ax.transData.transform((lon, north_lat))[1] - origin[1]
    assert dx / dy == pytest.approx(1.0, rel=0.01)


def test_requested_extent_is_fully_visible_and_fills_the_frame(loaded):
    bbox = (35.6, 34.7, 36.3, 35.6)
    ext = page_extent(loaded, view(loaded, bbox=bbox))
    assert ext[0] <= bbox[0] and ext[1] <= bbox[1] and ext[2] >= bbox[2] and ext[3] >= bbox[3]
    _, _, w, h = map_box()
    ground = (ext[2] - ext[0]) * math.cos(math.radians((ext[1] + ext[3]) / 2)) / (ext[3] - ext[1])
    assert ground == pytest.approx(w / h, rel=1e-6)


def test_fit_extent_grows_only_the_short_side():
    tall = fit_extent((36.0, 33.0, 36.5, 36.0), 8, 6)
    assert tall[1] == pytest.approx(33.0) and tall[3] == pytest.approx(36.0)
    assert tall[0] < 36.0 and tall[2] > 36.5


def test_degrees_for_km_and_aspect():
    assert km_per_degree_lon(0.0) == pytest.approx(111.32, rel=1e-3)
    assert km_per_degree_lon(60.0) == pytest.approx(55.8, rel=2e-3)
    dlon = degrees_for_km(100, 36.0, 34.8)
    _, _, metres = GEOD.inv(36.0, 34.8, 36.0 + dlon, 34.8)
    assert metres == pytest.approx(100_000, abs=1.0)
    assert aspect_for((35, 60, 36, 60)) == pytest.approx(2.0)


@pytest.mark.parametrize(("value", "axis", "step", "text"), [
    (36.0, "x", 1.0, "36°E"), (35.5, "y", 0.5, "35.5°N"), (35.25, "x", 0.25, "35.25°E"),
    (-3.0, "x", 1.0, "3°W"), (-12.2, "y", 0.1, "12.2°S"), (35.75, "y", 0.05, "35.75°N"),
])
def test_graticule_labels(value, axis, step, text):
    assert format_degrees(value, axis, step) == text


def test_frame_carries_degree_labels_and_a_north_arrow(loaded):
    fig = render_figure(loaded, view(loaded))
    fig.canvas.draw()
    ax = map_axes(fig)
    xlabels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    ylabels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "36°E" in xlabels and "40°E" in xlabels
    assert "34°N" in ylabels and "36°N" in ylabels
    assert any(p.get_gid() == "north-arrow" for p in ax.patches)
    assert "N" in [t.get_text() for t in ax.texts]


def test_legend_panel_does_not_overlap_the_map(loaded):
    fig = render_figure(loaded, view(loaded))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = map_axes(fig).get_window_extent(renderer)
    legend_texts = [t for ax in fig.axes if ax.get_label() != "map" for t in ax.texts
                    if t.get_text() in ("Zones of control", "Confidence", "Sources")]
    assert len(legend_texts) == 3
    for t in legend_texts:
        assert not t.get_window_extent(renderer).overlaps(frame)


# --- content ---------------------------------------------------------------------------------

def test_legend_lists_only_what_the_date_shows(loaded):
    before = texts(render_figure(loaded, view(loaded, "2024-11-30")))
    after = texts(render_figure(loaded, view(loaded, "2024-12-08")))
    assert "Assad government" in before and "HTS-led forces (MOC)" not in before
    assert "HTS-led forces (MOC)" in after and "Assad government" not in after
    assert "Syrian Democratic Forces (SDF)" in before and "Syrian Democratic Forces (SDF)" \
        in after
    assert "none on this date" in after  # no route is valid on 8 Dec in the fixture
    for key in ("High: solid", "Medium: lighter", "Low: lighter, dashed"):
        assert key in after


def test_title_date_sources_caveat_made_and_banners(loaded):
    page = make_page(loaded, view(loaded), handling="SECRET // TEST ONLY")
    found = texts(render_figure(loaded, view(loaded, title="Coast, 8 Dec"), page))
    assert "Coast, 8 Dec" in found
    assert "As of 8 December 2024" in found
    assert found.count("SECRET // TEST ONLY") == 2
    joined = "\n".join(found)
    # Numbered as in the Sources panel (A to Z), then the basemap's credit.
    flat = " ".join(joined.split())  # the block is wrapped
    credit = str(loaded.catalog.basemap["attribution"]).split(" · ")[0]
    assert re.search(r"Test source [\w-]+ \[\d+\]", flat) and credit in flat
    assert "Zones of control are schematic" in joined
    assert f"Made {page.made:%Y-%m-%d %H:%M} UTC" in joined
    assert "As-of date 2024-12-08" in joined
    assert banner_color("SECRET // TEST ONLY") == "#c8102e"
    assert banner_color("UNCLASSIFIED // OPEN SOURCE") == "#007a33"


def test_labels_name_each_site_once_and_never_overlap(loaded):
    fig = render_figure(loaded, view(loaded))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = map_axes(fig)
    labels = [t for t in ax.texts if t.get_zorder() == 30]
    names = [t.get_text() for t in labels]
    assert names.count("Khmeimim air base") == 1  # site, perimeter and runway: one name
    assert "Tartus naval facility" in names  # Russia's bases: always named
    assert "Kobani base" not in names  # a lesser site: from zoom 8, as on screen
    assert "Damascus" in names  # a city
    assert "Tartus" not in names  # a town, not named at country scale
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[i + 1:]), names[i]


def test_close_up_names_lesser_sites_and_towns_as_the_screen_does(loaded):
    from layers.render.labels import TOWN_MIN_ZOOM, zoom_for_span

    bbox = (37.6, 36.3, 39.3, 37.4)
    assert zoom_for_span(bbox[2] - bbox[0]) >= TOWN_MIN_ZOOM
    fig = render_figure(loaded, view(loaded, bbox=bbox))
    fig.canvas.draw()
    names = [t.get_text() for t in map_axes(fig).texts if t.get_zorder() == 30]
    assert "Kobani base" in names


def test_hostile_text_is_printed_literally(loaded):
    fig = render_figure(loaded, view(loaded))
    assert HOSTILE in texts(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)  # "$" or "<" must not break mathtext or drawing
    assert buf.tell() > 0


def test_sources_are_distinct_and_capped():
    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame({"source": [f"Source number {i}; Shared" for i in range(60)]},
                             geometry=[Point(36, 34)] * 60, crs="EPSG:4326")
    text = sources_text([(None, frame)], "Borders: Natural Earth", max_chars=300)
    assert text.count("Shared") == 1
    assert len(text) <= 300
    assert re.search(r"; and \d+ more \(full list in the Sources tab\)\. Borders: Natural Earth$",
                     text)
    assert "Shared [1]" in text and "Source number 0 [2]" in text  # numbered, A to Z


# --- the files --------------------------------------------------------------------------------

def test_png_is_300_dpi_slide_sized_and_not_blank(loaded, tmp_path):
    out = tmp_path / "map.png"
    render_static(loaded, view(loaded), out, "png")
    with Image.open(out) as im:
        dpi = im.info["dpi"]
        assert dpi[0] == pytest.approx(300, abs=0.5)
        assert im.size == (round(PAGE_SIZE[0] * 300), round(PAGE_SIZE[1] * 300))
        small = np.asarray(im.convert("RGB").resize((400, 225)))
    assert small.std() > 30
    assert len(np.unique(small.reshape(-1, 3), axis=0)) > 500
    # the SDF zone's yellow (#E0B100), blended on the relief-shaded land, is on the map:
    # warm pixels whose blue channel sits far below red and green
    r, g, b = (small[..., i].astype(int) for i in range(3))
    assert ((r - b > 45) & (g - b > 30) & (r > 150) & (abs(r - g) < 60)).sum() > 100


def test_every_page_has_the_same_size_whatever_the_extent(loaded):
    sizes = set()
    for bbox in (None, (35.6, 34.7, 36.3, 35.6), (30, 28, 48, 40)):
        buf = io.BytesIO()
        render_static(loaded, view(loaded, bbox=bbox), buf, "png", dpi=50)
        buf.seek(0)
        sizes.add(Image.open(buf).size)
    assert len(sizes) == 1


def test_outside_the_basemap_is_marked(loaded):
    fig = render_figure(loaded, view(loaded, bbox=(10.0, 59.0, 12.0, 60.5)))
    assert "outside the offline basemap" in texts(fig)
    shaded = [p for p in map_axes(fig).patches if p.get_hatch()]
    assert shaded


def test_svg_keeps_text_as_text(loaded, tmp_path):
    out = tmp_path / "map.svg"
    render_static(loaded, view(loaded), out, "svg")
    svg = out.read_text(encoding="utf-8")
    assert "Russia&#39;s military footprint in Syria" in svg or \
        "Russia's military footprint in Syria" in svg
    assert "<text" in svg


def test_no_global_matplotlib_state_leaks(loaded):
    import matplotlib as mpl

    before = mpl.rcParams["pdf.fonttype"], mpl.rcParams["svg.fonttype"]
    render_static(loaded, view(loaded), io.BytesIO(), "svg")
    assert (mpl.rcParams["pdf.fonttype"], mpl.rcParams["svg.fonttype"]) == before


def test_scale_bar_is_a_round_number(loaded):
    fig = render_figure(loaded, view(loaded))
    ax = map_axes(fig)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)
            and (p.get_gid() or "").startswith("scalebar-")]
    labels = {t.get_text() for t in ax.texts}
    assert bars and ({"100", "200"} <= labels or {"50", "100"} <= labels)

