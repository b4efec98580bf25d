#!/usr/bin/env bash
# Install the test tools (Python packages + Debian's Chromium for the browser test), lint, and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements-test.txt
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: could not install chromium; the browser test will skip"
fi
if [ ! -d ../shared/data ] && [ -z "${DIFFUSION_LAB_DATA:-}" ]; then
  echo "note: no ../shared/data and no DIFFUSION_LAB_DATA: tests that need MNIST / Fashion-MNIST will skip"
fi
python -m ruff check .  # the style pyproject.toml configures (line length 120, pyflakes, isort, bugbear)
python -m pytest --durations=25 "$@"  # the 25 slowest tests, for keeping the suite short
