#!/usr/bin/env bash
# `make run-cluster`: the production layout on one machine, from the project's own processes (no
# containers): nginx in front of several Rasa replicas, action servers and web gateways, all on
# PostgreSQL, with Redis as Rasa's lock store and for the gateways' Socket.IO rooms.
#
#   nginx :CLUSTER_PORT          -> web gateways (CLUSTER_WEB_PORTS)     sticky per client address
#   nginx :CLUSTER_RASA_LB_PORT  -> Rasa replicas (CLUSTER_RASA_PORTS)   hash of the conversation id
#   nginx :CLUSTER_ACTION_LB_PORT-> action servers (CLUSTER_ACTION_PORTS) least connections
#
# Needs the Debian packages nginx, redis-server and postgresql (README: "Scaling"). DATABASE_URL:
# a postgresql URL is used as it is; otherwise a PostgreSQL server of the cluster's own is started
# with its data in var/cluster/pg (kept between runs). Ctrl-C stops everything.
#
#   scripts/run_cluster.sh               start and wait
#   scripts/run_cluster.sh --nginx-site  print nginx's upstreams and servers for these ports
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

CLUSTER_DIR=${CLUSTER_DIR:-$PWD/var/cluster}
CLUSTER_PORT=${CLUSTER_PORT:-8000}
CLUSTER_RASA_LB_PORT=${CLUSTER_RASA_LB_PORT:-8001}
CLUSTER_ACTION_LB_PORT=${CLUSTER_ACTION_LB_PORT:-8002}
CLUSTER_RASA_PORTS=${CLUSTER_RASA_PORTS:-5005 5006}
CLUSTER_ACTION_PORTS=${CLUSTER_ACTION_PORTS:-5055 5056}
CLUSTER_WEB_PORTS=${CLUSTER_WEB_PORTS:-8081 8082}
CLUSTER_REDIS_PORT=${CLUSTER_REDIS_PORT:-6379}
CLUSTER_PG_PORT=${CLUSTER_PG_PORT:-55433}
CLUSTER_MODEL=${CLUSTER_MODEL:-models}
RASA_TOKEN=${RASA_TOKEN:-dev-token-change-me}

servers() {  # servers "OPTIONS" PORTS...: one nginx upstream line per port
  local options=$1 port
  shift
  for port in "$@"; do echo "    server 127.0.0.1:$port $options;"; done
}

# nginx's part of the layout (http context). deploy/nginx/citizenbot.conf is this with the defaults.
nginx_site() {
  # shellcheck disable=SC2086  # the port lists are split on purpose
  cat <<EOF
# citizenbot behind nginx (written by scripts/run_cluster.sh --nginx-site; http context).

# One conversation, one Rasa replica: the web gateways send X-Conversation-Id with every call;
# Rasa's API paths (/conversations/<id>/...) name it too. A replica that is down is skipped
# (consistent hashing moves only its conversations). A message already sent to a replica is not
# sent to another (nginx passes a POST on only when the connection failed), so none is processed
# twice. \$request_uri is the path as sent (still quoted, like the header).
map \$request_uri \$citizenbot_path_conversation {
    ~^/conversations/(?<cid>[^/?]+)/  \$cid;
    default                          "";
}
map \$http_x_conversation_id \$citizenbot_conversation {
    ""       \$citizenbot_path_conversation;
    default  \$http_x_conversation_id;
}
map \$http_upgrade \$citizenbot_connection {
    default  upgrade;
    ""       close;
}

# max_fails=0: a replica is never marked down for a while, each request tries the conversation's
# replica first (a refused connection costs a millisecond) and only then the next one on the ring.
# Marking it down would let a returning replica take one trial request while the conversation's
# other messages go elsewhere, splitting it between replicas for that moment.
upstream citizenbot_rasa {
    zone citizenbot_rasa 64k;
    hash \$citizenbot_conversation consistent;
$(servers "max_fails=0" $CLUSTER_RASA_PORTS)
}

upstream citizenbot_actions {
    zone citizenbot_actions 64k;
    least_conn;
$(servers "max_fails=1 fail_timeout=5s" $CLUSTER_ACTION_PORTS)
}

# Socket.IO's long-polling fallback needs every request of a client at one gateway; rooms are
# shared across gateways through Redis (SOCKETIO_REDIS_URL).
upstream citizenbot_web {
    zone citizenbot_web 64k;
    ip_hash;
$(servers "max_fails=1 fail_timeout=5s" $CLUSTER_WEB_PORTS)
}

server {  # Rasa: for the gateways and the trainers' tools, not for the internet
    listen 127.0.0.1:$CLUSTER_RASA_LB_PORT;
    client_max_body_size 200m;  # a model upload (citizenbot deploy)
    location / {
        proxy_pass http://citizenbot_rasa;
        proxy_read_timeout 120s;
        proxy_next_upstream error timeout http_502 http_503;
    }
}

server {  # action servers: for the Rasa replicas
    listen 127.0.0.1:$CLUSTER_ACTION_LB_PORT;
    location / {
        proxy_pass http://citizenbot_actions;
        proxy_read_timeout 60s;
    }
}

server {  # residents' widget and pages, staff console
    listen $CLUSTER_PORT;
    client_max_body_size 6m;  # a fault report's photo (POST /widget/photo, at most 4 MB)
    location /socket.io/ {
        proxy_pass http://citizenbot_web;
        proxy_http_version 1.1;
        proxy_set_header Upgrade \$http_upgrade;
        proxy_set_header Connection \$citizenbot_connection;
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_read_timeout 3600s;
    }
    location / {
        proxy_pass http://citizenbot_web;
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
    }
}
EOF
}

