"""Zip archives from strangers: refuse what could harm, extract only the one dataset needed.

A zipped Shapefile is the usual way analysts move GIS data, and a zip is also the
usual way to attack an upload form: members named ``../../something`` (path
traversal, "zip slip"), symbolic links, and tiny archives that inflate to
gigabytes ("zip bombs"). Every member is checked from the archive's directory
before a byte is inflated; then only the dataset's own members are copied, under
names chosen here, with the inflated size counted as it is written.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from layers.problems import Problem

#: Members of one Shapefile that are copied with it (the rest of the zip is ignored).
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
#: Datasets a zip may hold, in order of preference.
DATASET_SUFFIXES = (".shp", ".gpkg", ".kml", ".geojson", ".json")
_CHUNK = 1 << 20
#: Sizes are said in MiB everywhere (as Streamlit's maxUploadSize counts them).
MIB = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ZipLimits:
    """How much an archive may hold.

    Attributes
    ----------
    max_unzipped_bytes
        Total size of all members once inflated (200 MiB by default).
    max_ratio
        Largest inflated/compressed ratio for a member above ``ratio_floor``
        bytes. Real data compresses 2-20:1 (a padded .dbf up to ~100:1); a
        bomb compresses 1000:1.
    max_members
        Number of entries in the archive's directory.
    ratio_floor
        Members smaller than this (inflated) are never bombs, whatever the ratio.
    """

    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_ratio: float = 200.0
    max_members: int = 200
    ratio_floor: int = 1 << 20


def extract_dataset(data: bytes, dest: Path, label: str, problems: list[Problem],
                    limits: ZipLimits = ZipLimits()) -> Path | None:
    """Check a zip and copy its dataset into ``dest``.

    Parameters
    ----------
    data
        The archive's bytes.
    dest
        An empty private folder (a temporary directory).
    label
        File name used in messages.
    problems
        Appended to; an error means nothing was extracted.
    limits
        Caps on size, ratio and member count.

    Returns
    -------
    pathlib.Path or None
        The extracted ``.shp`` (with its siblings), ``.gpkg``, ``.kml`` or
        GeoJSON file, or None when the archive is refused.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        problems.append(Problem(label, "", f"is not a readable zip archive ({exc}).",
                                "Zip the files again (a plain .zip, not .rar or .7z).",
                                rule="zip-unreadable"))
        return None
    with archive:
        if not _check_directory(infos, label, problems, limits):
            return None
        chosen = _choose(infos, label, problems)
        if not chosen:
            return None
        budget = [limits.max_unzipped_bytes]
        target: Path | None = None
        for info, suffix in chosen:
            out = dest / f"layer{suffix}"
            if not _copy_member(archive, info, out, label, problems, budget):
                return None
            target = target or out
        return target


def check_archive(data: bytes, label: str, problems: list[Problem],
                  limits: ZipLimits = ZipLimits()) -> zipfile.ZipFile | None:
    """Open a zip whose members are all safe to inflate (an XLSX workbook, a KMZ), or None.

    The same directory checks as :func:`extract_dataset` (unsafe names, links,
    passwords, bombs) without choosing a dataset: the caller reads the members
    it needs, each through :func:`read_member`.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        problems.append(Problem(label, "", f"is not a readable zip archive ({exc}).",
                                "Save the file again from the program that made it.",
                                rule="zip-unreadable"))
        return None
    if not _check_directory(infos, label, problems, limits):
        archive.close()
        return None
    return archive


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str,
                problems: list[Problem], budget: list[int]) -> bytes | None:
    """One member's bytes, counted against ``budget`` as they inflate (a lying directory)."""
    out = bytearray()
    try:
        with archive.open(info) as src:
            while chunk := src.read(_CHUNK):
                out += chunk
                if len(out) > budget[0]:
                    problems.append(Problem(label, "", f"member {info.filename[:120]!r} "
                                            "inflates beyond the size limit (possible zip "
                                            "bomb); refused.", "Upload a smaller file.",
                                            rule="zip-bomb"))
                    return None
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError,
            ValueError) as exc:
        problems.append(Problem(label, "", f"member {info.filename[:120]!r} cannot be "
                                f"unpacked ({exc}).", "Save the file again.",
                                rule="zip-unreadable"))
        return None
    budget[0] -= len(out)
    return bytes(out)


