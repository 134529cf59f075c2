#!/usr/bin/env bash
# `make test` trains the bot while the checks that do not need it run (lint, data validation,
# pytest, the widget's JS tests): both are mostly single-threaded, so on two cores this saves the
# training's ten minutes. `start` begins `rasa train` (skipped by Rasa when the model matches the
# data) in the background; `wait` waits for it and exits with its status (its log on failure);
# `stop` ends it when the checks failed.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=var/train-background
RUN=${RUN:-uv run --frozen --no-sync}

case "${1:-}" in
  start)
    mkdir -p "$DIR" && rm -f "$DIR/status"
    # setsid: its own process group, so that `stop` ends Rasa's workers too
    setsid bash -c "$RUN rasa train --num-threads 1 --out models >'$DIR/train.log' 2>&1; echo \$? >'$DIR/status'" \
      </dev/null >/dev/null 2>&1 &
    echo $! >"$DIR/pid"
    echo "== $(date +%T) training in the background while the checks run (log $DIR/train.log)"
    ;;
  wait)
    [ -f "$DIR/pid" ] || { echo "no background training was started" >&2; exit 1; }
    echo "== $(date +%T) waiting for the background training"
    while [ ! -s "$DIR/status" ]; do
      if ! kill -0 "$(cat "$DIR/pid")" 2>/dev/null && [ ! -s "$DIR/status" ]; then
        sleep 1; [ -s "$DIR/status" ] || { echo "the background training died" >&2; tail -30 "$DIR/train.log" >&2; exit 1; }
      fi
      sleep 2
    done
    status=$(cat "$DIR/status")
    grep -E "model is trained|Nothing changed|No training" "$DIR/train.log" | tail -2 || true
    if [ "$status" != 0 ]; then
      echo "training failed (exit $status):" >&2; tail -40 "$DIR/train.log" >&2
    fi
    echo "== $(date +%T) training done"
    exit "$status"
    ;;
  stop)
    if [ -f "$DIR/pid" ] && [ ! -s "$DIR/status" ]; then
      kill -- "-$(cat "$DIR/pid")" 2>/dev/null || true
    fi
    ;;
  *)
    echo "usage: $0 start|wait|stop" >&2; exit 2 ;;
esac
