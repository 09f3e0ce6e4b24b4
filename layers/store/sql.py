"""The few statements that differ between SQLite and PostGIS, with bind parameters only.

SQLite keeps geometry as WKB and answers box queries (space, valid time, record
time) from one R*Tree; PostGIS keeps a geometry column with GiST indexes on it
and on the validity and record ranges. Nothing from a feature or an edit is ever
put into the SQL text: every value is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from layers.store.versions import COLUMNS

#: Open ends of valid time (days) and record time (seconds) in the SQLite R*Tree.
FAR_DAYS = 10_000_000.0
FAR_SECONDS = 1.0e12
WORLD = (-1000.0, -1000.0, 1000.0, 1000.0)

_INSERT = ("INSERT INTO feature_versions (layer, fid, seq, ord, valid_from_day, valid_to_day, "
           "recorded_us, superseded_us, user_name, source, confidence, reason, action, "
           "retired, raw, minx, miny, maxx, maxy, geom) VALUES (:layer, :fid, :seq, :ord, "
           ":vfrom, :vto, :rec, :sup, :user, :source, :confidence, :reason, :action, "
           ":retired, :raw, :minx, :miny, :maxx, :maxy, {geom}) RETURNING vid")
_RTREE = ("INSERT INTO feature_versions_rtree (vid, minx, maxx, miny, maxy, vfrom, vto, "
          "rfrom, rto) VALUES (:vid, :minx, :maxx, :miny, :maxy, :rv_from, :rv_to, "
          ":rr_from, :rr_to)")


@dataclass(frozen=True)
class Query:
    """An as-of question: valid days ``[day_lo, day_hi]``, as known at ``known_us``."""

    layers: Sequence[str]
    day_lo: int
    day_hi: int
    known_us: int | None = None
    bbox: tuple[float, float, float, float] | None = None


def is_sqlite(conn: Connection) -> bool:
    """Whether this connection is to the embedded SQLite file."""
    return conn.dialect.name == "sqlite"


def rtree_values(row: dict[str, Any]) -> dict[str, Any]:
    """The R*Tree box of a version row (open ends far away)."""
    minx, miny, maxx, maxy = (WORLD if row["minx"] is None else
                              (row["minx"], row["miny"], row["maxx"], row["maxy"]))
    return {"minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy,
            "rv_from": -FAR_DAYS if row["vfrom"] is None else float(row["vfrom"]),
            "rv_to": FAR_DAYS if row["vto"] is None else float(row["vto"]),
            "rr_from": row["rec"] / 1e6,
            "rr_to": FAR_SECONDS if row["sup"] is None else row["sup"] / 1e6}


def insert_versions(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert version rows (keys as in ``_INSERT``) in one batch; return their ids.

    SQLite numbers them itself (the write lock is held) so the R*Tree rows can be
    written in the same batch; PostgreSQL draws them from its sequence and returns
    the id of a single row only (a batch returns an empty list).
    """
    if not rows:
        return []
    if is_sqlite(conn):
        start = int(conn.execute(sa.text("SELECT COALESCE(MAX(vid), 0) FROM feature_versions")
                                 ).scalar_one()) + 1
        ids = list(range(start, start + len(rows)))
        batch = [{**row, "vid": vid} for vid, row in zip(ids, rows, strict=True)]
        conn.execute(sa.text(_INSERT.replace("(layer,", "(vid, layer,", 1).replace(
            "(:layer,", "(:vid, :layer,", 1).format(geom=":wkb").replace(" RETURNING vid", "")),
            batch)
        conn.execute(sa.text(_RTREE), [{"vid": r["vid"], **rtree_values(r)} for r in batch])
        return ids
    statement = _INSERT.format(geom="CASE WHEN CAST(:wkb AS bytea) IS NULL THEN NULL "
                                    "ELSE ST_GeomFromWKB(CAST(:wkb AS bytea), 4326) END")
    if len(rows) == 1:
        return [int(conn.execute(sa.text(statement), rows[0]).scalar_one())]
    conn.execute(sa.text(statement.replace(" RETURNING vid", "")), rows)
    return []


