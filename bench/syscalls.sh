#!/usr/bin/env bash
# System calls per second of the gateway and of the floor (the bare Beast relay) under the same load,
# side by side: each pinned to core 0 in turn, `voxgate load` and the echo AI on core 1, and
# `perf stat` counting the sends (sendmsg, sendto), the reads (recvmsg, recvfrom), epoll_wait and epoll_ctl
# over 3 s of the steady window.
#
#   bench/syscalls.sh            # 200 calls
#   CALLS=100 bench/syscalls.sh
# Needs `make build` and perf (Debian: linux-perf), run as root or with perf_event_paranoid <= 1.
set -euo pipefail

BUILD=${BUILD:-build}
CALLS=${CALLS:-200}
AI_PORT=18130 TARGET_PORT=18132
TOKEN=syscalls-bench-token
LOGS=$(mktemp -d)
command -v perf >/dev/null || { echo "perf is missing (Debian: linux-perf)" >&2; exit 2; }
source "$(dirname "$0")/common.sh"
ulimit -n "$(ulimit -Hn)"

taskset -c 1 "$BUILD/bench/echo_ai" $AI_PORT >"$LOGS/echo_ai.log" 2>&1 &
pids+=($!)
wait_port $AI_PORT

count() {  # $1 = gateway | floor
  local target
  if [[ $1 == gateway ]]; then
    PORT=$TARGET_PORT HOST=127.0.0.1 AI_BACKEND=openai-realtime OPENAI_API_KEY=bench-key \
    OPENAI_REALTIME_URL="ws://127.0.0.1:$AI_PORT/v1/realtime?model=gpt-realtime" AGENT_GREETS_FIRST=0 \
    TWILIO_AUTH_TOKEN=$TOKEN PUBLIC_URL="http://127.0.0.1:$TARGET_PORT" MAX_CALLS=100000 LOG_LEVEL=warn \
      taskset -c 0 "$BUILD/voxgate" serve >"$LOGS/gateway.log" 2>&1 &
  else
    taskset -c 0 "$BUILD/bench/bare_relay" $TARGET_PORT $AI_PORT >"$LOGS/relay.log" 2>&1 &
  fi
  target=$!
  wait_port $TARGET_PORT
  taskset -c 1 "$BUILD/voxgate" load "http://127.0.0.1:$TARGET_PORT" --calls "$CALLS" --duration 10 --ramp 200 \
    --auth-token $TOKEN --json >"$LOGS/load-$1.json" 2>/dev/null &
  local load=$!
  sleep 4
  local e=syscalls:sys_enter_
  perf stat -x, -e ${e}sendmsg,${e}sendto,${e}recvmsg,${e}recvfrom,${e}epoll_wait,${e}epoll_ctl -p "$target" -- sleep 3 2>&1 |
    awk -F, -v t="$1" -v calls="$CALLS" '{ split($3, n, "_enter_"); printf "%s: %s %d per second per call\n", t, n[2], $1 / 3 / calls }'
  wait $load || true
  kill $target; wait $target 2>/dev/null || true
}

count floor
count gateway
echo "logs: $LOGS"
