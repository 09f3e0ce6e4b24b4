"""One feature version as the store hands it out, and what changed between two.

A version is never changed once written, except for closing its record time
(``superseded_at``) when the next version lands: that is what makes "as known
on" answerable.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

EPOCH = dt.date(1970, 1, 1)
_EPOCH_TS = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: Columns read for a version, in the order :meth:`Version.from_row` expects.
COLUMNS = ("vid, layer, fid, seq, ord, recorded_us, superseded_us, user_name, source, "
           "confidence, reason, action, retired, raw")


def day_number(value: Any) -> int | None:
    """A ``YYYY-MM-DD`` text (or date/Timestamp) as days since 1970, None when open."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:  # validation reports it; the index treats it as open
            return None
    if isinstance(value, dt.datetime):
        value = value.date()
    return (value - EPOCH).days


def to_us(moment: dt.datetime) -> int:
    """A moment as microseconds since 1970 UTC (naive moments are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    delta = moment - _EPOCH_TS
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(value: int | None) -> dt.datetime | None:
    """Microseconds since 1970 as an aware UTC datetime."""
    if value is None:
        return None
    return _EPOCH_TS + dt.timedelta(microseconds=int(value))


def now_us() -> int:
    """Now, in the store's record time."""
    return to_us(dt.datetime.now(dt.UTC))


@dataclass(frozen=True)
class Version:
    """One version of one feature.

    Attributes
    ----------
    vid
        The version's id in the store; an edit names it as ``based_on``.
    layer, fid
        The feature: catalog layer id and the feature's ``id`` property.
    seq
        1 for the first version of the feature, then 2, 3, ...
    recorded_at, superseded_at
        Record time: when the store learned this, and when a later version
        replaced it (None while it is the latest).
    user, source, confidence, reason
        Who recorded it, on what evidence, how sure, and why.
    action
        ``import``, ``add``, ``edit``, ``retire`` or ``restore``.
    retired
        The feature no longer exists from this record on.
    feature
        The GeoJSON feature (properties carry the valid time).
    raw
        The feature's exact text in the layer file.
    """

    vid: int
    layer: str
    fid: str
    seq: int
    ord: int
    recorded_at: dt.datetime
    superseded_at: dt.datetime | None
    user: str
    source: str
    confidence: str
    reason: str
    action: str
    retired: bool
    raw: str = field(repr=False)

    @classmethod
    def from_row(cls, row: Any) -> Version:
        """A version from a row selected with :data:`COLUMNS`."""
        return cls(vid=int(row[0]), layer=row[1], fid=row[2], seq=int(row[3]),
                   ord=int(row[4]), recorded_at=from_us(row[5]),
                   superseded_at=from_us(row[6]), user=row[7], source=row[8],
                   confidence=row[9], reason=row[10], action=row[11], retired=bool(row[12]),
                   raw=row[13])

    @property
    def feature(self) -> dict[str, Any]:
        """The GeoJSON feature of this version (a fresh dict each time)."""
        return json.loads(self.raw)

    @property
    def properties(self) -> dict[str, Any]:
        """The feature's properties."""
        return dict(self.feature.get("properties") or {})

    @property
    def valid_from(self) -> str | None:
        """Start of valid time (inclusive), as the feature says."""
        return self.properties.get("valid_from")

    @property
    def valid_to(self) -> str | None:
        """End of valid time (exclusive), None when open."""
        return self.properties.get("valid_to")

    def describe(self) -> str:
        """One line: version, action, who, when, why (for messages and lists)."""
        return (f"version {self.seq} ({self.action}) by {self.user} at "
                f"{self.recorded_at:%Y-%m-%d %H:%M:%S} UTC: {self.reason} "
                f"[source: {self.source}; confidence: {self.confidence}]")

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON (the command line's ``--json``)."""
        return {"vid": self.vid, "layer": self.layer, "id": self.fid, "version": self.seq,
                "action": self.action, "retired": self.retired, "user": self.user,
                "recorded_at": self.recorded_at.isoformat(),
                "superseded_at": self.superseded_at.isoformat() if self.superseded_at
                else None, "valid_from": self.valid_from, "valid_to": self.valid_to,
                "source": self.source, "confidence": self.confidence, "reason": self.reason}


def changes(before: Version | None, after: Version) -> list[str]:
    """What a version changed, in words: ``valid_from: 2024-12-08 → 2024-12-09``."""
    if before is None:
        return ["first version"]
    if after.retired and not before.retired:
        return ["retired"]
    out = ["restored"] if before.retired and not after.retired else []
    old, new = before.feature, after.feature
    old_p, new_p = old.get("properties") or {}, new.get("properties") or {}
    for key in list(old_p) + [k for k in new_p if k not in old_p]:
        if old_p.get(key) != new_p.get(key):
            out.append(f"{key}: {_short(old_p.get(key))} → {_short(new_p.get(key))}")
    if old.get("geometry") != new.get("geometry"):
        out.append("geometry redrawn")
    return out or ["no change in content"]


def _short(value: Any, limit: int = 60) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
