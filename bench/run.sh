#!/usr/bin/env bash
# Benchmarks of design.md §9 (not timed tests; they take minutes and
# gigabytes). Every figure of bench/RESULTS.md comes from this script.
#
#   bench/run.sh [machine|gen|import|stats|queue|pg|web|all]...   (default: all)
#
# Environment:
#   BENCH_DIR     work folder for bundles and databases (default /tmp/nrm-bench)
#   SIZES         case counts (default "10000 100000 1000000")
#   NRM_BENCH_PG  admin URL of a PostgreSQL server for the pg step, e.g.
#                 postgres://postgres@127.0.0.1:55499/postgres?sslmode=disable
#   BENCH_PORT    loopback port of the web step (default 18080)
#   IMPORT_RUNS   imports per size, to show the spread (default 3)
# Everything listens on 127.0.0.1 only and every load run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
B=${BENCH_DIR:-/tmp/nrm-bench}
SIZES=${SIZES:-"10000 100000 1000000"}
PORT=${BENCH_PORT:-18080}
BIG=$(echo $SIZES | tr ' ' '\n' | sort -n | tail -n1)
mkdir -p "$B"
NRM="$B/nrm"
go build -o "$NRM" ./cmd/nrm

say() { printf '\n== %s\n' "$*"; }

machine() {
  say machine
  echo "cores: $(nproc); memory: $(free -h | awk '/^Mem:/ {print $2}'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
  grep -m1 'model name' /proc/cpuinfo || true
  go version
  echo "SQLite CLI $(sqlite3 --version | cut -d' ' -f1); nrm's SQLite $(go list -m -f '{{.Version}}' modernc.org/sqlite) (modernc, pure Go)"
  psql --version || true
}

gen() {
  for n in $SIZES; do
    [ -f "$B/b$n/prosecutions.csv" ] || "$NRM" --lang en gen --cases "$n" --years 2007-2012 --seed 1 --out "$B/b$n"
  done
}

# floor_import N: the sqlite3 shell loading the bundle's three CSV files
# into bare tables of a new database (.import, WAL): the floor an import
# is measured against. Prints its wall seconds.
floor_import() {
  local db="$B/floor$1.db" t
  rm -f "$db" "$db-wal" "$db-shm"
  t=$( { /usr/bin/time -f '%e' sqlite3 "$db" > /dev/null <<SQL
PRAGMA journal_mode=WAL;
.mode csv
.import $B/b$1/cases.csv cases
.import $B/b$1/accommodations.csv accommodations
.import $B/b$1/exits.csv exits
SQL
  } 2>&1 )
  rm -f "$db" "$db-wal" "$db-shm"
  echo "$t"
}

# import_once N DB [nrm flags]: one nrm import of bundle N into DB, as a
# whole process; prints "wall-seconds peak-MB".
import_once() {
  local n=$1 db=$2 log
  shift 2
  log=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$log" "$NRM" --db "$db" "$@" --lang en import "$B/b$n" > /dev/null
  awk '{printf "%s %.0f\n", $1, $2/1024}' "$log"
  rm -f "$log"
}

# import: nrm's SQLite import against the floor, in alternating pairs on
# the same files; each pair's ratio and the median ratio are printed.
import() {
  gen
  for n in $SIZES; do
    say "import $n cases into a new SQLite database ($NRM --db $B/s$n.db import $B/b$n) against the floor (sqlite3 .import of the same CSV files into bare tables)"
    local ratios=() run f r w m
    for run in $(seq "${IMPORT_RUNS:-3}"); do
      rm -f "$B/s$n.db" "$B/s$n.db-wal" "$B/s$n.db-shm"
      f=$(floor_import "$n")
      read -r w m < <(import_once "$n" "$B/s$n.db")
      r=$(echo "$w $f" | awk '{printf "%.2f", $1 / $2}')
      ratios+=("$r")
      echo "  run $run: floor $f s; nrm import $w s, peak RSS $m MB; ratio $r"
    done
    # The middle ratio; with an even number of runs, the mean of the two
    # middle ones.
    echo "  median ratio to the floor: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}')"
    ls -l "$B/s$n.db" | awk '{printf "  database %.0f MB\n", $5/1048576}'
  done
}

