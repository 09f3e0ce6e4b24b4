#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS cluster for the store's tests (and for trying the team
# backend by hand):
#   bash tools/pg_cluster.sh start DATADIR PORT   # initdb if needed, start on 127.0.0.1:PORT,
#                                                 # create database "briefing" with postgis and
#                                                 # btree_gist, print its SQLAlchemy URL
#   bash tools/pg_cluster.sh stop DATADIR         # stop it (fast shutdown)
# As root, the server runs as the "postgres" user (PostgreSQL refuses to run as root).
set -euo pipefail
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}; data=${2:-}; port=${3:-}
usage() { echo "usage: $0 start DATADIR PORT | stop DATADIR" >&2; exit 2; }
[ -n "$cmd" ] && [ -n "$data" ] || usage
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
  start)
    [ -n "$port" ] || usage
    [ -x "$BIN/initdb" ] || { echo "no PostgreSQL 15 in $BIN (apt-get install postgresql-15 postgresql-15-postgis-3)" >&2; exit 1; }
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    if [ ! -f "$data/PG_VERSION" ]; then
      as_pg "$BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
        || { cat "$data.initdb.log" >&2; exit 1; }
    fi
    # -l: the server's output goes to a file, or a caller that captures ours waits forever.
    as_pg "$BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || { tail -20 "$data/server.log" >&2; exit 1; }
    psql=("$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres)
    if ! as_pg "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='briefing'" | grep -q 1; then
      as_pg "${psql[@]}" -d postgres -c "CREATE DATABASE briefing" >/dev/null
    fi
    as_pg "${psql[@]}" -d briefing -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS btree_gist;" >/dev/null
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/briefing"
    ;;
  stop)
    if [ -f "$data/postmaster.pid" ]; then
      pid=$(head -1 "$data/postmaster.pid")
      as_pg "$BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null \
        || { kill "$pid" 2>/dev/null || true; }  # the server's own pid, nothing else
    fi
    ;;
  *) usage ;;
esac
