#!/usr/bin/env bash
# The whole `parallax ingest` (clean, dedup, analyse, cluster, compare,
# store) of PolNeAR train+dev text into a fresh SQLite store, with the story
# engine's default signals (TF-IDF + static token embeddings) and, in the
# same run, with lexical signals alone (the engine before the embeddings).
# Prints articles per CPU-second, wall time and peak memory of each.
# Usage: bench/ingest.sh [DIR...]   (default: ../shared/data/polnear/{train,dev}/text)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then DIRS=("$@"); else
  DIRS=(../shared/data/polnear/train/text ../shared/data/polnear/dev/text)
fi
for d in "${DIRS[@]}"; do
  if [ ! -d "$d" ]; then echo "skipping: $d not found" >&2; exit 0; fi
done
if [ ! -x /usr/bin/time ]; then echo "needs /usr/bin/time (Debian: apt install time)" >&2; exit 1; fi
cargo build -q --release -p parallax
BIN=target/release/parallax
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
articles=$(find "${DIRS[@]}" -type f -name '*.txt' | wc -l)
printf '%-28s %9s %8s %8s %10s %9s\n' signals articles wall_s cpu_s 'art/cpu-s' peak_MiB
for signals in dense lexical; do
  PARALLAX_STORY_SIGNALS=$signals /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" \
    "$BIN" ingest --db "$WORK/$signals.db" "${DIRS[@]}" > "$WORK/$signals.out" 2>&1 \
    || { cat "$WORK/$signals.out" >&2; exit 1; }
  read -r wall user sys rss < "$WORK/time"
  python3 -c "
w,u,s,r,n=$wall,$user,$sys,$rss,$articles
label = 'dense (default)' if '$signals' == 'dense' else 'lexical (before embeddings)'
print(f'{label:<28} {n:>9} {w:>8.2f} {u+s:>8.2f} {n/(u+s):>10.1f} {r/1024:>9.0f}')"
done
