"""The layer manifest: which layers exist, where their files are, how they look.

The catalog is data (``geodata/catalog.toml``) so that adding a layer is a new
file plus an entry, with no code change. This module only reads and checks it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layers.errors import CatalogError, UnknownLayerError

#: Folder holding the project's own data, unless ``BRIEFING_GEODATA`` says otherwise.
DEFAULT_GEODATA = Path(__file__).resolve().parents[2] / "geodata"

KINDS = ("installations", "routes", "control_zones", "events", "places", "generic",
         "annotations")
GEOMETRIES = ("point", "line", "polygon", "mixed")


@dataclass(frozen=True)
class LayerSpec:
    """One layer of the catalog.

    Attributes
    ----------
    id, title
        Stable identifier and the title shown to analysts.
    path
        Absolute path of the GeoJSON file.
    kind
        Validation profile, one of :data:`KINDS`.
    geometry
        Geometry family, one of :data:`GEOMETRIES`; drives styling.
    visible
        Whether the layer is switched on when the app opens.
    style
        Style table from the catalog (``by``, ``colors``, ``labels``, ...).
    attribution
        Credit line shown on maps and exports.
    description
        One sentence for the legend's tooltip.
    """

    id: str
    title: str
    path: Path
    kind: str = "generic"
    geometry: str = "mixed"
    visible: bool = True
    style: dict[str, Any] = field(default_factory=dict)
    attribution: str = ""
    description: str = ""


@dataclass(frozen=True)
class Catalog:
    """The whole manifest: settings plus layers in drawing order (bottom first)."""

    root: Path
    title: str
    start: str
    handling: str
    layers: tuple[LayerSpec, ...]
    basemap: dict[str, Any] = field(default_factory=dict)
    default_date: str = ""
    region: tuple[float, float, float, float] = (35.5, 32.2, 42.5, 37.4)

    def get(self, layer_id: str) -> LayerSpec:
        """Return the layer with this id.

        Raises
        ------
        UnknownLayerError
            Naming the ids that do exist, so a typo is easy to spot.
        """
        for spec in self.layers:
            if spec.id == layer_id:
                return spec
        known = ", ".join(s.id for s in self.layers)
        raise UnknownLayerError(f"unknown layer {layer_id!r}; the catalog has: {known}")

    @property
    def ids(self) -> list[str]:
        """Layer ids in drawing order."""
        return [s.id for s in self.layers]


def label_for(spec: LayerSpec, value: Any) -> str:
    """Human label of a style value (e.g. ``sdf`` → "Syrian Democratic Forces (SDF)").

    The labels live in the catalog beside the colours, so every renderer, table
    and analysis names a controller or status the same way.
    """
    labels = (spec.style or {}).get("labels", {})
    return str(labels.get(str(value), str(value).replace("_", " ")))


def geodata_dir() -> Path:
    """Folder of the data in use: ``$BRIEFING_GEODATA`` or the repository's ``geodata/``."""
    return Path(os.environ.get("BRIEFING_GEODATA", DEFAULT_GEODATA)).resolve()


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """Read and check ``catalog.toml``.

    Parameters
    ----------
    path
        The TOML file; defaults to ``catalog.toml`` in :func:`geodata_dir`.

    Raises
    ------
    CatalogError
        Listing every problem in the manifest at once.
    """
    toml_path = Path(path) if path is not None else geodata_dir() / "catalog.toml"
    try:
        raw = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"{toml_path}: catalog not found. Fix: create it, or set "
                           "BRIEFING_GEODATA to the folder that holds catalog.toml.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{toml_path}: not valid TOML ({exc}).") from None
    root = toml_path.parent
    meta = raw.get("catalog", {})
    problems: list[str] = []
    specs: list[LayerSpec] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw.get("layer", [])):
        spec, errs = _layer_spec(entry, root, i)
        problems.extend(errs)
        if spec is None:
            continue
        if spec.id in seen:
            problems.append(f"layer {spec.id!r}: id used twice. Fix: give each layer its own id.")
        seen.add(spec.id)
        specs.append(spec)
    if not specs and not problems:
        problems.append("no [[layer]] entries. Fix: add at least one layer table.")
    if problems:
        raise CatalogError(f"{toml_path}:\n" + "\n".join(f"  - {p}" for p in problems))
    return Catalog(root=root, title=str(meta.get("title", "Briefing map")),
                   start=str(meta.get("start", "")),
                   handling=str(meta.get("handling", "UNCLASSIFIED // OPEN SOURCE")),
                   layers=tuple(specs), basemap=dict(raw.get("basemap", {})),
                   default_date=str(meta.get("default_date", meta.get("start", ""))),
                   region=_region(meta.get("region"), toml_path))


def _region(value: Any, toml_path: Path) -> tuple[float, float, float, float]:
    if value is None:
        return (35.5, 32.2, 42.5, 37.4)
    if (not isinstance(value, list) or len(value) != 4
            or not all(isinstance(v, (int, float)) for v in value)):
        raise CatalogError(f"{toml_path}: [catalog] region must be [minlon, minlat, maxlon, "
                           f"maxlat], got {value!r}.")
    minx, miny, maxx, maxy = (float(v) for v in value)
    return (minx, miny, maxx, maxy)


def _layer_spec(entry: dict[str, Any], root: Path, index: int) -> tuple[LayerSpec | None,
                                                                          list[str]]:
    errs: list[str] = []
    missing = [k for k in ("id", "title", "file") if not entry.get(k)]
    label = f"layer {entry.get('id', f'#{index}')!r}"
    if missing:
        return None, [f"{label}: missing {', '.join(missing)}."]
    kind = entry.get("kind", "generic")
    if kind not in KINDS:
        errs.append(f"{label}: kind {kind!r} is not one of {', '.join(KINDS)}.")
    geometry = entry.get("geometry", "mixed")
    if geometry not in GEOMETRIES:
        errs.append(f"{label}: geometry {geometry!r} is not one of {', '.join(GEOMETRIES)}.")
    path = (root / entry["file"]).resolve()
    if not path.is_file():
        errs.append(f"{label}: file {entry['file']} not found next to the catalog.")
    if errs:
        return None, errs
    return LayerSpec(id=str(entry["id"]), title=str(entry["title"]), path=path, kind=kind,
                     geometry=geometry, visible=bool(entry.get("visible", True)),
                     style=dict(entry.get("style", {})),
                     attribution=str(entry.get("attribution", "")),
                     description=str(entry.get("description", ""))), []
