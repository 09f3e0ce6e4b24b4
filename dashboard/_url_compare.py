"""The comparison in the address bar: two dates, the divider, the mode, the change layer.

A comparison is shared by its link like the map's view (:mod:`dashboard._url`), in
four more query parameters::

    ?cmp=2024-11-26,2024-12-08&split=0.5&cmode=swipe&cchange=1

As there, a value that does not parse is never trusted: it is dropped with a
problem that says what was wrong and what is shown instead.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

CMP, SPLIT, CMODE, CCHANGE = "cmp", "split", "cmode", "cchange"
KEYS = (CMP, SPLIT, CMODE, CCHANGE)
MODES = ("swipe", "pair")


@dataclass
class CompareUrl:
    """What a link asked of the comparison; None where it asked nothing usable."""

    days: tuple[dt.date, dt.date] | None = None
    split: float | None = None
    mode: str | None = None
    change: bool | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def asked(self) -> bool:
        """True when the link held any usable comparison setting."""
        return any(v is not None for v in (self.days, self.split, self.mode, self.change))


def _first(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return None if value is None else str(value).strip()


def _days(raw: str, bounds: tuple[dt.date, dt.date], problems: list[str]
          ) -> tuple[dt.date, dt.date] | None:
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) != 2:
        problems.append(f"cmp {raw[:40]!r} is not two dates (YYYY-MM-DD,YYYY-MM-DD); "
                        "comparing the default dates")
        return None
    try:
        days = [dt.date.fromisoformat(p) for p in parts]
    except ValueError:
        problems.append(f"cmp {raw[:40]!r} holds a date that is not YYYY-MM-DD; "
                        "comparing the default dates")
        return None
    lo, hi = bounds
    if any(not lo <= d <= hi for d in days):
        problems.append(f"a compared date is outside {lo} – {hi}; moved inside")
    a, b = (min(max(d, lo), hi) for d in days)
    return a, b


def _split(raw: str, problems: list[str]) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= 1:
        problems.append(f"split {raw[:20]!r} is not a number from 0 to 1; divider in the middle")
        return None
    return value


def parse(params: Mapping[str, object], *, day_bounds: tuple[dt.date, dt.date]) -> CompareUrl:
    """Read the comparison's query parameters; keep what is valid, note the rest.

    Parameters
    ----------
    params
        ``st.query_params`` or any mapping of name to text.
    day_bounds
        First and last day of the timeline; a date outside is moved inside.
    """
    state = CompareUrl()
    raw = _first(params, CMP)
    if raw:
        state.days = _days(raw, day_bounds, state.problems)
    raw = _first(params, SPLIT)
    if raw:
        state.split = _split(raw, state.problems)
    raw = _first(params, CMODE)
    if raw:
        if raw in MODES:
            state.mode = raw
        else:
            state.problems.append(f"cmode {raw[:20]!r} is not swipe or pair; showing the swipe")
    raw = _first(params, CCHANGE)
    if raw:
        if raw in ("0", "1"):
            state.change = raw == "1"
        else:
            state.problems.append(f"cchange {raw[:20]!r} is not 0 or 1; change layer off")
    return state


def encode(*, days: tuple[dt.date, dt.date], split: float, mode: str,
           change: bool) -> dict[str, str]:
    """The query parameters of a comparison."""
    return {CMP: f"{days[0].isoformat()},{days[1].isoformat()}", SPLIT: f"{split:.2f}",
            CMODE: mode, CCHANGE: "1" if change else "0"}
