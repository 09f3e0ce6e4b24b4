"""Print layouts: page presets, where the map and its margins go, the page's own words.

A briefing map is dropped onto a slide (16:9 or 4:3) or printed (A4, A3, either
way up). The preset decides the page size and whether the legend sits beside the
map (landscape) or under it (portrait); sizes of text stay in points, so a
heading reads the same on every preset.

Title, subtitle, caveat and handling line are the analyst's, with two
placeholders filled for each page: ``{date}`` (the page's as-of date, "8 December 2024")
and ``{known_on}`` (the date the information is as known on; the day the file is
made unless the view says otherwise). A pack's pages therefore each say their own
date. Only those two names are replaced: any other brace is printed as typed,
never evaluated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from layers.render.map_panel import CAVEAT

#: Page sizes in inches, landscape unless named portrait.
PRESETS: dict[str, tuple[float, float]] = {
    "16:9": (40 / 3, 7.5),
    "4:3": (10.0, 7.5),
    "a4-landscape": (11.69, 8.27),
    "a4-portrait": (8.27, 11.69),
    "a3-landscape": (16.54, 11.69),
    "a3-portrait": (11.69, 16.54),
}
PRESET_LABELS = {"16:9": "Slide 16:9 (13.3 × 7.5 in)", "4:3": "Slide 4:3 (10 × 7.5 in)",
                 "a4-landscape": "A4 landscape", "a4-portrait": "A4 portrait",
                 "a3-landscape": "A3 landscape", "a3-portrait": "A3 portrait"}
DEFAULT_PRESET = "16:9"
GRIDS = ("graticule", "mgrs", "none")
FRAMES = ("view", "region")
DEFAULT_SUBTITLE = "As of {date}"

#: Inches: banner height, title block, margins.
BANNER = 0.27
TITLE_H = 0.82
LEFT = 0.66
BOTTOM = 0.36
GUTTER = 0.3
RIGHT = 0.22

Box = tuple[float, float, float, float]  # x, y, width, height in inches from bottom left
_PLACEHOLDER = re.compile(r"\{(date|known_on)\}")


class LayoutError(ValueError):
    """A preset, grid or frame choice that does not exist."""


@dataclass(frozen=True)
class Texts:
    """The page's words; None means the default (catalog title, "As of {date}", caveat)."""

    title: str | None = None
    subtitle: str | None = None
    caveat: str | None = None
    handling: str | None = None


@dataclass(frozen=True)
class Layout:
    """How a page is laid out: preset, what the frame is locked to, grid, texts, locator."""

    preset: str = DEFAULT_PRESET
    frame: str = "view"
    grid: str = "graticule"
    locator: bool = True
    texts: Texts = field(default_factory=Texts)

    def __post_init__(self) -> None:
        for name, value, known in (("layout preset", self.preset, PRESETS),
                                   ("grid", self.grid, GRIDS), ("frame", self.frame, FRAMES)):
            if value not in known:
                raise LayoutError(f"unknown {name} {value!r}; choose one of "
                                  f"{', '.join(known)}.")

    @property
    def size(self) -> tuple[float, float]:
        """Page width and height in inches."""
        return PRESETS[self.preset]

    @property
    def portrait(self) -> bool:
        """True when the page is taller than wide (legend under the map)."""
        width, height = self.size
        return height > width


def preset_key(text: str) -> str:
    """Read a preset as typed (``A4 portrait``, ``a4_portrait``, ``16x9``); refuse others."""
    key = re.sub(r"[\s_]+", "-", (text or "").strip().lower()).replace("x", ":")
    key = {"a4": "a4-landscape", "a3": "a3-landscape", "16-9": "16:9", "4-3": "4:3"}.get(key, key)
    if key not in PRESETS:
        raise LayoutError(f"unknown layout preset {text!r}; choose one of "
                          f"{', '.join(PRESETS)}.")
    return key


def day_text(day: dt.date) -> str:
    """A date as briefings print it: ``8 December 2024``."""
    return f"{day.day} {day:%B %Y}"


def fill(text: str, day: dt.date | str, known_on: dt.date | str) -> str:
    """Replace ``{date}`` and ``{known_on}``; leave every other character as typed.

    ``day`` may be text already (a comparison slide's "26 November 2024 and 8 December 2024").
    """
    values = {"date": day if isinstance(day, str) else day_text(day),
              "known_on": known_on if isinstance(known_on, str) else day_text(known_on)}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


@dataclass(frozen=True)
class Words:
    """The texts of one page, placeholders filled."""

    title: str
    subtitle: str
    caveat: str
    handling: str


def page_words(texts: Texts, *, catalog_title: str, catalog_handling: str,
               day: dt.date | str, known_on: dt.date | str, view_title: str | None = None) -> Words:
    """Settle one page's words: the analyst's where given, else the defaults, then fill."""
    title = texts.title if texts.title is not None else (view_title or catalog_title)
    subtitle = texts.subtitle if texts.subtitle is not None else DEFAULT_SUBTITLE
    caveat = texts.caveat if texts.caveat is not None else CAVEAT
    handling = texts.handling if texts.handling is not None else catalog_handling
    return Words(*(fill(t, day, known_on) for t in (title, subtitle, caveat, handling)))


@dataclass(frozen=True)
class Boxes:
    """Where things go on a page, in inches: the maps, the legend panel, the side block.

    ``side`` is the sources and caveat column when the legend sits under the map
    (portrait), else None (landscape stacks them in ``panel`` below the legend).
    """

    page: tuple[float, float]
    title: Box
    maps: tuple[Box, ...]
    panel: Box
    side: Box | None


def boxes(layout: Layout, *, maps: int = 1) -> Boxes:
    """The page's boxes for one map, or two side by side (a comparison of dates)."""
    width, height = layout.size
    title = (LEFT, height - BANNER - TITLE_H, width - LEFT - RIGHT, TITLE_H)
    head = 0.3 if maps > 1 else 0.0  # room for each map's date above it
    if layout.portrait:
        panel_h = min(4.2, max(2.9, 0.3 * height))
        y = BANNER + BOTTOM + panel_h + 0.25
        h = height - BANNER - TITLE_H - y - head
        w = width - LEFT - RIGHT
        frames = _side_by_side(LEFT, y, w, h, maps)
        legend_w = min(4.6, 0.55 * w)
        panel = (LEFT, BANNER + BOTTOM, legend_w, panel_h)
        side = (LEFT + legend_w + 0.2, BANNER + BOTTOM, w - legend_w - 0.2, panel_h)
        return Boxes((width, height), title, frames, panel, side)
    narrow = 0.6 if maps > 1 and width > 12 else 0.0  # two maps on a wide page: room for both
    panel_w = min(4.5, max(3.2, 0.34 * width)) - narrow
    y = BANNER + BOTTOM
    h = height - BANNER - TITLE_H - y - head
    w = width - LEFT - GUTTER - panel_w - RIGHT
    frames = _side_by_side(LEFT, y, w, h, maps)
    panel = (LEFT + w + GUTTER, y, panel_w, h + head)
    return Boxes((width, height), title, frames, panel, None)


def _side_by_side(x: float, y: float, w: float, h: float, count: int) -> tuple[Box, ...]:
    if count <= 1:
        return ((x, y, w, h),)
    gap = 0.5  # room for the right map's latitude labels
    each = (w - gap * (count - 1)) / count
    return tuple((x + i * (each + gap), y, each, h) for i in range(count))
