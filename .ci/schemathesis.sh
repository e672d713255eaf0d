#!/usr/bin/env bash
# Property-based test of the JSON API against its own description: builds
# the release binary, ingests examples/corpus into a temporary store,
# serves it on a loopback port and runs schemathesis with every check
# against /api/openapi.json (positive and negative data, all phases).
# Exits non-zero when schemathesis reports a failure; stops the server and
# removes the store on exit.
#
# schemathesis is installed with pip into a virtual environment under
# target/ (gitignored, kept between runs). Environment:
#   ST_MAX_EXAMPLES  test cases per operation and phase (default 100)
#   ST_SEED          random seed (default 1, so runs are reproducible)
#   ST_VERSION       schemathesis version to install (default 4.32.5, the
#                    one these figures were taken with; a new release
#                    brings new checks, so it is chosen, not drawn)
#   ST_PORT          port to serve on (default 18099)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="$TARGET/schemathesis-venv"
PORT="${ST_PORT:-18099}"
MAX_EXAMPLES="${ST_MAX_EXAMPLES:-100}"
SEED="${ST_SEED:-1}"

cd "$ROOT"
if [ ! -x "$VENV/bin/st" ]; then
    echo "schemathesis: creating $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q "schemathesis==${ST_VERSION:-4.32.5}"
fi
echo "schemathesis: $("$VENV/bin/st" --version)" >&2

cargo build --release -q -p parallax
BIN="$TARGET/release/parallax"

WORK="$(mktemp -d)"
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then
        kill -TERM "$SERVER" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

DB="$WORK/parallax.db"
# Exit 2 means some inputs were skipped, which is fine for this test.
"$BIN" --db "$DB" ingest examples/corpus >"$WORK/ingest.log" 2>&1 || [ $? -eq 2 ] \
    || { cat "$WORK/ingest.log" >&2; echo "ingest failed" >&2; exit 1; }

"$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 200); do
    curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/serve.log" >&2; echo "server exited" >&2; exit 1; }
    sleep 0.1
done

status=0
# From the temporary folder: schemathesis leaves its example cache in the
# current directory.
cd "$WORK"
"$VENV/bin/st" run "http://127.0.0.1:$PORT/api/openapi.json" \
    --checks all \
    --mode all \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --request-timeout 10 \
    --workers 2 \
    --warnings off \
    --report junit --report-dir "$TARGET/schemathesis-report" || status=$?

kill -0 "$SERVER" 2>/dev/null || { echo "the server died during the run:" >&2; cat "$WORK/serve.log" >&2; status=1; }
if [ "$status" -ne 0 ]; then
    echo "schemathesis: failures (exit $status); report in $TARGET/schemathesis-report" >&2
else
    echo "schemathesis: no failures" >&2
fi
exit "$status"
