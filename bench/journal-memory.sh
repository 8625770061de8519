#!/usr/bin/env bash
# Issue 16's memory reproduction: N requests with SIZE-byte query strings
# and made-up tokens against "serve --demo"; prints the server's resident
# memory (VmRSS) before, after the requests, and 5 s after emptying the
# journal. Only 127.0.0.1 is used.
#
#   bench/journal-memory.sh                  # the binary built from this tree
#   BIN=/tmp/old-seatkeeper bench/journal-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1100}
SIZE=${SIZE:-1040000}
PORT=${PORT:-18190}
out=bench/out
mkdir -p "$out"
if [ -z "${BIN:-}" ]; then
  go build -o "$out/seatkeeper" ./cmd/seatkeeper
  BIN=$out/seatkeeper
fi
go build -o "$out/bigquery" ./bench/bigquery
admin=ghp_benchJournalMemoryAdminToken00000000
SEATKEEPER_ADMIN_TOKEN=$admin "$BIN" serve --demo --addr 127.0.0.1:$PORT \
  --rate-limit-unauthenticated 1000000 2>/dev/null >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs http://127.0.0.1:$PORT/readyz >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {printf "%d MB", $2/1024}' /proc/$pid/status; }
echo "RSS at start: $(rss)"
"$out/bigquery" -base http://127.0.0.1:$PORT -n "$N" -size "$SIZE"
sleep 1
echo "RSS after the requests: $(rss)"
curl -fs -X DELETE -H "Authorization: Bearer $admin" http://127.0.0.1:$PORT/_seatkeeper/requests
sleep 5
echo "RSS 5 s after emptying the journal: $(rss)"
