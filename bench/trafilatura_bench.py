"""Single-threaded trafilatura throughput (and AEB F1) on the AEB pages.

Usage: python bench/trafilatura_bench.py AEB_DIR [ROUNDS]
Pages are read and gunzipped before the clock starts, as on the Rust side.
"""
import gzip
import json
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import trafilatura

TOKEN = re.compile(r"\w+")


def shingles(text):
    words = TOKEN.findall(text or "")
    return Counter(" ".join(words[i:i + 4]) for i in range(len(words) - 3))


def main():
    root = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    truth = json.loads((root / "ground-truth.json").read_text())
    pages = []
    for pid in sorted(truth):
        raw = gzip.decompress((root / "html" / f"{pid}.html.gz").read_bytes())
        pages.append((pid, raw.decode("utf-8", "replace"), truth[pid]))
    outputs = {}
    start = time.perf_counter()
    cpu_start = time.thread_time()
    for _ in range(rounds):
        for pid, html, gt in pages:
            outputs[pid] = trafilatura.extract(html, url=gt.get("url")) or ""
    seconds = time.perf_counter() - start
    cpu_seconds = time.thread_time() - cpu_start
    precisions, recalls = [], []
    for pid, _, gt in pages:
        e, p = shingles(gt["articleBody"]), shingles(outputs[pid])
        tp = sum((e & p).values())
        fp = sum((p - e).values())
        fn = sum((e - p).values())
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    prec = sum(precisions) / max(len(precisions), 1)
    rec = sum(recalls) / max(len(recalls), 1)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n = len(pages) * rounds
    print(
        f"trafilatura {trafilatura.__version__}: {len(pages)} pages x {rounds} rounds in {seconds:.2f}s wall, "
        f"{cpu_seconds:.2f}s CPU = {n / seconds:.1f} pages/s wall, {n / cpu_seconds:.1f} pages/CPU-s, "
        f"F1 {f1:.4f} P {prec:.4f} R {rec:.4f}, peak RSS {peak_kib / 1024:.1f} MiB"
    )
    print(f"PY_PAGES_PER_SEC={n / seconds:.3f}")
    print(f"PY_PAGES_PER_CPU_SEC={n / cpu_seconds:.3f}")


if __name__ == "__main__":
    main()
