#!/usr/bin/env bash
# Runs every test of nrm on a fresh machine: installs what the tests need
# (PostgreSQL, Chromium, poppler-utils, sqlite3) when missing, starts a
# throwaway PostgreSQL server on a loopback port, runs `go test ./...` on
# both engines, and stops the server again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
/usr/bin/python3 -c 'import scipy.optimize' >/dev/null 2>&1 || need+=(python3-scipy)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# apt waits up to 10 minutes for another package manager's lock (an
# unattended upgrade on a fresh machine) instead of failing at once.
apt_wait() {
  local i out
  for i in $(seq 120); do
    if out=$("$@" 2>&1); then return 0; fi
    if ! grep -qiE 'could not get lock|unable to acquire|is another process using it' <<<"$out"; then
      echo "$out" >&2
      return 1
    fi
    [ "$i" = 1 ] && echo "test.sh: another package manager holds the apt lock; waiting (at most 10 minutes)"
    sleep 5
  done
  echo "test.sh: the apt lock was not released in 10 minutes" >&2
  return 1
}
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  apt_wait $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt_wait $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}"
fi
command -v chromium >/dev/null 2>&1 || echo "test.sh: no Chromium: the browser tests will be SKIPPED"
command -v pdftotext >/dev/null 2>&1 || echo "test.sh: no pdftotext: the PDF text tests will be SKIPPED"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "test.sh: no PostgreSQL: the PostgreSQL tests will be SKIPPED"
  go vet ./...
  go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
  exec go test -count=1 -timeout 40m ./... "$@"
fi
PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)")
PGPORT=${NRM_TEST_PGPORT:-55432}
PGDIR=$(mktemp -d /tmp/nrm-pg.XXXXXX)
chmod 755 "$PGDIR"
runas() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$PGDIR"; fi
cleanup() {
  runas "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
runas "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
runas "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c max_connections=200" start >/dev/null
export NRM_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
echo "test.sh: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"

go vet ./...
# staticcheck, pinned; fetched through the Go module proxy on first use.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
go test -count=1 -timeout 40m ./... "$@"
