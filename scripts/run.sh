#!/usr/bin/env bash
# Serve Waarborg with a Celery worker and beat beside the web server; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p var
trap 'trap - INT TERM EXIT; kill 0 2>/dev/null; wait' INT TERM EXIT
"$PY" -m celery -A config worker --loglevel=INFO --concurrency=1 &
"$PY" -m celery -A config beat --loglevel=INFO &
"$PY" manage.py runserver 127.0.0.1:8000 &
wait -n
