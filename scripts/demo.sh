#!/usr/bin/env bash
# Set everything up and run the dashboard on the bundled demo workbook (no account, no network).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m streamlit run serve.py "$@"
