#!/usr/bin/env bash
# Set everything up and run the dashboard on its embedded data: http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")"
bash tools/setup.sh requirements.txt
# dashboard.serve is `streamlit run dashboard/app.py` that reads the data while the first
# browser loads (a new page's map comes seconds sooner); the same options are passed on.
exec .venv/bin/python -m dashboard.serve "$@"
