#!/usr/bin/env bash
# `manage.py` with the production settings of ./.env (for the operator and for cron):
#   scripts/manage.sh backup /var/backups/tienlang/manual.json.gz
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh
exec "$PY" manage.py "$@"
