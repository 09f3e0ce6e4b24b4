"""XLSX workbooks: a zip of XML, so zip safety and the XML entity check come first.

An ``.xlsx`` is a zip archive like a KMZ: it is opened through
:func:`layers.ingest.zipsafe.check_archive` (bombs, traversal, links), every
XML member is read whole and refused if it declares a DOCTYPE or ENTITY, and
only then does openpyxl (read-only, values not formulas) see it. The first
sheet with a header row is read, as text cells like a CSV.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile

import pandas as pd

from layers.ingest.zipsafe import ZipLimits, check_archive, read_member
from layers.problems import Problem

#: Rows read from one sheet (the feature limit applies after).
MAX_ROWS = 1_000_000


def read_xlsx(data: bytes, label: str, problems: list[Problem],
              limits: ZipLimits | None = None) -> pd.DataFrame | None:
    """The first non-empty sheet as a frame of text cells (dates as YYYY-MM-DD), or None."""
    limits = limits or ZipLimits()
    archive = check_archive(data, label, problems, limits)
    if archive is None:
        return None
    with archive:
        if not _xml_is_plain(archive, label, problems, limits):
            return None
    import openpyxl  # local: only workbooks need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = _first_table(book)
            book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        problems.append(Problem(label, "", f"could not be read as an Excel workbook "
                                f"({type(exc).__name__}).", "Save it again from Excel as .xlsx, "
                                "or export the sheet as CSV.", rule="unreadable"))
        return None
    if not rows:
        problems.append(Problem(label, "", "has no sheet with a header row and data.",
                                "Put the table on the first sheet, headers in row 1.",
                                rule="empty"))
        return None
    header = [str(h).strip() if h is not None else f"column_{i + 1}"
              for i, h in enumerate(rows[0])]
    body = [[_text(v) for v in row[:len(header)]] for row in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object)


def _xml_is_plain(archive: zipfile.ZipFile, label: str, problems: list[Problem],
                  limits: ZipLimits) -> bool:
    budget = [limits.max_unzipped_bytes]
    for info in archive.infolist():
        if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels")):
            continue
        body = read_member(archive, info, label, problems, budget)
        if body is None:
            return False
        lower = body.lower()
        if b"<!doctype" in lower or b"<!entity" in lower:
            problems.append(Problem(label, "", f"member {info.filename[:80]!r} declares a "
                                    "DOCTYPE or ENTITY; such workbooks are refused (entity "
                                    "expansion can exhaust memory or read local files).",
                                    "Save the workbook again from Excel or LibreOffice.",
                                    rule="xml-doctype"))
            return False
    return True


def _first_table(book: object) -> list[tuple]:
    for sheet in book.worksheets:  # type: ignore[attr-defined]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS:
                break
            if rows or any(v is not None for v in row):
                rows.append(row)
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        if len(rows) >= 2:
            return rows
    return []


def _text(value: object) -> str | None:
    """A cell as a CSV would hold it: dates ISO, whole numbers without '.0'."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
