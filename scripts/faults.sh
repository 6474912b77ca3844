#!/usr/bin/env bash
# Fault drills, as production runs (gunicorn + a task worker on PostgreSQL, DEBUG off):
# PostgreSQL restarted during a burst of nominations, the database down, and the task worker
# killed while it builds a shortlist pack. Run by CI after the smoke test; restarts the
# local PostgreSQL cluster, so run it only where that is fine.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${FAULTS_PORT:-8767}"
DB="${FAULTS_DB:-plaudit_faults}"
CLUSTER="$(ls /etc/postgresql)"
WORK="$(mktemp -d)"
source scripts/stack.sh
stack_env faults-test "$PORT" "$DB"
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export PLAUDIT_PACK_STALE_SECONDS=5
stack_database "$DB"
$BIN/python manage.py seed_synthetic --nominations 300 --judges 8 > /dev/null

$BIN/gunicorn -c config/gunicorn.py config.wsgi --workers 4 --bind "127.0.0.1:${PORT}" > "${WORK}/gunicorn.log" 2>&1 &
WEB=$!
$BIN/python manage.py task_worker --interval 0.2 --no-startup-delay > "${WORK}/worker.log" 2>&1 &
WORKER=$!
cleanup() {
  kill "$WEB" "$WORKER" 2>/dev/null || true
  wait "$WEB" "$WORKER" 2>/dev/null || true
  pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$CLUSTER" main start
}
trap cleanup EXIT
stack_wait "$PORT"

echo "== drill: PostgreSQL restarted during a burst of submissions =="
$BIN/python scripts/faults.py "http://127.0.0.1:${PORT}" restart-postgres

echo "== drill: the database down =="
pg_ctlcluster --skip-systemctl-redirect "$CLUSTER" main stop -m fast
$BIN/python scripts/faults.py "http://127.0.0.1:${PORT}" database-down || { pg_ctlcluster --skip-systemctl-redirect "$CLUSTER" main start; exit 1; }
pg_ctlcluster --skip-systemctl-redirect "$CLUSTER" main start
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

echo "== drill: the task worker killed while building a shortlist pack =="
$BIN/python scripts/faults.py "http://127.0.0.1:${PORT}" kill-worker "$WORKER"
echo "Fault drills passed."
