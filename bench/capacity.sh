#!/usr/bin/env bash
# Capacity of one core: the gateway pinned to core 0 (taskset) against an echo AI, with `voxgate load`
# and the echo AI on core 1; then the floor, a bare Beast relay, on the same load. Writes a table.
# The echo AI is bench/lean_echo (plain epoll; the Realtime echo for the gateway, the raw media echo
# for the floor), so that the drivers' core is not what runs out first; ECHO=echo_ai takes the Beast
# one of earlier figures.
#
#   bench/capacity.sh                      # 100, 500, 1000, 2000 calls; 30 s each
#   COUNTS="1000" DURATION=60 bench/capacity.sh
#   FIND=1 FIND_MIN=100 FIND_MAX=500 bench/capacity.sh   # then bisect for the largest count meeting the targets
#   ECHO=echo_ai bench/capacity.sh         # the Beast echo AI instead of the lean one
#   TOGETHER=1 COUNTS="100 200" bench/capacity.sh   # the floor and the gateway at once on the same core,
#                                          # each with its own load tool: the CPU ratio without the
#                                          # VM's drift between two runs (each target gets COUNTS calls)
#   PROVIDER=telnyx bench/capacity.sh      # the gateway takes Telnyx calls (signed, answered through the
#                                          # load tool's Call Control API); the floor, which answers
#                                          # only Twilio's webhook, carries the same media as Twilio calls
#
# Needs `make build` first (build/voxgate, build/bench/lean_echo, build/bench/bare_relay) and 2 cores.
set -euo pipefail

BUILD=${BUILD:-build}
COUNTS=${COUNTS:-"100 500 1000 2000"}
DURATION=${DURATION:-30}
RAMP=${RAMP:-200}
FIND=${FIND:-0}
TOGETHER=${TOGETHER:-0}
OUT=${OUT:-$BUILD/capacity.md}
GATEWAY_CORE=${GATEWAY_CORE:-0}
LOAD_CORE=${LOAD_CORE:-1}
P99_TARGET_MS=${P99_TARGET_MS:-5}
PROVIDER=${PROVIDER:-twilio}
ECHO=${ECHO:-lean_echo}
AI_PORT=18100 RELAY_PORT=18101 GATEWAY_PORT=18102 API_PORT=18103
TOKEN=capacity-bench-token
LOGS=$(mktemp -d)

voxgate=$BUILD/voxgate
for bin in "$voxgate" "$BUILD/bench/$ECHO" "$BUILD/bench/bare_relay"; do
  [[ -x $bin ]] || { echo "missing $bin: run make build first" >&2; exit 2; }
done
command -v taskset >/dev/null || { echo "taskset is missing (util-linux)" >&2; exit 2; }

source "$(dirname "$0")/common.sh"

ulimit -n "$(ulimit -Hn)"
gateway_telnyx=() load_telnyx=()
if [[ $PROVIDER == telnyx ]]; then
  openssl genpkey -algorithm ed25519 -out "$LOGS/telnyx.pem" 2>/dev/null
  gateway_telnyx=(TELNYX_API_BASE="http://127.0.0.1:$API_PORT/v2" TELNYX_API_KEY=bench-key
    TELNYX_PUBLIC_KEY="$(openssl pkey -in "$LOGS/telnyx.pem" -pubout -outform DER | tail -c 32 | base64)")
  load_telnyx=(--provider telnyx --telnyx-private-key "$LOGS/telnyx.pem" --api-port $API_PORT)
fi
taskset -c "$LOAD_CORE" "$BUILD/bench/$ECHO" $AI_PORT >"$LOGS/echo.log" 2>&1 &
pids+=($!)
wait_port $AI_PORT

start_target() {  # $1: gateway | floor; prints the PID
  if [[ $1 == gateway ]]; then
    PORT=$GATEWAY_PORT HOST=127.0.0.1 AI_BACKEND=openai-realtime OPENAI_API_KEY=bench-key \
    OPENAI_REALTIME_URL="ws://127.0.0.1:$AI_PORT/v1/realtime?model=gpt-realtime" AGENT_GREETS_FIRST=0 \
    TWILIO_AUTH_TOKEN=$TOKEN PUBLIC_URL="http://127.0.0.1:$GATEWAY_PORT" MAX_CALLS=100000 \
    WORKERS=${WORKERS:-0} LOG_LEVEL=warn env "${gateway_telnyx[@]}" \
      taskset -c "$GATEWAY_CORE" "$voxgate" serve >"$LOGS/gateway.log" 2>&1 &
    echo $!
    wait_port $GATEWAY_PORT
  else
    taskset -c "$GATEWAY_CORE" "$BUILD/bench/bare_relay" $RELAY_PORT $AI_PORT >"$LOGS/relay.log" 2>&1 &
    echo $!
    wait_port $RELAY_PORT
  fi
}

