#!/usr/bin/env bash
# Set up (idempotently) what the project needs: a virtual environment in .venv with the
# pinned requirements; with "dev", the test requirements, Debian's Chromium and LibreOffice Calc
# (for the forms' round-trip test; measured 2026-12-02: apt-get update 1.6 s + install 20.1 s,
# 60 packages, 211 MB, --no-install-recommends) too.
# Usage: scripts/setup.sh [dev]
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Cần Python 3.11 trở lên (Python 3.11 or newer is required): $("$python" --version 2>&1)" >&2
  exit 1
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq "$@"
}

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv 2>/dev/null || { apt_install python3-venv && "$python" -m venv .venv; }
fi

want=requirements.txt
[ "${1:-}" = dev ] && want=requirements-dev.txt
stamp=.venv/.installed-$(basename "$want" .txt)
digest=$(cat requirements.txt "$want" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$want"
  echo "$digest" > "$stamp"
fi

if [ "${1:-}" = dev ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

if [ "${1:-}" = dev ] && ! command -v soffice >/dev/null; then
  apt_install --no-install-recommends libreoffice-calc
fi

# The production tests start Debian's nginx (TLS, HTTP/2) and redis-server themselves.
if [ "${1:-}" = dev ] && { [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/redis-server ]; }; then
  apt_install --no-install-recommends nginx redis-server
fi
