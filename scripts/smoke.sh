#!/usr/bin/env bash
# Deployment smoke test, as production runs: gunicorn web processes and a django-tasks worker
# over PostgreSQL, DEBUG off. A nomination is submitted over HTTP in Chromium; the worker must
# then send its receipt. Run by CI after the test suites; needs `make install` first.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${SMOKE_PORT:-8765}"
DB="${SMOKE_DB:-plaudit_smoke}"
WORK="$(mktemp -d)"
source scripts/stack.sh
stack_env smoke-test "$PORT" "$DB"
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH="${WORK}/mail"
stack_database "$DB"

$BIN/gunicorn -c config/gunicorn.py config.wsgi --workers 2 --bind "127.0.0.1:${PORT}" \
  --access-logfile "${WORK}/access.log" > "${WORK}/gunicorn.log" 2>&1 &
WEB=$!
$BIN/python manage.py task_worker --interval 0.5 --no-startup-delay > "${WORK}/worker.log" 2>&1 &
WORKER=$!
cleanup() {
  kill "$WEB" "$WORKER" 2>/dev/null || true
  wait "$WEB" "$WORKER" 2>/dev/null || true
}
trap cleanup EXIT

stack_wait "$PORT"

if ! $BIN/python scripts/smoke.py "http://127.0.0.1:${PORT}" "${WORK}/mail" "${WORK}/tokens"; then
  echo "--- gunicorn ---"; tail -50 "${WORK}/gunicorn.log"
  echo "--- worker ---"; tail -50 "${WORK}/worker.log"
  exit 1
fi
# The links opened above are in the access log and (the made-up one, not found) in the site's
# log, but never their secrets (plaudit/logs.py, config/gunicorn.py).
grep -q '/n/\[redacted\]/' "${WORK}/access.log" || { echo "No redacted link in the access log"; exit 1; }
if grep -F -f "${WORK}/tokens" "${WORK}/access.log" "${WORK}/gunicorn.log"; then
  echo "A secret link's token is in the logs"; exit 1
fi
echo "Smoke test passed: gunicorn + task_worker on PostgreSQL took a nomination and sent its receipt."
