#!/usr/bin/env bash
# A whole Parallax cluster on this machine, on loopback, for a demo:
# nats-server (JetStream), PostgreSQL, N workers, the story engine (and a
# stand-by), and two web servers reading the shared store.
#
#   bash deploy/cluster-up.sh [--workers N] [--dir DIR] [INPUTS...]
#   bash deploy/cluster-up.sh --down [--dir DIR]
#
# INPUTS (files, folders, WARC, JSONL …; default: examples/corpus) are
# published to the queue once everything is up. Everything lives in DIR
# (default /tmp/parallax-cluster): logs, pids, the PostgreSQL cluster and
# the JetStream files. Processes run until `--down`.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=/tmp/parallax-cluster
WORKERS=2
DOWN=0
INPUTS=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --workers) WORKERS="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --down) DOWN=1; shift ;;
    *) INPUTS+=("$1"); shift ;;
  esac
done

if [ "$DOWN" = 1 ]; then
  for pid in "$DIR"/pids/*; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  bash scripts/nats-server.sh --stop "$DIR/nats" || true
  bash scripts/pg-test-server.sh --stop "$DIR/pg" || true
  echo "cluster in $DIR stopped"
  exit 0
fi
[ "${#INPUTS[@]}" -gt 0 ] || INPUTS=(examples/corpus)

cargo build --release -q -p parallax
P="$(pwd)/target/release/parallax"
mkdir -p "$DIR/pids" "$DIR/logs"
QUEUE="$(bash scripts/nats-server.sh "$DIR/nats" | tail -1)"
DB="$(bash scripts/pg-test-server.sh "$DIR/pg" | tail -1)"
echo "queue: $QUEUE"
echo "store: $DB"

run() { # name, then the command
  local name="$1"; shift
  nohup "$@" > "$DIR/logs/$name.log" 2>&1 &
  echo $! > "$DIR/pids/$name"
}
for i in $(seq "$WORKERS"); do
  run "worker-$i" "$P" --db "$DB" worker --queue "$QUEUE"
done
# Two engines: one leads, the other stands by and takes over when the
# leader stops (its lease lapses in 10 s).
run engine-a "$P" --db "$DB" stories --follow --queue "$QUEUE" --max-lag 5
run engine-b "$P" --db "$DB" stories --follow --queue "$QUEUE" --max-lag 5
for port in 8081 8082; do
  run "serve-$port" "$P" --db "$DB" serve --addr "127.0.0.1:$port" --queue "$QUEUE" --name "demo-$port"
done

"$P" ingest --queue "$QUEUE" "${INPUTS[@]}" || true
echo
echo "web: http://127.0.0.1:8081/ and http://127.0.0.1:8082/ (same store)"
echo "status: $P queue status --queue $QUEUE"
echo "logs: $DIR/logs; stop: bash deploy/cluster-up.sh --down --dir $DIR"
