#!/usr/bin/env bash
# The usage pages and repos-1-day on a generated org in an enterprise:
#   bench/usage-pages.sh BIN DB
# DB is made by seatkeeper generate --database DB --orgs 1 --seats-per-org
# 100000 --tokens-per-org 1 --usage-days 28 (a copy: this script puts the
# org in an enterprise, gen-ent, owned by the org's owner). Signs in to the
# dashboard with the org owner's token, then times GET
# /ui/orgs/gen-org-0000/usage and /ui/enterprises/gen-ent/usage three
# times each, the org's seat CSV three times (first byte and total), and
# the repos-1-day and users-1-day downloads of the clock's yesterday
# (curl's time_total, the server's CPU). Only 127.0.0.1 is used.
set -euo pipefail
bin=$1; db=$2; port=${PORT:-18736}
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
if not c.execute("SELECT 1 FROM enterprises WHERE slug = 'gen-ent'").fetchone():
    owner = c.execute("SELECT m.user_id FROM org_memberships m JOIN organizations o ON o.id = m.org_id WHERE o.login = 'gen-org-0000' AND m.role = 'admin' LIMIT 1").fetchone()[0]
    c.execute("INSERT INTO enterprises (id, slug, slug_key, name, created_at, updated_at) VALUES (900001, 'gen-ent', 'gen-ent', 'Gen Enterprise', 0, 0)")
    c.execute("INSERT INTO enterprise_owners (enterprise_id, user_id) VALUES (900001, ?)", (owner,))
    c.execute("UPDATE organizations SET enterprise_id = 900001 WHERE login = 'gen-org-0000'")
    c.commit()
PY
"$bin" serve --database "$db" --addr 127.0.0.1:$port --base-url http://127.0.0.1:$port > "$db.serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
T=ghp_gen0000token0000
jar=$(mktemp)
csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/ui/signin" | grep -o 'name="csrf" value="[^"]*"' | sed 's/.*value="//;s/"//')
curl -s -b "$jar" -c "$jar" -o /dev/null -H "Origin: http://127.0.0.1:$port" --data-urlencode "csrf=$csrf" --data-urlencode "token=$T" "http://127.0.0.1:$port/ui/signin"
cpu() { awk '{print $14+$15}' /proc/$pid/stat; }
for i in 1 2 3; do
  for path in /ui/orgs/gen-org-0000/usage /ui/enterprises/gen-ent/usage; do
    c0=$(cpu)
    w=$(curl -s -b "$jar" -o /dev/null -w "%{http_code} %{size_download}B %{time_total}s" "http://127.0.0.1:$port$path")
    echo "$path: $w, server CPU $(( $(cpu) - c0 ))0 ms"
  done
done
for i in 1 2 3; do
  c0=$(cpu)
  w=$(curl -s -b "$jar" -o /dev/null -w "%{http_code} %{size_download}B first byte %{time_starttransfer}s, total %{time_total}s" "http://127.0.0.1:$port/ui/orgs/gen-org-0000/seats.csv")
  echo "/ui/orgs/gen-org-0000/seats.csv: $w, server CPU $(( $(cpu) - c0 ))0 ms"
done
day=$(date -u -d yesterday +%F)
for r in orgs/gen-org-0000/copilot/metrics/reports/repos-1-day enterprises/gen-ent/copilot/metrics/reports/repos-1-day orgs/gen-org-0000/copilot/metrics/reports/users-1-day; do
  L=$(curl -s -H "Authorization: Bearer $T" "http://127.0.0.1:$port/$r?day=$day" | python3 -c 'import json,sys;print(json.load(sys.stdin)["download_links"][0])')
  c0=$(cpu)
  w=$(curl -s -o /dev/null -w "%{http_code} %{size_download}B %{time_total}s" "$L")
  echo "$r?day=$day: $w, server CPU $(( $(cpu) - c0 ))0 ms"
done
rm -f "$jar"
