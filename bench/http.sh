#!/usr/bin/env bash
# HTTP benchmark: requests per second and latency percentiles of the people
# list (API and page) at 100,000 people, and of /healthz, on loopback, with
# the server pinned to core 0 and wrk to core 1.
#
#   bench/http.sh            # SQLite
#   MANDATE_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/mandate_bench bench/http.sh
#
# Needs wrk (Debian package `wrk`) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/mandate-target}"
people="${PEOPLE:-100000}"
duration="${DURATION:-10s}"
port="${PORT:-18181}"

cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/mandate"
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

export MANDATE_DATABASE_URL="${MANDATE_BENCH_DATABASE_URL:-sqlite://$work/mandate.db}"
export MANDATE_SIGNING_KEY="$work/audit-signing.key"
export MANDATE_DEMO_PASSWORD="bench-password-123"
"$bin" demo --people "$people" --seed 7 >/dev/null
token=$("$bin" token create --email isms_manager@demo.example --name bench 2>/dev/null)

MANDATE_LOG=warn taskset -c 0 "$bin" serve --bind "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
curl -s -c "$work/cookies" -o /dev/null -d "email=isms_manager%40demo.example&password=$MANDATE_DEMO_PASSWORD" \
  "http://127.0.0.1:$port/sign-in"
cookie=$(awk '$6 == "mandate_session" { print $7 }' "$work/cookies")

run() {
  local name=$1; shift
  printf '\n== %s\n' "$name"
  taskset -c 1 wrk -t1 -c8 -d"$duration" --latency "$@" | grep -E 'Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors'
}
# Warm up: the pool opens its connections and prepares its statements once.
taskset -c 1 wrk -t1 -c8 -d3s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/people" >/dev/null
echo "backend: ${MANDATE_DATABASE_URL%%:*}, $people people"
run "GET /healthz" "http://127.0.0.1:$port/healthz"
run "GET /api/v1/people (first page of 50)" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/people"
cursor=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/people?limit=500" | sed -E 's/.*"next_cursor":"([0-9a-f]+)".*/\1/')
run "GET /api/v1/people (page after 500)" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/people?cursor=$cursor"
run "GET /api/v1/people?search=silva" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/people?search=silva"
run "GET /people (page)" -H "Cookie: mandate_session=$cookie" "http://127.0.0.1:$port/people"
