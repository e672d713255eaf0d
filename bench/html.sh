#!/usr/bin/env bash
# Parallax HTML extraction vs Python trafilatura 2.3.1 on the same AEB pages,
# one thread each. Usage: bench/html.sh [AEB_DIR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-../shared/data/aeb}"
ROUNDS="${2:-3}"
VENV=bench/.venv

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'trafilatura==2.3.1' lxml_html_clean
fi

cargo build -q --release -p parallax-html --example bench_html
export RAYON_NUM_THREADS=1 OMP_NUM_THREADS=1
# Parallax gets 10x the rounds: it is that much faster, and longer runs
# make its CPU-time reading (10 ms ticks) precise.
rust_out=$(target/release/examples/bench_html "$DIR" --rounds $((ROUNDS * 10)))
echo "$rust_out"
py_out=$("$VENV/bin/python" bench/trafilatura_bench.py "$DIR" "$ROUNDS")
echo "$py_out" | grep -v '^PY_PAGES_PER'
rust_wall=$(echo "$rust_out" | sed -n 's/.* = \([0-9.]*\) pages\/s wall.*/\1/p')
rust_cpu=$(echo "$rust_out" | sed -n 's/.*wall, \([0-9.]*\) pages\/CPU-s.*/\1/p')
py_wall=$(echo "$py_out" | sed -n 's/^PY_PAGES_PER_SEC=//p')
py_cpu=$(echo "$py_out" | sed -n 's/^PY_PAGES_PER_CPU_SEC=//p')
python3 -c "print(f'speed-up: {float(\"$rust_cpu\") / float(\"$py_cpu\"):.1f}x pages per CPU-second (per core), {float(\"$rust_wall\") / float(\"$py_wall\"):.1f}x wall-clock')"
