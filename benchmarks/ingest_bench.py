"""Ingest speed and memory: a 50 MB GeoJSON of 200,000 points, an ACLED-style CSV of 100,000 rows.

    .venv/bin/python benchmarks/ingest_bench.py [--points 200000] [--rows 100000]

Each case runs in a fresh child process so its peak resident memory
(``ru_maxrss``) is its own; the figure includes Python, numpy, pandas,
geopandas and shapely themselves (about 150 MB before any file is read).
Budgets (issue 16): GeoJSON ≤ 5 s and ≤ 400 MB peak; CSV < 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians",
               "Strategic developments", "Protests", "Riots")


def write_geojson(path: Path, n: int) -> None:
    """Points over Syria with the properties an analyst's export carries (~250 bytes each)."""
    rnd = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [\n')
        for i in range(n):
            lon, lat = round(rnd.uniform(35.7, 42.0), 6), round(rnd.uniform(32.3, 37.3), 6)
            feature = {"type": "Feature", "id": f"p{i}", "geometry": {
                "type": "Point", "coordinates": [lon, lat]}, "properties": {
                "name": f"Site {i}", "category": rnd.choice(EVENT_TYPES),
                "valid_from": f"2024-12-{1 + i % 28:02d}", "source": "Bench, 2024",
                "confidence": rnd.choice(("high", "medium", "low"))}}
            out.write(json.dumps(feature) + (",\n" if i < n - 1 else "\n"))
        out.write("]}\n")


def write_acled_csv(path: Path, n: int) -> None:
    """An ACLED-shaped export: the columns of the model, precision codes 1–3."""
    rnd = random.Random(11)
    header = ("event_id_cnty,event_date,time_precision,event_type,actor1,admin1,location,"
              "latitude,longitude,geo_precision,source,notes,fatalities\n")
    towns = [(f"Town {k}", round(rnd.uniform(32.5, 37.0), 4), round(rnd.uniform(35.8, 41.8), 4))
             for k in range(400)]
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        for i in range(n):
            town, lat, lon = rnd.choice(towns)
            day = f"2024-{rnd.randint(11, 12):02d}-{rnd.randint(1, 28):02d}"
            out.write(f"SYR{i},{day},{rnd.choice((1, 1, 1, 2, 3))},{rnd.choice(EVENT_TYPES)},"
                      f"Actor {i % 37},Governorate {i % 14},{town},{lat},{lon},"
                      f"{rnd.choice((1, 1, 1, 2, 3))},Source {i % 50},"
                      f"\"Notes, with a comma {i}\",{i % 5}\n")


_CHILD = """
import resource, sys, time
from layers.ingest.load import load_layer
t, c = time.perf_counter(), time.process_time()
frame = load_layer(sys.argv[1], "generic", region=(-180.0, -90.0, 180.0, 90.0))
elapsed, cpu = time.perf_counter() - t, time.process_time() - c
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kinds = frame.geometry.geom_type.value_counts().to_dict()
print(f"{len(frame)} {elapsed:.2f} {cpu:.2f} {peak:.0f} {kinds}")
"""


def run_case(path: Path) -> tuple[int, float, float, float, str]:
    """Load one file in a child process: features, wall and CPU seconds, peak MB, types."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip().split(" ", 4)
    return int(out[0]), float(out[1]), float(out[2]), float(out[3]), out[4]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the best counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        geojson = Path(tmp) / "points.geojson"
        write_geojson(geojson, args.points)
        csv = Path(tmp) / "acled.csv"
        write_acled_csv(csv, args.rows)
        for label, path in (("GeoJSON", geojson), ("ACLED CSV", csv)):
            size = path.stat().st_size / 1e6
            best = min((run_case(path) for _ in range(args.repeat)), key=lambda r: r[1])
            n, seconds, cpu, peak, kinds = best
            print(f"{label}: {size:.1f} MB, {n:,} features loaded and validated in "
                  f"{seconds:.2f} s wall / {cpu:.2f} s CPU (best of {args.repeat}), peak RSS "
                  f"{peak:.0f} MB ({kinds}); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
