#!/usr/bin/env bash
# Times seat writes of 1,000 usernames (DELETE then POST
# /orgs/gen-org-0001/copilot/billing/selected_users, gen-0001-u0005000 …
# u0005999) against two builds alternating, each serving its own copy of a
# generated database:
#   BEFORE=bin BEFORE_DB=db AFTER=bin AFTER_DB=db ROUNDS=4 bash bench/write1k.sh
# With KIND=teams, the writes are of the org's generated team instead
# (selected_teams, generated-team: its 1,000 members' seats).
# Prints one line per request: round, build, method, status, seconds, the
# server's CPU seconds for it (user + system, from /proc), load average.
set -euo pipefail
rounds=${ROUNDS:-4}
body=$(printf '"gen-0001-u%07d",' $(seq 5000 5999))
body="{\"selected_usernames\":[${body%,}]}"
url=/orgs/gen-org-0001/copilot/billing/selected_users
if [[ ${KIND:-users} == teams ]]; then
	body='{"selected_teams":["generated-team"]}'
	url=/orgs/gen-org-0001/copilot/billing/selected_teams
fi
declare -A port=([before]=18081 [after]=18082) pid
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
# Copies just made leave their pages dirty in the OS cache: the first
# checkpoint's fsync of the database would wait for all of them.
sync
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for b in before after; do
	bin=BEFORE db=BEFORE_DB
	[[ $b == after ]] && bin=AFTER db=AFTER_DB
	"${!bin}" serve --database "${!db}" --addr "127.0.0.1:${port[$b]}" >"/tmp/write1k-$b.log" 2>&1 &
	pids+=($!) pid[$b]=$!
done
for b in before after; do
	until curl -sf -o /dev/null "http://127.0.0.1:${port[$b]}/_seatkeeper/health" 2>/dev/null ||
		curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[$b]}/" 2>/dev/null | grep -qv 000; do sleep 1; done
done
for r in $(seq "$rounds"); do
	for b in before after; do
		for m in DELETE POST; do
			c0=$(cpu "${pid[$b]}")
			out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X "$m" \
				-H 'Authorization: Bearer ghp_gen0001token0000' -H 'Content-Type: application/json' \
				-d "$body" "http://127.0.0.1:${port[$b]}$url")
			c1=$(cpu "${pid[$b]}")
			echo "$r $b $m $out $(echo "$c1 - $c0" | bc) $(cut -d' ' -f1 /proc/loadavg)"
		done
	done
done
