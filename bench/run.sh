#!/usr/bin/env bash
# Load test: seatkeeper against a minimal static server, same route, same
# load generator, over loopback, at 1 and 64 connections.
#
#   bench/run.sh                       # 100 orgs x 10,000 seats = 1,000,000 seats, 10 s a server
#   ORGS=10 SEATS=1000 DUR=3s bench/run.sh
#   SEATKEEPER_BIN=/tmp/old/seatkeeper bench/run.sh   # a binary built elsewhere (another commit)
#   MODE=cold bench/run.sh             # 1,000,000 random targets, no warm-up, each slice its own: read-cache misses
#   MODE=writes bench/run.sh           # the warm targets while another org changes a seat 10 times a second
#   GEN=wrk bench/run.sh               # wrk as the load generator instead of bench/load
#   SEATKEEPER_ARGS="--pprof 127.0.0.1:6060" bench/run.sh   # more flags for seatkeeper serve
#   DATABASE=postgres://... [GENERATE=1] bench/run.sh   # PostgreSQL (GENERATE=1 fills it first)
#   DB_TAG=-old bench/run.sh           # a database of its own (bench-ORGS-SEATS-old.db), for another build's schema
#   STANDIN=headers bench/run.sh       # in seatkeeper's place, the static server sending GitHub's headers too:
#                                      # the most a server that sends them can reach (bench/static --github-headers)
#   STANDIN=floor MODE=cold bench/run.sh   # in seatkeeper's place, bench/floor: GitHub's headers after the one
#                                      # store read of a read-cache miss, nothing else: the most a miss can reach
#
# Each server gets DUR at each connection count, in ROUNDS slices (default
# 5) taken in turn, static then seatkeeper: the machine's speed drifts by
# more than the targets' margins within a minute, and alternating slices
# see the same drift. Prints requests/s, p50 and p99 of every slice, the
# median of the slices' ratios, seatkeeper's resident memory and its
# start-to-ready time. Only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${ORGS:-100}
SEATS=${SEATS:-10000}
DUR=${DUR:-10s}
ROUNDS=${ROUNDS:-5}
MODE=${MODE:-warm}
GEN=${GEN:-load}
case "$GEN" in
  load) ;;
  wrk) command -v wrk >/dev/null || { echo "bench/run.sh: GEN=wrk needs wrk (Debian: apt-get install wrk)" >&2; exit 2; } ;;
  *) echo "bench/run.sh: GEN is load or wrk, not $GEN" >&2; exit 2 ;;
esac
# Each run first sends every target once, untimed, so every timed request
# is a read-cache hit. WARM= measures cold instead: seatkeeper is
# restarted before each of its slices, so each slice starts with an empty
# read cache (the operating system's page cache stays warm).
WARM=${WARM--warmup}
TARGETS=20000
TARGET_RPS=0.6 # the issue's seatkeeper ÷ static target at 64 connections
case "$MODE" in
  warm) ;;
  writes) TARGET_RPS=0.5 ;;
  # Cold: each slice (both servers alike) starts at its own part of the
  # targets, so no timed request repeats one an earlier slice sent: every
  # seatkeeper request is a read-cache miss as long as a slice sends fewer
  # than its part (the summary says when one did not).
  cold) WARM=; TARGETS=1000000; TARGET_RPS=0.4 ;;
  *) echo "MODE is warm, cold or writes" >&2; exit 2 ;;
esac
PORT_SK=${PORT_SK:-18090}
PORT_ST=${PORT_ST:-18091}
PORT_METRICS=${PORT_METRICS:-18092}
out=bench/out
mkdir -p "$out"

if [ -n "${SEATKEEPER_BIN:-}" ]; then
  cp "$SEATKEEPER_BIN" "$out/seatkeeper"
else
  go build -o "$out/seatkeeper" ./cmd/seatkeeper
fi
sk="$out/seatkeeper"
go build -o "$out/static" ./bench/static
go build -o "$out/load" ./bench/load
STANDIN=${STANDIN:-}
case "$STANDIN" in
  ""|headers) ;;
  floor) go build -o "$out/floor" ./bench/floor ;;
  *) echo "bench/run.sh: STANDIN is headers or floor, not $STANDIN" >&2; exit 2 ;;
