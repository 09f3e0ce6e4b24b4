#!/usr/bin/env bash
# Set everything up and run the dashboard on its embedded data: http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")"
bash tools/setup.sh requirements.txt
exec .venv/bin/streamlit run dashboard/app.py "$@"
