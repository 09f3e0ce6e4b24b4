"""The store on a million feature versions: date steps, "as known on", import, one edit.

    .venv/bin/python benchmarks/store_bench.py [--versions 1000000] [--pg URL] [--json FILE]

Generates ``--versions`` synthetic versions straight into the store's schema (bulk
inserts through :func:`layers.store.sql.insert_versions`, the same rows an import
writes): 200 control zones re-drawn every 4 days with 4 versions each (corrections
recorded later), and 100 events a day with 8 versions each, over ``versions / 1000``
days. Then it measures, on SQLite and (with ``--pg``, a server URL) on PostGIS:

* a date step's as-of query for the visible layers (zones and a 7-day event window)
  over ~50 random dates, p95;
* the same "as known on" a random moment of record time, p95;
* importing the catalog (``geodata/``) into an empty store;
* one edit of an event (validation and transaction), median and p95.

Budgets (issue 13): 50 ms, 200 ms, 5 s, 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from layers.store import Provenance, Store  # noqa: E402
from layers.store.rows import version_row  # noqa: E402
from layers.store.sql import rtree_values  # noqa: E402
from layers.store.versions import to_us  # noqa: E402

BUDGETS = {"as_of_p95_ms": 50.0, "known_on_p95_ms": 200.0, "import_s": 5.0,
           "edit_p95_ms": 100.0}
START = dt.date(2022, 1, 1)
ZONES, ZONE_DAYS, ZONE_VERSIONS = 200, 4, 4
EVENTS_PER_DAY, EVENT_VERSIONS = 100, 8
BATCH = 20_000
_DAY_US = 86_400 * 1_000_000


def _days(versions: int) -> int:
    """Days of data that make ``versions`` versions (1,000 a day)."""
    per_day = ZONES * ZONE_VERSIONS // ZONE_DAYS + EVENTS_PER_DAY * EVENT_VERSIONS
    return max(ZONE_DAYS, versions // per_day)


def _cols(shape: shapely.Geometry) -> dict:
    """WKB (SQLite), hex EWKB (PostgreSQL COPY) and box of a shape."""
    minx, miny, maxx, maxy = shape.bounds
    return {"wkb": shapely.to_wkb(shape), "minx": minx, "miny": miny, "maxx": maxx,
            "maxy": maxy, "ewkb": shapely.to_wkb(shapely.set_srid(shape, 4326), hex=True,
                                                 include_srid=True)}


def _zone_shapes(rnd: random.Random) -> list[dict]:
    """One small 12-sided polygon per zone inside Syria, its row columns computed once."""
    out = []
    for _ in range(ZONES):
        lon, lat, r = rnd.uniform(36.0, 41.5), rnd.uniform(32.8, 36.8), rnd.uniform(0.05, 0.2)
        poly = shapely.Point(lon, lat).buffer(r, quad_segs=3)
        ring = [[round(x, 5), round(y, 5)] for x, y in poly.exterior.coords]
        geometry = {"type": "Polygon", "coordinates": [ring]}
        shape = shapely.Polygon(ring)
        out.append({"geometry": geometry, "text": json.dumps(geometry, separators=(",", ":")),
                    "cols": _cols(shape)})
    return out


def _versions(layer: str, fid: str, ord_: int, props: dict, geometry: dict, geo_text: str,
              cols: dict, first_us: int, count: int) -> list[dict]:
    """``count`` versions of one feature, each recorded a while after the one before."""
    rows = []
    for seq in range(1, count + 1):
        p = {**props, "confidence": ("low", "medium", "high")[min(seq - 1, 2)]}
        raw = ('{\n    "type": "Feature",\n    "properties": {\n      '
               + ",\n      ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in p.items())
               + '\n    },\n    "geometry": ' + geo_text + "\n  }")
        rec = first_us + (seq - 1) * (seq * 6 + 1) * 3_600_000_000
        row = version_row(layer=layer, fid=fid, seq=seq, ord=ord_,
                          feature={"properties": p}, raw=raw, rec=rec, user="bench",
                          source="synthetic", confidence=p["confidence"],
                          reason="generated", action="import", geometry=cols)
        rows.append(row)
    for row, nxt in itertools.pairwise(rows):
        row["sup"] = nxt["rec"]
    return rows


def _feature_rows(days: int, seed: int = 7) -> Iterator[dict]:
    """Every synthetic version row, zones first, then events day by day."""
    rnd = random.Random(seed)
    base_us = to_us(dt.datetime.combine(START, dt.time(), dt.UTC))
    for z, shape in enumerate(_zone_shapes(rnd)):
        for k in range(days // ZONE_DAYS):
            start = START + dt.timedelta(days=k * ZONE_DAYS)
            props = {"id": f"cz-{z}-{k}", "name": f"Zone {z}, period {k}",
                     "valid_from": start.isoformat(),
                     "valid_to": (start + dt.timedelta(days=ZONE_DAYS)).isoformat(),
                     "controller": ("assad_government", "sdf", "hts")[z % 3],
                     "source": f"Synthetic map {start:%d %b %Y}"}
            yield from _versions("control_zones", props["id"], z * 10_000 + k, props,
                                 shape["geometry"], shape["text"], shape["cols"],
                                 base_us + (k * ZONE_DAYS + 1) * _DAY_US, ZONE_VERSIONS)
    for d in range(days):
        start = START + dt.timedelta(days=d)
        for i in range(EVENTS_PER_DAY):
            lon, lat = round(rnd.uniform(36.0, 41.5), 5), round(rnd.uniform(32.8, 36.8), 5)
            point = shapely.Point(lon, lat)
            props = {"id": f"ev-{d}-{i}", "name": f"Event {i} of {start:%d %b %Y}",
                     "category": "control", "date": f"{start:%d %b %Y}",
                     "valid_from": start.isoformat(),
                     "valid_to": (start + dt.timedelta(days=1)).isoformat(),
                     "source": f"Synthetic wire {start:%d %b %Y}"}
            geometry = {"type": "Point", "coordinates": [lon, lat]}
            yield from _versions("events", props["id"], d * EVENTS_PER_DAY + i, props,
                                 geometry, json.dumps(geometry, separators=(",", ":")),
                                 _cols(point),
                                 base_us + (d + 1) * _DAY_US, EVENT_VERSIONS)


_COLS = ("vid", "layer", "fid", "seq", "ord", "valid_from_day", "valid_to_day", "recorded_us",
         "superseded_us", "user_name", "source", "confidence", "reason", "action", "retired",
         "raw", "minx", "miny", "maxx", "maxy", "geom")
_KEYS = ("vid", "layer", "fid", "seq", "ord", "vfrom", "vto", "rec", "sup", "user", "source",
         "confidence", "reason", "action", "retired", "raw", "minx", "miny", "maxx", "maxy")


def _write_batch(store: Store, batch: list[dict], start: int) -> None:
    """One batch straight through the driver (SQLite executemany, PostgreSQL COPY).

    The rows are the store's own (:func:`layers.store.rows.version_row`); only the
    driver call differs from :func:`layers.store.sql.insert_versions`, whose
    per-row parameter handling would make generating a million take many minutes.
    """
    for vid, row in enumerate(batch, start):
        row["vid"] = vid
    with store.write() as conn:
        raw = conn.connection.driver_connection
        if store.backend == "sqlite":
            marks = ", ".join("?" * len(_COLS))
            raw.executemany(f"INSERT INTO feature_versions ({', '.join(_COLS)}) VALUES "
                            f"({marks})", [(*tuple(r[k] for k in _KEYS), r["wkb"])
                                           for r in batch])
            raw.executemany("INSERT INTO feature_versions_rtree VALUES (?,?,?,?,?,?,?,?,?)",
                            [(r["vid"], *(rtree_values(r)[k] for k in _RTREE)) for r in batch])
            return
        with raw.cursor().copy(f"COPY feature_versions ({', '.join(_COLS)}) FROM STDIN") as cp:
            for r in batch:
                cp.write_row((*tuple(r[k] for k in _KEYS), r["ewkb"]))


_RTREE = ("minx", "maxx", "miny", "maxy", "rv_from", "rv_to", "rr_from", "rr_to")


def generate(store: Store, versions: int) -> int:
    """Bulk-insert the synthetic versions (batches of 20,000); return the days covered."""
    days = _days(versions)
    batch: list[dict] = []
    start = 1
    for row in _feature_rows(days):
        batch.append(row)
        if len(batch) >= BATCH:
            _write_batch(store, batch, start)
            start += len(batch)
            batch = []
    if batch:
        _write_batch(store, batch, start)
    with store.write() as conn:
        if store.backend == "sqlite":
            conn.execute(sa.text("ANALYZE"))
        else:
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('feature_versions', "
                                 "'vid'), :n)"), {"n": start + len(batch)})
    if store.backend != "sqlite":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE feature_versions"))
    return days


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def measure_queries(store: Store, days: int, steps: int, seed: int = 11) -> dict:
    """As-of and as-known-on query times (ms) over random dates, and features returned."""
    rnd = random.Random(seed)
    layers, window = ["control_zones", "events"], {"events": 7}
    dates = [START + dt.timedelta(days=rnd.randrange(8, days)) for _ in range(steps)]
    first = dt.datetime.combine(START, dt.time(), dt.UTC)
    moments = [first + dt.timedelta(hours=rnd.uniform(24 * 8, 24 * (days + 20)))
               for _ in range(steps)]
    store.as_of(layers, dates[0], window_days=window)  # warm the connection pool
    counts: list[int] = []
    as_of, known = [], []
    for day, moment in zip(dates, moments, strict=True):
        t0 = time.perf_counter()
        frames = store.as_of(layers, day, window_days=window)
        as_of.append((time.perf_counter() - t0) * 1000)
        counts.append(sum(len(f) for f in frames.values()))
        t0 = time.perf_counter()
        store.as_of(layers, day, window_days=window, known_on=moment)
        known.append((time.perf_counter() - t0) * 1000)
    return {"as_of_ms": as_of, "known_on_ms": known, "features": counts}


def measure_edits(store: Store, days: int, runs: int, seed: int = 13) -> list[float]:
    """Times (ms) of single edits of random events (read of the base not counted)."""
    rnd = random.Random(seed)
    prov = Provenance("bench", "Synthetic wire, re-read", "medium", "benchmark edit")
    out = []
    for n in range(runs):
        fid = f"ev-{rnd.randrange(days)}-{rnd.randrange(EVENTS_PER_DAY)}"
        base = store.current("events", fid)
        t0 = time.perf_counter()
        store.edit("events", fid, based_on=base.vid, provenance=prov,
                   properties={"name": f"{base.properties['name']} (edit {n})"})
        out.append((time.perf_counter() - t0) * 1000)
    return out


def measure_import(url: str) -> float:
    """Seconds to import the catalog's files into the empty store at ``url``."""
    with Store(url) as store:
        store.init()
        t0 = time.perf_counter()
        report = store.import_paths([ROOT / "geodata"], user="bench", source="geodata/",
                                    reason="benchmark import")
        seconds = time.perf_counter() - t0
        assert report.written > 0
    return seconds


