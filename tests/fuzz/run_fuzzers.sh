#!/usr/bin/env bash
# Runs each fuzz target in turn, one process at a time, for FUZZ_RUNS executions or FUZZ_SECONDS,
# whichever comes first. Inputs found go to a scratch corpus under the build tree, never into the
# repository; crashes are left as artifacts there. A summary line per target goes to results.tsv.
# Usage: run_fuzzers.sh BUILD_DIR [target...]   (default: every *_fuzz in BUILD_DIR/tests/fuzz)
set -uo pipefail

build=${1:?build dir}
shift
here=$(cd "$(dirname "$0")" && pwd)
runs=${FUZZ_RUNS:-10000000}
seconds=${FUZZ_SECONDS:-600}
out=$build/fuzz-out
mkdir -p "$out"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$build"/tests/fuzz/*_fuzz; do targets+=("$(basename "$f" _fuzz)"); done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
  cmd=("$build/tests/fuzz/${t}_fuzz" -runs="$runs" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1
       -artifact_prefix="$out/artifacts/$t/" "$out/corpus/$t" "$here/corpus/$t")
  [ -d "$here/regressions/$t" ] && cmd+=("$here/regressions/$t")
  echo "fuzz: $t (${runs} runs or ${seconds} s)"
  start=$(date +%s)
  "${cmd[@]}" >"$out/$t.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  done_line=$(grep -E '^Done [0-9]+ runs' "$out/$t.log" | tail -1)
  execs=$(grep -E 'stat::number_of_executed_units' "$out/$t.log" | awk '{print $2}')
  result=ok
  [ $rc -ne 0 ] && result="CRASH (rc=$rc, see $out/$t.log)" && failed=1
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "${execs:-?}" "$secs" "$(( ${execs:-0} / (secs > 0 ? secs : 1) ))" \
    "$result" "$(date -u +%F)" "${cmd[*]}" >>"$out/results.tsv"
  echo "fuzz: $t: ${done_line:-no Done line}; $result"
done
exit $failed