esac

# DATABASE=postgres://... runs seatkeeper on PostgreSQL; GENERATE=1 fills
# it first (once: generate adds to what is there).
if [ -n "${DATABASE:-}" ]; then
  db=$DATABASE
  if [ "${GENERATE:-}" = 1 ]; then
    "$sk" generate --database "$db" --orgs "$ORGS" --seats-per-org "$SEATS" --tokens-per-org 10
  fi
else
  db="$out/bench-$ORGS-$SEATS${DB_TAG:-}.db"
  if [ ! -f "$db" ]; then
    "$sk" generate --database "$db" --orgs "$ORGS" --seats-per-org "$SEATS" --tokens-per-org 10
  fi
fi

pids=()
# Servers are waited for, so that a run that follows finds its ports free.
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

for port in "$PORT_SK" "$PORT_ST" "$PORT_METRICS"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is taken" >&2; exit 1; fi
done

# /metrics takes a site administrator's token on the API's address; a
# build that has --metrics-addr serves it on an address of its own, which
# the read cache's entry count is read from at the end.
metrics_args="" metrics_url="http://127.0.0.1:$PORT_SK/metrics"
if "$sk" serve --help 2>&1 | grep -q -- --metrics-addr; then
  metrics_args="--metrics-addr 127.0.0.1:$PORT_METRICS" metrics_url="http://127.0.0.1:$PORT_METRICS/metrics"
fi

# start_seatkeeper starts (or, when it runs, restarts) seatkeeper and
# waits until it is ready, setting sk_pid and ready_ms.
sk_pid=""
start_seatkeeper() {
  if [ -n "$sk_pid" ]; then
    kill "$sk_pid" && wait "$sk_pid" 2>/dev/null || true
  fi
  local start
  start=$(date +%s%N)
  # shellcheck disable=SC2086 # SEATKEEPER_ARGS is split into words on purpose
  "$sk" serve --database "$db" --addr "127.0.0.1:$PORT_SK" --rate-limit 1000000000 --log-format json $metrics_args ${SEATKEEPER_ARGS:-} 2>>"$out/seatkeeper.log" &
  sk_pid=$!
  pids+=($sk_pid)
  until curl -sf "http://127.0.0.1:$PORT_SK/readyz" >/dev/null; do
    if ! kill -0 "$sk_pid" 2>/dev/null; then
      echo "bench/run.sh: seatkeeper exited before it was ready:" >&2
      tail -3 "$out/seatkeeper.log" >&2
      exit 1
    fi
    sleep 0.01
  done
  ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
}
: > "$out/seatkeeper.log"
start_seatkeeper
first_ready_ms=$ready_ms
# TARGETS targets: varying orgs, users and tokens. In writes mode the last
# org is the one written to, and no target reads it.
read_orgs=$ORGS
[ "$MODE" = writes ] && read_orgs=$((ORGS - 1))
# The lines have one length (fixed widths: up to 9,999 orgs and 9,999,999
# seats), which bench/targets.lua counts on to seek to a cold slice's part.
awk -v orgs="$read_orgs" -v seats="$SEATS" -v n="$TARGETS" 'BEGIN { srand(7); for (i = 0; i < n; i++) {
  o = int(rand() * orgs); u = int(rand() * seats); k = int(rand() * 10);
  printf "/orgs/gen-org-%04d/members/gen-%04d-u%07d/copilot ghp_gen%04dtoken%04d\n", o, o, u, o, k } }' > "$out/targets-sk.txt"
awk '{ print $1, "ghp_static" }' "$out/targets-sk.txt" > "$out/targets-static.txt"

# The static server answers with the very body seatkeeper gives for one
# of the targets (STATIC_BODY=example: GitHub's documented example, 1.3 KB).
static_body=()
if [ "${STATIC_BODY:-seat}" = seat ]; then
  read -r path tok < <(head -1 "$out/targets-sk.txt")
  curl -sf -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT_SK$path" > "$out/static-body.json"
  static_body=(--body "$out/static-body.json")
  echo "static body: $(wc -c < "$out/static-body.json") bytes, seatkeeper's answer to $path"
