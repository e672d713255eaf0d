#!/usr/bin/env bash
# Hostile inputs through `parallax ingest`, one file per run into a fresh
# store: wall time and peak RSS of the whole process, next to the bounds the
# hardening work promises (≤ 5 s and ≤ 300 MB for a 10 MB file). The files
# are generated here (lowercase word soup without punctuation, one phrase
# repeated with and without quotation marks and dates), nothing is read
# from elsewhere. Usage: bench/hostile.sh [MB...]   (default: 2 10)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then set -- 2 10; fi
cargo build -q --release -p parallax
bin=target/release/parallax
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$@" <<'EOF'
import random, sys
out, sizes = sys.argv[1], [float(x) for x in sys.argv[2:]]
random.seed(17)
words = ("the of and to in a is that for it as was with be by on not he this are or his "
         "from at which but have an they you were her she there").split()
def soup(n):
    parts, size = [], 0
    while size < n:
        w = random.choice(words) + "".join(random.choice("abcdefghijklmnopqrstuvwxyz")
                                           for _ in range(random.randint(0, 5)))
        parts.append(w)
        size += len(w) + 1
    return " ".join(parts)[:n]
def repeat(n, unit):
    return (unit * (n // len(unit) + 1))[:n]
for mb in sizes:
    n = int(mb * 1024 * 1024)
    tag = f"{mb:g}mb"
    open(f"{out}/lowercase-{tag}.txt", "w").write(soup(n))
    open(f"{out}/quotes-{tag}.txt", "w").write(repeat(n, 'he said "yes and then '))
    open(f"{out}/dates-{tag}.txt", "w").write(
        repeat(n, "Smith met Jones in Paris on Monday, March 3, 2019 and "))
    open(f"{out}/repeated-{tag}.txt", "w").write(
        repeat(n, 'Williamson said the party was "too apologetic" on Tuesday '))
EOF
printf '%-26s %10s %12s %s\n' input seconds "peak MiB" result
status=0
for f in "$work"/*.txt; do
  db="$work/store.db"
  rm -f "$db" "$db"-wal "$db"-shm
  /usr/bin/time -f '%e %M' -o "$work/time" "$bin" --db "$db" ingest "$f" >/dev/null 2>"$work/err" || true
  read -r secs kb <"$work/time"
  mib=$((kb / 1024))
  verdict=ok
  if awk "BEGIN{exit !($secs > 5 || $mib > 300)}"; then verdict="OVER BOUND"; status=1; fi
  printf '%-26s %10s %12s %s\n' "$(basename "$f")" "$secs" "$mib" "$verdict"
done
exit $status
