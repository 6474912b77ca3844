# Sourced by smoke.sh and faults.sh: the production arrangement (DEBUG off, PostgreSQL, gunicorn
# and a task worker) on a fresh database, so the two drills set it up the same way.

# stack_env NAME PORT DB: production settings, a throwaway secret key, the database's URL.
stack_env() {
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${3}"
  export DEBUG=0 SECRET_KEY="${1}-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  export ALLOWED_HOSTS=127.0.0.1 SITE_URL="http://127.0.0.1:${2}"
  export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
}

# stack_database DB: the database made anew, migrated, with static files and the demo programme.
stack_database() {
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ${1}" -c "CREATE DATABASE ${1}"
  "$BIN/python" manage.py migrate --noinput -v0
  "$BIN/python" manage.py collectstatic --noinput --clear -v0
  "$BIN/python" manage.py load_demo > /dev/null
}

# stack_wait PORT: until the site answers (about ten seconds at most).
stack_wait() {
  for _ in $(seq 1 50); do
    curl -fs -o /dev/null "http://127.0.0.1:${1}/" && return 0
    sleep 0.2
  done
}
