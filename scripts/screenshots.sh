#!/usr/bin/env bash
# Regenerates the README's screenshots in docs/screenshots/: the demo data in a throw-away
# server, then the home page, the profiling workbench, the work queue and the dashboard at
# 1366 px and 390 px in headless Chromium (each page checked with axe-core on the way).
#
# Usage: scripts/screenshots.sh        (installs what the browser tests need, like scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
WORKTRACK_TEST_SETUP_ONLY=1 bash scripts/test.sh >/dev/null
WORKTRACK_SCREENSHOTS_DIR=$PWD/docs/screenshots \
  cargo test --locked -p worktrack --test it -- --ignored --exact \
  screenshots::screenshots_of_the_pages_people_live_in --nocapture
ls -1 docs/screenshots/*.png
