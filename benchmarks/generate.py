"""Generate a synthetic geodata folder at scale, for the benchmarks.

``python benchmarks/generate.py [OUT] [--polygons 2000] [--vertices 2000] [--dates 100]
[--events 100000]`` writes a complete geodata folder (catalog, basemap, the real
installations, routes and places, plus synthetic zones and events) that the app
can open with ``BRIEFING_GEODATA=OUT``.

Zones: on each of ``dates`` snapshot dates, ``polygons / dates`` vertical strips
across Syria's bounding box with wavy shared edges, so they tile without
overlapping, each ``vertices`` vertices long. Events: random points in the box,
each valid for one day on a random date in the same two years.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
BOX = (35.6, 32.2, 42.5, 37.4)
START = dt.date(2024, 11, 26)
CONTROLLERS = ("assad_government", "hts_led", "transitional_government", "sna", "sdf",
               "southern_factions", "druze_factions", "us_sfa", "israel")


def _edge(rng: np.random.Generator, x: float, n: int) -> np.ndarray:
    """A wavy north-south line near longitude ``x`` with ``n`` vertices."""
    ys = np.linspace(BOX[1] - 0.1, BOX[3] + 0.1, n)
    wiggle = 0.02 * np.sin(ys * rng.uniform(5, 40)) + rng.normal(0, 0.003, n)
    return np.column_stack([x + wiggle, ys])


def zones(rng: np.random.Generator, polygons: int, vertices: int, dates: int) -> list[dict]:
    per_date = max(1, polygons // dates)
    days = [START + dt.timedelta(days=7 * i) for i in range(dates)]
    feats = []
    half = max(2, vertices // 2)
    for d, day in enumerate(days):
        xs = np.linspace(BOX[0] - 0.1, BOX[2] + 0.1, per_date + 1)
        edges = [_edge(rng, x, half) for x in xs]
        edges[0][:, 0] = BOX[0] - 0.1
        edges[-1][:, 0] = BOX[2] + 0.1
        for k in range(per_date):
            ring = np.vstack([edges[k], edges[k + 1][::-1], edges[k][:1]])
            feats.append({"type": "Feature", "properties": {
                "id": f"z{d}-{k}", "name": f"Zone {k} from {day}", "valid_from": day.isoformat(),
                "valid_to": (days[d + 1].isoformat() if d + 1 < dates else None),
                "controller": CONTROLLERS[int(rng.integers(len(CONTROLLERS)))],
                "source": "synthetic", "confidence": ("high", "medium", "low")[k % 3],
                "approximate": True},
                "geometry": {"type": "Polygon", "coordinates": [np.round(ring, 5).tolist()]}})
    return feats


def events(rng: np.random.Generator, count: int, dates: int) -> list[dict]:
    span = 7 * dates
    offsets = rng.integers(0, span, count)
    lon = rng.uniform(BOX[0] + 0.5, BOX[2] - 0.5, count)
    lat = rng.uniform(BOX[1] + 0.5, BOX[3] - 0.5, count)
    cats = ("control", "russian_forces", "basing_talks")
    feats = []
    for i in range(count):
        day = START + dt.timedelta(days=int(offsets[i]))
        feats.append({"type": "Feature", "properties": {
            "id": f"e{i}", "name": f"Event {i}", "valid_from": day.isoformat(),
            "valid_to": (day + dt.timedelta(days=1)).isoformat(), "category": cats[i % 3],
            "source": "synthetic", "confidence": "medium", "date": day.isoformat()},
            "geometry": {"type": "Point", "coordinates": [round(float(lon[i]), 4),
                                                          round(float(lat[i]), 4)]}})
    return feats


def write(out: Path, *, polygons: int, vertices: int, dates: int, n_events: int,
          seed: int = 7) -> Path:
    """Write the synthetic geodata folder and return its path."""
    rng = np.random.default_rng(seed)
    src = REPO / "geodata"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out, ignore=shutil.ignore_patterns("scripts", "README.md"))
    for name, feats in (("control_zones.geojson", zones(rng, polygons, vertices, dates)),
                        ("events.geojson", events(rng, n_events, dates))):
        (out / name).write_text(json.dumps({"type": "FeatureCollection", "features": feats},
                                           separators=(",", ":")), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=REPO / "benchmarks" / "out" / "scale")
    parser.add_argument("--polygons", type=int, default=2000)
    parser.add_argument("--vertices", type=int, default=2000)
    parser.add_argument("--dates", type=int, default=100)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    out = write(args.out, polygons=args.polygons, vertices=args.vertices, dates=args.dates,
                n_events=args.events)
    sizes = {p.name: p.stat().st_size for p in out.glob("*.geojson")}
    print(f"wrote {out}: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))


if __name__ == "__main__":
    main()
