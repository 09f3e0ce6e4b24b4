"""Benchmarks: the dashboard against the straightforward approach, default data and at scale.

``.venv/bin/python benchmarks/run.py`` measures, for the project's ``geodata/``
and for the synthetic scale set (written by ``benchmarks/generate.py`` on first
use), both the real app (``dashboard/app.py``) and the naive baseline
(``benchmarks/naive.py``):

* server time per slider step (median, 95th percentile), AppTest on the real page;
* bytes sent to the browser per step (median, max);
* cold start to the first drawn map (a new server, offline Chromium);
* PNG and PDF export of the default date over the whole region;
* peak memory (``ru_maxrss`` of the process doing the steps).

It prints a table per data set with the ratio naive / ours and PASS/FAIL against
the budgets, and writes ``benchmarks/out/results.json`` and ``results.md``.
See ``benchmarks/RESULTS.md`` for the definitions and the latest figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `python benchmarks/run.py` puts only benchmarks/ on the path
    sys.path.insert(0, str(REPO))

from benchmarks import _report, _steps, generate  # noqa: E402

APP = REPO / "dashboard" / "app.py"
NAIVE = REPO / "benchmarks" / "naive.py"
OUT = REPO / "benchmarks" / "out"
SCALE = OUT / "scale"

#: Budgets per data set: (server ms per step, p95; bytes per step, max).
BUDGETS = {"default": (50.0, 150 * 1024), "scale": (500.0, 2 * 1024 * 1024)}


def data_days(geodata: Path) -> list[dt.date]:
    """Every day on which a feature of the catalog starts or stops, from the catalog's start.

    Read with pyogrio without geometry, so choosing the steps costs seconds even
    on the scale set.
    """
    import pandas as pd
    import pyogrio

    from layers.core.catalog import load_catalog

    catalog = load_catalog(geodata / "catalog.toml")
    start = dt.date.fromisoformat(catalog.start) if catalog.start else None
    days: set[dt.date] = set()
    for spec in catalog.layers:
        info = pyogrio.read_info(spec.path)
        columns = [c for c in ("valid_from", "valid_to") if c in list(info["fields"])]
        if not columns:
            continue
        frame = pyogrio.read_dataframe(spec.path, columns=columns, read_geometry=False)
        for column in columns:
            stamps = pd.to_datetime(frame[column], errors="coerce").dropna()
            days.update(stamps.dt.date.unique())
    return sorted(d for d in days if start is None or d >= start)


def pick_days(days: Sequence[dt.date], count: int, warmup: int = 2
              ) -> tuple[list[dt.date], list[dt.date]]:
    """``count`` measured days spread evenly over ``days``, and ``warmup`` others before them.

    Every measured day differs from the warm-up days and from each other, so each
    measured step shows its date for the first time in the session.
    """
    days = sorted(set(days))
    if len(days) < count + warmup:
        raise ValueError(f"the data have {len(days)} change days; {count + warmup} needed")
    step = len(days) / (count + warmup)
    chosen = [days[min(len(days) - 1, int(i * step + step / 2))] for i in range(count + warmup)]
    warm = chosen[1::max(1, (count + warmup) // warmup)][:warmup]
    measured = [d for d in chosen if d not in warm][:count]
    return measured, warm


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024**2:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    versions = {}
    for name in ("streamlit", "streamlit-folium", "folium", "shapely", "geopandas"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "?"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True,
                           text=True, check=False).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem,
            "python": platform.python_version(), "os": platform.platform(),
            "commit": commit + ("+changes" if dirty else ""), "versions": versions,
            "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}


def ensure_scale(folder: Path, *, regenerate: bool = False) -> Path:
    """The scale set, generated with the default sizes if it is missing."""
    if regenerate or not (folder / "catalog.toml").is_file():
        print(f"generating the scale set in {folder} (about a minute) ...", flush=True)
        generate.write(folder, polygons=2000, vertices=2000, dates=100, n_events=100_000)
    return folder


def measure_set(name: str, geodata: Path, *, steps: int, naive_steps: int,
                browser: bool, log_dir: Path, app: Path = APP,
                browser_steps: int = 5) -> dict[str, Any]:
    """Every measure for one data set, ours (``app``) and naive."""
    days, warm = pick_days(data_days(geodata), steps)
    naive_days = days[:: max(1, len(days) // naive_steps)][:naive_steps]
    result: dict[str, Any] = {"geodata": str(geodata), "steps": len(days)}
    print(f"[{name}] ours: {len(days)} slider steps ...", flush=True)
    result["ours"] = _steps.run_in_subprocess(app, geodata, days, warmup=warm, exports="ours")
    print(f"[{name}] naive: {len(naive_days)} slider steps ...", flush=True)
    result["naive"] = _steps.run_in_subprocess(NAIVE, geodata, naive_days, warmup=warm[:1],
                                               exports="naive")
    if browser:
        from benchmarks import _coldstart

        log_dir.mkdir(parents=True, exist_ok=True)
        print(f"[{name}] cold start, ours (empty layer cache, then a restart) ...", flush=True)
        cache = log_dir / f"layer-cache-{name}"
        _clear(cache)
        os.environ["BRIEFING_CACHE_DIR"] = str(cache)
        try:
            result["ours"]["cold"] = _coldstart.cold_start(
                app, geodata, frame=_coldstart.OURS[0], target=_coldstart.OURS[1],
                log=log_dir / f"{name}-ours-cold.log")
            # One start more, not measured: a page keeps its first map for the next
            # process (dashboard._snapshot) only if the workspace store existed when it
            # began, and a new checkout's first start makes the store.
            _coldstart.cold_start(app, geodata, frame=_coldstart.OURS[0],
                                  target=_coldstart.OURS[1])
            result["ours"]["restart"] = _coldstart.cold_start(
                app, geodata, frame=_coldstart.OURS[0], target=_coldstart.OURS[1],
                log=log_dir / f"{name}-ours-restart.log", steps=browser_steps)
        finally:
            os.environ.pop("BRIEFING_CACHE_DIR", None)
        print(f"[{name}] cold start, naive ...", flush=True)
        launcher = _coldstart.naive_launcher(OUT / "naive_app")
        result["naive"]["cold"] = _coldstart.cold_start(
            launcher, geodata, frame=_coldstart.NAIVE[0], target=_coldstart.NAIVE[1],
            log=log_dir / f"{name}-naive-cold.log", steps=min(browser_steps, naive_steps),
            naive=True)
    return result


def _clear(folder: Path) -> None:
    import shutil

    if folder.exists():
        shutil.rmtree(folder)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, print the tables, write the results; 0 if every budget is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="measured slider steps (30)")
    parser.add_argument("--naive-steps", type=int, default=5,
                        help="slider steps of the naive page (5; it is slow at scale)")
    parser.add_argument("--only", choices=("default", "scale"), help="one data set only")
    parser.add_argument("--no-browser", action="store_true", help="skip the cold starts")
    parser.add_argument("--scale-dir", type=Path, default=SCALE)
    parser.add_argument("--regenerate", action="store_true", help="rewrite the scale set")
    parser.add_argument("--out", type=Path, default=OUT, help="where results go")
    parser.add_argument("--app", type=Path, default=APP,
                        help="the page to measure as 'ours' (default dashboard/app.py)")
    parser.add_argument("--browser-steps", type=int, default=5,
                        help="slider steps taken in Chromium after the restart (5)")
    parser.add_argument("--timeline-scale", action="store_true",
                        help="only the timeline at scale, streamed (timeline_scale.py)")
    parser.add_argument("--timeline", action="store_true",
                        help="only the browser-side timeline measures (timeline_bench.py)")
    args = parser.parse_args(argv)
    if args.timeline_scale:
        from benchmarks import timeline_scale

        return timeline_scale.main()
    if args.timeline:
        from benchmarks import timeline_bench

        return timeline_bench.main()

    started = time.perf_counter()
    sets = {"default": REPO / "geodata"}
    if args.only != "default":
        sets["scale"] = ensure_scale(args.scale_dir, regenerate=args.regenerate)
    if args.only == "scale":
        sets.pop("default")
    results: dict[str, Any] = {"machine": machine(), "sets": {}}
    for name, geodata in sets.items():
        results["sets"][name] = measure_set(name, geodata, steps=args.steps,
                                            naive_steps=args.naive_steps,
                                            browser=not args.no_browser,
                                            log_dir=args.out / "logs", app=args.app,
                                            browser_steps=args.browser_steps)
    results["seconds"] = time.perf_counter() - started
    results["command"] = "python benchmarks/run.py " + " ".join(
        argv if argv is not None else sys.argv[1:])
    text = _report.markdown(results, BUDGETS)
    print()
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1, default=str))
    (args.out / "results.md").write_text(text)
    print(f"written: {args.out / 'results.json'}, {args.out / 'results.md'}")
    return 0 if _report.all_pass(results, BUDGETS) else 1


if __name__ == "__main__":
    sys.exit(main())