def run_backend(big_url: str, empty_url: str, versions: int, steps: int, edits: int) -> dict:
    """Every measure on one backend (two fresh stores: the big one and an empty one)."""
    with Store(big_url) as store:
        store.init()
        t0 = time.perf_counter()
        days = generate(store, versions)
        generated_s = time.perf_counter() - t0
        count = store.count_versions()
        queries = measure_queries(store, days, steps)
        edit_ms = measure_edits(store, days, edits)
        backend = store.backend
    import_s = min(measure_import(u) for u in (empty_url,))
    return {"backend": backend, "versions": count, "days": days,
            "generate_s": generated_s, **queries, "edit_ms": edit_ms, "import_s": import_s}


def _pg_databases(server: str, names: list[str]) -> sa.Engine:
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return admin


def run_all(versions: int, steps: int, edits: int, pg: str | None) -> list[dict]:
    """SQLite always; PostGIS in two fresh databases of the server at ``pg`` (dropped after)."""
    results = []
    with tempfile.TemporaryDirectory(prefix="store-bench-") as tmp:
        results.append(run_backend(f"sqlite:///{tmp}/big.sqlite", f"sqlite:///{tmp}/empty.sqlite",
                                   versions, steps, edits))
    if pg:
        names = [f"bench_{uuid.uuid4().hex[:8]}_{k}" for k in ("big", "empty")]
        admin = _pg_databases(pg, names)
        base = sa.make_url(pg)
        urls = [base.set(database=n).render_as_string(hide_password=False) for n in names]
        try:
            results.append(run_backend(urls[0], urls[1], versions, steps, edits))
        finally:
            with admin.connect() as conn:
                for name in names:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    return results


