# What the bench scripts share; sourced, not run.

# The background processes a script starts, killed when it exits (a script with more to do on exit
# defines its own cleanup after sourcing this).
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Waits until something accepts connections on 127.0.0.1:$1 (5 s at most).
wait_port() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "nothing listening on 127.0.0.1:$1" >&2; return 1
}

# The lean echo AI on core 1 at 127.0.0.1:$1, logging to $LOGS/echo.log; killed on exit.
start_lean_echo() {
  taskset -c 1 "$BUILD/bench/lean_echo" "$1" >"$LOGS/echo.log" 2>&1 &
  pids+=($!)
  wait_port "$1"
}

# A key's value from `voxgate load --json`'s summary (one key per line): value KEY FILE.
value() { awk -F': ' -v k="\"$1\"" '$1 ~ k { gsub(/,$/, "", $2); print $2 }' "$2"; }
