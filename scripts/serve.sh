#!/usr/bin/env bash
# `make run` / `make shell`: the action server and the web server (demo page, widget, gateway) in
# the background, the Rasa server (or the terminal chat with --shell) in the foreground.
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
mkdir -p var/log

WEB_PID=""
start_actions "$ACTION_PORT" var/log/actions.log
trap 'stop_pid "$WEB_PID"; stop_pid "$ACTIONS_PID"' EXIT
trap 'exit 130' INT TERM
echo "action server on http://localhost:$ACTION_PORT (log: var/log/actions.log)"

if [ "${1:-}" = "--shell" ]; then
  $RUN rasa shell --model models --endpoints endpoints.yml
else
  start_web "$WEB_PORT" var/log/web.log
  echo "demo city page with the chat widget on http://localhost:$WEB_PORT (log: var/log/web.log)"
  echo "Rasa server on http://localhost:$RASA_PORT  (REST: POST /webhooks/rest/webhook; API token: RASA_TOKEN)"
  # no --cors: browsers talk to the web gateway, never to Rasa (no cross-origin access to its API)
  $RUN rasa run --model models --enable-api --auth-token "$RASA_TOKEN" --interface "$RASA_HOST" \
    --port "$RASA_PORT" --credentials credentials.yml --endpoints endpoints.yml
fi
