"""Feature versions (valid time and record time), layer file layouts, workspace items.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_COMMON = """
    layer VARCHAR(200) NOT NULL,
    fid VARCHAR(400) NOT NULL,
    seq INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    valid_from_day INTEGER,
    valid_to_day INTEGER,
    recorded_us BIGINT NOT NULL,
    superseded_us BIGINT,
    user_name VARCHAR(200) NOT NULL,
    source TEXT NOT NULL,
    confidence VARCHAR(20) NOT NULL,
    reason TEXT NOT NULL,
    action VARCHAR(20) NOT NULL,
    retired BOOLEAN NOT NULL,
    raw TEXT NOT NULL,
    minx DOUBLE PRECISION, miny DOUBLE PRECISION,
    maxx DOUBLE PRECISION, maxy DOUBLE PRECISION
"""

_SHARED = [
    """CREATE TABLE layer_files (
        layer VARCHAR(200) PRIMARY KEY,
        file_name VARCHAR(400) NOT NULL,
        header TEXT NOT NULL,
        separator TEXT NOT NULL,
        footer TEXT NOT NULL,
        style VARCHAR(20) NOT NULL,
        seed_sha VARCHAR(64)
    )""",
    "CREATE TABLE store_meta (name VARCHAR(100) PRIMARY KEY, value BIGINT NOT NULL)",
    "INSERT INTO store_meta (name, value) VALUES ('data_version', 0)",
    "CREATE UNIQUE INDEX ix_fv_current ON feature_versions (layer, fid) "
    "WHERE superseded_us IS NULL",
    "CREATE INDEX ix_fv_layer_current ON feature_versions (layer, ord) "
    "WHERE superseded_us IS NULL",
]

_SQLITE = [
    f"CREATE TABLE feature_versions (vid INTEGER PRIMARY KEY, {_COMMON}, geom BLOB, "
    "UNIQUE (layer, fid, seq))",
    # One R*Tree over space, valid time (days) and record time (seconds): a date step,
    # an as-known-on query and a map extent are all box queries on it.
    "CREATE VIRTUAL TABLE feature_versions_rtree USING rtree("
    "vid, minx, maxx, miny, maxy, vfrom, vto, rfrom, rto)",
    """CREATE TABLE workspace_items (
        item_id INTEGER PRIMARY KEY, kind VARCHAR(20) NOT NULL, name VARCHAR(400) NOT NULL,
        owner VARCHAR(200) NOT NULL, shared BOOLEAN NOT NULL, created_us BIGINT NOT NULL,
        updated_us BIGINT NOT NULL, payload TEXT NOT NULL, content BLOB,
        UNIQUE (owner, kind, name))""",
]

_POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS postgis",
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"CREATE TABLE feature_versions (vid BIGSERIAL PRIMARY KEY, {_COMMON}, "
    "geom geometry(Geometry, 4326), UNIQUE (layer, fid, seq))",
    # Two versions of one feature never claim the same moment: valid time x record time.
    """ALTER TABLE feature_versions ADD CONSTRAINT fv_one_version_per_moment
        EXCLUDE USING gist (layer WITH =, fid WITH =,
                            int4range(valid_from_day, valid_to_day) WITH &&,
                            int8range(recorded_us, superseded_us) WITH &&)""",
    "CREATE INDEX ix_fv_geom ON feature_versions USING gist (geom)",
    "CREATE INDEX ix_fv_valid_current ON feature_versions USING gist "
    "(layer, int4range(valid_from_day, valid_to_day)) WHERE superseded_us IS NULL",
    "CREATE INDEX ix_fv_bitemporal ON feature_versions USING gist "
    "(layer, int4range(valid_from_day, valid_to_day), int8range(recorded_us, superseded_us))",
    """CREATE TABLE workspace_items (
        item_id BIGSERIAL PRIMARY KEY, kind VARCHAR(20) NOT NULL, name VARCHAR(400) NOT NULL,
        owner VARCHAR(200) NOT NULL, shared BOOLEAN NOT NULL, created_us BIGINT NOT NULL,
        updated_us BIGINT NOT NULL, payload TEXT NOT NULL, content BYTEA,
        UNIQUE (owner, kind, name))""",
]


def upgrade() -> None:
    """Create the tables and indexes of the dialect in use."""
    dialect = op.get_bind().dialect.name
    for statement in (_SQLITE if dialect == "sqlite" else _POSTGRES) + _SHARED:
        op.execute(statement)


def downgrade() -> None:
    """Drop everything (a test or a fresh start; the data goes with it)."""
    dialect = op.get_bind().dialect.name
    tables = ["workspace_items", "store_meta", "layer_files", "feature_versions"]
    if dialect == "sqlite":
        tables.insert(0, "feature_versions_rtree")
    for table in tables:
        op.execute(f"DROP TABLE IF EXISTS {table}")
