"""The numbered source list: each publication cited on the map once, with what it supports.

A feature's ``source`` joins its references with ``;`` (``"Reuters 5 Dec 2024; TRT World
6 Dec 2024"``). A briefer needs the other way round: one numbered line per publication
("3. Reuters, 5 Dec 2024 — Hama falls"), and the popups and tables pointing at those
numbers. The numbering is made from the layers shown, so the Sources panel, the popups,
the "On the map" table and every export's source block agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

#: The column a numbered layer carries: the numbers of its feature's sources, e.g. "3, 7".
REFS_COLUMN = "source_refs"
#: How many supported features a source line names before "and N more".
SUPPORTS_SHOWN = 3

_DATE = (r"(?:(?:early|about|late|mid-|end of) ?)?(?:\d{1,2}(?:[–-]\d{1,2})?(?: and \d{1,2})? )?"
         r"(?:[A-Z][a-z]{2} )?\d{4}")
_PAREN_DATE = re.compile(r"\s*\((?:reporting|reported) ([^)]*)\)")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec"), start=1)}
_FIRST_DATE = re.compile(r"(?:\b(\d{1,2})\b[^A-Za-z\d]*)?(?:\b([A-Z][a-z]{2})\b )?(\d{4})")
#: Qualifiers the compact list drops (the full list keeps them); "(secondary)" stays.
_QUALIFIER = re.compile(r"\s*\((?!secondary)[^)]*\)")
_TRAILING_DATE = re.compile(rf"^(?P<pub>.*?),? (?P<date>{_DATE})(?P<rest>(?: \(.*\))?)$")


@dataclass(frozen=True)
class Source:
    """One distinct reference cited by the features shown.

    Attributes
    ----------
    number
        Its place in the list, from 1.
    reference
        The reference exactly as the features cite it.
    publication
        Who published it (``Reuters``, ``Maxar via Reuters/The War Zone``), with any
        qualifier such as ``(secondary)``.
    date
        When, as cited (``5 Dec 2024``; ``reporting 6–10 Mar 2025`` where only the period
        reported is known); empty for undated references such as an infobox.
    supports
        Names of the features citing it, each once, in order.
    """

    number: int
    reference: str
    publication: str
    date: str
    supports: tuple[str, ...]

    def line(self, shown: int = SUPPORTS_SHOWN) -> str:
        """``3. Reuters, 5 Dec 2024 — Hama falls; Homs falls; and 2 more``."""
        head = f"{self.publication}, {self.date}" if self.date else self.publication
        return f"{self.number}. {head} — {supports_text(self.supports, shown)}"


def split_references(text: Any) -> list[str]:
    """The references of one ``source`` value, whitespace tidied, empty ones dropped."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return []
    return [" ".join(part.split()) for part in str(text).split(";") if part.strip()]


def parse_reference(reference: str) -> tuple[str, str]:
    """Split a reference into (publication, date); the date is ``""`` when there is none.

    ``"Reuters 5 Dec 2024"`` → ``("Reuters", "5 Dec 2024")``; ``"TRT World (reporting
    about 20 Dec 2024)"`` → ``("TRT World", "reporting about 20 Dec 2024")``;
    ``"Wikipedia: Qamishli Airport (secondary)"`` → unchanged, ``""``.
    """
    paren = _PAREN_DATE.search(reference)
    if paren:
        publication = (reference[:paren.start()] + reference[paren.end():]).strip()
        return publication, f"reporting {paren.group(1).strip()}"
    match = _TRAILING_DATE.match(reference)
    if match and match.group("pub").strip():
        publication = (match.group("pub") + match.group("rest")).strip()
        return publication, match.group("date")
    return reference, ""


def supports_text(supports: Sequence[str], shown: int = SUPPORTS_SHOWN) -> str:
    """The first few supported features, then how many more."""
    head = "; ".join(supports[:shown]) or "(no named feature)"
    rest = len(supports) - shown
    return f"{head}; and {rest} more" if rest > 0 else head


