#!/usr/bin/env bash
# `make screenshots`: take the pictures of docs/screenshots/ and docs/guide/img/ and copy them into place.
#
# The browser tests and the printed-report test save their pictures under test-artifacts/
# (git-ignored); this script runs them and copies the ones the documentation shows. The test
# suite alone never writes into tracked files.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTIFACTS=test-artifacts/screenshots
DOCS=docs/screenshots

# picture in test-artifacts  →  picture in docs
PICTURES=(
  "test_dashboard_and_quota_report_download-chromium--dashboard.png dashboard.png"
  "report-quota.png quota-report.png"
  "phone-nomination-list.png phone-nomination-list.png"
  "phone-nomination-form.png phone-nomination-form.png"
)

PRINTED=test-artifacts/printed
rm -rf "$ARTIFACTS" "$PRINTED" test-artifacts/guide
SKIP_LINT=1 WORKERS=0 bash scripts/test.sh -q \
  tests/browser/test_reports.py::test_dashboard_and_quota_report_download \
  tests/browser/test_phone.py::test_the_chair_works_on_a_phone \
  tests/reports/test_reports.py::test_every_report_opens_and_converts_to_pdf \
  tests/reports/test_printing.py::test_every_demo_report_prints_legibly_on_a4 \
  tests/browser/test_guide.py

# The guide's pictures (docs/guide/*.md and the product's "Hướng dẫn" show them), all of them.
mkdir -p docs/guide/img
cp test-artifacts/guide/*.png docs/guide/img/
ls docs/guide/img/*.png

mkdir -p "$DOCS"
for entry in "${PICTURES[@]}"; do
  read -r source target <<<"$entry"
  cp "$ARTIFACTS/$source" "$DOCS/$target"
  echo "$DOCS/$target"
done

# Every printed page of each demo report (LibreOffice → PDF → PNG), one picture per page.
rm -rf "$DOCS/reports"
mkdir -p "$DOCS/reports"
cp "$PRINTED"/*.png "$DOCS/reports/"
ls "$DOCS/reports"/*.png
