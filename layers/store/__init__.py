"""The workspace store: every version of every feature, with who, when, source and reason.

Room for the store (embedded SQLite by default, PostgreSQL + PostGIS for a team):
it keeps versions rather than overwriting, answers "as of date D, as known on T",
and hands validated frames to the rest of the flow like a file would.

May import: :mod:`layers.errors`, :mod:`layers.problems`, :mod:`layers.geo`,
:mod:`layers.core`, :mod:`layers.ingest`.
"""
