#!/usr/bin/env bash
# The one command that installs the test prerequisites and runs the whole test suite, first on
# SQLite (the default) and then on a throw-away PostgreSQL started for this run, then the
# integration tests once more with their blobs in a throw-away S3 store (s3s-fs). The S3 store is
# also reachable over https (socat with a certificate of a throw-away CA in front of it): the
# store's S3 unit tests run once more over https, and so does the one integration test of
# crates/cli/tests/it/s3_https.rs.
#
# Usage: scripts/test.sh [CARGO TEST ARGS...]
#   scripts/test.sh                   everything
#   scripts/test.sh browser           only tests whose name contains "browser"
#   scripts/test.sh -- --nocapture    arguments after -- go to the test binaries
# Environment:
#   WORKTRACK_TEST_SETUP_ONLY=1   install, start PostgreSQL and s3s-fs, print their settings, stop
#                                 them again and exit without running cargo (checks the set-up
#                                 part alone).
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
packages=(postgresql chromium chromium-driver poppler-utils imagemagick qpdf
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd fonts-dejavu-core socat openssl wrk)
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

# --- pip: tuspy for the tus client tests (crates/cli/tests/clients/tus_upload.py), schemathesis
# for the generated API probe (crates/cli/tests/it/probe.rs), aiosmtpd for the mail relay with
# STARTTLS and AUTH of the digest tests (crates/cli/tests/clients/smtp_relay.py), icalendar to
# read the appointment calendars and feeds (crates/cli/tests/it/calendar.rs) ---------------------
pip_wanted=(tuspy==1.1.0 schemathesis==4.32.5 aiosmtpd==1.4.6 icalendar==7.3.0)
if ! python3 -c 'import tusclient' >/dev/null 2>&1 ||
  [[ "$(python3 -c 'import icalendar; print(icalendar.__version__)' 2>/dev/null)" != 7.3.0 ]] ||
  [[ "$(python3 -c 'import aiosmtpd; print(aiosmtpd.__version__)' 2>/dev/null)" != 1.4.6 ]] ||
  [[ "$(schemathesis --version 2>/dev/null)" != *4.32.5* ]]; then
  pip_install() { python3 -m pip install --quiet --disable-pip-version-check "$@" "${pip_wanted[@]}" >>"$log" 2>&1; }
  # Debian's own python3 refuses installs outside a virtual environment (PEP 668); then the
  # user's site-packages (~/.local) is the place that leaves Debian's packages alone.
  if ! pip_install && ! { grep -q externally-managed-environment "$log" && pip_install --user --break-system-packages; }; then
    echo "pip install ${pip_wanted[*]} failed; end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  echo "setup: installed ${pip_wanted[*]}"
fi
# A --user install puts schemathesis in ~/.local/bin.
export PATH=$PATH:$HOME/.local/bin

# --- s3s-fs: an S3-compatible server for the S3 blob store tests, built once into target/tools --
s3s_fs=$root/target/tools/bin/s3s-fs
if [[ ! -x $s3s_fs ]]; then
  start=$SECONDS
  echo "setup: building s3s-fs 0.14.1 into target/tools (a few minutes, once)"
  if ! cargo install s3s-fs --version 0.14.1 --locked --features binary --root "$root/target/tools" >>"$log" 2>&1; then
    echo "cargo install s3s-fs failed; end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  echo "setup: installed s3s-fs 0.14.1 in $((SECONDS - start)) s"
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
s3_pid=""
s3_tls_pid=""
s3_dir=""
stop_s3() {
  for pid in $s3_tls_pid $s3_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n $s3_dir ]]; then rm -rf "$s3_dir"; fi
}
trap 'stop_pg; stop_s3' EXIT
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

# --- a throw-away S3 store: s3s-fs on a free loopback port, random credentials, one bucket ----
if ! command -v curl >/dev/null; then
  echo "curl is needed to create the test bucket" >&2
  exit 1
fi
s3_dir=$(mktemp -d /tmp/worktrack-s3.XXXXXX)
mkdir "$s3_dir/data"
s3_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
s3_access_key=$(python3 -c 'import secrets; print(secrets.token_hex(10))')
s3_secret_key=$(python3 -c 'import secrets; print(secrets.token_hex(20))')
s3_bucket=worktrack-test
s3_url=http://127.0.0.1:$s3_port
"$s3s_fs" --host 127.0.0.1 --port "$s3_port" --access-key "$s3_access_key" \
  --secret-key "$s3_secret_key" "$s3_dir/data" >"$s3_dir/server.log" 2>&1 &
