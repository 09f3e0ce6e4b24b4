#!/usr/bin/env bash
# The team deployment on this machine, on loopback: PostgreSQL 15 + PostGIS (the shared store),
# N Streamlit app processes on it, and HAProxy in front (password file, sticky sessions,
# websockets passed through, the user's name handed to the apps with a per-deployment secret).
#
#   bash deploy/team.sh up        start what is not running (installs Debian packages if missing)
#   bash deploy/team.sh down      stop everything it started, by process id
#   bash deploy/team.sh status    what runs, where, and the address to open
#   bash deploy/team.sh user NAME ROLE [PASSWORD]   add or change a user (viewer|editor|admin)
#   bash deploy/team.sh restart-db | restart-proxy | kill-app K   (the fault drills)
#
# Everything lives in the run folder (BRIEFING_TEAM_RUN, default deploy/run/, git-ignored).
# Settings (environment): BRIEFING_TEAM_APPS (4), BRIEFING_TEAM_PORT (8600; apps on the next
# ports), BRIEFING_TEAM_PG_PORT (5433), BRIEFING_TEAM_DB_URL (use this database instead of
# starting a cluster; the tests pass BRIEFING_TEAM_PG_URL's), BRIEFING_MAX_UPLOAD_MB (50).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
RUN=${BRIEFING_TEAM_RUN:-$REPO/deploy/run}
# The settings "up" was given stay with the run folder, so later commands need none.
# shellcheck disable=SC1091
[ -f "$RUN/settings" ] && . "$RUN/settings"
APPS=${BRIEFING_TEAM_APPS:-4}
PORT=${BRIEFING_TEAM_PORT:-8600}
PG_PORT=${BRIEFING_TEAM_PG_PORT:-5433}
UPLOAD_MB=${BRIEFING_MAX_UPLOAD_MB:-50}
PGBIN=/usr/lib/postgresql/15/bin
PY="$REPO/.venv/bin/python"

say() { echo "team: $*"; }
die() { echo "team: $*" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

ensure_packages() {
  local missing=()
  [ -x "$PGBIN/postgres" ] || missing+=(postgresql-15)
  [ -f /usr/share/postgresql/15/extension/postgis.control ] || missing+=(postgresql-15-postgis-3)
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v openssl >/dev/null || missing+=(openssl)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (apt-get)"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  [ -x "$PY" ] && "$PY" -c "import sqlalchemy, psycopg" 2>/dev/null \
    || bash tools/setup.sh requirements.txt
}

secret() {  # one file per secret, owner-only, made once per deployment
  local file="$RUN/$1"
  [ -s "$file" ] || (umask 077; openssl rand -hex 24 > "$file")
  cat "$file"
}

db_url() {
  if [ -n "${BRIEFING_TEAM_DB_URL:-}" ]; then echo "$BRIEFING_TEAM_DB_URL"
  else echo "postgresql+psycopg://briefing:$(secret db-password)@127.0.0.1:$PG_PORT/briefing"; fi
}

pg_start() {
  [ -n "${BRIEFING_TEAM_DB_URL:-}" ] && return 0
  local data="$RUN/pg"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"; chown postgres: "$data" 2>/dev/null || true; chmod 700 "$data"
    as_pg "$PGBIN/initdb" -D "$data" -U postgres --auth=peer --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$RUN/initdb.log"
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    mkdir -p "$RUN/pg-socket"; chown postgres: "$RUN/pg-socket" 2>/dev/null || true
    touch "$RUN/pg.log"; chown postgres: "$RUN/pg.log" 2>/dev/null || true
    as_pg "$PGBIN/pg_ctl" -D "$data" -l "$RUN/pg.log" -w -t 30 start -o \
      "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $RUN/pg-socket -c max_connections=200" \
      >/dev/null
  fi
  local pw; pw=$(secret db-password)
  as_pg psql -h "$RUN/pg-socket" -p "$PG_PORT" -U postgres -qAt -v ON_ERROR_STOP=1 <<SQL >/dev/null
DO \$do\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'briefing') THEN
    CREATE ROLE briefing LOGIN;
  END IF;
END \$do\$;
ALTER ROLE briefing PASSWORD '$pw';
SELECT 'CREATE DATABASE briefing OWNER briefing'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'briefing') \gexec
SQL
  PGOPTIONS="-c client_min_messages=warning" as_pg psql -h "$RUN/pg-socket" -p "$PG_PORT" -U postgres -d briefing -qAt \
    -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS btree_gist" >/dev/null
}

