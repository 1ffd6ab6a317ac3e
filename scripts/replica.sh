#!/usr/bin/env bash
# A real PostgreSQL streaming replica of the local primary, for the read-replica tests:
#   scripts/replica.sh start|stop|status|drop
# start: copies the primary (127.0.0.1:5432) with pg_basebackup -R into $STORE_REPLICA_DIR
#        and runs it as a hot standby on 127.0.0.1:$STORE_REPLICA_PORT (5433); nothing to do
#        when it already runs. Lets the primary accept replication connections from
#        127.0.0.1 first when its pg_hba.conf does not (one line, then a reload).
# stop:  stops the standby, keeping its data for the next start.
# drop:  stops it and deletes its data.
# status: exit 0 when the standby answers on its port and is in recovery.
# PostgreSQL refuses to run as root: run as root or postgres, the servers run as postgres.
set -euo pipefail

PRIMARY_HOST=127.0.0.1
PRIMARY_PORT=${STORE_PRIMARY_PORT:-5432}
PORT=${STORE_REPLICA_PORT:-5433}
DIR=${STORE_REPLICA_DIR:-/tmp/store-replica}
DATA=$DIR/data
LOG=$DIR/postgresql.log
OS_USER=postgres

say() { echo "replica: $*" >&2; }

case "$DIR" in
  /?*) ;;
  *) say "STORE_REPLICA_DIR must be an absolute path below /, not '$DIR'"; exit 2 ;;
esac

version=${STORE_PG_VERSION:-$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)}
BIN=/usr/lib/postgresql/${version}/bin
if [ -z "$version" ] || [ ! -x "$BIN/pg_basebackup" ] || [ ! -x "$BIN/pg_ctl" ]; then
  say "PostgreSQL server binaries not found under /usr/lib/postgresql/<version>/bin"
  exit 3
fi

as_postgres() {
  if [ "$(id -un)" = "$OS_USER" ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u "$OS_USER" -- "$@"
  else
    say "run as root or as $OS_USER: PostgreSQL runs as $OS_USER"
    exit 4
  fi
}

psql_at() { # psql_at PORT SQL: one value, no headers
  "$BIN/psql" -X -q -At -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"
}

is_running() {
  [ "$(psql_at "$PORT" "SELECT pg_is_in_recovery()" 2>/dev/null)" = "t" ]
}

wait_until() { # wait_until SECONDS COMMAND...: poll every 0.2 s
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}

is_streaming() {
  [ "$(psql_at "$PORT" "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null)" = "streaming" ]
}

allow_replication_on_primary() {
  if "$BIN/psql" -X -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
    "dbname=replication replication=true" -c "IDENTIFY_SYSTEM" >/dev/null 2>&1; then
    return 0
  fi
  local hba
  hba=$(psql_at "$PRIMARY_PORT" "SHOW hba_file")
  if ! grep -qE '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(postgres|all)[[:space:]]+127\.0\.0\.1/32' "$hba"; then
    # The same authentication as the primary's other connections from 127.0.0.1.
    local method
    method=$(awk '$1 == "host" && $2 == "all" && ($3 == "all" || $3 == "postgres") && $4 == "127.0.0.1/32" { print $5; exit }' "$hba")
    say "allowing replication connections from 127.0.0.1 in $hba (${method:-trust})"
    printf '# Streaming replica for the tests (scripts/replica.sh)\nhost replication postgres 127.0.0.1/32 %s\n' \
      "${method:-trust}" >>"$hba"
  fi
  psql_at "$PRIMARY_PORT" "SELECT pg_reload_conf()" >/dev/null
  wait_until 10 "$BIN/psql" -X -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
    "dbname=replication replication=true" -c "IDENTIFY_SYSTEM" >/dev/null 2>&1 \
    || { say "the primary still refuses replication connections (see $hba)"; exit 5; }
}

base_backup() {
  say "copying the primary at $PRIMARY_HOST:$PRIMARY_PORT into $DATA"
  rm -rf "$DATA"
  mkdir -p "$DIR"
  chown "$OS_USER": "$DIR" 2>/dev/null || true
  chmod 700 "$DIR"
  as_postgres "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
    -D "$DATA" -R -X stream -c fast
  # Debian keeps the primary's configuration outside its data directory: the standby gets its
  # own, local only (it serves the tests on this machine, like the primary's trust lines).
  as_postgres tee "$DATA/postgresql.conf" >/dev/null <<EOF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
hot_standby = on
hot_standby_feedback = on
max_connections = 100
shared_buffers = 32MB
logging_collector = off
EOF
  as_postgres tee "$DATA/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
}

start_server() {
  # The server must not inherit the lock (fd 9): it would hold it for as long as it runs.
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null 9>&-
}

start() {
  if is_running; then
    say "already running on port $PORT"
    return 0
  fi
  if ! "$BIN/pg_isready" -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"; then
    say "the primary at $PRIMARY_HOST:$PRIMARY_PORT is not running"
    exit 6
  fi
  allow_replication_on_primary
  local began=$SECONDS
  if [ -f "$DATA/standby.signal" ]; then
    # A stopped standby resumes if the primary still has the WAL it needs; otherwise copy again.
    if start_server && wait_until 15 is_streaming; then
      say "resumed on port $PORT in $((SECONDS - began)) s"
      return 0
    fi
    say "the old copy cannot catch up: copying again"
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  base_backup
  start_server
  wait_until 30 is_streaming || { say "started but not streaming (see $LOG)"; exit 7; }
  say "streaming from port $PRIMARY_PORT on port $PORT ($((SECONDS - began)) s)"
}

stop() {
  if [ -f "$DATA/postmaster.pid" ]; then
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

# Two test processes may start it at once: one at a time.
mkdir -p "$(dirname "$DIR")"
exec 9>"$DIR.lock"
flock 9

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  drop) stop; rm -rf "$DIR"; say "data deleted" ;;
  status)
    if is_running; then
      say "running on port $PORT, $(is_streaming && echo streaming || echo 'not streaming')"
    else
      say "not running"
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|status|drop" >&2
    exit 2
    ;;
esac
