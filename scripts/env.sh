# Sourced by the operations scripts: load ./.env when present, without overriding what the
# environment already sets (as systemd's EnvironmentFile would). KEY=value lines; "#" comments.
if [ -f .env ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | '#'*) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    value=${value%\"}
    value=${value#\"}
    [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
    [ -n "${!key+x}" ] || export "$key=$value"
  done <.env
fi
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
