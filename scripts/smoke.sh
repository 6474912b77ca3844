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
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export DEBUG=0 SECRET_KEY="smoke-test-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
export ALLOWED_HOSTS=127.0.0.1 SITE_URL="http://127.0.0.1:${PORT}"
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH="${WORK}/mail"

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ${DB}" -c "CREATE DATABASE ${DB}"
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py createcachetable
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py load_demo > /dev/null

$BIN/gunicorn config.wsgi --workers 2 --bind "127.0.0.1:${PORT}" --access-logfile "${WORK}/access.log" \
  > "${WORK}/gunicorn.log" 2>&1 &
WEB=$!
$BIN/python manage.py task_worker --interval 0.5 --no-startup-delay > "${WORK}/worker.log" 2>&1 &
WORKER=$!
cleanup() {
  kill "$WEB" "$WORKER" 2>/dev/null || true
  wait "$WEB" "$WORKER" 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 50); do
  curl -fs -o /dev/null "http://127.0.0.1:${PORT}/" && break
  sleep 0.2
done

if ! $BIN/python scripts/smoke.py "http://127.0.0.1:${PORT}" "${WORK}/mail"; then
  echo "--- gunicorn ---"; tail -50 "${WORK}/gunicorn.log"
  echo "--- worker ---"; tail -50 "${WORK}/worker.log"
  exit 1
fi
echo "Smoke test passed: gunicorn + task_worker on PostgreSQL took a nomination and sent its receipt."
