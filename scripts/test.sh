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
# Two processes (pytest-xdist), each test file whole in one of them (its module fixtures, its app, its Chromium);
# DIFFUSION_LAB_TEST_WORKERS=1 runs them in one. The 25 slowest tests are listed, for keeping the suite short.
python -m pytest -n "${DIFFUSION_LAB_TEST_WORKERS:-2}" --dist loadfile --durations=25 "$@"
