#!/usr/bin/env bash
# The part of `make test` that needs the trained bot: train (if the data changed), then on a fresh
# test database and test ports: Rasa test conversations, HTTP end-to-end tests, browser tests of
# the widget, a restart of every process, faults (action server stopped, database locked), and the
# accuracy bars on the evaluation sets.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export CITY="${CITY:-tampere}" RASA_TOKEN="${RASA_TOKEN:-dev-token-change-me}"
export ACTION_PORT="${TEST_ACTION_PORT:-5155}" RASA_PORT="${TEST_RASA_PORT:-5105}" WEB_PORT="${TEST_WEB_PORT:-8180}"
export ACTION_ENDPOINT_URL="http://localhost:$ACTION_PORT/webhook" RASA_URL="http://localhost:$RASA_PORT"
rm -rf var/test results/test && mkdir -p var/test results/test
export DATABASE_URL="sqlite:///$PWD/var/test/test.db"
always_open_kb var/test/kb
export KB_DIR="$PWD/var/test/kb"

if [ -z "${TRAINED:-}" ]; then  # make test has just trained it (scripts/train_background.sh)
  echo "== $(date +%T) train (Rasa restores the components from its cache when the data did not change)"
  $RUN rasa train --num-threads 2 --out models
fi

ACTIONS_PID="" RASA_PID="" WEB_PID=""
trap 'stop_pid "$WEB_PID"; stop_pid "$RASA_PID"; stop_pid "$ACTIONS_PID"' EXIT
start_actions "$ACTION_PORT" var/test/actions.log

echo "== $(date +%T) Rasa test conversations (tests/conversations)"
$RUN rasa test core --stories tests/conversations --model models --endpoints endpoints.yml \
  --fail-on-prediction-errors --out results/test/conversations

echo "== $(date +%T) HTTP end-to-end tests"
start_rasa "$RASA_PORT" var/test/rasa.log
E2E_URL="http://localhost:$RASA_PORT" $RUN pytest -q tests/e2e

echo "== $(date +%T) browser tests of the chat widget and the staff console (headless Chromium; screenshots in test-artifacts/)"
start_web "$WEB_PORT" var/test/web.log
WIDGET_URL="http://localhost:$WEB_PORT" $RUN pytest -q tests/browser

echo "== $(date +%T) restart: a queued resident survives a restart of every process"
E2E_URL="http://localhost:$RASA_PORT" RESTART_PHASE=before $RUN pytest -q tests/e2e/test_restart.py
stop_pid "$WEB_PID"; stop_pid "$RASA_PID"; stop_pid "$ACTIONS_PID"
start_actions "$ACTION_PORT" var/test/actions.log
start_rasa "$RASA_PORT" var/test/rasa.log
start_web "$WEB_PORT" var/test/web.log
E2E_URL="http://localhost:$RASA_PORT" RESTART_PHASE=after $RUN pytest -q tests/e2e/test_restart.py

echo "== $(date +%T) faults: the action server stopped, then the database locked (tests/e2e/test_faults.py)"
stop_pid "$ACTIONS_PID"; ACTIONS_PID=""
E2E_URL="http://localhost:$RASA_PORT" WIDGET_URL="http://localhost:$WEB_PORT" FAULT=actions_down \
  $RUN pytest -q tests/e2e/test_faults.py
start_actions "$ACTION_PORT" var/test/actions.log
E2E_URL="http://localhost:$RASA_PORT" FAULT=store_locked $RUN pytest -q tests/e2e/test_faults.py

echo "== $(date +%T) accuracy: held-out and fresh sets (bar 90 % per language, all emergencies), dev.tsv (bar 95 %)"
for set in heldout fresh; do
  $RUN citizenbot eval --url "http://localhost:$RASA_PORT" "tests/eval/$set.tsv" --min-accuracy 0.90 \
    --report "results/test/eval-$set.md"
done
$RUN citizenbot eval --url "http://localhost:$RASA_PORT" tests/eval/dev.tsv --min-accuracy 0.95 \
  --report results/test/eval-dev.md
heldout_langs=(tests/eval/heldout_*.tsv)
if [ -e "${heldout_langs[0]}" ]; then
  echo "== accuracy: each language's own held-out set (bars per language in tests/eval/bars.yml, all emergencies)"
  $RUN citizenbot eval --url "http://localhost:$RASA_PORT" "${heldout_langs[@]}" --min-accuracy 0.90 \
    --bars tests/eval/bars.yml --report results/test/eval-heldout-languages.md
fi
echo "== $(date +%T) real messages: the feedback history's held-out split (bars: domain 90 %, topic 75 %, false 112 answers 0.5 %)"
$RUN citizenbot eval --url "http://localhost:$RASA_PORT" tests/eval/history_helsinki.tsv \
  --min-domain 0.90 --min-topic 0.75 --max-false-emergency 0.005 --report results/test/eval-history.md
echo "== $(date +%T) report-style messages in Swedish and English (bars: domain 90 %, topic and language 75 % per language)"
$RUN citizenbot eval --url "http://localhost:$RASA_PORT" tests/eval/reports_sv_en.tsv \
  --min-domain 0.90 --min-accuracy 0.75 --max-false-emergency 0.005 --report results/test/eval-reports.md
