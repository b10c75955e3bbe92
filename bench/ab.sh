#!/usr/bin/env bash
# Two builds of the gateway at once on one core, each with its own `voxgate load`, against one lean
# echo AI on the other core: their CPU per call-minute and RTT p99 taken in the same seconds, so a
# change smaller than the VM's drift between two runs (±30 %) can still be seen. Prints one line per
# round; the ratio is B over A.
#
#   bench/ab.sh OLD_BINARY NEW_BINARY            # 150 calls each, 4 rounds of 15 s
#   CALLS=100 ROUNDS=6 bench/ab.sh a/voxgate b/voxgate
#   OVERLOAD_BUSY_PERCENT=0 OVERLOAD_LAG_MS=0 bench/ab.sh ...   # settings reach both gateways
# Needs `make build` (build/voxgate for the load tool, build/bench/lean_echo) and 2 cores.
set -euo pipefail

[[ $# == 2 ]] || { echo "usage: bench/ab.sh BINARY_A BINARY_B" >&2; exit 2; }
BUILD=${BUILD:-build}
CALLS=${CALLS:-150}
ROUNDS=${ROUNDS:-4}
DURATION=${DURATION:-15}
AI_PORT=18160 TOKEN=ab-bench-token
LOGS=$(mktemp -d)
source "$(dirname "$0")/common.sh"
ulimit -n "$(ulimit -Hn)"

start_lean_echo $AI_PORT

start_gateway() {  # $1 binary, $2 port; prints the PID
  PORT=$2 HOST=127.0.0.1 AI_BACKEND=openai-realtime OPENAI_API_KEY=bench-key \
  OPENAI_REALTIME_URL="ws://127.0.0.1:$AI_PORT/v1/realtime?model=gpt-realtime" AGENT_GREETS_FIRST=0 \
  TWILIO_AUTH_TOKEN=$TOKEN PUBLIC_URL="http://127.0.0.1:$2" MAX_CALLS=100000 LOG_LEVEL=warn \
    taskset -c 0 "$1" serve >"$LOGS/gateway-$2.log" 2>&1 &
  echo $!
  wait_port "$2"
}

for round in $(seq "$ROUNDS"); do
  a=$(start_gateway "$1" 18170)
  b=$(start_gateway "$2" 18171)
  sleep 0.5
  taskset -c 1 "$BUILD/voxgate" load http://127.0.0.1:18170 --calls "$CALLS" --duration "$DURATION" --ramp 200 \
    --auth-token $TOKEN --pid "$a" --json >"$LOGS/a-$round.json" 2>/dev/null &
  load_a=$!
  taskset -c 1 "$BUILD/voxgate" load http://127.0.0.1:18171 --calls "$CALLS" --duration "$DURATION" --ramp 200 \
    --auth-token $TOKEN --pid "$b" --json >"$LOGS/b-$round.json" 2>/dev/null || true
  wait $load_a || true
  kill "$a" "$b" 2>/dev/null || true
  wait "$a" "$b" 2>/dev/null || true
  cpu_a=$(value gateway_cpu_s_per_call_minute "$LOGS/a-$round.json")
  cpu_b=$(value gateway_cpu_s_per_call_minute "$LOGS/b-$round.json")
  printf "round %s: A %s CPU s per call-minute, p99 %s ms, lost %s | B %s, p99 %s ms, lost %s | B/A %s\n" "$round" \
    "$cpu_a" "$(value steady_latency_p99_ms "$LOGS/a-$round.json")" "$(value frames_lost "$LOGS/a-$round.json")" \
    "$cpu_b" "$(value steady_latency_p99_ms "$LOGS/b-$round.json")" "$(value frames_lost "$LOGS/b-$round.json")" \
    "$(awk -v a="$cpu_a" -v b="$cpu_b" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }')"
done
echo "(JSON summaries and logs in $LOGS)"
