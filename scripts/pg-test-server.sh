#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the tests and prints
# its URL on the last line of stdout (the tests read it from
# PARALLAX_TEST_POSTGRES):
#
#   export PARALLAX_TEST_POSTGRES="$(bash scripts/pg-test-server.sh /tmp/pgtest | tail -1)"
#   cargo test --workspace --release
#   bash scripts/pg-test-server.sh --stop /tmp/pgtest
#
# The cluster lives in DIR (data, socket, log), listens on 127.0.0.1 at a
# free port, trusts local connections, and is owned by the user running
# this script, or by `postgres` when run as root (initdb refuses root).
# Exit 3 when PostgreSQL's server binaries are not installed.
set -euo pipefail

if [ "${1:-}" = "--stop" ]; then
  dir="${2:?usage: pg-test-server.sh --stop DIR}"
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$bin" ] && [ -d "$dir/data" ] || exit 0
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  else
    "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  fi
  exit 0
fi

dir="${1:?usage: pg-test-server.sh DIR [PORT]}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL server binaries not found (install Debian's postgresql)" >&2
  exit 3
fi
port="${2:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$dir"
if [ "$(id -u)" = "0" ]; then chown postgres "$dir"; fi
if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$dir/data" -U parallax --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { tail -20 "$dir/initdb.log" >&2; exit 1; }
fi
# Durability is not under test on a throwaway cluster, speed is: but keep
# fsync on so the crash tests mean what they say.
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
  || { tail -20 "$dir/server.log" >&2; exit 1; }
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U parallax parallax_test 2>/dev/null || true
echo "postgres://parallax@127.0.0.1:$port/parallax_test"
