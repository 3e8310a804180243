#!/usr/bin/env bash
# Installs what is missing, builds WorkTrack, loads the demo data and starts the server on the embedded default (SQLite
# and a local data directory, ./worktrack-data). Prints the URL and the demo logins.
#
# Usage: scripts/start.sh [SERVE FLAGS...]     e.g. scripts/start.sh --listen 127.0.0.1:9090
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install the Rust toolchain (https://rustup.rs) and run this again." >&2
  exit 1
fi
# SQLite is compiled in; reading documents needs Poppler, ImageMagick and Tesseract (and a
# font, for the generated demo paper). Only the
# missing packages are installed (naming an installed one would upgrade it).
packages=(poppler-utils imagemagick tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  as_root=()
  if [[ $EUID -ne 0 ]]; then as_root=(sudo); fi
  echo "Installing ${missing[*]}..."
  mkdir -p target
  { "${as_root[@]}" apt-get update -qq &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >target/start-setup.log 2>&1 ||
    { echo "apt-get failed; see target/start-setup.log" >&2; exit 1; }
fi
echo "Building WorkTrack (the first build takes a few minutes)..."
cargo build --locked --quiet -p worktrack
bin=${CARGO_TARGET_DIR:-target}/debug/worktrack

"$bin" demo
echo
exec "$bin" serve "$@"