def summary(result: dict) -> dict[str, float]:
    """The figures the budgets are about."""
    return {"as_of_p95_ms": p95(result["as_of_ms"]),
            "known_on_p95_ms": p95(result["known_on_ms"]), "import_s": result["import_s"],
            "edit_median_ms": statistics.median(result["edit_ms"]),
            "edit_p95_ms": p95(result["edit_ms"])}


def markdown(results: list[dict]) -> str:
    """The table for benchmarks/RESULTS.md."""
    lines = ["| backend | versions | as-of p95 | as-known-on p95 | catalog import | "
             "edit median / p95 | generate |", "|---|---|---|---|---|---|---|"]
    for r in results:
        s = summary(r)
        ok = all(s[k] <= b for k, b in BUDGETS.items())
        lines.append(
            f"| {r['backend']} | {r['versions']:,} | {s['as_of_p95_ms']:.1f} ms | "
            f"{s['known_on_p95_ms']:.1f} ms | {s['import_s']:.2f} s | "
            f"{s['edit_median_ms']:.1f} / {s['edit_p95_ms']:.1f} ms | "
            f"{r['generate_s']:.0f} s |" + ("" if ok else " **over budget**"))
    lines.append("| budget | | ≤ 50 ms | ≤ 200 ms | ≤ 5 s | ≤ 100 ms (p95) | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run, print the table, write the raw figures as JSON if asked; 1 if over budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--pg", help="a PostgreSQL server URL (a database to create from)")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    args = parser.parse_args(argv)
    results = run_all(args.versions, args.steps, args.edits, args.pg)
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0 if all(all(summary(r)[k] <= b for k, b in BUDGETS.items())
                    for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
