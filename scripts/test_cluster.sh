#!/usr/bin/env bash
# The cluster test of `make test` (README "Scaling"): scripts/run_cluster.sh's layout (nginx, 2 Rasa
# replicas, 2 action servers, 2 web gateways, Redis) on a throwaway PostgreSQL (with_postgres.sh),
# with the local Open311 fake as the city, then tests/cluster/test_cluster.py: 100 residents while
# one Rasa replica and one gateway are killed (kill -9) and come back. Everything runs on ports
# TEST_CLUSTER_PORT_BASE .. +42 (default 5600) and in a temporary directory; logs are kept in
# results/test/cluster/. Uses the latest model in models/ (make test trains it first).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

BASE=${TEST_CLUSTER_PORT_BASE:-5600}
if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  TEST_PG_PORT=${TEST_PG_PORT:-$((BASE + 42))} exec scripts/with_postgres.sh "$0" "$@"
fi
for program in nginx redis-server; do
  command -v "$program" >/dev/null || PATH="$PATH:/usr/sbin"
done
scripts/system_packages.sh --check test

started=$(date +%s)
DIR=$(mktemp -d /tmp/citizenbot-cluster.XXXXXX)
KEEP=results/test/cluster
CLUSTER_PID="" OPEN311_PID=""
finish() {
  local status=$?
  [ -n "$CLUSTER_PID" ] && { kill "$CLUSTER_PID" 2>/dev/null || true; wait "$CLUSTER_PID" 2>/dev/null || true; }
  stop_pid "$OPEN311_PID"
  rm -rf "$KEEP" && mkdir -p "$KEEP" && cp -r "$DIR"/log "$DIR"/*.log "$KEEP"/ 2>/dev/null || true
  rm -rf "$DIR"
  echo "cluster test: $(( $(date +%s) - started )) s in all (logs in $KEEP)"
  exit "$status"
}
trap finish EXIT

export CITY=${CITY:-tampere} RASA_TOKEN=${RASA_TOKEN:-dev-token-change-me} WEB_SECRET=${WEB_SECRET:-dev-secret-change-me}
always_open_kb "$DIR/kb"
export KB_DIR="$DIR/kb" DATABASE_URL="$TEST_POSTGRES_URL"
export CLUSTER_DIR="$DIR" CLUSTER_PORT=$BASE CLUSTER_RASA_LB_PORT=$((BASE + 1)) CLUSTER_ACTION_LB_PORT=$((BASE + 2))
export CLUSTER_RASA_PORTS="$((BASE + 10)) $((BASE + 11))" CLUSTER_ACTION_PORTS="$((BASE + 20)) $((BASE + 21))"
export CLUSTER_WEB_PORTS="$((BASE + 30)) $((BASE + 31))" CLUSTER_REDIS_PORT=$((BASE + 40))
export OPEN311_BASE_URL="http://127.0.0.1:$((BASE + 41))" OPEN311_API_KEY=cluster-test-key

$RUN python -m tests.reports.open311_fake --port $((BASE + 41)) --api-key "$OPEN311_API_KEY" >"$DIR/open311.log" 2>&1 &
OPEN311_PID=$!
scripts/run_cluster.sh >"$DIR/cluster.log" 2>&1 &
CLUSTER_PID=$!
echo "== cluster: starting nginx, 2 Rasa replicas, 2 action servers, 2 gateways (ports $BASE..$((BASE + 42)))"
waited=0
until grep -q "^cluster ready" "$DIR/cluster.log"; do
  if ! kill -0 "$CLUSTER_PID" 2>/dev/null || [ "$waited" -ge 600 ]; then
    echo "the cluster did not start:" >&2; tail -30 "$DIR/cluster.log" >&2; exit 1
  fi
  sleep 1; waited=$((waited + 1))
done
wait_http "$OPEN311_BASE_URL/services.json" 30 "the Open311 fake"
echo "== cluster: up after $(( $(date +%s) - started )) s; 100 residents, one Rasa replica and one gateway killed"
CLUSTER_URL="http://127.0.0.1:$BASE" CLUSTER_RASA_URL="http://127.0.0.1:$CLUSTER_RASA_LB_PORT" \
  CLUSTER_ACCESS_LOG="$DIR/log/nginx-access.log" $RUN pytest -q -s -p no:cacheprovider tests/cluster
