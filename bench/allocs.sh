#!/usr/bin/env bash
# Heap allocations per frame in the running gateway under load: the gateway runs with
# build/bench/liballoc_count.so preloaded (it counts malloc and friends every 100 ms), `voxgate load`
# places CALLS Twilio calls against the echo AI, and the count over the steady window is divided by
# the caller frames (20 ms each) the calls carried in it. Twice: with the AI echoing every frame (both
# directions), then with it mute (the caller's direction alone); the difference is the AI's direction.
#
#   bench/allocs.sh                 # 100 calls, 20 s
#   CALLS=200 DURATION=30 bench/allocs.sh
set -euo pipefail

BUILD=${BUILD:-build}
CALLS=${CALLS:-100}
DURATION=${DURATION:-20}
RAMP=${RAMP:-200}
AI_PORT=18110 GATEWAY_PORT=18112
TOKEN=allocs-bench-token
LOGS=$(mktemp -d)
shim=$BUILD/bench/liballoc_count.so
for bin in "$BUILD/voxgate" "$BUILD/bench/echo_ai" "$shim"; do
  [[ -x $bin || -f $bin ]] || { echo "missing $bin: run make build first" >&2; exit 2; }
done
source "$(dirname "$0")/common.sh"
ulimit -n "$(ulimit -Hn)"

# One run: $1 = echo | mute. Prints allocations per caller frame over the steady window.
run() {
  local mode=$1 counts=$LOGS/$1.counts
  local ai_args=($AI_PORT); [[ $mode == mute ]] && ai_args+=(--mute)
  "$BUILD/bench/echo_ai" "${ai_args[@]}" >"$LOGS/echo_ai-$mode.log" 2>&1 & local ai=$!
  wait_port $AI_PORT
  PORT=$GATEWAY_PORT HOST=127.0.0.1 AI_BACKEND=openai-realtime OPENAI_API_KEY=bench-key \
  OPENAI_REALTIME_URL="ws://127.0.0.1:$AI_PORT/v1/realtime?model=gpt-realtime" AGENT_GREETS_FIRST=0 \
  TWILIO_AUTH_TOKEN=$TOKEN PUBLIC_URL="http://127.0.0.1:$GATEWAY_PORT" MAX_CALLS=100000 LOG_LEVEL=warn \
  ALLOC_COUNT_FILE=$counts LD_PRELOAD=$shim \
    "$BUILD/voxgate" serve >"$LOGS/gateway-$mode.log" 2>&1 & local gw=$!
  wait_port $GATEWAY_PORT
  local start; start=$(date +%s%3N)
  "$BUILD/voxgate" load "http://127.0.0.1:$GATEWAY_PORT" --calls "$CALLS" --duration "$DURATION" --ramp "$RAMP" \
    --auth-token $TOKEN --json >"$LOGS/load-$mode.json" 2>"$LOGS/load-$mode.err" || true
  kill $gw $ai; wait $gw $ai 2>/dev/null || true
  # The steady window: every call placed and streaming (2 s after the ramp) to 2 s before the first ends.
  local from=$((start + (CALLS * 1000 / RAMP) + 2000)) to=$((start + DURATION * 1000 - 2000))
  awk -v from="$from" -v to="$to" -v calls="$CALLS" -v mode="$mode" '
    $1 >= from && !a0 { t0 = $1; a0 = $2 }
    $1 <= to { t1 = $1; a1 = $2 }
    END {
      frames = calls * (t1 - t0) / 20
      printf "%s: %d allocations over %.1f s with %d calls = %.2f per caller frame\n", mode, a1 - a0, (t1 - t0) / 1000, calls, (a1 - a0) / frames
    }' "$counts"
  echo "  load: $(value connected "$LOGS/load-$mode.json") connected, $(value failed "$LOGS/load-$mode.json") failed, frames back $(value frames_back "$LOGS/load-$mode.json")"
}

run echo
run mute
echo "logs: $LOGS"
