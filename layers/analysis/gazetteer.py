"""Offline gazetteer: find a place or a site by any of its spellings.

Syrian names reach an analyst in several transliterations (Khmeimim, Hmeimim,
Hmeymim; Tartus, Tartous; Deir ez-Zor, Deir ezzor, Dayr az-Zawr). A search that
only matches exact strings fails on most of them, so names are folded to a
phonetic key (accents, punctuation and spaces dropped; kh→h, ou→u, y→i, q→k;
doubled letters collapsed) before they are compared, with a fuzzy fallback for
the remaining differences. Everything is local: no geocoding service is called.

The entries come from the places layer (town centres) and the installations
layer (one entry per site, at its ``site`` point), with their ``other_names``.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from layers.errors import LayersError
from layers.geo.coords import CoordinateError, format_decimal, parse_latlon

if TYPE_CHECKING:  # pragma: no cover
    from layers.core.loaded import LoadedLayers

#: Below this score a search result is noise, not a spelling variant.
MIN_SCORE = 0.6
#: A name given on the command line must match at least this well to be used.
RESOLVE_SCORE = 0.75

_PHONETIC = (("kh", "h"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("dh", "d"), ("th", "t"),
             ("q", "k"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ey", "i"), ("ei", "i"),
             ("ay", "ai"), ("y", "i"), ("w", "u"), ("ph", "f"))
_APOSTROPHES = re.compile(r"['’‘`ʿʾ]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"(.)\1+")
_NAME_SPLIT = re.compile(r"\s*[;,]\s*")
_ARTICLES = frozenset({"al", "el", "ar", "as", "ash", "ad", "at", "az", "ez", "an", "ed", "es",
                       "et", "the"})


class PlaceNotFoundError(LayersError, LookupError):
    """A name or id that matches nothing in the gazetteer."""


@dataclass(frozen=True)
class Entry:
    """One searchable place or site.

    Attributes
    ----------
    name
        The main name, as the layer writes it.
    lat, lon
        Position (town centre or the site's reference point).
    layer
        Catalog id of the layer it comes from.
    key
        Stable id: the place's ``id`` or the installation's ``site_id``.
    kind
        ``place_type`` or ``site_type``, for display.
    other_names
        Alternative spellings and names.
    category
        ``place`` (a town, a crossing) or ``site`` (an installation): a place and a
        site may share a key (the town of Tartus and the Tartus base).
    """

    name: str
    lat: float
    lon: float
    layer: str
    key: str
    kind: str = ""
    other_names: tuple[str, ...] = ()
    category: str = "place"

    @property
    def names(self) -> tuple[str, ...]:
        """The main name followed by every other name."""
        return (self.name, *self.other_names)


@dataclass(frozen=True)
class Hit:
    """A search result: the entry, the score (0–1) and which of its names matched."""

    entry: Entry
    score: float
    matched: str


@dataclass(frozen=True)
class Located:
    """A point the analyst named, with how it was found (for the CLI's echo)."""

    label: str
    lat: float
    lon: float
    how: str


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: accents, punctuation and spaces removed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub("", _APOSTROPHES.sub("", ascii_text.lower()))


def phonetic_key(text: str) -> str:
    """The folded name with transliteration variants merged (``Khmeimim`` → ``hmimim``)."""
    key = fold(text)
    for old, new in _PHONETIC:
        key = key.replace(old, new)
    return _REPEATS.sub(r"\1", key)


def strip_articles(text: str) -> str:
    """The name without Arabic articles (``Maarat al-Numan`` → ``Maarat Numan``)."""
    words = re.split(r"[\s\-]+", text or "")
    kept = [w for w in words if w.lower() not in _ARTICLES]
    return " ".join(kept or words)


@functools.lru_cache(maxsize=8192)
def _name_keys(name: str) -> tuple[str, str]:
    """A name's key, and its key without articles: once per distinct name.

    A search scores every name of every entry, and folding them again on every
    search was half its cost (the page resolves its two places on every new
    gazetteer, i.e. after every edit of the sites in the team deployment).
    """
    return phonetic_key(name), phonetic_key(strip_articles(name))


def _best_name(query_key: str, query_bare: str, names: Iterable[str]) -> tuple[float, str]:
    """Best score over an entry's names; the main name wins ties (it comes first)."""
    best, matched = 0.0, ""
    for name in names:
        if not name:
            continue
        key, bare = _name_keys(name)
        score = max(_score(query_key, key), _score(query_bare, bare) * 0.98)
        if score > best:
            best, matched = score, name
    return best, matched


def _skeleton(key: str) -> str:
    return re.sub(r"[aeiou]", "", key)


def _score(query_key: str, key: str) -> float:
    """How well a name's ``key`` (:func:`phonetic_key`) matches the query's."""
    if not key or not query_key:
        return 0.0
    if key == query_key:
        return 1.0
    if key.startswith(query_key):
        return 0.92
    if len(query_key) >= 3 and query_key in key:
        return 0.85
    skeleton = _skeleton(query_key)
    if len(skeleton) >= 3 and skeleton == _skeleton(key):
        return 0.8
    ratio = difflib.SequenceMatcher(None, query_key, key).ratio()
    # Compare with the name's leading part too, so "Hmeimim" finds "Khmeimim air base".
    head = difflib.SequenceMatcher(None, query_key, key[:len(query_key) + 1]).ratio()
    return 0.8 * max(ratio, head * 0.95)


class Gazetteer:
    """The searchable list of places and sites.

    Parameters
    ----------
    entries
        Places and sites, in display order of preference (places first).
    ids
        Feature ids → entry, so a feature id typed in the CLI resolves too.
    """

    def __init__(self, entries: Iterable[Entry], ids: dict[str, Entry] | None = None) -> None:
        self.entries = list(entries)
        self.ids = {k.lower(): v for k, v in (ids or {}).items()}
        for entry in self.entries:
            self.ids.setdefault(entry.key.lower(), entry)

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def from_frames(cls, places: gpd.GeoDataFrame | None = None,
                    installations: gpd.GeoDataFrame | None = None, *,
                    places_layer: str = "places",
                    installations_layer: str = "installations") -> Gazetteer:
        """Build from a places layer and an installations layer (either may be None)."""
        entries: list[Entry] = []
        ids: dict[str, Entry] = {}
        if places is not None and not places.empty:
            for _, row in places.iterrows():
                point = row.geometry.representative_point()
                entry = Entry(str(row.get("name", row["id"])), point.y, point.x, places_layer,
                              str(row["id"]), str(row.get("place_type", "") or ""),
                              _split_names(row.get("other_names")))
                entries.append(entry)
                ids[str(row["id"])] = entry
        if installations is not None and not installations.empty:
            for entry, feature_ids in _site_entries(installations, installations_layer):
                entries.append(entry)
                ids.update(dict.fromkeys(feature_ids, entry))
        return cls(entries, ids)

    @classmethod
    def from_loaded(cls, loaded: LoadedLayers) -> Gazetteer:
        """Build from the catalog's layers of kind ``places`` and ``installations``."""
        by_kind: dict[str, tuple[str, gpd.GeoDataFrame]] = {}
        for spec in loaded.specs():
            by_kind.setdefault(spec.kind, (spec.id, loaded.frames[spec.id]))
        places = by_kind.get("places")
        sites = by_kind.get("installations")
        return cls.from_frames(places[1] if places else None, sites[1] if sites else None,
                               places_layer=places[0] if places else "places",
                               installations_layer=sites[0] if sites else "installations")

    def search(self, query: str, *, limit: int = 10, min_score: float = MIN_SCORE
               ) -> list[Hit]:
        """Entries whose name or other name matches ``query``, best first.

        Exact (after folding) beats prefix, prefix beats substring, substring beats
        fuzzy; ties go to the shorter name, so "Tartus" finds the town before
        "Tartus naval facility".
        """
        query_key = phonetic_key(query)
        query_bare = phonetic_key(strip_articles(query))
        if len(query_key) < 2:
            return []
        hits = []
        for entry in self.entries:
            score, matched = _best_name(query_key, query_bare, entry.names)
            if score >= min_score:
                hits.append(Hit(entry, round(score, 4), matched))
        hits.sort(key=lambda h: (-h.score, len(h.entry.name), h.entry.name))
        return hits[:limit]

    def resolve(self, text: str) -> Located:
        """Turn ``lat,lon`` (or DMS, MGRS), a feature id or a name into a point.

        Raises
        ------
        PlaceNotFoundError
            With the closest names, when nothing matches well enough.
        """
        raw = (text or "").strip()
        try:
            lat, lon = parse_latlon(raw)
        except CoordinateError:
            pass
        else:
            return Located(format_decimal(lat, lon), lat, lon, "coordinates")
        entry = self.ids.get(raw.lower())
        if entry is not None:
            return Located(entry.name, entry.lat, entry.lon, f"id {raw}")
        exact = self._exact(raw)
        if exact is not None:
            return exact
        hits = self.search(raw, limit=5)
        if hits and hits[0].score >= RESOLVE_SCORE:
            best = hits[0]
            how = "name" if best.matched == best.entry.name else f"other name {best.matched!r}"
            return Located(best.entry.name, best.entry.lat, best.entry.lon, how)
        near = ", ".join(repr(h.entry.name) for h in hits) or "none"
        raise PlaceNotFoundError(f"{raw!r} is not a place, site, feature id or 'lat,lon'. "
                                 f"Closest names: {near}. Fix: check the spelling, or give "
                                 "coordinates as lat,lon (e.g. 34.915,35.874).")


    def _exact(self, raw: str) -> Located | None:
        """The entry a name of which folds to ``raw`` exactly, as :meth:`search` ranks it.

        An exact name scores 1.0, above anything else; among several, the shorter main
        name wins, then the first. Found without scoring every other name fuzzily.
        """
        query_key = phonetic_key(raw)
        if len(query_key) < 2:
            return None
        best: tuple[Entry, str] | None = None
        for entry in self.entries:
            matched = next((n for n in entry.names if n and _name_keys(n)[0] == query_key),
                           None)
            if matched is not None and (best is None or (len(entry.name), entry.name)
                                        < (len(best[0].name), best[0].name)):
                best = (entry, matched)
        if best is None:
            return None
        entry, matched = best
        how = "name" if matched == entry.name else f"other name {matched!r}"
        return Located(entry.name, entry.lat, entry.lon, how)


def _split_names(value: object) -> tuple[str, ...]:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ()
    items = value if isinstance(value, (list, tuple)) else _NAME_SPLIT.split(str(value))
    return tuple(s.strip() for s in items if str(s).strip())


def _site_entries(frame: gpd.GeoDataFrame, layer: str
                  ) -> list[tuple[Entry, list[str]]]:
    """One entry per ``site_id`` at its ``site`` point (else the centre of its parts)."""
    group_col = "site_id" if "site_id" in frame.columns else "id"
    out = []
    for site, group in frame.groupby(group_col, sort=False):
        points = group[group.get("part", pd.Series("", index=group.index)) == "site"]
        base = points if not points.empty else group
        first = base.iloc[-1]
        geom = first.geometry if not points.empty else base.geometry.union_all()
        point = geom.representative_point()
        entry = Entry(str(first.get("name", site)), point.y, point.x, layer, str(site),
                      str(first.get("site_type", "") or ""), _split_names(first.get("other_names")),
                      category="site")
        out.append((entry, [str(i) for i in group["id"]]))
    return out
