#!/usr/bin/env bash
# Nightly backup (docs/operations.md): a pg_dump archive and the portable JSON copy.
#
#   BACKUP_DIR        where to write (default /var/backups/tienlang)
#   BACKUP_KEEP_DAYS  how long to keep them (default 30)
#
# Writes tienlang-YYYY-MM-DD.dump (pg_dump custom format, for pg_restore) and
# tienlang-YYYY-MM-DD.json.gz (manage.py backup, for manage.py restore on PostgreSQL or
# SQLite), readable by the service user only: they hold everyone's personal data.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

DIR=${BACKUP_DIR:-/var/backups/tienlang}
KEEP=${BACKUP_KEEP_DAYS:-30}
STAMP=$(date +%Y-%m-%d)
umask 077
mkdir -p "$DIR"

case "${DATABASE_URL:-}" in
  postgres://* | postgresql://*)
    pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$DIR/tienlang-$STAMP.dump.part"
    mv "$DIR/tienlang-$STAMP.dump.part" "$DIR/tienlang-$STAMP.dump"
    ;;
esac
"$PY" manage.py backup "$DIR/tienlang-$STAMP.json.gz"
find "$DIR" -maxdepth 1 -name 'tienlang-*' -type f -mtime +"$KEEP" -delete
echo "backup: $(ls -1 "$DIR" | wc -l) files in $DIR"
