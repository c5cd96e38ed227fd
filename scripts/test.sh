#!/usr/bin/env bash
# Run the whole test suite against a throwaway PostgreSQL server on loopback.
#
# Installs what is missing (Debian's PostgreSQL server and Chromium), starts PostgreSQL
# as an unprivileged user with its data under /tmp, runs pytest (unit, integration and
# browser tests) and always stops the server, even when the tests fail.
# Extra arguments go to pytest:  bash scripts/test.sh -k scoping -x
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python

# Debian packages (PostgreSQL, Chromium, LibreOffice, fonts, poppler): `make test` installs them
# first; installing again here costs nothing when they are present and helps a direct call.
bash scripts/system-packages.sh test

find_pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# axe-core for the browser tests' accessibility audit (package.json, pinned in package-lock.json),
# into the git-ignored node_modules/; never served to users. Again only when the lock file changed.
if ! command -v npm >/dev/null; then
  echo "npm is missing: the browser tests need it for axe-core (Debian: apt-get install npm)" >&2
  exit 1
fi
if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  touch node_modules/.installed
fi

PGBIN=$(find_pg_bin)
PGROOT=$(mktemp -d /tmp/tienlang-pg.XXXXXX)
PGPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

# initdb refuses to run as root: run the server as the unprivileged "postgres" user then.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  chown postgres "$PGROOT"
  AS_PG=(runuser -u postgres --)
else
  AS_PG=()
fi

cleanup() {
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PGROOT"
}
trap cleanup EXIT INT TERM

"${AS_PG[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# -t 60: on a busy machine the server can take a while to accept connections.
if ! "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null; then
  echo "PostgreSQL did not start; its log:" >&2
  cat "$PGROOT/server.log" >&2 || true
  exit 1
fi
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT (data in $PGROOT)"

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/tienlang"
export DEBUG=0
export SECRET_KEY="test-only-secret-key-not-for-production-use-0123456789abcdef"
export ALLOWED_HOSTS="localhost,127.0.0.1,testserver"
export SECURE_SSL_REDIRECT=0
# Two-step sign-in has its own tests; the demo accounts sign in with their password elsewhere.
export REQUIRE_2FA_ROLES=""

if [ "${SKIP_LINT:-0}" != 1 ]; then
  .venv/bin/ruff check --quiet .
  .venv/bin/ruff format --check --quiet .
  # The layers (docs/architecture.md); tests/test_architecture.py checks the same, imports in functions too.
  DEBUG=1 .venv/bin/lint-imports --no-cache >/dev/null
fi

# The interface's translations (.po → .mo), as `make run` and `make serve` do.
DEBUG=1 $PY manage.py compilemessages --ignore=.venv --verbosity 0

# Two workers (pytest-xdist), each with its own test database: the machine has two cores.
# WORKERS=0 runs in one process (for -x, --pdb and friends).
WORKERS=${WORKERS:-2}
if [ "$WORKERS" != 0 ]; then set -- -n "$WORKERS" --dist loadgroup "$@"; fi

set +e
$PY -m pytest "$@"
status=$?
set -e
exit $status
