#!/usr/bin/env bash
# Set everything up and run the tests: unit, app (AppTest) and real-browser (Chromium).
set -euo pipefail
cd "$(dirname "$0")"
# Debian packages: Chromium for the browser tests; PostgreSQL 15 + PostGIS for the store's
# team-backend tests (tests/store/, tests/team/).
PKGS=()
[ -x /usr/bin/chromium ] || PKGS+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || PKGS+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || PKGS+=(postgresql-15-postgis-3)
# HAProxy: the team deployment's proxy (tests/team/test_team_deploy.py brings it up).
command -v haproxy >/dev/null || PKGS+=(haproxy)
if [ ${#PKGS[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${PKGS[@]}" >/dev/null
fi
bash tools/setup.sh requirements-dev.txt
.venv/bin/ruff check .
# A throwaway PostgreSQL cluster on a free local port, stopped after the tests whatever
# their outcome (unless BRIEFING_TEST_PG_URL already names a database to use).
if [ -z "${BRIEFING_TEST_PG_URL:-}" ]; then
  PG_DIR=$(mktemp -d)
  chmod 755 "$PG_DIR"  # the server runs as user postgres
  trap 'bash tools/pg_cluster.sh stop "$PG_DIR/data" >/dev/null 2>&1 || true; rm -rf "$PG_DIR"' EXIT
  PG_PORT=$(.venv/bin/python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  BRIEFING_TEST_PG_URL=$(bash tools/pg_cluster.sh start "$PG_DIR/data" "$PG_PORT")
  export BRIEFING_TEST_PG_URL
fi
.venv/bin/python -m pytest "$@"