if [ "${1:-}" = "--nginx-site" ]; then
  nginx_site
  exit 0
fi

for program in nginx redis-server; do
  command -v "$program" >/dev/null || PATH="$PATH:/usr/sbin"
  command -v "$program" >/dev/null || { echo "$program is not installed (Debian: apt-get install nginx redis-server)" >&2; exit 1; }
done

mkdir -p "$CLUSTER_DIR"/{log,nginx/tmp,redis}
LOG=$CLUSTER_DIR/log
PIDS=()
PG_DATA=""
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_all() {  # each process runs in a session of its own (start): stop the whole group
  local pid
  for pid in "${PIDS[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$PG_DATA" ]; then as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" stop -m fast >/dev/null 2>&1 || true; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# start NAME COMMAND...: in the background, output to $LOG/NAME.log, started again 2 s after it
# exits (as systemd's Restart= does in deploy/systemd/): a replica that dies comes back while
# nginx sends its conversations to the others.
start() {
  local name=$1
  shift
  setsid bash -c 'while true; do "$@"; echo "[run_cluster] exited with $?; starting again in 2 s"; sleep 2; done' \
    _ "$@" >"$LOG/$name.log" 2>&1 &
  PIDS+=($!)
}
ready() {  # ready NAME URL SECONDS
  wait_http "$2" "$3" "$1" || { tail -30 "$LOG/$1.log" >&2; exit 1; }
}

# --- Redis and PostgreSQL -----------------------------------------------------------------------
start redis redis-server --port "$CLUSTER_REDIS_PORT" --bind 127.0.0.1 --dir "$CLUSTER_DIR/redis" \
  --save "" --appendonly no
