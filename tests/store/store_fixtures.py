"""Helpers shared by the store's tests."""

from __future__ import annotations

from pathlib import Path

GEODATA = Path(__file__).resolve().parents[2] / "geodata"


def event_id(store) -> str:
    """An event of the seed data (the fifth, any would do)."""
    import json

    doc = json.loads((GEODATA / "events.geojson").read_text(encoding="utf-8"))
    return doc["features"][4]["properties"]["id"]