s3_pid=$!
for _ in $(seq 100); do
  if (: </dev/tcp/127.0.0.1/"$s3_port") 2>/dev/null || ! kill -0 "$s3_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
# A signed PUT creates the bucket (and proves the credentials); curl signs but leaves the payload
# hash header to the caller.
if ! curl -sS --fail-with-body -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
  --user "$s3_access_key:$s3_secret_key" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
  "$s3_url/$s3_bucket" >>"$log" 2>&1; then
  echo "starting s3s-fs or creating its bucket failed; end of $log and of the server log:" >&2
  tail -n 5 "$log" >&2
  tail -n 20 "$s3_dir/server.log" >&2
  exit 1
fi
# For every pass: the store's S3 unit tests run whenever these are set.
export WORKTRACK_TEST_S3_ENDPOINT=$s3_url WORKTRACK_TEST_S3_BUCKET=$s3_bucket
export WORKTRACK_TEST_S3_ACCESS_KEY=$s3_access_key WORKTRACK_TEST_S3_SECRET_KEY=$s3_secret_key
unset WORKTRACK_TEST_BLOB_STORE
echo "setup: s3s-fs $("$s3s_fs" --version 2>/dev/null | awk '{print $2}') on port $s3_port (bucket $s3_bucket)"

# --- the same S3 store over https: a throw-away CA, a certificate for 127.0.0.1 signed by it, and
# socat terminating TLS in front of s3s-fs (the tests trust the CA through its file) ------------
tls_dir=$s3_dir/tls
mkdir "$tls_dir"
if ! {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=WorkTrack test S3 CA" -keyout "$tls_dir/ca.key" -out "$tls_dir/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
      -keyout "$tls_dir/server.key" -out "$tls_dir/server.csr" &&
    printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=CA:FALSE" \
      "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$tls_dir/server.ext" &&
    openssl x509 -req -in "$tls_dir/server.csr" -CA "$tls_dir/ca.pem" -CAkey "$tls_dir/ca.key" \
      -CAcreateserial -days 2 -extfile "$tls_dir/server.ext" -out "$tls_dir/server.pem"
} >>"$log" 2>&1; then
  echo "making the test certificates failed; end of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
s3_tls_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
socat "OPENSSL-LISTEN:$s3_tls_port,bind=127.0.0.1,reuseaddr,fork,verify=0,cert=$tls_dir/server.pem,key=$tls_dir/server.key" \
  "TCP:127.0.0.1:$s3_port" >"$s3_dir/tls.log" 2>&1 &
s3_tls_pid=$!
s3_https_url=https://127.0.0.1:$s3_tls_port
for _ in $(seq 100); do
  if curl -sS -o /dev/null --cacert "$tls_dir/ca.pem" "$s3_https_url/" 2>/dev/null || ! kill -0 "$s3_tls_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if ! curl -sS -o /dev/null --cacert "$tls_dir/ca.pem" "$s3_https_url/" >>"$log" 2>&1; then
  echo "starting the TLS front of s3s-fs (socat) failed; end of $log and of its log:" >&2
  tail -n 5 "$log" >&2
  tail -n 20 "$s3_dir/tls.log" >&2
  exit 1
fi
export WORKTRACK_TEST_S3_HTTPS_ENDPOINT=$s3_https_url WORKTRACK_TEST_S3_CA_FILE=$tls_dir/ca.pem
echo "setup: s3s-fs over https on port $s3_tls_port (socat, CA $tls_dir/ca.pem)"

if [[ -n ${WORKTRACK_TEST_SETUP_ONLY:-} && ${WORKTRACK_TEST_SETUP_ONLY} != 0 ]]; then
  echo "WORKTRACK_TEST_DATABASE_URL=$pg_url"
  echo "WORKTRACK_TEST_S3_ENDPOINT=$s3_url WORKTRACK_TEST_S3_BUCKET=$s3_bucket"
  echo "WORKTRACK_TEST_S3_HTTPS_ENDPOINT=$s3_https_url WORKTRACK_TEST_S3_CA_FILE=$tls_dir/ca.pem"
  echo "setup only (WORKTRACK_TEST_SETUP_ONLY): stopping PostgreSQL and s3s-fs, not running cargo"
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

# Only the integration tests (package worktrack) read WORKTRACK_TEST_BLOB_STORE; the other
# crates' tests, the store's S3 unit tests among them, ran in both passes above.
echo "== tests on SQLite with S3 blobs =="
WORKTRACK_TEST_BLOB_STORE=s3 env -u WORKTRACK_TEST_DATABASE_URL cargo test -p worktrack --locked "$@"
