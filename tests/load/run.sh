#!/usr/bin/env bash
# `make load`: locust for 60 s against two-worker-per-core gunicorn on PostgreSQL with the
# region-scale benchmark data. Needs CHAPTER_BENCH_DATABASE_URL (a PostgreSQL database that
# `make bench` filled, or an empty one it fills now) and Redis on 127.0.0.1:6379.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${CHAPTER_BENCH_DATABASE_URL:?set CHAPTER_BENCH_DATABASE_URL=postgresql+psycopg://...}"
BIN=.venv/bin
PORT=${LOAD_PORT:-8765}
USERS=${LOAD_USERS:-40}
DURATION=${LOAD_DURATION:-60s}
export CHAPTER_DATABASE_URL="$CHAPTER_BENCH_DATABASE_URL"

# The data (generated once) and one known password on every benchmark account.
$BIN/python - <<'PY'
import os
from sqlalchemy import text
from chapter import bench, create_app
from chapter.extensions import db
app = create_app("testing", SQLALCHEMY_DATABASE_URI=os.environ["CHAPTER_DATABASE_URL"])
with app.app_context():
    import flask_migrate
    flask_migrate.upgrade()
    if not db.session.scalar(text("SELECT count(*) FROM chapters")):
        bench.generate()
    bench.reset_sequences()
    bench.set_passwords()
PY

CHAPTER_CONFIG=development CHAPTER_SECRET_KEY=$(head -c 32 /dev/urandom | base64) \
CHAPTER_REDIS_URL=redis://127.0.0.1:6379/0 CHAPTER_LOGIN_RATE_LIMIT="10000 per minute" \
GUNICORN_BIND=127.0.0.1:$PORT $BIN/gunicorn -c gunicorn.conf.py wsgi:app \
  >/tmp/chapter-load-gunicorn.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

$BIN/locust -f tests/load/locustfile.py --headless --users "$USERS" --spawn-rate 10 \
  --run-time "$DURATION" --host "http://127.0.0.1:$PORT" --only-summary \
  --csv /tmp/chapter-load 2>&1 | tail -n 40
echo "gunicorn workers: $(grep -c 'Booting worker' /tmp/chapter-load-gunicorn.log); $(nproc) cores"
