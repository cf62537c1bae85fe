#!/usr/bin/env bash
# Install Gongjiang from an unpacked bundle with no package registry: checks the wheels'
# checksums, makes .venv and installs the locked requirements from wheels/ only.
#   deploy/install.sh            the application
#   deploy/install.sh --tests    also pytest, to run tests/test_smoke.py on this machine
set -euo pipefail
cd "$(dirname "$0")/.."
sha256sum --quiet -c SHA256SUMS
python3.11 -m venv .venv
.venv/bin/pip install -q --no-index --find-links wheels -r requirements-bundle.txt
if [ "${1:-}" = "--tests" ]; then
  .venv/bin/pip install -q --no-index --find-links wheels-test --find-links wheels pytest pytest-django hypothesis
fi
mkdir -p var
echo "installed into $(pwd)/.venv; next: docs/operations.md (settings, migrate, collectstatic, systemd units)"
