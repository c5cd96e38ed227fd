#!/usr/bin/env bash
# Install the Debian packages a command needs, when they are missing.
#
#   bash scripts/system-packages.sh run    # what `make run` needs: a Python that can make a venv
#   bash scripts/system-packages.sh test   # what `make test` needs, listed in README.md
#
# Another apt may be running on the machine (unattended upgrades, another build): apt waits up
# to ten minutes for the dpkg lock instead of giving up, and a failed attempt is tried again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_OPTIONS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

apt_install() {
  echo "Installing Debian packages: $*"
  local attempt
  for attempt in 1 2 3; do
    if $SUDO apt-get "${APT_OPTIONS[@]}" update -qq &&
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${APT_OPTIONS[@]}" install -y -qq "$@" >/dev/null; then
      return 0
    fi
    echo "apt-get failed (attempt $attempt of 3); trying again in 30 s" >&2
    sleep 30
  done
  echo "Could not install: $*" >&2
  return 1
}

# grep reads everything (no -q): with pipefail, a grep that stops early fails its pipeline.
has_font() { fc-list : family 2>/dev/null | grep -i "$1" >/dev/null; }
find_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
# Debian's own Python needs python3-venv (ensurepip) to make a virtual environment.
"$PYTHON" -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
# compilemessages turns locale/*/django.po into the .mo files Django reads (GNU gettext's msgfmt).
command -v msgfmt >/dev/null || missing+=(gettext)

if [ "${1:-run}" = test ]; then
  # The throwaway database server of the suite.
  pg=$(find_pg_bin)
  [ -n "$pg" ] && [ -x "$pg/initdb" ] || missing+=(postgresql)
  # Browser tests drive the real Chromium; its pages need a font with Vietnamese glyphs.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  has_font "DejaVu" || missing+=(fonts-dejavu-core)
  # Reports are printed the way the Party committee's office prints them: LibreOffice to PDF,
  # in Times New Roman's metric twin (Liberation Serif), then read back with poppler.
  command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
  has_font "Liberation Serif" || missing+=(fonts-liberation)
  # npm installs axe-core, the browser tests' accessibility audit (package-lock.json).
  command -v npm >/dev/null || missing+=(npm)
  command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing+=(poppler-utils)
fi

if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
