#!/usr/bin/env bash
# Builds WorkTrack, loads the demo data and starts the server on the embedded default (SQLite
# and a local data directory, ./worktrack-data). Prints the URL and the demo logins.
#
# Usage: scripts/start.sh [SERVE FLAGS...]     e.g. scripts/start.sh --listen 127.0.0.1:9090
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install the Rust toolchain (https://rustup.rs) and run this again." >&2
  exit 1
fi
# The embedded default needs nothing else: SQLite is compiled in.
echo "Building WorkTrack (the first build takes a few minutes)..."
cargo build --locked --quiet -p worktrack
bin=target/debug/worktrack

"$bin" demo
echo
exec "$bin" serve "$@"
