"""Upload colours never say what a catalog colour says (issue 12, defect 8)."""

from __future__ import annotations

import itertools

from layers.core.catalog import load_catalog
from layers.ingest.upload import CATEGORY_COLORS, PALETTE, choose_style

MIN_DELTA_E = 20.0


def _lab(hex_color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB hex colour."""
    def linear(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (linear(int(hex_color[i:i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _delta_e(a: str, b: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b), strict=True)) ** 0.5


def _catalog_colors() -> set[str]:
    out: set[str] = set()
    for spec in load_catalog().layers:
        style = spec.style or {}
        out.update(str(c).lower() for c in style.get("colors", {}).values())
        if style.get("color"):
            out.add(str(style["color"]).lower())
    return out


def test_auto_colours_never_equal_or_resemble_a_catalog_colour():
    catalog = _catalog_colors()
    assert {"#f48c06", "#1f7a6d"} <= catalog  # orange: drawing down; teal: transitional gov.
    for color in (*PALETTE, *CATEGORY_COLORS):
        assert color.lower() not in catalog, color
        nearest = min(catalog, key=lambda c: _delta_e(color, c))
        assert _delta_e(color, nearest) >= MIN_DELTA_E, (color, nearest)


def test_auto_colours_differ_from_each_other():
    for a, b in itertools.combinations(CATEGORY_COLORS, 2):
        assert _delta_e(a, b) >= MIN_DELTA_E, (a, b)
    assert len(set(PALETTE)) == len(PALETTE)


def test_chosen_styles_use_only_the_upload_palette(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    plain = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(0, 0), Point(1, 1)],
                             crs=4326)
    catalog = _catalog_colors()
    for i in range(12):
        assert choose_style(plain, i)["color"] not in catalog
    sided = plain.assign(side=["x", "y"])
    assert not set(choose_style(sided, 0)["colors"].values()) & catalog
