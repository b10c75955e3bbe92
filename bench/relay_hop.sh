#!/usr/bin/env bash
# The cluster's relay hop: what carrying a call's media to the instance that owns it adds to the
# round trip. Two instances (A, B) share Redis; `voxgate load` posts every webhook to A, and opens
# the media either at A (direct) or at B (relayed: caller -> B -> A -> AI and back, the hop twice).
# Runs alternate, side by side, so the VM's drift hits both the same. Writes a Markdown table.
#
#   bench/relay_hop.sh                       # 3 rounds of 50 calls for 20 s, direct then relayed
#   ROUNDS=5 CALLS=200 DURATION=30 bench/relay_hop.sh
#
# Needs `make build` (build/voxgate, build/bench/echo_ai), redis-server, root and 2 cores. A on core 0;
# B on core 1 (B_CORE) beside the load tool and the echo AI. On this 2-core VM B would otherwise wait
# for the tools' (or A's) time slice on every wake-up, milliseconds that a deployed instance with its
# own CPU never waits: so both instances run SCHED_FIFO (chrt; RT=0 turns it off), in both modes alike.
# Run nothing else meanwhile (no build): the two modes are compared within one run.
set -euo pipefail

BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
CALLS=${CALLS:-50}
DURATION=${DURATION:-20}
OUT=${OUT:-$BUILD/relay_hop.md}
AI_PORT=18200 A_PORT=18201 B_PORT=18202 REDIS_PORT=18203
TOKEN=relay-bench-token
SECRET=relay-bench-secret-0123456789
LOGS=$(mktemp -d)
voxgate=$BUILD/voxgate
for bin in "$voxgate" "$BUILD/bench/echo_ai"; do
  [[ -x $bin ]] || { echo "missing $bin: run make build first" >&2; exit 2; }
done
command -v redis-server >/dev/null || { echo "redis-server is missing (scripts/bootstrap.sh --test)" >&2; exit 2; }

source "$(dirname "$0")/common.sh"

ulimit -n "$(ulimit -Hn)"
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no --logfile "" >/dev/null 2>&1 &
pids+=($!)
taskset -c 1 "$BUILD/bench/echo_ai" $AI_PORT >"$LOGS/echo_ai.log" 2>&1 &
pids+=($!)
wait_port $REDIS_PORT
wait_port $AI_PORT

instance() {  # $1: port, $2: the core it runs on
  PORT=$1 HOST=127.0.0.1 INSTANCE_ADDR=127.0.0.1:$1 REDIS_URL=redis://127.0.0.1:$REDIS_PORT \
  CALL_TOKEN_SECRET=$SECRET AI_BACKEND=openai-realtime OPENAI_API_KEY=bench-key \
  OPENAI_REALTIME_URL="ws://127.0.0.1:$AI_PORT/v1/realtime?model=gpt-realtime" AGENT_GREETS_FIRST=0 \
  TWILIO_AUTH_TOKEN=$TOKEN PUBLIC_URL="http://127.0.0.1:$A_PORT" MAX_CALLS=100000 WORKERS=1 LOG_LEVEL=warn \
    taskset -c "$2" "${rt[@]}" "$voxgate" serve >"$LOGS/gw-$1.log" 2>&1 &
  pids+=($!)
  wait_port "$1"
}
rt=()
[[ ${RT:-1} == 1 ]] && rt=(chrt -f 50)
instance $A_PORT "${A_CORE:-0}"
instance $B_PORT "${B_CORE:-1}"
sleep 1  # both in the cluster

{
  echo "Command: ROUNDS=$ROUNDS CALLS=$CALLS DURATION=$DURATION A_CORE=${A_CORE:-0} B_CORE=${B_CORE:-1} RT=${RT:-1} bench/relay_hop.sh"
  echo
  echo "| round | media | calls ok | round trip p50 ms | p99 ms | steady p50 ms | steady p99 ms |"
  echo "|---|---|---|---|---|---|---|"
} >"$OUT"
for round in $(seq "$ROUNDS"); do
  for mode in direct relayed; do
    media=()
    [[ $mode == relayed ]] && media=(--media-to "http://127.0.0.1:$B_PORT")
    json=$LOGS/$mode-$round.json
    taskset -c 1 "$voxgate" load "http://127.0.0.1:$A_PORT" --calls "$CALLS" --duration "$DURATION" \
      --auth-token $TOKEN "${media[@]}" --json >"$json" 2>"$LOGS/$mode-$round.err" || true
    printf "| %s | %s | %s/%s | %s | %s | %s | %s |\n" "$round" "$mode" "$(value completed "$json")" "$CALLS" \
      "$(value latency_p50_ms "$json")" "$(value latency_p99_ms "$json")" \
      "$(value steady_latency_p50_ms "$json")" "$(value steady_latency_p99_ms "$json")" | tee -a "$OUT"
  done
done
echo "relayed calls seen by A (owned) and B (carried) at the end:"
curl -s "http://127.0.0.1:$A_PORT/metrics" | grep -E '^voxgate_(relayed_calls|calls_total)' || true
echo "table: $OUT   logs: $LOGS"
