"""Shared fixtures: small hand-made layers written to a temporary folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"


def feature(fid: str = "f1", geometry: dict | None = None, **props: Any) -> dict:
    """A contract-complete feature; override any property by keyword."""
    base = {"id": fid, "name": f"Feature {fid}", "valid_from": "2024-12-01", "valid_to": None,
            "source": "test", "confidence": "high"}
    base.update(props)
    return {"type": "Feature", "properties": base,
            "geometry": geometry or {"type": "Point", "coordinates": [36.29, 33.51]}}


def square(x: float, y: float, size: float = 0.5) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size],
                                                [x, y + size], [x, y]]]}


@pytest.fixture(scope="session", autouse=True)
def _workspace_store_of_the_tests(tmp_path_factory: pytest.TempPathFactory):
    """The app's workspace store lives in a temporary folder, never in the checkout."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEFING_WORKSPACE", str(tmp_path_factory.mktemp("workspace")))
        patch.delenv("BRIEFING_STORE", raising=False)
        yield


@pytest.fixture
def write_geojson(tmp_path: Path) -> Callable[..., Path]:
    def write(features: list[dict] | Any, name: str = "layer.geojson", raw: bool = False
              ) -> Path:
        path = tmp_path / name
        doc = features if raw else {"type": "FeatureCollection", "features": features}
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
        return path
    return write
