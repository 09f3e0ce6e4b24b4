"""Import GeoJSON files into the store: a new version only where a feature changed.

A file is validated as a whole first (the same checks as ``layers validate`` and
an upload, zone tiling included), so a bad file records nothing. Features are
matched by layer and ``id``; one equal to its latest version records nothing, so
importing the same files twice is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from layers.core.catalog import Catalog, LayerSpec, load_catalog
from layers.ingest.catalog_layers import load_spec, syria_outline
from layers.ingest.load import load_layer
from layers.store import sql
from layers.store.errors import StoreError
from layers.store.layout import Layout, split
from layers.store.rows import version_row
from layers.store.versions import Version, now_us, to_us

if TYPE_CHECKING:  # pragma: no cover
    from layers.store.store import Store


@dataclass
class LayerImport:
    """What one file's import did."""

    layer: str
    path: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    not_in_file: int = 0
    retired: int = 0

    def describe(self) -> str:
        """One line for the report."""
        extra = (f", {self.not_in_file} in the store but not in the file (left as they are)"
                 if self.not_in_file else "")
        if self.retired:
            extra += f", {self.retired} retired (no longer in the file)"
        return (f"{self.layer} ({self.path}): {self.added} new, {self.changed} changed, "
                f"{self.unchanged} unchanged{extra}")


@dataclass
class ImportReport:
    """Every file's outcome, in the order given."""

    layers: list[LayerImport] = field(default_factory=list)

    @property
    def written(self) -> int:
        """New versions recorded."""
        return sum(x.added + x.changed for x in self.layers)


def _targets(paths: list[str | os.PathLike[str]], store: Store, layer: str | None
             ) -> list[tuple[LayerSpec, Catalog]]:
    """(spec, catalog) per file: a catalog folder gives all its layers."""
    out: list[tuple[LayerSpec, Catalog]] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            catalog = load_catalog(path / "catalog.toml")
            out.extend((spec, catalog) for spec in catalog.layers)
            continue
        if not path.is_file():
            raise StoreError(f"{path}: no such file or folder.")
        catalog = store.catalog
        spec = next((s for s in catalog.layers if s.path.name == path.name), None)
        layer_id = layer or (spec.id if spec else path.stem)
        if spec is None or spec.id != layer_id:
            spec = next((s for s in catalog.layers if s.id == layer_id), None) or LayerSpec(
                id=layer_id, title=layer_id, path=path, kind="generic")
        out.append((replace(spec, path=path.resolve()), catalog))
    return out


def import_paths(store: Store, paths: list[str | os.PathLike[str]], *, user: str, source: str,
                 reason: str, layer: str | None = None) -> ImportReport:
    """Validate every file first, then record each file's changes in its own transaction.

    Raises
    ------
    LayerValidationError
        A file failed validation; nothing of any file was recorded.
    """
    if not (user.strip() and source.strip() and reason.strip()):
        raise StoreError("an import needs --user, --source and --reason (none may be empty).")
    targets = _targets(paths, store, layer)
    texts = []
    for spec, catalog in targets:
        _validate(spec, catalog)
        texts.append(spec.path.read_bytes())
    report = ImportReport()
    for (spec, _catalog), data in zip(targets, texts, strict=True):
        report.layers.append(import_text(store, spec.id, data, path=str(spec.path),
                                         user=user, source=source, reason=reason))
    return report


def _validate(spec: LayerSpec, catalog: Catalog) -> None:
    if spec in catalog.layers:
        load_spec(spec, catalog)  # cached by path and time, with the zones' coverage
    else:
        coverage = syria_outline(catalog) if spec.kind == "control_zones" else None
        load_layer(spec.path, spec.kind, coverage=coverage, region=catalog.region)


def import_text(store: Store, layer: str, data: bytes, *, path: str, user: str, source: str,
                reason: str, own_sources: bool = False,
                retire_left_by: str | None = None) -> LayerImport:
    """Record one layer file's text (already validated) against the store's latest.

    With ``own_sources`` each version records the publication its feature cites
    (its ``source`` property) and ``source`` only where a feature cites none: the
    catalog's seed says where each assessment comes from, not which file carried it.
    With ``retire_left_by`` (the seed's user), a feature missing from the file whose
    latest version that user wrote is retired: a new seed file that drops or renames
    a zone must not leave the old one on the map beside its successor. A feature an
    analyst edited or added since stays as it is.
    """
    text = data.decode("utf-8-sig")
    layout, pieces = split(text)
    result = LayerImport(layer, path)
    with store.write() as conn:
        current = {v.fid: v for v in map(Version.from_row, sql.current_rows(conn, layer,
                                                                             lock=True))}
        at = max([now_us()] + [to_us(v.recorded_at) + 1 for v in current.values()])
        rows, closing, seen = [], [], set()
        for index, raw in enumerate(pieces):
            feature = json.loads(raw)
            fid = str((feature.get("properties") or {}).get("id", f"#{index}"))
            seen.add(fid)
            old = current.get(fid)
            if old is not None and not old.retired and _same(old, feature):
                result.unchanged += 1
                continue
            props = feature.get("properties") or {}
            confidence = str(props.get("confidence") or "unknown")
            cited = str(props.get("source") or "").strip() if own_sources else ""
            rows.append(version_row(layer=layer, fid=fid, seq=old.seq + 1 if old else 1,
                                    ord=index, feature=feature, raw=raw, rec=at, user=user,
                                    source=cited or source, confidence=confidence,
                                    reason=reason, action="import"))
            if old is None:
                result.added += 1
            else:
                result.changed += 1
                closing.append(old.vid)
        left = [v for f, v in current.items() if f not in seen and not v.retired]
        for old in left:
            if retire_left_by is not None and old.user == retire_left_by:
                rows.append(version_row(
                    layer=layer, fid=old.fid, seq=old.seq + 1, ord=old.ord, feature=old.feature,
                    raw=old.raw, rec=at, user=user, source=source, confidence=old.confidence,
                    reason=f"{reason} (no longer in the file)", action="retire",
                    retired=True))
                closing.append(old.vid)
                result.retired += 1
        sql.supersede(conn, closing, at)
        sql.insert_versions(conn, rows)
        result.not_in_file = len(left) - result.retired
        _save_layout(conn, layer, Path(path).name, layout, hashlib.sha256(data).hexdigest())
    return result


def _same(version: Version, feature: dict[str, Any]) -> bool:
    return version.feature == feature


def _save_layout(conn: Connection, layer: str, file_name: str, layout: Layout, sha: str) -> None:
    params = {"layer": layer, "file_name": file_name, "header": layout.header,
              "separator": layout.separator, "footer": layout.footer, "style": layout.style,
              "sha": sha}
    conn.execute(sa.text("DELETE FROM layer_files WHERE layer = :layer"), params)
    conn.execute(sa.text("INSERT INTO layer_files (layer, file_name, header, separator, footer,"
                         " style, seed_sha) VALUES (:layer, :file_name, :header, :separator, "
                         ":footer, :style, :sha)"), params)


def seed_shas(store: Store) -> dict[str, str | None]:
    """Per layer: the SHA-256 of the file last imported (to re-import only changed seeds)."""
    with store.read() as conn:
        return dict(conn.execute(sa.text("SELECT layer, seed_sha FROM layer_files")).all())
