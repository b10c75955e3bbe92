#!/usr/bin/env bash
# Soak: keep about CALLS calls up through the gateway against bench/echo_ai for DURATION_S, calls ending
# and starting all the time, and check that the gateway's memory and descriptors stay flat. SLOTS loops
# each run `voxgate load --calls CALLS/SLOTS --duration CALL_S` back to back, started CALL_S/SLOTS apart,
# so CALLS/SLOTS calls end and as many start every CALL_S/SLOTS seconds. Every SAMPLE_S seconds it
# records the gateway's RSS, open descriptors and active calls (OUT.csv); at the end it writes a Markdown
# summary (OUT.md) and exits 1 if, after WARMUP_S, RSS left ±RSS_TOL_PCT % of its mean, descriptors grew
# (beyond FD_SLACK), or any call failed or lost a frame.
#
#   bench/soak.sh                                               # 200 calls, 1 hour, 60 s calls, 4 slots
#   DURATION_S=180 WARMUP_S=60 CALLS=40 CALL_S=30 bench/soak.sh  # a quick check
#   nohup bench/soak.sh > build/soak.log 2>&1 &                  # unattended
#   GATEWAY_CPUS=0 TOOLS_CPUS=1 bench/soak.sh                     # gateway alone on core 0, drivers on 1
#
# Needs `make build` first (build/voxgate, build/bench/echo_ai). Runs copies of both, so build/ may be
# rebuilt meanwhile. Takes DURATION_S + about CALL_S more (the last runs finish). 127.0.0.1 only.
set -euo pipefail

BUILD=${BUILD:-build}
CALLS=${CALLS:-200}
DURATION_S=${DURATION_S:-3600}
CALL_S=${CALL_S:-60}
SLOTS=${SLOTS:-4}
SAMPLE_S=${SAMPLE_S:-10}
WARMUP_S=${WARMUP_S:-300}
RAMP=${RAMP:-100}
RSS_TOL_PCT=${RSS_TOL_PCT:-5}
FD_SLACK=${FD_SLACK:-8}
OUT=${OUT:-$BUILD/soak}
GATEWAY_CPUS=${GATEWAY_CPUS:-}  # taskset CPU lists; empty: not pinned
TOOLS_CPUS=${TOOLS_CPUS:-}
AI_PORT=18120 GATEWAY_PORT=18121
TOKEN=soak-bench-token
WORK=$(mktemp -d)

for bin in "$BUILD/voxgate" "$BUILD/bench/echo_ai"; do
  [[ -x $bin ]] || { echo "missing $bin: run make build first" >&2; exit 2; }
done
(( CALLS % SLOTS == 0 && WARMUP_S < DURATION_S )) || { echo "CALLS must divide by SLOTS, WARMUP_S < DURATION_S" >&2; exit 2; }
cp "$BUILD/voxgate" "$BUILD/bench/echo_ai" "$WORK/"
per_slot=$(( CALLS / SLOTS ))

source "$(dirname "$0")/common.sh"  # wait_port, value; the cleanup below replaces its own
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$WORK/voxgate" "$WORK/echo_ai"  # the copies; logs and summaries stay
}
trap cleanup EXIT

for port in $AI_PORT $GATEWAY_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "127.0.0.1:$port is already in use" >&2; exit 2; fi
done

# Command prefixes that pin (taskset execs the program: $! stays the program's PID).
gateway_pin=() tools_pin=()
[[ -n $GATEWAY_CPUS ]] && gateway_pin=(taskset -c "$GATEWAY_CPUS")
[[ -n $TOOLS_CPUS ]] && tools_pin=(taskset -c "$TOOLS_CPUS")

# A key's value from load's JSON summary (one key per line).

ulimit -n "$(ulimit -Hn)"
"${tools_pin[@]}" "$WORK/echo_ai" $AI_PORT >"$WORK/echo_ai.log" 2>&1 &
pids+=($!)
wait_port $AI_PORT
PORT=$GATEWAY_PORT HOST=127.0.0.1 AI_BACKEND=openai-realtime OPENAI_API_KEY=bench-key \
OPENAI_REALTIME_URL="ws://127.0.0.1:$AI_PORT/v1/realtime?model=gpt-realtime" AGENT_GREETS_FIRST=0 \
TWILIO_AUTH_TOKEN=$TOKEN PUBLIC_URL="http://127.0.0.1:$GATEWAY_PORT" MAX_CALLS=100000 LOG_LEVEL=warn \
  "${gateway_pin[@]}" "$WORK/voxgate" serve >"$WORK/gateway.log" 2>&1 &
gw=$!
pids+=("$gw")
wait_port $GATEWAY_PORT

# One line of the CSV: seconds since start, RSS KiB, open descriptors, active calls (all states).
sample() {
  [[ -d /proc/$gw ]] || { echo "the gateway exited; its log: $WORK/gateway.log" >&2; tail -5 "$WORK/gateway.log" >&2; exit 1; }
  local t=$(( $(date +%s) - start )) rss fds active
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$gw/status")
  fds=$(ls "/proc/$gw/fd" | wc -l)  # before the scrape, whose connection would count
  active=$(curl -s --max-time 5 "http://127.0.0.1:$GATEWAY_PORT/metrics" |
           awk '/^voxgate_calls_active[{ ]/ { s += $NF } END { print s + 0 }') || active=
  echo "$t,$rss,$fds,$active"
}

