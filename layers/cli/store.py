"""``python -m layers store``: the workspace store from a shell (init, import, history, export).

Examples::

    python -m layers store init
    python -m layers store import geodata --user ana --source "geodata seed" --reason seed
    python -m layers store history events 2024-12-08-assad-flees --json
    python -m layers store export --date 2024-12-08 --known-on 2024-12-20 --out brief.pdf
    python -m layers store export --out review/      # every layer file, for a diff

The store is ``$BRIEFING_STORE`` (a SQLAlchemy URL) or the embedded file; ``--store``
overrides both. Exit 0 when done, 1 with a readable report, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from layers.cli.view_args import add_view_arguments, layer_ids
from layers.core.timeline import parse_date
from layers.core.view import MapView, known_on_title
from layers.errors import ExportError
from layers.export.files import FORMATS, export_file, format_for, shown_layers
from layers.store import Store
from layers.store.engine import redact
from layers.store.versions import changes


def known_on_arg(text: str) -> dt.datetime:
    """Read ``YYYY-MM-DD`` (the end of that day, UTC) or an ISO moment (UTC if naive)."""
    try:
        if len(text.strip()) == 10:
            day = dt.date.fromisoformat(text.strip())
            return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(),
                                       dt.UTC) - dt.timedelta(microseconds=1)
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (YYYY-MM-DD) or a moment (YYYY-MM-DDTHH:MM[:SS], UTC "
            "unless it says otherwise)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    """Register ``store`` and its own sub-commands."""
    p = sub.add_parser(name, help="the workspace store: init, import, history, export",
                       description="Every version of every feature, with who, when, source "
                       "and reason. Exit 0 when done, 1 with a readable report, 2 on a usage "
                       "error.")
    p.add_argument("--store", metavar="URL", help="SQLAlchemy URL (default: $BRIEFING_STORE, "
                   "else the embedded file workspace/briefing.sqlite)")
    own = p.add_subparsers(dest="store_command", required=True, metavar="ACTION")
    init = own.add_parser("init", help="create or upgrade the schema")
    init.set_defaults(func=run_init)
    imp = own.add_parser("import", help="record GeoJSON files (or a catalog folder) as new "
                         "versions where they differ from the latest")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imp.add_argument("--user", required=True, help="who records them")
    imp.add_argument("--source", required=True, help="where they come from")
    imp.add_argument("--reason", required=True, help="why they are recorded")
    imp.add_argument("--layer", help="layer id for a single file (default: the catalog layer "
                     "with that file name, else the file's stem)")
    imp.set_defaults(func=run_import)
    hist = own.add_parser("history", help="every version of one feature")
    hist.add_argument("layer")
    hist.add_argument("id")
    hist.add_argument("--json", action="store_true", help="machine-readable output")
    hist.set_defaults(func=run_history)
    exp = own.add_parser("export", help="the as-of view as the store held it (or the layer "
                         "files, without --date)")
    exp.add_argument("--date", metavar="YYYY-MM-DD", help="the as-of date; without it, "
                     "the layer files themselves are written (--out is then a folder)")
    exp.add_argument("--known-on", type=known_on_arg, metavar="TIMESTAMP",
                     help="as the store held it then (a date means the end of that day, UTC)")
    exp.add_argument("--format", choices=FORMATS, dest="fmt")
    exp.add_argument("--out", required=True, type=Path, metavar="PATH")
    add_view_arguments(exp)
    exp.set_defaults(func=run_export, parser=exp)


def _open(args: argparse.Namespace) -> Store:
    return Store(args.store)


def run_init(args: argparse.Namespace) -> int:
    """Create or upgrade the schema."""
    with _open(args) as store:
        revision = store.init()
        print(f"store ready at {redact(store.url)} ({store.backend}, schema {revision}, "
              f"{store.count_versions():,} versions)")
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import files; report per layer."""
    with _open(args) as store:
        store.init()
        report = store.import_paths(args.paths, user=args.user, source=args.source,
                                    reason=args.reason, layer=args.layer)
        for item in report.layers:
            print(item.describe())
        print(f"{report.written} new version(s) recorded in {redact(store.url)}")
    return 0


def run_history(args: argparse.Namespace) -> int:
    """List the versions of one feature; exit 1 when it has none."""
    with _open(args) as store:
        versions = store.history(args.layer, args.id)
    if not versions:
        print(f"error: no feature {args.layer}/{args.id} in the store. Fix: check the layer "
              "id and the feature's id property (python -m layers store export --out DIR "
              "lists them).")
        return 1
    rows = []
    for before, after in zip([None, *versions[:-1]], versions, strict=True):
        rows.append({**after.as_dict(), "changes": changes(before, after)})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        valid = f"{row['valid_from'] or '…'} → {row['valid_to'] or 'open'}"
        print(f"v{row['version']}  {row['action']:<7} {row['user']:<12} "
              f"{row['recorded_at'][:19].replace('T', ' ')} UTC  valid {valid}")
        print(f"    source: {row['source']} · confidence: {row['confidence']} · "
              f"reason: {row['reason']}")
        print(f"    {'; '.join(row['changes'])}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write the as-of view (or the layer files) as the store held it."""
    with _open(args) as store:
        if args.date is None:
            return _export_layer_files(store, args)
        day = parse_date(args.date)
        try:
            fmt = format_for(args.out, args.fmt)
        except ExportError as exc:
            args.parser.error(str(exc))
        loaded = store.loaded_layers(known_on=args.known_on)
        ids = layer_ids(loaded, args.layers)
        title = known_on_title(args.title or loaded.catalog.title, day, args.known_on)
        view = MapView(day=day, layer_ids=tuple(ids), bbox=args.bbox, title=title,
                       known_on=args.known_on)
        path = export_file(loaded, view, args.out, fmt, handling=args.handling)
    counts = ", ".join(f"{spec.id} {len(frame)}" for spec, frame in shown_layers(loaded, view))
    print(f"wrote {path} ({fmt}) — {title}: {counts or 'no layers'}")
    return 0


def _export_layer_files(store: Store, args: argparse.Namespace) -> int:
    """Every layer file (or those in ``--layers``) into the folder ``--out``."""
    folder: Path = args.out
    if folder.suffix:
        args.parser.error(f"without --date, --out is a folder for the layer files, not "
                          f"{folder}; add --date for a map or data file of one date")
    wanted = [i.strip() for i in (args.layers or "").split(",") if i.strip()]
    ids = wanted or store.layers()
    folder.mkdir(parents=True, exist_ok=True)
    for layer in ids:
        name = store.layout(layer)[1]
        text = store.layer_text(layer, args.known_on)
        (folder / name).write_text(text, encoding="utf-8")
        print(f"wrote {folder / name} ({text.count(chr(10)) + 1:,} lines)")
    return 0
