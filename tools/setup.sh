#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: a virtualenv with the pinned packages, and the
# front-end assets copied where Streamlit serves them. Safe to run again: it only
# installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
req=${1:-requirements.txt}
stamp=".venv/.installed-$(basename "$req")-$(cat requirements*.txt | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip \
    || echo "setup: could not upgrade pip; going on with $(.venv/bin/python -m pip --version)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
  touch "$stamp"
fi
.venv/bin/python -m layers assets >/dev/null
