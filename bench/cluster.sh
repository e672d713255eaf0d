#!/usr/bin/env bash
# Event clustering: parallax-cluster vs scikit-learn baselines on MStream
# News.jsonl (same run, same machine). Usage: bench/cluster.sh [FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
FILE="${1:-../shared/data/mstream/News.jsonl}"
VENV=bench/.venv-cluster

if [ ! -f "$FILE" ]; then
  echo "skipping: $FILE not found" >&2
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q scikit-learn numpy scipy
fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
cargo build -q --release -p parallax-cluster --example eval_mstream
echo "== parallax-cluster (StreamClusterer, default settings)"
target/release/examples/eval_mstream "$FILE"
echo "== scikit-learn baselines"
"$VENV/bin/python" bench/cluster_baseline.py "$FILE"