# A slot: load runs back to back until the deadline; a TERM stops the run in flight too.
slot() {
  local i=$1 n=0 lp=
  trap '[[ -n $lp ]] && kill $lp 2>/dev/null; exit 0' TERM
  sleep "$(awk -v i="$i" -v d="$CALL_S" -v k="$SLOTS" 'BEGIN { print i * d / k }')" & lp=$!; wait $lp || true
  while (( $(date +%s) < deadline )); do
    n=$(( n + 1 ))
    "${tools_pin[@]}" "$WORK/voxgate" load "http://127.0.0.1:$GATEWAY_PORT" --calls $per_slot --duration "$CALL_S" --ramp "$RAMP" \
      --auth-token $TOKEN --json >"$WORK/run-$i-$n.json" 2>"$WORK/run-$i-$n.err" & lp=$!
    wait $lp || true
    lp=
  done
}

sleep 1
start=$(date +%s)
idle_before=$(sample)
deadline=$(( start + DURATION_S ))
slots=()
for i in $(seq 0 $(( SLOTS - 1 ))); do slot "$i" & slots+=($!); pids+=($!); done

echo "t_s,rss_kib,fds,calls_active" >"$OUT.csv"
next=$start
while (( next + SAMPLE_S <= deadline )); do
  next=$(( next + SAMPLE_S ))
  now=$(date +%s)
  if (( next > now )); then sleep $(( next - now )); fi
  sample >>"$OUT.csv"
done
wait "${slots[@]}" || true
for _ in $(seq 20); do idle_after=$(sample); [[ ${idle_after##*,} == 0 ]] && break; sleep 0.5; done

# Post-warm-up RSS and descriptors; descriptors also net of two per active call (provider + AI socket).
read -r n rmin rmax rmean rdev ffirst fmax flast nfirst nlast amin amax < <(awk -F, -v w="$WARMUP_S" '
  NR > 1 && $1 >= w { t[++n] = $2; s += $2; f[n] = $3; a[n] = $4 }
  END { if (!n) { print 0; exit } m = s / n; lo = hi = t[1]; fm = f[1]; amin = amax = a[1]
        for (i = 1; i <= n; i++) { if (t[i] < lo) lo = t[i]; if (t[i] > hi) hi = t[i]; if (f[i] > fm) fm = f[i]
          if (a[i] < amin) amin = a[i]; if (a[i] > amax) amax = a[i] }
        d = (hi - m > m - lo ? hi - m : m - lo) / m * 100
        printf "%d %d %d %.0f %.2f %d %d %d %d %d %d %d\n", n, lo, hi, m, d, f[1], fm, f[n], f[1] - 2 * a[1], f[n] - 2 * a[n], amin, amax }' "$OUT.csv")
(( n > 0 )) || { echo "no samples after the warm-up" >&2; exit 1; }
runs=0 broken=0 calls=0 ok=0 failed=0 lost=0 p99=0
for j in "$WORK"/run-*.json; do
  runs=$(( runs + 1 ))
  if [[ -z $(value completed "$j") ]]; then broken=$(( broken + 1 )); continue; fi  # no summary: the run errored
  calls=$(( calls + $(value calls "$j") )); ok=$(( ok + $(value completed "$j") ))
  failed=$(( failed + $(value failed "$j") )); lost=$(( lost + $(value frames_lost "$j") ))
  p99=$(awk -v a="$p99" -v b="$(value steady_latency_p99_ms "$j")" 'BEGIN { print (b + 0 > a ? b : a) }')
done
fd_idle0=$(cut -d, -f3 <<<"$idle_before") fd_idle1=$(cut -d, -f3 <<<"$idle_after")

verdict() { if eval "$1"; then echo holds; else echo "**fails**"; fi; }
v_rss=$(verdict "awk -v d=$rdev -v t=$RSS_TOL_PCT 'BEGIN { exit !(d <= t) }'")
v_fd=$(verdict "(( fd_idle1 <= fd_idle0 + FD_SLACK && nlast <= nfirst + FD_SLACK ))")
v_calls=$(verdict "(( broken == 0 && failed == 0 && lost == 0 && ok == calls ))")
{
  pinning="not pinned"
  [[ -n $GATEWAY_CPUS$TOOLS_CPUS ]] && pinning="gateway on CPUs ${GATEWAY_CPUS:-any}, drivers on ${TOOLS_CPUS:-any}"
  echo "Soak, $(date -u +%F): $CALLS calls in $SLOTS slots of $per_slot, ${CALL_S} s each, for $DURATION_S s, $pinning" \
       "($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); samples every $SAMPLE_S s, $n after a $WARMUP_S s warm-up"
  echo
  echo "| check | figures | verdict |"
  echo "|---|---|---|"
  echo "| RSS within ±$RSS_TOL_PCT % of its post-warm-up mean | min $rmin / mean $rmean / max $rmax KiB; largest deviation $rdev % | $v_rss |"
  echo "| descriptors do not grow (slack $FD_SLACK) | idle before $fd_idle0, idle after $fd_idle1; post-warm-up first $ffirst / max $fmax / last $flast, net of 2 per call $nfirst → $nlast | $v_fd |"
  echo "| every call completes, no frame lost | $runs load runs ($broken without a summary): $ok of $calls calls completed, $failed failed, $lost frames lost; worst run's RTT p99 $p99 ms | $v_calls |"
  echo
  if [[ $v_rss$v_fd$v_calls == holdsholdsholds ]]; then echo "**Soak holds.**"; else echo "**Soak fails** (see the verdicts above)."; fi
  echo "Active calls after the warm-up: $amin–$amax. Samples: $OUT.csv; logs and load summaries: $WORK"
} >"$OUT.md"
cat "$OUT.md"
[[ $v_rss$v_fd$v_calls == holdsholdsholds ]]