def _check_directory(infos: list[zipfile.ZipInfo], label: str, problems: list[Problem],
                     limits: ZipLimits) -> bool:
    """Refuse unsafe names, links, encryption and bombs before inflating anything."""
    if len(infos) > limits.max_members:
        problems.append(Problem(label, "", f"holds {len(infos):,} entries, more than the limit "
                                f"of {limits.max_members:,}.",
                                "Zip only the layer's own files (.shp, .shx, .dbf, .prj).",
                                rule="zip-too-many-members"))
        return False
    files = [i for i in infos if not i.is_dir()]
    if not files:
        problems.append(Problem(label, "", "is an empty zip archive.",
                                "Zip the .shp, .shx, .dbf and .prj of the Shapefile together.",
                                rule="zip-empty"))
        return False
    start = len(problems)
    for info in infos:
        name = info.filename
        if _unsafe_name(name):
            problems.append(Problem(label, "", f"contains a member with an unsafe path "
                                    f"{name[:120]!r}; archives whose members point outside "
                                    "their folder are refused (zip path traversal).",
                                    "Zip the files with plain relative names, e.g. "
                                    "'zones.shp'.", rule="zip-unsafe-path"))
        elif stat.S_ISLNK(info.external_attr >> 16):
            problems.append(Problem(label, "", f"contains a symbolic link {name[:120]!r}; "
                                    "links are refused.", "Zip the files themselves, not links "
                                    "to them.", rule="zip-symlink"))
        elif info.flag_bits & 0x1:
            problems.append(Problem(label, "", f"member {name[:120]!r} is password-protected.",
                                    "Zip the files again without a password.",
                                    rule="zip-encrypted"))
    total = sum(i.file_size for i in files)
    if total > limits.max_unzipped_bytes:
        problems.append(Problem(label, "", f"would unpack to {total / MIB:,.0f} MiB, more than "
                                f"the limit of {limits.max_unzipped_bytes / MIB:,.0f} MiB "
                                "(possible zip bomb); refused.",
                                "Upload a smaller layer, or simplify and split it.",
                                rule="zip-bomb"))
    else:
        for info in files:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
                problems.append(Problem(label, "", f"member {info.filename[:120]!r} inflates "
                                        f"{ratio:,.0f}:1 ({info.compress_size:,} bytes to "
                                        f"{info.file_size / MIB:,.0f} MiB), beyond the limit "
                                        f"of {limits.max_ratio:,.0f}:1 (possible zip bomb); "
                                        "refused.", "Zip the real layer files; no GIS "
                                        "file compresses that much.", rule="zip-bomb"))
                break
    return len(problems) == start


def _unsafe_name(name: str) -> bool:
    norm = name.replace("\\", "/")
    return (norm.startswith("/") or bool(_DRIVE.match(norm)) or "\x00" in norm
            or any(part == ".." for part in norm.split("/")))


def _usable(info: zipfile.ZipInfo) -> bool:
    """Skip folders and the resource forks macOS adds (``__MACOSX/``, ``._name``)."""
    path = PurePosixPath(info.filename.replace("\\", "/"))
    return (not info.is_dir() and "__MACOSX" not in path.parts
            and not path.name.startswith("."))


def _choose(infos: list[zipfile.ZipInfo], label: str, problems: list[Problem]
            ) -> list[tuple[zipfile.ZipInfo, str]]:
    """The members of the first dataset found, each with the suffix it is saved under."""
    usable = [i for i in infos if _usable(i)]
    by_suffix: dict[str, list[zipfile.ZipInfo]] = {}
    for info in usable:
        by_suffix.setdefault(PurePosixPath(info.filename).suffix.lower(), []).append(info)
    datasets = [i for s in DATASET_SUFFIXES for i in by_suffix.get(s, [])]
    if not datasets:
        names = ", ".join(repr(i.filename[:60]) for i in usable[:8]) or "nothing usable"
        nested = " It holds another zip: unzip that one once." if ".zip" in by_suffix else ""
        problems.append(Problem(label, "", f"holds no .shp, .gpkg, .kml or GeoJSON file "
                                f"(found: {names}).{nested}",
                                "Zip the .shp, .shx, .dbf and .prj of the Shapefile together.",
                                rule="zip-no-dataset"))
        return []
    first = datasets[0]
    if len(datasets) > 1:
        others = ", ".join(repr(i.filename[:60]) for i in datasets[1:6])
        problems.append(Problem(label, "", f"holds {len(datasets)} layers; read "
                                f"{first.filename[:60]!r} only (also: {others}).",
                                "Zip one layer per archive to load the others.",
                                severity="warning", rule="zip-several-layers"))
    suffix = PurePosixPath(first.filename).suffix.lower()
    if suffix != ".shp":
        return [(first, suffix)]
    stem = str(PurePosixPath(first.filename).with_suffix("")).lower()
    parts = {PurePosixPath(i.filename).suffix.lower(): i for i in usable
             if str(PurePosixPath(i.filename).with_suffix("")).lower() == stem}
    missing = [s for s in (".shx", ".dbf") if s not in parts]
    if missing:
        problems.append(Problem(label, "", f"{first.filename[:60]!r} comes without its "
                                f"{' and '.join(missing)} file(s); a Shapefile is several "
                                "files and needs them all.",
                                "Zip the .shp, .shx, .dbf and .prj (same name) together.",
                                rule="zip-shapefile-incomplete"))
        return []
    return [(parts[s], s) for s in SHAPEFILE_PARTS if s in parts]


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, out: Path, label: str,
                 problems: list[Problem], budget: list[int]) -> bool:
    """Inflate one member, counting bytes: a lying directory entry cannot exceed the budget."""
    written = 0
    try:
        with archive.open(info) as src, out.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > budget[0]:
                    problems.append(Problem(label, "", f"member {info.filename[:120]!r} "
                                            "inflates beyond the size limit (possible zip "
                                            "bomb); refused.", "Upload a smaller layer.",
                                            rule="zip-bomb"))
                    return False
                dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError,
            ValueError) as exc:
        problems.append(Problem(label, "", f"member {info.filename[:120]!r} cannot be "
                                f"unpacked ({exc}).", "Zip the files again with ordinary "
                                "(deflate) compression.", rule="zip-unreadable"))
        return False
    budget[0] -= written
    return True
