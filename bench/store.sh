#!/usr/bin/env bash
# The same real articles ingested into each backend in one run: SQLite (a
# file) and PostgreSQL (a throwaway server on loopback). `parallax ingest`
# as users run it: clean, dedup, analyse, cluster, compare, store.
# Prints articles/s, peak RSS of the parallax process and the store's size.
#
#   bash bench/store.sh            # 10,000 inputs: NeuS dev + ECB+ dev + PolNeAR
#                                  # (9,730 JSONL records) + 270 Dragnet HTML pages
#   bash bench/store.sh 2000       # the first 2,000 JSONL records only
#
# Needs ../shared/data and PostgreSQL's server binaries (Debian postgresql).
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-0}"
shared="${PARALLAX_SHARED:-../shared}/data"
for f in "$shared/events/neus_dev.jsonl" "$shared/events/ecb_dev.jsonl" "$shared/polnear/train/text" "$shared/pages/dragnet/html"; do
  [ -e "$f" ] || { echo "missing $f (set PARALLAX_SHARED)" >&2; exit 3; }
done

work="$(mktemp -d /tmp/parallax-bench-store.XXXXXX)"
trap 'bash scripts/pg-test-server.sh --stop "$work/pg"; rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$work/in"
# One JSONL of every article (JSONL is how exports arrive), cut to $limit.
python3 - "$shared" "$work/in/articles.jsonl" "$limit" <<'EOF'
import json, os, sys
shared, out, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []
for name in ("events/neus_dev.jsonl", "events/ecb_dev.jsonl"):
    with open(os.path.join(shared, name), encoding="utf-8") as f:
        rows += [json.loads(line) for line in f if line.strip()]
for split in ("train", "dev"):
    d = os.path.join(shared, "polnear", split, "text")
    for n in sorted(os.listdir(d)):
        with open(os.path.join(d, n), encoding="utf-8") as f:
            rows.append({"id": "polnear_" + split + "_" + n.rsplit(".", 1)[0], "text": f.read()})
if limit > 0:
    rows = rows[:limit]
with open(out, "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(rows))
EOF
n="$(wc -l < "$work/in/articles.jsonl")"
if [ "$limit" -eq 0 ]; then
  # Real HTML pages too, as a crawl delivers them, up to 10,000 inputs.
  mkdir -p "$work/in/pages"
  ls "$shared/pages/dragnet/html" | sort | head -n $((10000 - n)) \
    | while read -r page; do cp "$shared/pages/dragnet/html/$page" "$work/in/pages/"; done
  n=$((n + $(ls "$work/in/pages" | wc -l)))
fi

cargo build --release -q -p parallax
bin="$PWD/target/release/parallax"

url="$(bash scripts/pg-test-server.sh "$work/pg" | tail -1)"
[ -n "$url" ] || { echo "could not start PostgreSQL" >&2; exit 3; }
psql_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql"
"$psql_bin" -q "$url" -c "CREATE DATABASE bench" >/dev/null
pg_url="${url%/*}/bench"

run() { # name store
  local name="$1" db="$2"
  local rc=0
  /usr/bin/time -f "%e %U %S %M" -o "$work/$name.time" \
    "$bin" --db "$db" ingest "$work/in" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  # 2: finished, some records skipped (real data has a few empty ones).
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
    echo "$name ingest failed (exit $rc):" >&2; tail -5 "$work/$name.err" >&2; exit 1
  fi
}

echo "ingesting $n inputs into each backend, one backend after the other..."
run sqlite "$work/bench.db"
run postgres "$pg_url"
sqlite_bytes="$(cat "$work"/bench.db* 2>/dev/null | wc -c)"
pg_bytes="$("$psql_bin" -At "$url" -c "SELECT pg_database_size('bench')")"

printf '\n%-10s %9s %10s %11s %10s %10s\n' backend "wall s" "CPU s" "articles/s" "peak MiB" "store MiB"
for b in sqlite postgres; do
  read -r wall user sys rss < <(tail -1 "$work/$b.time")
  bytes="$sqlite_bytes"; [ "$b" = postgres ] && bytes="$pg_bytes"
  awk -v b="$b" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v n="$n" -v z="$bytes" \
    'BEGIN { printf "%-10s %9.1f %10.1f %11.0f %10.0f %10.1f\n", b, w, u + s, n / w, r / 1024, z / 1048576 }'
done
read -r sw _ < <(tail -1 "$work/sqlite.time"); read -r pw _ < <(tail -1 "$work/postgres.time")
awk -v s="$sw" -v p="$pw" 'BEGIN { printf "\nPostgreSQL / SQLite ingest time: %.2fx (goal <= 1.5x)\n", p / s }'
echo "(the PostgreSQL server's own CPU and memory are not in its row: it runs in other processes)"
grep -h "^store:\|^stories:" "$work/sqlite.out" "$work/postgres.out" || true