if [[ "${DATABASE_URL:-}" != postgresql* ]]; then
  [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries missing (Debian: apt-get install postgresql)" >&2; exit 1; }
  PG_DATA=$CLUSTER_DIR/pg
  if [ ! -d "$PG_DATA" ]; then
    mkdir -p "$PG_DATA" && [ "$(id -u)" = 0 ] && chown postgres "$PG_DATA"
    as_pg "$PGBIN/initdb" -D "$PG_DATA" -A trust -U citizenbot >/dev/null
    NEW_PG=1
  fi
  [ "$(id -u)" = 0 ] && chown postgres "$LOG" && touch "$LOG/postgres.log" && chown postgres "$LOG/postgres.log"
  as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$LOG/postgres.log" -w \
    -o "-p $CLUSTER_PG_PORT -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
  [ -n "${NEW_PG:-}" ] && "$PGBIN/createdb" -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U citizenbot citizenbot
  DATABASE_URL="postgresql+psycopg2://citizenbot@127.0.0.1:$CLUSTER_PG_PORT/citizenbot"
fi
export DATABASE_URL RASA_TOKEN
# A replica killed while it held a conversation's lock leaves its ticket in Redis: the
# conversation's next message waits until the ticket expires (Rasa's default: 60 s, longer than
# the gateway waits for Rasa, 30 s). The lifetime must stay longer than a message takes, waiting
# included, or two messages of one conversation may overlap: here well under a second (the Open311
# outbox works in the background), seconds only on an overloaded machine (README "Capacity").
export TICKET_LOCK_LIFETIME=${TICKET_LOCK_LIFETIME:-15}
export REDIS_HOST=127.0.0.1 REDIS_PORT=$CLUSTER_REDIS_PORT REDIS_LOCK_DB=0
export SOCKETIO_REDIS_URL="redis://127.0.0.1:$CLUSTER_REDIS_PORT/1"
export ACTION_ENDPOINT_URL="http://127.0.0.1:$CLUSTER_ACTION_LB_PORT/webhook"
export RASA_URL="http://127.0.0.1:$CLUSTER_RASA_LB_PORT"
$RUN citizenbot seed  # also migrates the schema, once, before the replicas start
# Rasa's tracker store makes its table at start (create_all): replicas starting together on
# PostgreSQL could both try; make it once here.
$RUN python -c "from citizenbot.rasa_ext.tracker_store import DatabaseUrlTrackerStore as S; S().engine.dispose()" \
  >"$LOG/tracker-table.log" 2>&1 || { tail -20 "$LOG/tracker-table.log" >&2; exit 1; }

# --- the replicas --------------------------------------------------------------------------------
for port in $CLUSTER_ACTION_PORTS; do
  start "actions-$port" $RUN citizenbot actions --port "$port"
done
for port in $CLUSTER_RASA_PORTS; do
  start "rasa-$port" $RUN rasa run --model "$CLUSTER_MODEL" --enable-api --auth-token "$RASA_TOKEN" \
    --port "$port" --interface 127.0.0.1 --credentials credentials.yml --endpoints deploy/endpoints.yml
done
for port in $CLUSTER_WEB_PORTS; do
  start "web-$port" $RUN citizenbot web --port "$port"
done

# --- nginx ---------------------------------------------------------------------------------------
cat >"$CLUSTER_DIR/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $CLUSTER_DIR/nginx/nginx.pid;
error_log $LOG/nginx-error.log warn;
user $(id -un);
events { worker_connections 4096; }
http {
    log_format upstream '\$remote_addr [\$time_local] "\$request" \$status \$upstream_addr \$request_time '
                        'conversation=\$citizenbot_conversation';
    access_log $LOG/nginx-access.log upstream;  # which replica served each request
    client_body_temp_path $CLUSTER_DIR/nginx/tmp/body;
    proxy_temp_path $CLUSTER_DIR/nginx/tmp/proxy;
    fastcgi_temp_path $CLUSTER_DIR/nginx/tmp/fastcgi;
    uwsgi_temp_path $CLUSTER_DIR/nginx/tmp/uwsgi;
    scgi_temp_path $CLUSTER_DIR/nginx/tmp/scgi;
    include $CLUSTER_DIR/nginx/citizenbot.conf;
}
EOF
nginx_site >"$CLUSTER_DIR/nginx/citizenbot.conf"
# -p and -e: nothing of the system's nginx (its configuration, logs, pid file) is read or written,
# also as root (CI), and "daemon off" keeps it a child of this script.
NGINX=(nginx -p "$CLUSTER_DIR/nginx" -e "$LOG/nginx-error.log" -c "$CLUSTER_DIR/nginx/nginx.conf")
"${NGINX[@]}" -t -q
start nginx "${NGINX[@]}" -g "daemon off;"

# Readiness (README: "Health and readiness"): actions first (Rasa calls them), then Rasa's model,
# then the gateways, which are ready when their database and Rasa (through nginx) answer.
for port in $CLUSTER_ACTION_PORTS; do ready "actions-$port" "http://127.0.0.1:$port/readyz" 180; done
for port in $CLUSTER_RASA_PORTS; do ready "rasa-$port" "http://127.0.0.1:$port/status?token=$RASA_TOKEN" 400; done
for port in $CLUSTER_WEB_PORTS; do ready "web-$port" "http://127.0.0.1:$port/readyz" 120; done
ready nginx "http://127.0.0.1:$CLUSTER_PORT/readyz" 30

echo "cluster ready: http://localhost:$CLUSTER_PORT (widget, staff console); logs in $LOG"
echo "  Rasa replicas $CLUSTER_RASA_PORTS behind :$CLUSTER_RASA_LB_PORT; action servers $CLUSTER_ACTION_PORTS behind :$CLUSTER_ACTION_LB_PORT"
echo "  web gateways $CLUSTER_WEB_PORTS; Redis :$CLUSTER_REDIS_PORT; database $DATABASE_URL"
wait