pg_stop() {
  [ -f "$RUN/pg/postmaster.pid" ] || return 0
  as_pg "$PGBIN/pg_ctl" -D "$RUN/pg" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

store_init() {  # schema and the catalog's seed (the store's own commands; idempotent)
  local url; url=$(db_url)
  {
    BRIEFING_STORE=$url "$PY" -m layers.store.roles init
    if "$PY" -m layers store --help >/dev/null 2>&1; then
      BRIEFING_STORE=$url "$PY" -m layers store init
      BRIEFING_STORE=$url "$PY" -m layers store import geodata --user deploy \
        --source "catalog seed (geodata/)" --reason "team deployment seeded from the catalog"
    fi
  } >>"$RUN/store-setup.log" 2>&1 || die "the store could not be set up: see $RUN/store-setup.log"
}

add_user() {  # NAME ROLE [PASSWORD]: the proxy's password file and the store's role
  local name=$1 role=$2 pw=${3:-}
  [[ "$name" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "user name '$name': use letters, digits, . _ -"
  [ -n "$pw" ] || pw=$(openssl rand -hex 8)
  local hash; hash=$(openssl passwd -6 "$pw")
  (umask 077; touch "$RUN/users"; grep -v "^$name:" "$RUN/users" > "$RUN/users.new" || true
   echo "$name:$hash" >> "$RUN/users.new"; mv "$RUN/users.new" "$RUN/users")
  BRIEFING_STORE=$(db_url) "$PY" -m layers.store.roles set "$name" "$role" --by deploy \
    || die "could not give $name the role $role"
  (umask 077; grep -v "^$name " "$RUN/credentials" 2>/dev/null > "$RUN/cred.new" || true
   echo "$name $pw $role" >> "$RUN/cred.new"; mv "$RUN/cred.new" "$RUN/credentials")
}

proxy_config() {
  local pw_users; pw_users=$(awk -F: 'NF>=2 {print "  user " $1 " password " $2}' "$RUN/users")
  (umask 077; cat > "$RUN/haproxy.cfg" <<CFG
# Written by deploy/team.sh: do not edit (it holds the deployment's secret).
global
  maxconn 4000
defaults
  mode http
  option redispatch 1
  retries 3
  timeout connect 1s
  timeout client 1h
  timeout server 1h
  timeout tunnel 1h
  timeout http-request 10s
userlist team
$pw_users
frontend briefing
  bind 127.0.0.1:$PORT
  # Nobody but the proxy names the user: whatever the client sent is dropped first.
  http-request del-header X-Briefing-User
  http-request del-header X-Briefing-Proxy-Secret
  http-request auth realm "Briefing map" unless { http_auth(team) }
  http-request set-header X-Briefing-User %[http_auth_user]
  http-request set-header X-Briefing-Proxy-Secret $(secret proxy-secret)
  http-request del-header Authorization
  default_backend apps
backend apps
  balance leastconn
  # Sticky sessions (Streamlit keeps a session in one process); a dead process's
  # sessions are sent to a live one (redispatch) and rebuilt from the URL and the store.
  cookie BRIEFING_APP insert indirect nocache httponly
  option httpchk GET /_stcore/health
  http-check expect status 200
  # A busy app answers its health check late: marked down only after ~6 s of silence.
  # A killed one refuses connections at once, and those are redispatched on the spot.
  timeout check 3s
  default-server inter 2s fastinter 1s downinter 1s fall 3 rise 1
$(for k in $(seq 1 "$APPS"); do echo "  server app$k 127.0.0.1:$((PORT + k)) check cookie app$k"; done)
CFG
  )
}

proxy_start() {
  alive "$RUN/haproxy.pid" && return 0
  port_free "$PORT" || die "port $PORT is taken by another program: set BRIEFING_TEAM_PORT"
  proxy_config
  haproxy -c -q -f "$RUN/haproxy.cfg" || die "haproxy refused $RUN/haproxy.cfg"
  haproxy -D -f "$RUN/haproxy.cfg" -p "$RUN/haproxy.pid" >>"$RUN/haproxy.log" 2>&1
}

proxy_stop() { stop_pid "$RUN/haproxy.pid"; }

app_start() {  # K
  # No full garbage collection after every run: it holds the interpreter lock for
  # ~0.2 s with this heap, stalling every other session of the process (Python's own
  # generational collector still runs).
  local k=$1 pidf="$RUN/app$1.pid" store_url proxy_secret
  alive "$pidf" && return 0
  port_free $((PORT + k)) || die "port $((PORT + k)) is taken by another program: set \
BRIEFING_TEAM_PORT to a free range (the apps take the ports after it)"
  # Read here, in the foreground: a $(...) in the prefix of a command sent to the
  # background runs in that background subshell, and two apps started together would
  # each write a secret of their own (the proxy then vouches with only one of them).
  store_url=$(db_url); proxy_secret=$(secret proxy-secret)
  BRIEFING_STORE=$store_url BRIEFING_PROXY_SECRET=$proxy_secret BRIEFING_TEAM=1 \
  BRIEFING_STEP_LOG="$RUN/steps-app$k.jsonl" BRIEFING_MAX_UPLOAD_MB=$UPLOAD_MB \
    setsid "$REPO/.venv/bin/streamlit" run "$REPO/dashboard/app.py" \
      --server.address 127.0.0.1 --server.port $((PORT + k)) --server.headless true \
      --server.maxUploadSize "$UPLOAD_MB" --runner.postScriptGC false \
      </dev/null >>"$RUN/app$k.log" 2>&1 &
  echo $! > "$pidf"
}

port_free() {  # PORT: nothing listens on it at 127.0.0.1
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_http() {  # URL SECONDS [PIDFILE]: answers 200 (and the process is still alive)
  local i
  for i in $(seq 1 $(( $2 * 4 ))); do
    [ -z "${3:-}" ] || alive "$3" || return 1
    curl -fsS -o /dev/null -m 1 "$1" 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}

stop_pid() {  # PIDFILE: TERM, then KILL after 10 s; only the process recorded there
  local f=$1 pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

write_env() {
  (umask 077; cat > "$RUN/settings" <<SET
: "\${BRIEFING_TEAM_APPS:=$APPS}" "\${BRIEFING_TEAM_PORT:=$PORT}" "\${BRIEFING_TEAM_PG_PORT:=$PG_PORT}"
: "\${BRIEFING_MAX_UPLOAD_MB:=$UPLOAD_MB}"
SET
  [ -z "${BRIEFING_TEAM_DB_URL:-}" ] || echo ": \"\${BRIEFING_TEAM_DB_URL:=$BRIEFING_TEAM_DB_URL}\"" >> "$RUN/settings"
  cat > "$RUN/env" <<ENV
BRIEFING_TEAM_URL=http://127.0.0.1:$PORT/
BRIEFING_TEAM_APPS=$APPS
BRIEFING_TEAM_PORT=$PORT
BRIEFING_STORE=$(db_url)
ENV
  )
}

up() {
  mkdir -p "$RUN"; chmod 755 "$RUN"
  write_env
  ensure_packages
  pg_start
  store_init
  [ -s "$RUN/users" ] || add_user admin admin
  local k
  for k in $(seq 1 "$APPS"); do app_start "$k"; done
  for k in $(seq 1 "$APPS"); do
    wait_http "http://127.0.0.1:$((PORT + k))/_stcore/health" 90 "$RUN/app$k.pid" \
      || die "app $k did not answer on port $((PORT + k)): see $RUN/app$k.log"
  done
  proxy_start
  write_env
  status
}

down() {
  proxy_stop
  local f
  for f in "$RUN"/app*.pid; do [ -e "$f" ] && stop_pid "$f"; done
  pg_stop
  say "stopped"
}

status() {
  local k state
  if [ -z "${BRIEFING_TEAM_DB_URL:-}" ]; then
    if [ -f "$RUN/pg/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$RUN/pg" status >/dev/null 2>&1
    then say "postgresql  up    127.0.0.1:$PG_PORT (data $RUN/pg)"
    else say "postgresql  down"; fi
  fi
  for k in $(seq 1 "$APPS"); do
    if alive "$RUN/app$k.pid"; then state="up    pid $(cat "$RUN/app$k.pid")"; else state=down; fi
    say "app$k        $state 127.0.0.1:$((PORT + k))"
  done
  if alive "$RUN/haproxy.pid"; then
    say "proxy       up    http://127.0.0.1:$PORT/  (users and passwords: $RUN/credentials)"
  else say "proxy       down"; fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  user) [ $# -ge 3 ] || die "usage: team.sh user NAME viewer|editor|admin [PASSWORD]"
        mkdir -p "$RUN"; add_user "$2" "$3" "${4:-}"
        if alive "$RUN/haproxy.pid"; then proxy_stop; proxy_start; fi ;;
  restart-db) pg_stop; pg_start ;;
  restart-proxy) proxy_stop; proxy_start ;;
  kill-app) [ $# -ge 2 ] || die "usage: team.sh kill-app K"
            alive "$RUN/app$2.pid" && kill -9 "$(cat "$RUN/app$2.pid")" ;;
  start-app) [ $# -ge 2 ] || die "usage: team.sh start-app K"; app_start "$2" ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
