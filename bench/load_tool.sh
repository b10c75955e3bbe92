#!/usr/bin/env bash
# The load tool's own capacity on one core: `voxgate load` pinned to core 1 against bench/lean_echo on
# core 0 (a media echo on plain epoll), beside bench/loopback_floor, the least any load generator pays
# here (plain send/recv of a media-sized message per call per 20 ms, no WebSocket, no JSON). Writes a table.
#
#   bench/load_tool.sh                          # 500, 1000, 1500, 2000 calls; 20 s each
#   COUNTS="2000" DURATION=30 bench/load_tool.sh
#
# Needs `make build` first (build/voxgate, build/bench/lean_echo, build/bench/loopback_floor) and 2 cores.
set -euo pipefail

BUILD=${BUILD:-build}
COUNTS=${COUNTS:-"500 1000 1500 2000"}
DURATION=${DURATION:-20}
RAMP=${RAMP:-500}
OUT=${OUT:-$BUILD/load_tool.md}
LOAD_CORE=${LOAD_CORE:-1}
ECHO_CORE=${ECHO_CORE:-0}
PORT=18110
LOGS=$(mktemp -d)

for bin in "$BUILD/voxgate" "$BUILD/bench/lean_echo" "$BUILD/bench/loopback_floor"; do
  [[ -x $bin ]] || { echo "missing $bin: run make build first" >&2; exit 2; }
done
ulimit -n "$(ulimit -Hn)"
echo_pid=
trap '[[ -n $echo_pid ]] && kill $echo_pid 2>/dev/null || true' EXIT

value() { awk -F': ' -v k="\"$1\"" '$1 ~ k { gsub(/,$/, "", $2); print $2 }' "$2"; }
share() { awk -v c="$1" -v s="$2" 'BEGIN { printf "%.0f%%", (s > 0 ? 100 * c / s : 0) }'; }

{
  echo "The load tool on one core ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); $DURATION s per call"
  echo
  echo "| calls | floor client CPU | load tool CPU | × floor | up/failed | frames lost | RTT p50 / p99 ms | tick lag p99 ms | echo CPU |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$OUT"

for calls in $COUNTS; do
  floor=$LOGS/floor-$calls.json json=$LOGS/load-$calls.json
  "$BUILD/bench/loopback_floor" --calls "$calls" --seconds "$DURATION" --client-core "$LOAD_CORE" \
    --echo-core "$ECHO_CORE" --port $((PORT + 1)) >"$floor" || true
  taskset -c "$ECHO_CORE" "$BUILD/bench/lean_echo" $PORT >"$LOGS/echo.log" 2>&1 &
  echo_pid=$!
  sleep 0.5
  taskset -c "$LOAD_CORE" "$BUILD/voxgate" load "http://127.0.0.1:$PORT" --calls "$calls" --duration "$DURATION" \
    --ramp "$RAMP" --pid $echo_pid --json >"$json" 2>"$LOGS/load.err" || true
  kill $echo_pid; wait $echo_pid 2>/dev/null || true; echo_pid=

  floor_share=$(value client_cpu_share "$floor")
  load_share=$(awk -v c="$(value load_cpu_s_steady "$json")" -v s="$(value steady_s "$json")" 'BEGIN { print (s > 0 ? c / s : 0) }')
  printf "| %s | %.0f%% | %.0f%% | %.2f× | %s/%s | %s | %s / %s | %s | %s |\n" "$calls" \
    "$(awk -v x="$floor_share" 'BEGIN { print 100 * x }')" "$(awk -v x="$load_share" 'BEGIN { print 100 * x }')" \
    "$(awk -v a="$load_share" -v b="$floor_share" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
    "$(value connected "$json")" "$(value failed "$json")" "$(value frames_lost "$json")" \
    "$(value steady_latency_p50_ms "$json")" "$(value steady_latency_p99_ms "$json")" \
    "$(value load_tick_lag_p99_ms "$json")" \
    "$(awk -v c="$(value gateway_cpu_s_per_call_minute "$json")" -v n="$calls" 'BEGIN { printf "%.0f%%", 100 * c * n / 60 }')" \
    | tee -a "$OUT"
done

echo
cat "$OUT"
echo "(JSON summaries in $LOGS)"
