# Shared helpers of the project's scripts (sourced, not run).
RUN="${UV:-uv} run --frozen --no-sync"

# wait_http URL SECONDS NAME: wait until URL answers 2xx, or fail after SECONDS.
wait_http() {
  local url=$1 limit=$2 name=$3 waited=0
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if [ "$waited" -ge "$limit" ]; then
      echo "$name did not come up at $url within ${limit}s" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# Rasa and the action server listen on this machine only (RASA_HOST, ACTIONS_HOST; README,
# "Reliability and security"): the web gateway is the one public door.
RASA_HOST="${RASA_HOST:-127.0.0.1}"
ACTIONS_HOST="${ACTIONS_HOST:-127.0.0.1}"
# Readiness (README: "Health and readiness"): what a process answers once it can serve a resident.
# Rasa: GET /status with the API token answers 200 only with a model loaded (409 without one, 401
# with a wrong token); its REST channel (/webhooks/rest/) answers also when no model could be loaded.
rasa_ready_url() { echo "http://localhost:$1/status?token=$RASA_TOKEN"; }

# start_actions PORT LOG: start the action server in the background; sets ACTIONS_PID.
# /readyz: the start-up work (seeding, migrations, warm-up) is done and the database answers.
start_actions() {
  $RUN citizenbot actions --host "$ACTIONS_HOST" --port "$1" >"$2" 2>&1 &
  ACTIONS_PID=$!
  wait_http "http://localhost:$1/readyz" 120 "the action server" || { tail -30 "$2" >&2; return 1; }
}

# start_rasa PORT LOG: start the Rasa server (REST channel + HTTP API) in the background; sets RASA_PID.
start_rasa() {
  $RUN rasa run --model models --enable-api --auth-token "$RASA_TOKEN" --interface "$RASA_HOST" --port "$1" \
    --credentials credentials.yml --endpoints endpoints.yml >"$2" 2>&1 &
  RASA_PID=$!
  wait_http "$(rasa_ready_url "$1")" 300 "the Rasa server" || { tail -30 "$2" >&2; return 1; }
}

stop_pid() {
  local pid=${1:-}
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# start_web PORT LOG: start the web server (demo pages, widget, gateway) in the background; sets WEB_PID.
# Liveness (/healthz), not /readyz: `make run` starts the web server before Rasa, and /readyz
# waits for Rasa's model.
start_web() {
  $RUN citizenbot web --port "$1" >"$2" 2>&1 &
  WEB_PID=$!
  wait_http "http://localhost:$1/healthz" 60 "the web server" || { tail -30 "$2" >&2; return 1; }
}

# always_open_kb DIR: a copy of kb/ in DIR with $CITY's handoff queues open at every hour: the
# tests talk to people at any hour.
always_open_kb() {
  rm -rf "$1" && cp -r kb "$1"
  $RUN python -c "
import yaml, pathlib
p = pathlib.Path('$1/city/$CITY.yml'); d = yaml.safe_load(p.read_text(encoding='utf-8'))
for q in d['handoff']['queues'].values(): q['hours'] = {'mon-sun': '00:00-23:59'}
p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding='utf-8')"
}