def numbered_sources(frames: Iterable[gpd.GeoDataFrame | pd.DataFrame], *,
                     exclude: Iterable[str] = (),
                     groups: Callable[[pd.DataFrame], Iterable[tuple[str, list[str], str]]]
                     | None = None) -> list[Source]:
    """Each distinct reference of the features, numbered by publication, then date.

    Alphabetical by publication, oldest first within one, as a briefer's source list reads
    (and so that an export's compact block can name each publication once). Frames that
    already carry numbers (a ``source_refs`` column, see :func:`number_frames`) keep them,
    so a source has one number on every date; references without one are numbered after.

    Parameters
    ----------
    frames
        The layers (a frame without ``source`` is skipped).
    exclude
        References left out of the list (e.g. the basemap credit, given on its own).
    groups
        :func:`source_groups`, or a caller's memo of it: grouping is most of the cost,
        and a page that keeps its frames (the same object for the same layer and date)
        groups each once instead of on every run.
    """
    skip = set(exclude)
    group = groups or source_groups
    # Each reference's feature names in first-seen order (a dict as an ordered set: one
    # source cited by 100,000 events took 70 s as a list searched per name).
    supports: dict[str, dict[str, None]] = {}
    known: dict[str, int] = {}
    for frame in frames:
        for value, names, refs in group(frame):
            numbers = [int(n) for n in refs.split(",") if n.strip().isdigit()]
            split = split_references(value)
            if len(numbers) == len(split):
                known.update(zip(split, numbers, strict=True))
            for ref in split:
                if ref in skip:
                    continue
                supports.setdefault(ref, {}).update(dict.fromkeys(names))
    parsed = {ref: parse_reference(ref) for ref in supports}
    fresh = sorted((ref for ref in supports if ref not in known),
                   key=lambda r: (parsed[r][0].casefold(), date_key(parsed[r][1]), r))
    start = max(known.values(), default=0) + 1
    numbers = {**{r: known[r] for r in supports if r in known},
               **{r: i for i, r in enumerate(fresh, start=start)}}
    return sorted((Source(numbers[r], r, *parsed[r], tuple(supports[r])) for r in supports),
                  key=lambda s: s.number)


def source_groups(frame: pd.DataFrame) -> list[tuple[str, list[str], str]]:
    """(source value, distinct feature names, its numbers) per distinct source value.

    Grouping first keeps a 100,000-row upload citing a handful of sources to a handful
    of string splits.
    """
    if "source" not in frame.columns or frame.empty:
        return []
    cols = ["source"] + [c for c in ("name", REFS_COLUMN) if c in frame.columns]
    data = frame[cols].astype(object).where(frame[cols].notna(), "").astype(str)
    out = []
    for value, group in data.groupby("source", sort=False):
        names = [n for n in group["name"].unique() if n] if "name" in group else []
        refs = str(group[REFS_COLUMN].iloc[0]) if REFS_COLUMN in group else ""
        out.append((str(value), names, refs))
    return out


