#!/usr/bin/env bash
# Benchmark the application at a given data size on a throwaway PostgreSQL on loopback.
#
#   bash scripts/bench.sh [--tier district|city|nation] [--keep DIR] [--generate-only]
#                         [--load | --load-only] [--users N] [--worker-class gthread|gevent]
#                         [extra args for `manage.py bench`]
#
# Starts PostgreSQL as an unprivileged user with its data under /tmp, migrates, fills the
# database with invented data of the tier (`generate_scale_data`) when it is empty, runs
# `manage.py bench` (and with --load, the 2-minute load test against gunicorn; --load-only
# runs the load test alone), and always stops the server. With --keep DIR (or
# BENCH_PGDATA=DIR) the data directory is kept between runs, so a generated tier is reused:
# the nation tier takes minutes to generate, so generate it once (--generate-only) and
# measure as often as needed; without it everything is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
TIER=district
LOAD=0
PAGES=1
LOAD_ARGS=()
BENCH_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tier) TIER="$2"; shift 2 ;;
    --tier=*) TIER="${1#--tier=}"; shift ;;
    --keep) BENCH_PGDATA="$2"; shift 2 ;;
    --generate-only) PAGES=0; shift ;;
    --load) LOAD=1; shift ;;
    --load-only) LOAD=1; PAGES=0; shift ;;
    --users|--duration|--worker-class|--workers|--threads) LOAD_ARGS+=("$1" "$2"); shift 2 ;;
    *) BENCH_ARGS+=("$1"); shift ;;
  esac
done

find_pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}
if [ -z "$(find_pg_bin)" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=$(find_pg_bin)

KEEP=0
if [ -n "${BENCH_PGDATA:-}" ]; then
  KEEP=1
  PGROOT="$BENCH_PGDATA"
  mkdir -p "$PGROOT"
else
  PGROOT=$(mktemp -d /tmp/tienlang-bench.XXXXXX)
fi
PGPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  chown postgres "$PGROOT"
  AS_PG=(runuser -u postgres --)
else
  AS_PG=()
fi

cleanup() {
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true
  if [ "$KEEP" = 0 ]; then rm -rf "$PGROOT"; fi
}
trap cleanup EXIT INT TERM

if [ ! -f "$PGROOT/data/PG_VERSION" ]; then
  "${AS_PG[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
fi
# Settings of a small dedicated server (2 cores, a few GB for the database); durability
# is off because the data is thrown away.
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c synchronous_commit=off \
      -c full_page_writes=off -c shared_buffers=1GB -c work_mem=32MB -c maintenance_work_mem=512MB \
      -c effective_cache_size=4GB -c random_page_cost=1.1 -c max_wal_size=4GB -c max_connections=200" \
  start >/dev/null
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (data in $PGROOT)"
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres tienlang 2>/dev/null || true

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/tienlang"
export DEBUG=0
export SECRET_KEY="bench-only-secret-key-not-for-production-use-0123456789abcdef"
export ALLOWED_HOSTS="localhost,127.0.0.1,testserver"
export SECURE_SSL_REDIRECT=0
export LOG_LEVEL=WARNING

$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
started=$(date +%s)
$PY manage.py generate_scale_data --tier "$TIER" --if-empty
echo "Data ready in $(( $(date +%s) - started )) s"
echo "Load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$PAGES" = 1 ]; then
  $PY manage.py bench --tier "$TIER" "${BENCH_ARGS[@]}"
fi
if [ "$LOAD" = 1 ]; then
  $PY scripts/loadtest.py --tier "$TIER" "${LOAD_ARGS[@]}"
fi
