#!/bin/bash
# Usage: bench/usage-reports.sh BIN LABEL (in the directory of perf.db, made by
# seatkeeper generate --database perf.db --orgs 1 --seats-per-org 100000 --tokens-per-org 1 --usage-days 28) — serves perf.db with BIN, downloads reports, prints wall time and server CPU seconds.
bin=$1; label=$2; port=18734
$bin serve --database perf.db --addr 127.0.0.1:$port --base-url http://127.0.0.1:$port > serve-$label.log 2>&1 &
pid=$!
sleep 3
T=ghp_gen0000token0000
for r in "organization-28-day/latest" "organization-1-day?day=2026-12-03" "users-1-day?day=2026-12-03"; do
  L=$(curl -s -H "Authorization: Bearer $T" "http://127.0.0.1:$port/orgs/gen-org-0000/copilot/metrics/reports/$r" | python3 -c 'import json,sys;print(json.load(sys.stdin)["download_links"][0])')
  c0=$(awk '{print $14+$15}' /proc/$pid/stat)
  w=$(curl -s -o /dev/null -w "%{http_code} %{size_download}B %{time_total}s" "$L")
  c1=$(awk '{print $14+$15}' /proc/$pid/stat)
  echo "$label $r: $w, server CPU $(( (c1-c0) ))0 ms"
done
kill $pid; wait $pid 2>/dev/null
