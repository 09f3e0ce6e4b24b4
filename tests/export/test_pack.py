"""Briefing packs: one page or frame per date, identical framing, pages that differ."""

from __future__ import annotations

import io
import itertools
import re

import numpy as np
import pytest
from export_fixtures import load_fixture
from PIL import Image, ImageSequence
from pypdf import PdfReader

from layers import DateError, ExportError, UnknownLayerError
from layers.core.view import MapView
from layers.export.pack import pack_gif, pack_pdf, parse_dates, write_pack

DAYS = ["2024-11-30", "2024-12-08", "2024-12-16"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_fixture(tmp_path_factory.mktemp("geodata"))


@pytest.fixture(scope="module")
def view(loaded):
    return MapView.create(DAYS[0], loaded.catalog.ids)


def frame_labels(text: str) -> list[str]:
    """The graticule labels on a page: they fix the framing."""
    return re.findall(r"\d+(?:\.\d+)?°[NESW]", text)


def test_pdf_has_a_page_per_date_with_identical_framing(loaded, view, tmp_path):
    out = tmp_path / "pack.pdf"
    assert write_pack(loaded, view, parse_dates(DAYS), out) == 3
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    boxes = {tuple(float(v) for v in page.mediabox) for page in reader.pages}
    assert len(boxes) == 1
    texts = [page.extract_text() for page in reader.pages]
    for day, text in zip(DAYS, texts, strict=True):
        assert f"As-of date {day}" in text
        assert "Russia's military footprint in Syria" in text
    assert "As of 30 November 2024" in texts[0] and "As of 16 December 2024" in texts[2]
    assert frame_labels(texts[0]) == frame_labels(texts[1]) == frame_labels(texts[2])
    assert "Assad government" in texts[0] and "Assad government" not in texts[1]
    assert reader.metadata.title.endswith("2024-11-30 to 2024-12-16")


def test_pdf_framing_follows_the_bbox_for_every_page(loaded, tmp_path):
    coast = MapView.create(DAYS[0], loaded.catalog.ids, bbox=(35.6, 34.7, 36.3, 35.6))
    buf = io.BytesIO()
    pack_pdf(loaded, coast, parse_dates(DAYS[:2]), buf)
    pages = [p.extract_text() for p in PdfReader(buf).pages]
    assert frame_labels(pages[0]) == frame_labels(pages[1])
    assert "35.50°N" in frame_labels(pages[0]) or "35.5°N" in frame_labels(pages[0])


def test_gif_has_a_frame_per_date_that_differ(loaded, view, tmp_path):
    out = tmp_path / "pack.gif"
    assert write_pack(loaded, view, parse_dates(DAYS), out, dpi=40, frame_ms=700) == 3
    with Image.open(out) as im:
        assert im.is_animated and im.n_frames == 3
        assert im.info.get("loop") == 0
        frames, durations = [], []
        for frame in ImageSequence.Iterator(im):
            durations.append(frame.info["duration"])
            frames.append(np.asarray(frame.convert("RGB"), dtype=np.int16))
    assert durations == [700, 700, 1400]  # the last date is held longer
    assert {f.shape for f in frames} == {frames[0].shape}
    assert frames[0].shape[:2] == (300, 533)  # 40 dpi × 13.33 × 7.5 in
    for a, b in itertools.pairwise(frames):
        changed = (np.abs(a - b).sum(axis=2) > 30).mean()
        assert changed > 0.005  # zones and labels moved
    for f in frames:
        assert f.std() > 20  # not blank


def test_gif_frames_are_in_memory_too(loaded, view):
    buf = io.BytesIO()
    assert pack_gif(loaded, view, parse_dates(DAYS[:2]), buf, dpi=30) == 2
    assert buf.getvalue()[:6] in (b"GIF89a", b"GIF87a")


def test_errors_fail_before_rendering(loaded, view, tmp_path):
    with pytest.raises(ExportError, match=r"\.png"):
        write_pack(loaded, view, parse_dates(DAYS), tmp_path / "pack.png")
    with pytest.raises(DateError, match="before the data begin"):
        write_pack(loaded, view, parse_dates(["2024-12-08", "2020-01-01"]), tmp_path / "p.pdf")
    with pytest.raises(UnknownLayerError, match="known layers"):
        write_pack(loaded, MapView.create(DAYS[0], ["nope"]), parse_dates(DAYS),
                   tmp_path / "p.pdf")
    with pytest.raises(ExportError, match="does not exist"):
        write_pack(loaded, view, parse_dates(DAYS), tmp_path / "no" / "p.pdf")
    with pytest.raises(DateError, match="YYYY-MM-DD"):
        parse_dates(["2024-12-08", "8/12/2024"])
    with pytest.raises(DateError, match="at least one date"):
        parse_dates([])
    assert not list(tmp_path.iterdir())