# floor DB: best of five runs of the sqlite3 shell over stats.sql.
floor() {
  local best=999 t
  for i in 1 2 3 4 5; do
    t=$( { /usr/bin/time -f '%e' sqlite3 "$1" < bench/stats.sql > /dev/null; } 2>&1 )
    best=$(echo "$t $best" | awk '{print ($1 < $2) ? $1 : $2}')
  done
  echo "  sqlite3 shell, bench/stats.sql: best of 5 = $best s"
}

stats() {
  for n in $SIZES; do
    [ -f "$B/s$n.db" ] || import
    say "statistics 2011 over $n cases (SQLite)"
    floor "$B/s$n.db"
    (cd bench && NRM_BENCH_DB="$B/s$n.db" go test -run '^$' -bench 'Statistics(Serial)?$' -benchtime 10x -count 3 . | grep Benchmark)
    say "statistics 2011 over $n cases from the cache (unchanged data)"
    (cd bench && NRM_BENCH_DB="$B/s$n.db" go test -run '^$' -bench 'StatisticsCached' -benchtime 2s . | grep Benchmark)
  done
}

pg() {
  if [ -z "${NRM_BENCH_PG:-}" ]; then echo "pg: set NRM_BENCH_PG"; return; fi
  gen
  local url=${NRM_BENCH_PG%%\?*} q=
  [[ "$NRM_BENCH_PG" == *\?* ]] && q="?${NRM_BENCH_PG#*\?}"
  local db="${url%/*}/nrm_bench$q"
  psql -q "$NRM_BENCH_PG" -c "DROP DATABASE IF EXISTS nrm_bench" -c "CREATE DATABASE nrm_bench"
  say "import $BIG cases into PostgreSQL, against SQLite's import of the same bundle right before it"
  local sw sm pw pm
  rm -f "$B/s$BIG.db" "$B/s$BIG.db-wal" "$B/s$BIG.db-shm"
  read -r sw sm < <(import_once "$BIG" "$B/s$BIG.db")
  read -r pw pm < <(import_once "$BIG" "$db" --key-file "$B/pg.key")
  echo "  SQLite $sw s (peak RSS $sm MB); PostgreSQL $pw s (peak RSS $pm MB); ratio $(echo "$pw $sw" | awk '{printf "%.2f", $1 / $2}')"
  psql -q "$db" -c "VACUUM ANALYZE"
  say "statistics 2011 over $BIG cases (PostgreSQL)"
  local best=999 t
  for i in 1 2 3 4 5; do
    t=$( { /usr/bin/time -f '%e' psql -q -o /dev/null "$db" -f bench/stats_pg.sql; } 2>&1 )
    best=$(echo "$t $best" | awk '{print ($1 < $2) ? $1 : $2}')
  done
  echo "  psql, bench/stats_pg.sql: best of 5 = $best s"
  (cd bench && NRM_BENCH_KEY_FILE="$B/pg.key" NRM_BENCH_DB="$db" go test -run '^$' -bench 'Statistics(Serial)?$' -benchtime 10x -count 3 . | grep Benchmark)
}

# queue: the authorities' queues over the largest database, with the
# referrals a mechanism would have (added once to a copy, see
# bench/queue_test.go), against the same rows read by one plain query.
queue() {
  local db="$B/q$BIG.db"
  [ -f "$B/s$BIG.db" ] || import
  [ -f "$db" ] || { cp "$B/s$BIG.db" "$db"; cp "$B/s$BIG.db.key" "$db.key"; }
  say "authority queues over $BIG cases: the store's Queue and QueueSizes, and the floor (one plain query)"
  (cd bench && NRM_BENCH_DB="$db" go test -run '^$' -bench 'Queue' -benchtime 100x . | grep Benchmark)
  say "a US caseworker's case list (nearly every case visible through accepted referrals)"
  (cd bench && NRM_BENCH_DB="$db" go test -run '^$' -bench 'CaseListReferred' -benchtime 5x . | grep Benchmark)
}

