#!/usr/bin/env bash
# Settings of one gateway side by side: for each round and each count, one run per setting, in
# turn, so the VM's minute (it drifts by a third within minutes) falls on every setting alike. Each
# run is a fresh gateway on core 0 with bench/capacity.sh's settings plus the setting's own, against
# the lean echo AI and `voxgate load` on core 1. Prints one line per run: admitted of offered, the
# admitted calls' steady RTT p99, frames lost, CPU per call-minute, and each second's p99.
#
#   SETTINGS="OVERLOAD_BUSY_PERCENT=70 OVERLOAD_BUSY_PERCENT=85" bench/settings_ab.sh
#   SETTINGS="OVERLOAD_BUSY_PERCENT=70 OVERLOAD_BUSY_PERCENT=0,OVERLOAD_LAG_MS=0" COUNTS="500 1000" ROUNDS=5 bench/settings_ab.sh
# A setting is NAME=VALUE, several joined by commas. Needs `make build` and 2 cores.
set -euo pipefail

BUILD=${BUILD:-build}
SETTINGS=${SETTINGS:-"OVERLOAD_BUSY_PERCENT=70 OVERLOAD_BUSY_PERCENT=85"}
COUNTS=${COUNTS:-"500 1000"}
ROUNDS=${ROUNDS:-4}
DURATION=${DURATION:-15}
AI_PORT=18180 GATEWAY_PORT=18181 TOKEN=settings-bench-token
LOGS=$(mktemp -d)
source "$(dirname "$0")/common.sh"
ulimit -n "$(ulimit -Hn)"

start_lean_echo $AI_PORT

for round in $(seq "$ROUNDS"); do
  for calls in $COUNTS; do
    for setting in $SETTINGS; do
      IFS=, read -ra own <<<"$setting"
      json=$LOGS/$round-$calls-$setting.json
      PORT=$GATEWAY_PORT HOST=127.0.0.1 AI_BACKEND=openai-realtime OPENAI_API_KEY=bench-key \
      OPENAI_REALTIME_URL="ws://127.0.0.1:$AI_PORT/v1/realtime?model=gpt-realtime" AGENT_GREETS_FIRST=0 \
      TWILIO_AUTH_TOKEN=$TOKEN PUBLIC_URL="http://127.0.0.1:$GATEWAY_PORT" MAX_CALLS=100000 LOG_LEVEL=warn \
        env "${own[@]}" taskset -c 0 "$BUILD/voxgate" serve >"$LOGS/gateway-$round-$calls-$setting.log" 2>&1 &
      gateway=$!
      wait_port $GATEWAY_PORT
      sleep 1
      taskset -c 1 "$BUILD/voxgate" load "http://127.0.0.1:$GATEWAY_PORT" --calls "$calls" --duration "$DURATION" \
        --ramp 200 --auth-token $TOKEN --pid $gateway --json >"$json" 2>/dev/null || true
      kill $gateway
      while kill -0 $gateway 2>/dev/null; do sleep 0.1; done
      echo "$(date +%T) round $round: $setting: $(value connected "$json") of $calls admitted," \
        "p99 $(value steady_latency_p99_ms "$json") ms, $(value frames_lost "$json") frames lost," \
        "$(value gateway_cpu_s_per_call_minute "$json") CPU s per call-minute;" \
        "p99 by second $(value latency_p99_ms_by_second "$json")"
    done
  done
done
echo "(JSON summaries and gateway logs in $LOGS)"
