#!/usr/bin/env bash
# Run a command against the bot: uses a Rasa server already listening on RASA_PORT, otherwise
# starts the action server and the Rasa server for the duration of the command.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
mkdir -p var/log

ACTIONS_PID="" RASA_PID=""
if ! curl -fsS -o /dev/null "http://localhost:$RASA_PORT/" 2>/dev/null; then
  trap 'stop_pid "$RASA_PID"; stop_pid "$ACTIONS_PID"' EXIT
  echo "starting the servers for this run (logs in var/log/)..."
  start_actions "$ACTION_PORT" var/log/actions.log
  start_rasa "$RASA_PORT" var/log/rasa.log
else  # a Rasa server is listening: use it once its model is loaded
  wait_http "$(rasa_ready_url "$RASA_PORT")" 300 "the Rasa server on :$RASA_PORT" \
    || { echo "(is RASA_TOKEN that server's token?)" >&2; exit 1; }
fi
"$@"
