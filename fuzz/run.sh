#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each with
# libFuzzer, seeded from the repository's own example inputs, and fails on
# the first crash, timeout or memory blow-up. Prints each target's
# executions. Usage: fuzz/run.sh SECONDS [TARGET...]
#   FUZZ_JOBS=N        parallel workers per target (default 1)
#   FUZZ_SANITIZER=S   none (default) or address. The code under test is
#                      safe Rust, so the sanitizer finds little that a panic
#                      would not, and costs 3-30x the executions.
#   FUZZ_MAX_LEN=N     longest input tried, bytes (default 65536)
#   FUZZ_SEED=N        libFuzzer's random seed (default: from the clock)
#   FUZZ_RUNS=N        stop a target after N inputs (default: SECONDS only).
#                      With a seed and one worker, a run is a prefix of the
#                      same sequence everywhere: CI uses both, so what
#                      passes here passes there.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift || true
ALL=(html_extract clean_text warc jsonl feed dates quotes search_query)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

# Exit 3: the fuzzer could not be installed or built (no crash was looked
# for); exit 1: a target crashed, timed out or ran out of memory.
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked || { echo "fuzz: cannot install cargo-fuzz" >&2; exit 3; }
fi
NIGHTLY="${FUZZ_TOOLCHAIN:-nightly}"
# One build of every target (cargo fuzz build takes one target or all).
SAN="${FUZZ_SANITIZER:-none}"
MAX_LEN="${FUZZ_MAX_LEN:-65536}"
build_log=$(mktemp)
if ! cargo +"$NIGHTLY" fuzz build -O -s "$SAN" >"$build_log" 2>&1; then
  tail -30 "$build_log"; rm -f "$build_log"
  echo "fuzz: the targets did not build (see above)" >&2
  exit 3
fi
tail -1 "$build_log"; rm -f "$build_log"

seed() {
  local target=$1 dir=corpus/$1
  mkdir -p "$dir"
  # Inputs that once crashed a target stay in its corpus.
  cp regressions/"$target"/* "$dir"/ 2>/dev/null || true
  case $target in
    html_extract) cp ../examples/corpus/*.html "$dir"/ 2>/dev/null || true
                  zcat ../examples/corpus/*.html.gz > "$dir/gz.html" 2>/dev/null || true ;;
    clean_text)   for f in ../examples/corpus/*.txt ../examples/corpus/*.html; do
                    printf '\001' | cat - "$f" > "$dir/$(basename "$f")"; done ;;
    jsonl)        cp ../examples/corpus/*.jsonl "$dir"/ ;;
    feed)         cp ../examples/feeds/* "$dir"/ ;;
    warc)         printf 'WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/a\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: 96\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>The council voted on Tuesday.</p></body></html>\r\n\r\n' > "$dir/one.warc" ;;
    dates|quotes) cp ../examples/corpus/*.txt "$dir"/ ;;
    search_query) printf '%s' '"harbour plan" +council -ferry' > "$dir/q1"
                  printf '%s' 'title:vote AND (ferry OR bus)' > "$dir/q2"
                  printf '%s' 'entity:"person:mara ostrel"' > "$dir/q3" ;;
  esac
}

status=0
jobs=()
if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then
  jobs=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
fi
printf '%-14s %14s %10s %8s %s\n' target executions exec/s seconds result
for t in "${TARGETS[@]}"; do
  seed "$t"
  mkdir -p artifacts/"$t"
  log=$(mktemp)
  began=$(date +%s)
  if cargo +"$NIGHTLY" fuzz run -O -s "$SAN" "$t" corpus/"$t" -- \
      -max_total_time="$SECONDS_PER" -timeout=10 -rss_limit_mb=1024 -max_len="$MAX_LEN" \
      ${FUZZ_SEED:+-seed="$FUZZ_SEED"} ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} \
      -print_final_stats=1 "${jobs[@]}" \
      -artifact_prefix=artifacts/"$t"/ >"$log" 2>&1; then
    result=ok
  else
    result="CRASH (see fuzz/artifacts/$t, log below)"
    status=1
  fi
  took=$(( $(date +%s) - began ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
  printf '%-14s %14s %10s %8s %s\n' "$t" "$execs" "$rate" "$took" "$result"
  if [ "$result" != ok ]; then
    # The panic and where, then libFuzzer's own summary.
    grep -v '^ *at \|^ *[0-9]*: ' "$log" | grep -B2 -A12 'panicked at\|ERROR: libFuzzer' | head -40
    grep -A3 'Failing input\|Reproduce with' "$log" | grep -v '^\s*\[' | head -12
  fi
  rm -f "$log"
done
rm -f fuzz-*.log
exit $status
