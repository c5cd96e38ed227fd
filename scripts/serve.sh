#!/usr/bin/env bash
# Production server: gunicorn on PostgreSQL, static files served by the app (WhiteNoise).
#
# Reads ./.env when present (variables already set in the environment win, as with
# systemd's EnvironmentFile), refuses a configuration that is not fit for production,
# refuses to start over unapplied migrations (take a backup, then migrate), collects the
# static files, compiles the translations, and hands over to gunicorn (settings in ./gunicorn.conf.py).
# Used by `make serve` and by the systemd unit in docs/deploy/tienlang.service.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/env.sh
source scripts/env.sh

refuse() {
  echo "serve: $*" >&2
  exit 1
}

[ "${DEBUG:-0}" = 0 ] || refuse "DEBUG must be 0 in production (it is ${DEBUG})."
[ -n "${SECRET_KEY:-}" ] || refuse "SECRET_KEY is not set (see .env.example)."
[ -n "${ALLOWED_HOSTS:-}" ] || refuse "ALLOWED_HOSTS is not set (see .env.example)."
case "${DATABASE_URL:-}" in
  postgres://* | postgresql://*) ;;
  *) refuse "DATABASE_URL must name a PostgreSQL database (postgres://user:pass@host:port/name)." ;;
esac

"$PY" manage.py check --deploy --fail-level WARNING
if ! output=$("$PY" manage.py migrate --check 2>&1); then
  echo "$output" | tail -n 5 >&2
  refuse "the database is not reachable or has unapplied migrations: take a backup (docs/operations.md), then run: $PY manage.py migrate"
fi
"$PY" manage.py collectstatic --noinput --verbosity 0
# The interface's translations (locale/*.po → .mo; the .mo files are built, not kept in git).
"$PY" manage.py compilemessages --ignore=.venv --verbosity 0

exec "$VENV/bin/gunicorn" tienlang.wsgi:application
