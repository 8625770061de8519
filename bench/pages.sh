#!/usr/bin/env bash
# Seat list pages of one large org: the first request after start (which
# orders the whole list), then page 1 and the last page (of PER_PAGE), and
# the middle page of 100, three times each. The list order is then in the
# read cache; each page's seats are read from the database.
#
#   bench/pages.sh                 # one org of 1,000,000 seats
#   SEATS=100000 bench/pages.sh
#   SEATKEEPER_BIN=/tmp/seatkeeper-main DB_TAG=-main bench/pages.sh   # another build, its own database
#
# After the warm pages, a seat is changed (DELETE then POST
# selected_users) and the first page and the last page are timed right
# after each write; then GET /metrics, three times.
# Prints each request's time (curl's time_total) and seatkeeper's
# resident memory after them. Only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/.."
SEATS=${SEATS:-1000000}
PER_PAGE=${PER_PAGE:-50}
PORT=${PORT:-18092}
out=bench/out
mkdir -p "$out"
sk="${SEATKEEPER_BIN:-$out/seatkeeper}"
[ -n "${SEATKEEPER_BIN:-}" ] || go build -o "$out/seatkeeper" ./cmd/seatkeeper

db="$out/pages-1-$SEATS${DB_TAG:-}.db"
if [ ! -f "$db" ]; then
  "$sk" generate --database "$db" --orgs 1 --seats-per-org "$SEATS" --tokens-per-org 1
fi
"$sk" serve --database "$db" --addr "127.0.0.1:$PORT" --metrics-addr "127.0.0.1:$((PORT + 1))" --rate-limit 1000000000 2>"$out/pages.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.01; done

last=$(( (SEATS + PER_PAGE - 1) / PER_PAGE ))
middle=$(( (SEATS + 99) / 100 / 2 ))
# get LABEL PER_PAGE PAGE: one request, with that one per_page.
get() {
  curl -sf -o /dev/null -w "$1: %{http_code} %{time_total}s\n" -H "Authorization: Bearer ghp_gen0000token0000" \
    "http://127.0.0.1:$PORT/orgs/gen-org-0000/copilot/billing/seats?per_page=$2&page=$3"
}
echo "org of $SEATS seats, per_page=$PER_PAGE, last page $last"
get "first request (orders the list)" "$PER_PAGE" 1
for i in 1 2 3; do
  get "page 1 of $PER_PAGE" "$PER_PAGE" 1
  get "page $last of $PER_PAGE" "$PER_PAGE" "$last"
  get "page $middle of 100 (the middle)" 100 "$middle"
done
rows=$(curl -sf -H "Authorization: Bearer ghp_gen0000token0000" \
  "http://127.0.0.1:$PORT/orgs/gen-org-0000/copilot/billing/seats?per_page=100&page=$middle" | grep -o '"assignee":' | wc -l)
echo "page $middle of 100 holds $rows seats"
write() {
  curl -s -o /dev/null -w "$1 selected_users: %{http_code} %{time_total}s\n" -X "$1" -H "Authorization: Bearer ghp_gen0000token0000" \
    -d '{"selected_usernames":["gen-0000-u0000000"]}' "http://127.0.0.1:$PORT/orgs/gen-org-0000/copilot/billing/selected_users"
}
for verb in DELETE POST DELETE POST; do
  write "$verb"
  get "  page 1 of $PER_PAGE after it" "$PER_PAGE" 1
  get "  page $last of $PER_PAGE after it" "$PER_PAGE" "$last"
done
for i in 1 2 3; do
  curl -sf -o /dev/null -w "GET /metrics: %{http_code} %{time_total}s\n" "http://127.0.0.1:$((PORT + 1))/metrics"
done
echo "resident memory: $(( $(ps -o rss= -p $pid) / 1024 )) MB"