fi
# STATIC_HEADERS=github: the static server also sends GitHub's 21 other
# headers, as seatkeeper does (informational: the targets are against the
# minimal server).
if [ "${STATIC_HEADERS:-}" = github ]; then
  static_body+=(--github-headers)
fi
# STANDIN: a yardstick answers in seatkeeper's place (with seatkeeper's
# body, read above), on its port, with the static server's token; the
# lines below still call it seatkeeper.
if [ -n "$STANDIN" ]; then
  kill "$sk_pid" && wait "$sk_pid" 2>/dev/null || true
  start=$(date +%s%N)
  if [ "$STANDIN" = floor ]; then
    "$out/floor" --database "$db" --addr "127.0.0.1:$PORT_SK" --body "$out/static-body.json" >/dev/null 2>>"$out/seatkeeper.log" &
  else
    "$out/static" --addr "127.0.0.1:$PORT_SK" --token ghp_static --body "$out/static-body.json" --github-headers >/dev/null 2>>"$out/seatkeeper.log" &
  fi
  sk_pid=$!
  pids+=($sk_pid)
  until curl -s -o /dev/null "http://127.0.0.1:$PORT_SK/"; do sleep 0.01; done
  first_ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  cp "$out/targets-static.txt" "$out/targets-sk.txt"
fi
"$out/static" --addr "127.0.0.1:$PORT_ST" --token ghp_static "${static_body[@]}" >/dev/null &
pids+=($!)
until curl -s -o /dev/null "http://127.0.0.1:$PORT_ST/"; do sleep 0.01; done


if [ "$MODE" = writes ]; then
  # Another org changes a seat 10 times a second: one member's seat
  # cancelled, then granted again.
  w=$((ORGS - 1))
  wtok=$(printf 'ghp_gen%04dtoken0000' "$w")
  wurl=$(printf 'http://127.0.0.1:%s/orgs/gen-org-%04d/copilot/billing/selected_users' "$PORT_SK" "$w")
  wbody=$(printf '{"selected_usernames":["gen-%04d-u%07d"]}' "$w" 0)
  (while :; do
    for verb in DELETE POST; do
      curl -s -o /dev/null -X "$verb" -H "Authorization: Bearer $wtok" -d "$wbody" "$wurl" || true
      sleep 0.1
    done
  done) &
  pids+=($!)
fi

# run_load LABEL BASE TARGETS C MS WARM: one slice with the chosen load
# generator, printed as bench/load prints it.
run_load() {
  local label=$1 base=$2 targets=$3 c=$4 ms=$5 warm=$6
  if [ "$GEN" = wrk ]; then
    if [ -n "$warm" ]; then
      "$out/load" -base "$base" -targets "$targets" -c "$c" -d 1ms -warmup -label warmup >/dev/null
    fi
    TARGETS_FILE="$targets" TARGETS_OFFSET=$OFFSET TARGETS_SPAN=$SPAN wrk -t "$(( c < 2 ? 1 : 2 ))" -c "$c" -d "$(( ms < 1000 ? 1 : ms / 1000 ))s" --latency -s bench/targets.lua "$base" |
      awk -v label="$label" -v c="$c" '
        function dur(v) { if (v ~ /us$/) return v / 1000 "ms"; if (v ~ /ms$/) return v + 0 "ms"; if (v ~ /s$/) return v * 1000 "ms"; return v }
        $2 == "requests" && $3 == "in" { n = $1 }
        $1 == "Requests/sec:" { rps = $2 }
        $1 == "50%" { p50 = dur($2) }
        $1 == "99%" { p99 = dur($2) }
        END { printf "%s c=%d requests=%d rps=%.0f p50=%s p99=%s\n", label, c, n, rps, p50, p99 }'
  else
    "$out/load" -base "$base" -targets "$targets" -c "$c" -d "${ms}ms" -offset "$OFFSET" $warm -label "$label"
  fi
}

