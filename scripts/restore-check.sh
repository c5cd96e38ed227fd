#!/usr/bin/env bash
# Prove the latest backups restore (docs/operations.md), without touching the live database.
#
# Restores the newest tienlang-*.json.gz of BACKUP_DIR into a scratch PostgreSQL database
# (RESTORE_CHECK_DB, default tienlang_restore_check, on the same server: the database role
# needs CREATEDB), checks that the pg_dump archive of the same night can be read, prints
# row counts, and drops the scratch database. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

DIR=${BACKUP_DIR:-/var/backups/tienlang}
SCRATCH=${RESTORE_CHECK_DB:-tienlang_restore_check}
shopt -s nullglob
backups=("$DIR"/tienlang-*.json.gz)
[ ${#backups[@]} -gt 0 ] || { echo "restore-check: no backup in $DIR" >&2; exit 1; }
latest=$(ls -1t "${backups[@]}" | head -n 1)
dump="${latest%.json.gz}.dump"

base=${DATABASE_URL%/*}
scratch_url="$base/$SCRATCH"
export PGOPTIONS="-c client_min_messages=warning"
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $SCRATCH" -c "CREATE DATABASE $SCRATCH"
trap 'psql "$DATABASE_URL" -q -c "DROP DATABASE IF EXISTS $SCRATCH"' EXIT

DATABASE_URL="$scratch_url" "$PY" manage.py restore "$latest"
DATABASE_URL="$scratch_url" "$PY" manage.py shell --no-imports -c "
from django.apps import apps
for label in ['unions.Federation', 'unions.GrassrootsUnion', 'candidates.Person', 'candidates.Nomination']:
    print(f'{label}: {apps.get_model(label).objects.count()}')
"
if [ -f "$dump" ]; then
  pg_restore --list "$dump" >/dev/null
  echo "restore-check: $dump is readable by pg_restore"
fi
echo "restore-check: $latest restores into an empty database"
