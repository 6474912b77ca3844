#!/usr/bin/env bash
# Shared nothing, proved: two web processes, each with its own empty local directory, and one
# task worker, all on the same PostgreSQL database, S3 bucket (moto's server on 127.0.0.1) and
# Redis (the cache and the RQ task queue). A nomination with a file is started on one process,
# finished on the other, judged, and its shortlist pack built by the worker and downloaded from
# the first (scripts/drill.py). Afterwards no local directory may hold a file: every file is in
# the bucket. Run by CI; needs `make install`, PostgreSQL and Redis on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT_A="${DRILL_PORT_A:-8771}" PORT_B="${DRILL_PORT_B:-8772}" S3_PORT="${DRILL_S3_PORT:-8773}"
DB="${DRILL_DB:-plaudit_drill}"
WORK="$(mktemp -d)"
source scripts/stack.sh
stack_env drill "$PORT_A" "$DB"
export ALLOWED_HOSTS=127.0.0.1 EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH="${WORK}/mail"
export AWS_ACCESS_KEY_ID=drill AWS_SECRET_ACCESS_KEY=drill AWS_S3_REGION_NAME=eu-west-2
export AWS_STORAGE_BUCKET_NAME=plaudit-drill AWS_S3_ENDPOINT_URL="http://127.0.0.1:${S3_PORT}"
export CACHE_URL=redis://127.0.0.1:6379/13 RQ_URL=redis://127.0.0.1:6379/12
mkdir -p "${WORK}/a" "${WORK}/b" "${WORK}/worker" "${WORK}/driver"

PIDS=()
cleanup() {
  kill "${PIDS[@]}" 2>/dev/null || true
  wait "${PIDS[@]}" 2>/dev/null || true
}
trap cleanup EXIT

$BIN/moto_server -H 127.0.0.1 -p "$S3_PORT" > "${WORK}/s3.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do curl -s -o /dev/null "$AWS_S3_ENDPOINT_URL" && break; sleep 0.2; done
$BIN/python - <<'PY'
import os, boto3, redis
boto3.client("s3", endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"]).create_bucket(
    Bucket=os.environ["AWS_STORAGE_BUCKET_NAME"], CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
)
for url in (os.environ["CACHE_URL"], os.environ["RQ_URL"]):
    redis.Redis.from_url(url).flushdb()
PY
MEDIA_ROOT="${WORK}/driver" stack_database "$DB"

for side in a b; do
  port=$PORT_A; [ "$side" = b ] && port=$PORT_B
  MEDIA_ROOT="${WORK}/${side}" SITE_URL="http://127.0.0.1:${port}" $BIN/gunicorn -c config/gunicorn.py config.wsgi \
    --workers 2 --bind "127.0.0.1:${port}" > "${WORK}/web-${side}.log" 2>&1 &
  PIDS+=($!)
done
MEDIA_ROOT="${WORK}/worker" $BIN/python manage.py task_worker --schedule-every 0 > "${WORK}/worker.log" 2>&1 &
PIDS+=($!)
stack_wait "$PORT_A"
stack_wait "$PORT_B"

if ! MEDIA_ROOT="${WORK}/driver" $BIN/python scripts/drill.py "http://127.0.0.1:${PORT_A}" "http://127.0.0.1:${PORT_B}" "${WORK}/mail"; then
  for log in web-a web-b worker; do echo "--- ${log} ---"; tail -40 "${WORK}/${log}.log"; done
  exit 1
fi
left=$(find "${WORK}/a" "${WORK}/b" "${WORK}/worker" "${WORK}/driver" -type f | wc -l)
[ "$left" -eq 0 ] || { echo "Files on a process's own disk (${left}):"; find "${WORK}/a" "${WORK}/b" "${WORK}/worker" "${WORK}/driver" -type f; exit 1; }
in_bucket=$($BIN/python -c "
import os, boto3
c = boto3.client('s3', endpoint_url=os.environ['AWS_S3_ENDPOINT_URL'])
print(c.list_objects_v2(Bucket=os.environ['AWS_STORAGE_BUCKET_NAME']).get('KeyCount', 0))")
echo "Drill passed: two web processes and a worker shared only PostgreSQL, the bucket (${in_bucket} objects) and Redis; no process kept a file of its own."
