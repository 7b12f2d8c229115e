#!/usr/bin/env bash
# Load test: gunicorn + PostgreSQL with the demo data, USERS concurrent users for DURATION,
# the mix in locustfile.py. Locust lives in its own virtualenv (var/load-venv), not in the
# application's. Prints locust's summary and leaves CSVs in var/loadtest/.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
USERS=${USERS:-50}
DURATION=${DURATION:-60s}
PORT=${PORT:-8811}
DB=${LOAD_DB:-waarborg_load}
LOAD_VENV=${LOAD_VENV:-var/load-venv}
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" DJANGO_DEBUG=0 WAARBORG_REQUIRE_2FA=0
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DATABASE_CONN_MAX_AGE=60 API_THROTTLE_USER=100000/min
[ -x "$LOAD_VENV/bin/locust" ] || { python3 -m venv "$LOAD_VENV" && "$LOAD_VENV/bin/pip" install -q "locust==2.47.0"; }
psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
"$PY" manage.py migrate --no-input -v 0
"$PY" manage.py load_demo >/dev/null
"$PY" manage.py create_soc_user soc-leverancier >/dev/null 2>&1 || true
token() { "$PY" manage.py drf_create_token "$1" | awk '{print $3}'; }
export TOKEN_SECURITY=$(token security) TOKEN_AUDITOR=$(token auditor) TOKEN_SOC=$(token soc-leverancier)
mkdir -p var/loadtest
"$PY" -m gunicorn config.wsgi --workers 4 --bind "127.0.0.1:$PORT" --access-logfile /dev/null \
  --error-logfile var/loadtest/gunicorn.log &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/health/" >/dev/null && break; sleep 0.3; done
"$LOAD_VENV/bin/locust" -f scripts/loadtest/locustfile.py --headless -u "$USERS" -r 10 -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --csv var/loadtest/result --only-summary
