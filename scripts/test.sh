#!/usr/bin/env bash
# Set everything up (dev requirements, Debian's Chromium) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -n 2 "$@"