def number_frames(frames: dict[str, gpd.GeoDataFrame], *,
                  groups: Callable[[pd.DataFrame], Iterable[tuple[str, list[str], str]]]
                  | None = None,
                  numbered: Callable[[gpd.GeoDataFrame, dict[str, str]], gpd.GeoDataFrame]
                  | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Copies of the layers with ``source_refs``, numbered across all of them.

    Done once when the layers are loaded (the catalog's files, the store's version), so a
    source keeps its number on every date, in every popup (built once per loaded row)
    and in every export.

    Parameters
    ----------
    groups
        :func:`source_groups`, or a caller's memo of it (see :func:`numbered_sources`).
    numbered
        Makes a layer's numbered copy from its :func:`ref_labels` (default
        :func:`with_refs`); a caller's memo can hand back the copy it made for the same
        layer and labels, so an unchanged layer stays the same object.
    """
    group = groups or source_groups
    make = numbered or with_refs
    stripped = {k: f.drop(columns=[REFS_COLUMN]) if REFS_COLUMN in f.columns else f
                for k, f in frames.items()}
    sources = numbered_sources(stripped.values(), groups=group)
    return {k: make(f, ref_labels([value for value, _, _ in group(f)], sources))
            for k, f in stripped.items()}


def _with_refs(frame: gpd.GeoDataFrame, sources: Sequence[Source]) -> gpd.GeoDataFrame:
    if "source" not in frame.columns or frame.empty:
        return frame
    return with_refs(frame, ref_labels(frame["source"].dropna().unique(), sources))


def ref_labels(values: Iterable[Any], sources: Sequence[Source]) -> dict[str, str]:
    """Each ``source`` value's numbers in the list, as a popup cites them ("3, 7").

    One index of the list for all values (a look-up per value was a walk of the list).
    """
    index = {s.reference: s.number for s in sources}
    return {str(value): ", ".join(str(index[r]) for r in split_references(value) if r in index)
            for value in values}


def with_refs(frame: gpd.GeoDataFrame, labels: dict[str, str]) -> gpd.GeoDataFrame:
    """A copy of ``frame`` with its ``source_refs`` column from :func:`ref_labels`."""
    if "source" not in frame.columns or frame.empty:
        return frame
    numbered = frame.copy()
    numbered[REFS_COLUMN] = frame["source"].map(labels).fillna("")
    numbered.attrs = dict(frame.attrs)
    return numbered


def date_key(text: str) -> tuple[int, int, int]:
    """(year, month, day) of the first date in a cited date, for ordering; zeros if none."""
    match = _FIRST_DATE.search(text)
    if not match:
        return (0, 0, 0)
    day, month, year = match.groups()
    return (int(year), _MONTHS.get(month or "", 0), int(day or 0))


def reference_numbers(text: Any, sources: Sequence[Source]) -> list[int]:
    """The numbers, in the list, of the references a ``source`` value cites."""
    index = {s.reference: s.number for s in sources}
    return [index[r] for r in split_references(text) if r in index]


def with_source_numbers(layers: Sequence[tuple[Any, gpd.GeoDataFrame]],
                        sources: Sequence[Source] | None = None
                        ) -> tuple[list[tuple[Any, gpd.GeoDataFrame]], list[Source]]:
    """The layers with a ``source_refs`` column ("3, 7") pointing into the numbered list.

    Layers numbered already (the catalog's, see :func:`number_frames`) come back as they
    are; the others (uploads) as numbered copies (a loaded layer is never changed in
    place).
    """
    if sources is None:
        sources = numbered_sources(frame for _, frame in layers)
    out = [(spec, frame if REFS_COLUMN in frame.columns else _with_refs(frame, sources))
           for spec, frame in layers]
    return out, list(sources)


def source_list_text(sources: Sequence[Source], *, shown: int = SUPPORTS_SHOWN,
                     separator: str = "\n") -> str:
    """The numbered list as text a briefer can paste, one source a line."""
    return separator.join(s.line(shown) for s in sources)


def sources_frame(sources: Sequence[Source]) -> pd.DataFrame:
    """The numbered list as a table: No., Publication, Date, Supports, Features."""
    rows = [{"No.": s.number, "Publication": s.publication, "Date": s.date,
             "Supports": supports_text(s.supports), "Features": len(s.supports)}
            for s in sources]
    return pd.DataFrame(rows, columns=["No.", "Publication", "Date", "Supports", "Features"])


def compact_text(sources: Sequence[Source], max_chars: int | None = None) -> str:
    """The numbered list in one paragraph, each publication named once.

    ``Reuters [7] 5 Dec 2024, [8] 7 Dec 2024; TRT World [9] 6 Dec 2024`` — what fits the
    source block of a slide. Over ``max_chars`` it stops at a whole entry and says how
    many are left out, so a reader knows the list is not complete.
    """
    pieces: list[tuple[str, int]] = []  # (text, number); a new publication starts with "; "
    last = None
    for s in sources:
        date = s.date.removeprefix("reporting ")
        entry = f"[{s.number}] {date}".rstrip() if date else f"[{s.number}]"
        publication = _QUALIFIER.sub("", s.publication).strip()
        if publication == last:
            pieces.append((f", {entry}", s.number))
        else:
            lead = "; " if pieces else ""
            pieces.append((f"{lead}{publication} {entry}", s.number))
        last = publication
    text = ""
    for i, (piece, _) in enumerate(pieces):
        left = len(pieces) - i
        tail = f"; and {left - 1} more (full list in the Sources tab)" if left > 1 else ""
        if max_chars is not None and len(text + piece) + len(tail) > max_chars:
            return f"{text}; and {left} more (full list in the Sources tab)"
        text += piece
    return text
