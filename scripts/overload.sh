#!/usr/bin/env bash
# 2x overload of client_credentials: an open-loop load at twice the measured
# capacity against a server pinned to one core. Prints unloaded and
# overloaded results.   scripts/overload.sh [rate] [duration]
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/monban ./cmd/monban
bin=$PWD/bin/monban
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
m2m=$("$bin" admin create-m2m-app --name overload --data-dir "$dir")
id=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['id'])" "$m2m")
secret=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['secret'])" "$m2m")
GOMAXPROCS=1 taskset -c 0 "$bin" serve --data-dir "$dir" --addr "127.0.0.1:$port" --endpoint "http://127.0.0.1:$port" --log-level warn >/dev/null 2>&1 &
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
b() { taskset -c 1 "$bin" bench --issuer "http://127.0.0.1:$port/oidc" --scenario client_credentials --client-id "$id" --client-secret "$secret" --warmup 2s "$@" 2>/dev/null; }
echo "=== unloaded (closed loop, concurrency 8)"
b --concurrency 8 --duration "${2:-10s}"
echo "=== 2x load, closed loop (concurrency 16: excess requests wait)"
b --concurrency 16 --duration "${2:-10s}"
echo "=== 2x overload (open loop at ${1:-6400}/s, concurrency 256)"
b --concurrency 256 --rate "${1:-6400}" --duration "${2:-10s}"
