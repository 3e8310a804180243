#!/usr/bin/env bash
# The one command that installs the test prerequisites and runs the whole test suite, first on
# SQLite (the default) and then on a throw-away PostgreSQL started for this run.
#
# Usage: scripts/test.sh [CARGO TEST ARGS...]
#   scripts/test.sh                   everything
#   scripts/test.sh browser           only tests whose name contains "browser"
#   scripts/test.sh -- --nocapture    arguments after -- go to the test binaries
# Environment:
#   WORKTRACK_TEST_SETUP_ONLY=1   install, start PostgreSQL, print its URL, stop it again and exit
#                                 without running cargo (checks the set-up part alone).
#   CI=true                       also run `cargo fmt --check` and `cargo clippy -D warnings` first.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mkdir -p target
log=$root/target/test-setup.log
: >"$log"

as_root=()
if [[ $EUID -ne 0 ]]; then as_root=(sudo); fi

# --- Debian packages -------------------------------------------------------------------------
# Later features add: tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd
packages=(postgresql chromium chromium-driver poppler-utils imagemagick qpdf)
if ! command -v npm >/dev/null; then packages+=(npm); fi
installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]; }
missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
if ((${#missing[@]})); then
  start=$SECONDS
  # Only the missing ones: naming an installed package would upgrade it.
  if ! { "${as_root[@]}" apt-get update -qq &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >>"$log" 2>&1; then
    echo "apt-get install ${missing[*]} failed; end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  echo "setup: installed ${missing[*]} in $((SECONDS - start)) s (log: $log)"
else
  echo "setup: Debian packages present (${packages[*]})"
fi

# --- npm: axe-core (accessibility checks in the browser tests), tus-js-client (tus tests) -----
if [[ ! -f node_modules/axe-core/axe.min.js || ! -f node_modules/tus-js-client/package.json ]]; then
  if ! npm install --no-audit --no-fund --loglevel=error >>"$log" 2>&1; then
    echo "npm install failed; end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  version() { node -p "require('./node_modules/$1/package.json').version"; }
  echo "setup: installed axe-core $(version axe-core), tus-js-client $(version tus-js-client)"
fi

# --- pip: tuspy for the tus client tests (crates/cli/tests/clients/tus_upload.py) -------------
if ! python3 -c 'import tusclient' >/dev/null 2>&1; then
  pip_install() { python3 -m pip install --quiet --disable-pip-version-check "$@" tuspy==1.1.0 >>"$log" 2>&1; }
  # Debian's own python3 refuses installs outside a virtual environment (PEP 668); then the
  # user's site-packages (~/.local) is the place that leaves Debian's packages alone.
  if ! pip_install && ! { grep -q externally-managed-environment "$log" && pip_install --user --break-system-packages; }; then
    echo "pip install tuspy==1.1.0 failed; end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  echo "setup: installed tuspy 1.1.0"
fi

# --- a throw-away PostgreSQL -----------------------------------------------------------------
# The newest installed major version (Debian 12 ships 15).
pg_bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if [[ ! -x $pg_bin/initdb ]]; then pg_bin=""; fi
if [[ -z $pg_bin ]]; then
  echo "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin" >&2
  exit 1
fi
as_pg=()
if [[ $EUID -eq 0 ]]; then as_pg=(runuser -u postgres --); fi # root cannot run initdb

pg_dir=$(mktemp -d /tmp/worktrack-pg.XXXXXX)
stop_pg() {
  if [[ -f $pg_dir/data/postmaster.pid ]]; then
    (cd /tmp && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop) >/dev/null 2>&1 || true
  fi
  rm -rf "$pg_dir"
}
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

chmod 755 "$pg_dir"
if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$pg_dir"; fi
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# cd /tmp: initdb warns when it cannot return to a directory postgres cannot enter.
if ! (cd /tmp && "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust \
  -E UTF8 --locale=C.UTF-8 --no-sync >>"$log" 2>&1 &&
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 30 \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >>"$log" 2>&1); then
  echo "starting PostgreSQL failed; end of $log and of the server log:" >&2
  tail -n 20 "$log" >&2
  if [[ -f $pg_dir/server.log ]]; then tail -n 20 "$pg_dir/server.log" >&2; fi
  exit 1
fi
pg_url="postgres://postgres@127.0.0.1:$pg_port/postgres"
echo "setup: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $pg_port"

if [[ -n ${WORKTRACK_TEST_SETUP_ONLY:-} && ${WORKTRACK_TEST_SETUP_ONLY} != 0 ]]; then
  echo "WORKTRACK_TEST_DATABASE_URL=$pg_url"
  echo "setup only (WORKTRACK_TEST_SETUP_ONLY): stopping PostgreSQL, not running cargo"
  exit 0
fi

# --- checks and tests ------------------------------------------------------------------------
if [[ ${CI:-} == true ]]; then
  echo "== cargo fmt --check =="
  cargo fmt --all -- --check
  echo "== cargo clippy =="
  cargo clippy --workspace --all-targets --locked -- -D warnings
fi

echo "== tests on SQLite =="
env -u WORKTRACK_TEST_DATABASE_URL cargo test --workspace --locked "$@"

echo "== tests on PostgreSQL =="
WORKTRACK_TEST_DATABASE_URL=$pg_url cargo test --workspace --locked "$@"