results="$out/results.txt"
: > "$results"
# A slice's duration: DUR split into ROUNDS, in milliseconds.
dur_ms=$(awk -v d="$DUR" -v n="$ROUNDS" 'BEGIN {
  if (d ~ /ms$/) v = d + 0; else if (d ~ /m$/) v = d * 60000; else v = d * 1000; printf "%d", v / n }')
OFFSET=0
SPAN= # cold: the targets each slice has to itself
if [ "$MODE" = cold ]; then SPAN=$(( TARGETS / (2 * ROUNDS) )); fi
overrun=0
for c in 1 64; do
  for r in $(seq 1 "$ROUNDS"); do
    warm=""
    [ "$r" = 1 ] && warm=$WARM
    run_load static "http://127.0.0.1:$PORT_ST" "$out/targets-static.txt" "$c" "$dur_ms" "$warm" |
      sed "s/\$/ round=$r/" | tee -a "$results"
    # WARM= alone: a fresh process before each slice, its read cache empty.
    [ -z "$WARM" ] && [ "$MODE" = warm ] && [ -z "$STANDIN" ] && start_seatkeeper
    run_load seatkeeper "http://127.0.0.1:$PORT_SK" "$out/targets-sk.txt" "$c" "$dur_ms" "$warm" |
      sed "s/\$/ round=$r/" | tee -a "$results"
    if [ "$MODE" = cold ]; then
      n=$(tail -1 "$results" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
      if [ "${n:-0}" -gt "$SPAN" ]; then overrun=1; fi
      OFFSET=$(( OFFSET + SPAN ))
    fi
  done
done
rss_kb=$(ps -o rss= -p "$sk_pid" | tr -d ' ')
load_avg=$(cut -d' ' -f1-3 /proc/loadavg)
entries=$(curl -s "$metrics_url" | awk '$1 == "seatkeeper_read_cache_entries" { print $2 }' || true) # none from a STANDIN

label=$MODE
[ -n "$STANDIN" ] && label="$MODE, STANDIN=$STANDIN in seatkeeper's place"
[ -z "$WARM" ] && [ "$MODE" = warm ] && label="warm targets, WARM= (seatkeeper restarted before each slice, its read cache empty)"
awk -v load="$load_avg" -v rss="$rss_kb" -v entries="${entries:-?}" -v ready="$first_ready_ms" -v target="$TARGET_RPS" -v rounds="$ROUNDS" -v mode="$label" -v gen="$GEN" '
  function ms(d) { if (d ~ /ms$/) return d + 0; if (d ~ /µs$/) return d / 1000; if (d ~ /s$/) return d * 1000; return d }
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
  }
  function list(a, n,   i, s) { s = ""; for (i = 1; i <= n; i++) s = s sprintf(" %.2f", a[i]); return s }
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    round = f["round"]; v[$1, $2, round, "rps"] = f["rps"]; v[$1, $2, round, "p50"] = ms(f["p50"]) }
  END {
    for (r = 1; r <= rounds; r++) {
      rps[r] = v["seatkeeper", "c=64", r, "rps"] / v["static", "c=64", r, "rps"]
      p50[r] = v["seatkeeper", "c=1", r, "p50"] / v["static", "c=1", r, "p50"]
    }
    printf "\nmode %s, generator %s\n", mode, gen
    printf "ratio rps  c=64: %.2f   (target >= %s; median of, sorted:%s)\n", median(rps, rounds), target, list(rps, rounds)
    printf "ratio p50  c=1:  %.2f   (target <= 2; median of, sorted:%s)\n", median(p50, rounds), list(p50, rounds)
    printf "seatkeeper resident memory: %.0f MB (target <= 150)\n", rss / 1024
    printf "seatkeeper read cache entries at the end: %s\n", entries
    printf "load average (1, 5, 15 min) at the end: %s\n", load
    printf "seatkeeper start to ready: %d ms (target <= 1000)\n", ready
  }' "$results"
if [ "$overrun" = 1 ]; then
  echo "note: a cold slice sent more requests than its $SPAN targets: the rest were read-cache hits; raise TARGETS or ROUNDS"
fi
