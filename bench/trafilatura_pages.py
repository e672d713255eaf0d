"""trafilatura 2.3.1 extractions for `parallax eval pages|aeb --baseline trafilatura`.

Usage: python bench/trafilatura_pages.py MANIFEST.json OUT.json
MANIFEST is a JSON list of {"id", "path" (an .html.gz or .html file), "url"
(or "" / null)}. OUT receives {id: extracted text}; the Rust side scores it
with the same metric code as Parallax. The call and decoding are those of
bench/trafilatura_bench.py (UTF-8 with replacement, `extract(html, url=…)`,
default options), so the figures match what bench/html.sh measures.
"""
import gzip
import json
import sys
import time
from pathlib import Path

import trafilatura


def main():
    manifest = json.loads(Path(sys.argv[1]).read_text())
    out_path = Path(sys.argv[2])
    outputs, errors = {}, 0
    start = time.perf_counter()
    for entry in manifest:
        path = Path(entry["path"])
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        html = raw.decode("utf-8", "replace")
        try:
            outputs[entry["id"]] = trafilatura.extract(html, url=entry.get("url") or None) or ""
        except Exception as e:  # one bad page must not lose the whole run
            errors += 1
            print(f"trafilatura failed on {entry['id']}: {e}", file=sys.stderr)
            outputs[entry["id"]] = ""
    seconds = time.perf_counter() - start
    out_path.write_text(json.dumps(outputs, ensure_ascii=False))
    print(f"TRAFILATURA_VERSION={trafilatura.__version__}")
    print(f"TRAFILATURA_SECONDS={seconds:.3f}")
    print(f"TRAFILATURA_ERRORS={errors}")


if __name__ == "__main__":
    main()
