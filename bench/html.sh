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
rust_out=$(taskset -c 0 target/release/examples/bench_html "$DIR" --rounds "$ROUNDS" 2>/dev/null \
  || target/release/examples/bench_html "$DIR" --rounds "$ROUNDS")
echo "$rust_out"
py_out=$(taskset -c 0 "$VENV/bin/python" bench/trafilatura_bench.py "$DIR" "$ROUNDS" 2>/dev/null \
  || "$VENV/bin/python" bench/trafilatura_bench.py "$DIR" "$ROUNDS")
echo "$py_out" | grep -v '^PY_PAGES_PER_SEC='
rust_pps=$(echo "$rust_out" | sed -n 's/.*= \([0-9.]*\) pages\/s.*/\1/p')
py_pps=$(echo "$py_out" | sed -n 's/^PY_PAGES_PER_SEC=//p')
python3 -c "print(f'speed-up: {float(\"$rust_pps\") / float(\"$py_pps\"):.1f}x pages/s per core')"
