#!/usr/bin/env bash
# The enterprise seat list over HTTP at 1,000,000 seats: 100 orgs of 10,000
# seats moved into one enterprise `bench` (owner gen-0000-owner), builds
# alternating in one run, each serving its own copy of the database.
#
#   bench/entpages.sh main=/tmp/sk-main new=bench/out/seatkeeper
#   ROUNDS=3 PAGES=100 WRITES=10 bench/entpages.sh a=BIN b=BIN
#   TAG=10k BASE_DB=bench/out/gen-10-1000.db ENT_PAGES=100 ORG_PAGES=10 \
#     VICTIM=gen-0001-u0000999 bench/entpages.sh a=BIN b=BIN   # 10 orgs of 1,000
#
# BASE_DB (default bench/out/bench-100-10000-c6new.db, `seatkeeper generate
# --orgs 100 --seats-per-org 10000 --tokens-per-org 1`) is copied once to
# bench/out/entpages-TAG-base.db (TAG default 1m), its orgs moved into a new
# enterprise and the enterprise list's tables dropped (migrations 0010 and
# 0015 unrecorded), so that each build counts the list at its first start as
# an upgrade does; then once to bench/out/entpages-TAG-LABEL.db for each
# build. Each round starts each build in turn and times, with curl's
# time_total:
#   - PAGES random pages of 100 of the enterprise list (of ENT_PAGES pages;
#     the same pages for every build: bash's RANDOM seeded by the round),
#     and the server's CPU (user + system, /proc/PID/stat) over them, per
#     page ("enterprise-random-cpu", which on a loaded machine varies less
#     than the wall time);
#   - PAGES random pages of 100 of one org's list (gen-org-0001, of
#     ORG_PAGES pages);
#   - WRITES one-user writes (DELETE, then POST, /orgs/gen-org-0001/copilot/
#     billing/selected_users of VICTIM, default gen-0001-u0009999), each
#     followed by page 1 of the enterprise list, then page 1 of the org's.
# Prints p50, p95 and max of each measure for each build over all rounds,
# and the load average at each start. Only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
PAGES=${PAGES:-60}
WRITES=${WRITES:-6}
PORT=${PORT:-18492}
BASE_DB=${BASE_DB:-bench/out/bench-100-10000-c6new.db}
TAG=${TAG:-1m}
ENT_PAGES=${ENT_PAGES:-10000}
ORG_PAGES=${ORG_PAGES:-100}
VICTIM=${VICTIM:-gen-0001-u0009999}
out=bench/out
token="Authorization: Bearer ghp_gen0000token0000"         # gen-0000-owner, the enterprise's owner
orgtoken="Authorization: Bearer ghp_gen0001token0000"      # gen-0001-owner, gen-org-0001's
api="http://127.0.0.1:$PORT"
[ $# -gt 0 ] || { echo "usage: $0 LABEL=BINARY..." >&2; exit 2; }

base="$out/entpages-$TAG-base.db"
if [ ! -f "$base" ]; then
  cp "$BASE_DB" "$base.tmp"
  sqlite3 "$base.tmp" "BEGIN;
    INSERT INTO enterprises (id, slug, slug_key, name, created_at, updated_at)
      SELECT 3000000, 'bench', 'bench', 'Bench', MIN(created_at), MIN(created_at) FROM organizations;
    INSERT INTO enterprise_owners (enterprise_id, user_id) SELECT 3000000, id FROM users WHERE login = 'gen-0000-owner';
    UPDATE organizations SET enterprise_id = 3000000;
    DROP TABLE IF EXISTS enterprise_seat_chunks; DROP TABLE IF EXISTS enterprise_seat_holders;
    DROP TABLE IF EXISTS enterprise_seat_holder_counts; DROP TABLE IF EXISTS enterprise_seat_list;
    DROP INDEX IF EXISTS enterprise_copilot_seats_list;
    DELETE FROM schema_migrations WHERE version IN (10, 15);
    COMMIT;"
  mv "$base.tmp" "$base"
fi
for arg in "$@"; do
  label=${arg%%=*}
  [ -f "$out/entpages-$TAG-$label.db" ] || cp "$base" "$out/entpages-$TAG-$label.db"
  : >"$out/entpages-$TAG-$label.times"
done

pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true' EXIT
# cpu PID: the process's user and system CPU so far, in clock ticks.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks=$(getconf CLK_TCK)
# timed NAME URL [TOKEN]: one GET, its time appended to the build's file as
# "NAME seconds".
timed() {
  local t
  t=$(curl -sf -o /dev/null -w '%{time_total}' -H "${3:-$token}" "$api$2")
  echo "$1 $t" >>"$times"
}
for round in $(seq 1 "$ROUNDS"); do
  for arg in "$@"; do
    label=${arg%%=*} bin=${arg#*=} times="$out/entpages-$TAG-$label.times"
    echo "round $round, $label: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    start=$(date +%s.%N)
    "$bin" serve --database "$out/entpages-$TAG-$label.db" --addr "127.0.0.1:$PORT" --rate-limit 1000000000 2>>"$out/entpages-$TAG-$label.log" &
    pid=$!
    until curl -sf "$api/readyz" >/dev/null; do sleep 0.05; done
    echo "  ready after $(echo "$(date +%s.%N) - $start" | bc) s"
    curl -sf -o /dev/null -H "$token" "$api/enterprises/bench/copilot/billing/seats?per_page=100&page=1"
    RANDOM=$round
    cpu0=$(cpu "$pid")
    for _ in $(seq 1 "$PAGES"); do
      timed enterprise-random "/enterprises/bench/copilot/billing/seats?per_page=100&page=$((RANDOM % ENT_PAGES + 1))"
    done
    echo "enterprise-random-cpu $(echo "($(cpu "$pid") - $cpu0) / $ticks / $PAGES" | bc -l)" >>"$times"
    for _ in $(seq 1 "$PAGES"); do
      timed org-random "/orgs/gen-org-0001/copilot/billing/seats?per_page=100&page=$((RANDOM % ORG_PAGES + 1))" "$orgtoken"
    done
    for i in $(seq 1 "$WRITES"); do
      verb=DELETE
      [ $((i % 2)) -eq 1 ] || verb=POST
      curl -sf -o /dev/null -X "$verb" -H "$orgtoken" -d "{\"selected_usernames\":[\"$VICTIM\"]}" \
        "$api/orgs/gen-org-0001/copilot/billing/selected_users"
      timed enterprise-page1-after-write "/enterprises/bench/copilot/billing/seats?per_page=100&page=1"
      timed org-page1-after-write "/orgs/gen-org-0001/copilot/billing/seats?per_page=100&page=1" "$orgtoken"
    done
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
for arg in "$@"; do
  label=${arg%%=*}
  for m in enterprise-random enterprise-random-cpu org-random enterprise-page1-after-write org-page1-after-write; do
    grep "^$m " "$out/entpages-$TAG-$label.times" | cut -d' ' -f2 | sort -n |
      awk -v l="$label" -v m="$m" '{a[NR] = $1 * 1000} END {
        printf "%-5s %-29s n=%-4d p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms\n", l, m, NR, a[int((NR + 1) * 0.5)], a[int(NR * 0.95 + 0.5)], a[NR]}'
  done
done