# `voxgate load` against target $1 (PID $3) with $2 calls, in the background; its JSON in $LOGS/$1-$2.json.
start_load() {
  local port provider_args=()
  port=$([[ $1 == gateway ]] && echo $GATEWAY_PORT || echo $RELAY_PORT)
  [[ $1 == gateway ]] && provider_args=("${load_telnyx[@]}")
  taskset -c "$LOAD_CORE" "$voxgate" load "http://127.0.0.1:$port" --calls "$2" --duration "$DURATION" \
    --ramp "$RAMP" --auth-token $TOKEN --pid "$3" --json "${provider_args[@]}" >"$LOGS/$1-$2.json" 2>"$LOGS/load-$1.err" &
}

stop_target() {
  kill "$1" 2>/dev/null || true
  while kill -0 "$1" 2>/dev/null; do sleep 0.1; done
}

# One run: $1 target, $2 calls; leaves the JSON in $LOGS/$1-$2.json and echoes "holds" or "misses".
run() {
  local pid
  pid=$(start_target "$1")
  sleep 1
  start_load "$1" "$2" "$pid"
  wait $! || true
  stop_target "$pid"
  verdict "$1" "$2"
}

# Both targets at once on GATEWAY_CORE, $1 calls each, a load tool each; echoes both verdicts.
run_together() {
  local floor_pid gateway_pid floor_load
  floor_pid=$(start_target floor)
  gateway_pid=$(start_target gateway)
  sleep 1
  start_load floor "$1" "$floor_pid"
  floor_load=$!
  start_load gateway "$1" "$gateway_pid"
  wait $! || true
  wait $floor_load || true
  stop_target "$floor_pid"
  stop_target "$gateway_pid"
  echo "$(verdict floor "$1") $(verdict gateway "$1")"
}

# "holds" if every call of run $1-$2 came up, lost no frame and kept its p99 within the target.
verdict() {
  local json=$LOGS/$1-$2.json failed lost p99
  failed=$(value failed "$json"); lost=$(value frames_lost "$json"); p99=$(value steady_latency_p99_ms "$json")
  if [[ $failed == 0 && $lost == 0 ]] && awk -v p="$p99" -v t="$P99_TARGET_MS" 'BEGIN { exit !(p != "" && p <= t) }'; then
    echo holds
  else
    echo misses
  fi
}

row() {  # $1 target, $2 calls, $3 verdict
  local j=$LOGS/$1-$2.json floor=$LOGS/floor-$2.json ratio="-"
  local cpu; cpu=$(value gateway_cpu_s_per_call_minute "$j")
  if [[ $1 == gateway && -f $floor ]]; then
    ratio=$(awk -v a="$cpu" -v b="$(value gateway_cpu_s_per_call_minute "$floor")" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }')
  fi
  printf "| %s | %s | %s/%s | %s | %s | %s / %s / %s | %s | %s | %.0f%% | %s |\n" "$1" "$2" \
    "$(value connected "$j")" "$(value failed "$j")" "${cpu:--}" "$ratio" \
    "$(value steady_latency_p50_ms "$j")" "$(value steady_latency_p99_ms "$j")" "$(value steady_latency_max_ms "$j")" \
    "$(value frames_lost "$j")" "$(value gateway_rss_per_call_kib "$j")" \
    "$(awk -v c="$(value load_cpu_s_steady "$j")" -v s="$(value steady_s "$j")" 'BEGIN { print (s > 0 ? 100 * c / s : 0) }')" "$3"
}

{
  echo "Capacity on one core ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); $DURATION s per call, ramp $RAMP calls/s; the gateway's calls: $PROVIDER; echo AI: $ECHO$([[ $TOGETHER == 1 ]] && echo "; the floor and the gateway at once on core $GATEWAY_CORE")"
  echo
  echo "| target | calls | up/failed | CPU s per call-minute | × floor | RTT p50 / p99 / max ms (steady) | frames lost | RSS KiB per call | load tool CPU | p99 ≤ ${P99_TARGET_MS} ms, no loss |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$OUT"

for calls in $COUNTS; do
  if [[ $TOGETHER == 1 ]]; then
    read -r floor_verdict gateway_verdict <<<"$(run_together "$calls")"
    row floor "$calls" "$floor_verdict" | tee -a "$OUT"
    row gateway "$calls" "$gateway_verdict" | tee -a "$OUT"
    continue
  fi
  for target in floor gateway; do
    verdict=$(run "$target" "$calls")
    row "$target" "$calls" "$verdict" | tee -a "$OUT"
  done
done

if [[ $FIND == 1 ]]; then
  echo >>"$OUT"
  for target in floor gateway; do
    lo=${FIND_MIN:-0} hi=${FIND_MAX:-4000}
    while (( hi - lo > ${FIND_STEP:-100} )); do
      mid=$(( (lo + hi) / 2 / 50 * 50 ))
      (( mid <= lo )) && mid=$(( lo + 50 ))
      if [[ $(run "$target" "$mid") == holds ]]; then lo=$mid; else hi=$mid; fi
      row "$target" "$mid" "(search)" >&2
    done
    echo "Largest count meeting p99 ≤ ${P99_TARGET_MS} ms with no frame lost, $target: $lo calls (next step, $hi, misses)" | tee -a "$OUT"
  done
fi

echo
cat "$OUT"
echo "(JSON summaries and logs in $LOGS)"