def supersede(conn: Connection, vids: list[int], at_us: int) -> None:
    """Close the record time of these versions (the only update a version ever gets)."""
    if not vids:
        return
    params = [{"vid": v, "at": at_us} for v in vids]
    conn.execute(sa.text("UPDATE feature_versions SET superseded_us = :at "
                         "WHERE vid = :vid AND superseded_us IS NULL"), params)
    if is_sqlite(conn):
        conn.execute(sa.text("UPDATE feature_versions_rtree SET rto = :at / 1e6 "
                             "WHERE vid = :vid"), params)


def current_rows(conn: Connection, layer: str, fid: str | None = None, *,
                 lock: bool = False) -> list[Any]:
    """The latest version of one feature (or of every feature of a layer)."""
    sql = f"SELECT {COLUMNS} FROM feature_versions WHERE layer = :layer AND superseded_us IS NULL"
    params: dict[str, Any] = {"layer": layer}
    if fid is not None:
        sql += " AND fid = :fid"
        params["fid"] = fid
    sql += " ORDER BY ord, fid"
    if lock and not is_sqlite(conn):  # SQLite's BEGIN IMMEDIATE already serialises writers
        # Writers of one feature queue on a lock of its own; the SELECT after it sees what
        # the writer before committed (a row lock would hide the superseded row instead).
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:layer), "
                             "hashtext(COALESCE(:fid, '*')))"),
                     {"layer": layer, "fid": fid})
        sql += " FOR UPDATE"
    return list(conn.execute(sa.text(sql), params))


def known_clause(known_us: int | None) -> tuple[str, dict[str, Any]]:
    """The record-time condition: the latest record, or what was held at ``known_us``."""
    if known_us is None:
        return "v.superseded_us IS NULL", {}
    return ("v.recorded_us <= :known AND (v.superseded_us IS NULL OR v.superseded_us > :known)",
            {"known": known_us})


def as_of_rows(conn: Connection, query: Query) -> list[Any]:
    """Rows ``(layer, raw, wkb)`` of the features valid in the days, as known then."""
    known, params = known_clause(query.known_us)
    params.update({"lo": query.day_lo, "hi": query.day_hi, "layers": list(query.layers)})
    exact = ("v.layer IN :layers AND NOT v.retired AND " + known +
             " AND (v.valid_from_day IS NULL OR v.valid_from_day <= :hi)"
             " AND (v.valid_to_day IS NULL OR v.valid_to_day > :lo)")
    if is_sqlite(conn):
        box = "r.vfrom <= :hi AND r.vto > :lo"
        box += " AND r.rto > :known_s AND r.rfrom <= :known_s" if query.known_us else \
            " AND r.rto >= :far"
        params.update({"known_s": (query.known_us or 0) / 1e6, "far": FAR_SECONDS * 0.99})
        if query.bbox:
            box += " AND r.maxx >= :x0 AND r.minx <= :x1 AND r.maxy >= :y0 AND r.miny <= :y1"
        sql = (f"SELECT v.layer, v.raw, v.geom FROM feature_versions_rtree r CROSS JOIN "
               f"feature_versions v ON v.vid = r.vid WHERE {box} AND {exact} ORDER BY v.ord")
    else:
        spatial = (" AND v.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)"
                   if query.bbox else "")
        sql = (f"SELECT v.layer, v.raw, ST_AsBinary(v.geom) FROM feature_versions v WHERE "
               f"int4range(v.valid_from_day, v.valid_to_day) && int4range(:lo, :hi, '[]') "
               f"AND {exact}{spatial} ORDER BY v.ord")
    if query.bbox:
        params.update(dict(zip(("x0", "y0", "x1", "y1"), query.bbox, strict=True)))
    statement = sa.text(sql).bindparams(sa.bindparam("layers", expanding=True))
    return list(conn.execute(statement, params))
