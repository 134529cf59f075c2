#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server (TEST_POSTGRES_URL set for it), when the
# PostgreSQL server binaries are installed (Debian package `postgresql`; scripts/system_packages.sh
# installs it).
# Without them the command runs alone and the PostgreSQL tests report themselves as skipped.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "(no PostgreSQL server binaries: PostgreSQL tests are skipped)" >&2
  exec "$@"
fi
PORT="${TEST_PG_PORT:-55432}"
DIR=$(mktemp -d /tmp/citizenbot-pg.XXXXXX)
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$DIR/data" stop -m fast >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$DIR/data" -A trust -U citizenbot >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U citizenbot citizenbot_test
export TEST_POSTGRES_URL="postgresql+psycopg2://citizenbot@127.0.0.1:$PORT/citizenbot_test"
"$@"
