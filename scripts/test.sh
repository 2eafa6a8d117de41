#!/usr/bin/env bash
# Installs ydan with its development tools into .venv and runs lint, types and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy bot handlers nlp storage scheduler locales
.venv/bin/pytest -q
