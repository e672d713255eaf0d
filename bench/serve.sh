#!/usr/bin/env bash
# Load test of `parallax serve`: a release build of the serve_bench example
# fills a temporary store with synthetic articles (analysed, with entities
# and stories, as `parallax ingest` leaves them) and serves it on
# 127.0.0.1; wrk then hits the JSON article list, one JSON article, an
# article page, the stories and entities APIs, the most covered person's
# entity page, and searches, each for DURATION, and prints requests/s,
# p50/p99 latency and errors. Stops the server (and removes its store) on
# exit. `/stories` is the HTML twin of `/api/stories` (same data, plus
# each story's outlet lean, which the server keeps between requests). The
# search for `district17` matches 1 article in 200, a realistic
# selectivity; `ferry strike` matches every synthetic article (worst case:
# all are scored and counted). PARALLAX_BENCH_NO_STORIES=1 skips computing
# stories (slow on a large store).
#
# Usage: bench/serve.sh [ARTICLES=10000] [DURATION=30s] [CONNECTIONS=64] [THREADS=2]
# Goals: >= 5,000 requests/s on /api/articles; >= 2,000 on the stories
# list (`/`, the home page), zero errors.
set -euo pipefail

ARTICLES="${1:-10000}"
DURATION="${2:-30s}"
CONNECTIONS="${3:-64}"
THREADS="${4:-2}"
PORT="${PARALLAX_BENCH_PORT:-18090}"
ADDR="127.0.0.1:${PORT}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (apt-get)…" >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
    else
        sudo apt-get install -y wrk >/dev/null
    fi
fi

cd "$ROOT"
cargo build --release -q -p parallax-serve --example serve_bench
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/serve_bench"

LOG="$(mktemp)"
"$BIN" "$ARTICLES" "$ADDR" >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
    kill -INT "$SERVER" 2>/dev/null || true
    # Give it time to finish in-flight requests and remove its store.
    for _ in $(seq 1 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER" 2>/dev/null || true
    rm -f "$LOG"
}
trap cleanup EXIT INT TERM

# Wait (bounded) for the server to store, index and listen.
for _ in $(seq 1 600); do
    grep -q '^ready ' "$LOG" && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$LOG" >&2; echo "server exited" >&2; exit 1; }
    sleep 0.5
done
grep -q '^ready ' "$LOG" || { cat "$LOG" >&2; echo "server did not start in 300 s" >&2; exit 1; }
grep -v '^ready \|^entity \|^story ' "$LOG" >&2 || true

ENTITY="$(awk '$1 == "entity" {print $2; exit}' "$LOG")"
ENTITY="${ENTITY:-person%3Aana%20lopez}"
STORY="$(awk '$1 == "story" {print $2; exit}' "$LOG")"

echo "parallax serve benchmark: $ARTICLES articles, $DURATION per route, $CONNECTIONS connections, $THREADS wrk threads, $(nproc) CPUs"
printf '%-44s %12s %10s %10s %8s\n' route "requests/s" "p50" "p99" errors
for route in \
    "/api/articles" \
    "/api/articles?outlet=Daily%20Tribune&limit=20" \
    "/api/articles/bench-000042" \
    "/articles/bench-000042" \
    "/api/stories" \
    "/" \
    "/?sort=one-sided&single_source=show" \
    "/api/stories?lean=left&min_sources=2" \
    "/stories/$STORY" \
    "gzip /stories/$STORY" \
    "/coverage.svg?story=$STORY" \
    "/api/entities" \
    "/api/entities/$ENTITY" \
    "/entities/$ENTITY" \
    "/api/search?q=district17" \
    "/api/search?q=ferry%20strike" \
    "/search?q=district17" \
    "/search?entity=$ENTITY"; do
    # "gzip ROUTE": the same route as a browser asks for it (compressed).
    header=()
    path="$route"
    if [[ "$route" == gzip\ * ]]; then
        header=(-H "Accept-Encoding: gzip")
        path="${route#gzip }"
    fi
    out="$(wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 5s "${header[@]}" "http://$ADDR$path" 2>&1)"
    rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    # Socket errors (connect/read/write/timeout) plus non-2xx answers.
    errors="$(awk '/Socket errors/ {for (i = 3; i <= NF; i++) {v = $i; gsub(",", "", v); if (v ~ /^[0-9]+$/) n += v}}
                   /Non-2xx/ {n += $NF} END {print n + 0}' <<<"$out")"
    printf '%-44s %12s %10s %10s %8s\n' "$route" "${rps:-?}" "${p50:-?}" "${p99:-?}" "${errors:-0}"
done