web() {
  local db="$B/s$BIG.db" base="http://127.0.0.1:$PORT"
  [ -f "$db" ] || import
  local max
  max=$(sqlite3 "$db" "SELECT MAX(id) FROM cases")
  "$NRM" --db "$db" user list 2>/dev/null | grep -q benchadmin ||
    printf 'bench-admin-password-2011\n' | "$NRM" --db "$db" user add benchadmin --role admin --org CMM --password-stdin > /dev/null
  local token
  token=$("$NRM" --db "$db" user token benchadmin --name "bench-$(date +%s)" 2>/dev/null)
  "$NRM" --db "$db" serve --addr "127.0.0.1:$PORT" > "$B/serve.log" 2>&1 &
  local pid=$!
  trap "kill $pid 2>/dev/null || true" RETURN
  for i in $(seq 50); do curl -fs "$base/healthz" > /dev/null && break; sleep 0.2; done
  # Sign in through the form, as a browser does, for the session cookie.
  # The password an administrator gives is one-time: the first sign-in
  # changes it (the bench database needs no authenticator:
  # twofactor.roles is empty there).
  "$NRM" --db "$db" settings set twofactor.roles "" > /dev/null
  local jar csrf own=bench-admin-own-password-2011
  jar=$(mktemp)
  signin() {
    : > "$jar"
    csrf=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
    curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "username=benchadmin" \
      --data-urlencode "password=$1" "$base/login"
    grep -q nrm_session "$jar"
  }
  if signin bench-admin-password-2011; then
    csrf=$(curl -s -b "$jar" "$base/account" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
    curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "current_password=bench-admin-password-2011" \
      --data-urlencode "new_password=$own" --data-urlencode "repeat_password=$own" "$base/account/password"
  fi
  signin "$own" || { echo "bench: cannot sign in as benchadmin" >&2; return 1; }
  local cookie
  cookie=$(awk '$6 == "nrm_session" {print $7}' "$jar")
  rm -f "$jar"
  export NRM_BENCH_MAXID=$max
  local load="$B/load"
  go build -o "$load" ./bench/load
  # Open loop: requests are sent at a fixed rate whatever the latency, and
  # each latency counts from when its request was due.
  say "case page GET /cases/{id} over $BIG cases: 1,000 req/s offered (open loop), 20 s"
  "$load" -rate 1000 -duration 20s -max-id "$max" -header "Cookie: nrm_session=$cookie" "$base/cases/" || true
  say "case API GET /api/v1/cases/{id}: 1,000 req/s offered, 20 s"
  "$load" -rate 1000 -duration 20s -max-id "$max" -header "Authorization: Bearer $token" "$base/api/v1/cases/" || true
  say "case page at saturation (wrk, closed loop): 10 connections, no wait, 20 s"
  NRM_BENCH_PATH=/cases/ NRM_BENCH_AUTH="Cookie: nrm_session=$cookie" NRM_BENCH_DELAY=0 wrk -t1 -c10 -d20s -s bench/case.lua "$base" | tail -n1
  say "statistics API GET /api/v1/stats?year=2011: 1,000 req/s offered, 20 s (the first request computes, the rest come from the cache)"
  "$load" -rate 1000 -duration 20s -header "Authorization: Bearer $token" "$base/api/v1/stats?year=2011" || true
  say "size of one statistics response"
  curl -s -H "Authorization: Bearer $token" "$base/api/v1/stats?year=2011" | wc -c
}

steps=${*:-all}
[ "$steps" = all ] && steps="machine import stats queue pg web"
for s in $steps; do $s; done
