#!/usr/bin/env bash
# Measures Monban per server core, as docs/benchmarks.md reports: the server
# pinned to CPU 0 with GOMAXPROCS=1, the load tool on CPU 1.
#
#   scripts/bench.sh [sqlite|postgres] [duration]
# RBAC=1 adds client_credentials for a resource with 50 permissions (issue 8).
# postgres needs MONBAN_TEST_POSTGRES_DSN (scripts/pg-tmp start).
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
dur=${2:-10s}
out=${BENCH_OUT:-bench-results}
mkdir -p "$out"
go build -o bin/monban ./cmd/monban
bin=$PWD/bin/monban
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT

alg=${ALG:-ES384}
db_args=(--data-dir "$dir" --signing-alg "$alg")
if [ "$backend" = postgres ]; then
  schema="bench_$(date +%s)"
  psql "$MONBAN_TEST_POSTGRES_DSN" -qc "CREATE SCHEMA $schema" >/dev/null
  dsn="${MONBAN_TEST_POSTGRES_DSN}&search_path=$schema"
  db_args+=(--database "$dsn" --master-secret "bench-master-secret-0123456789abcdefghijkl")
fi

admin() { "$bin" admin "$@" "${db_args[@]}"; }
m2m=$(admin create-m2m-app --name bench)
web=$(admin create-app --type traditional --name bench-web --redirect-uri http://localhost:3000/callback)
admin create-user --username bench --password 'bench password 1' >/dev/null
admin create-resource --name "Bench API" --indicator https://api.bench.example >/dev/null
j() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['$2'])" "$1"; }
m2m_id=$(j "$m2m" id); m2m_secret=$(j "$m2m" secret)
web_id=$(j "$web" id); web_secret=$(j "$web" secret)

GOMAXPROCS=1 taskset -c 0 "$bin" serve "${db_args[@]}" --addr "127.0.0.1:$port" --endpoint "$endpoint" \
  --log-level warn >"$dir/server.log" 2>&1 &
spid=$!
for _ in $(seq 100); do curl -sf "$endpoint/healthz" >/dev/null && break; sleep 0.1; done
sleep 1
echo "idle RSS: $(ps -o rss= -p $spid) KiB" | tee "$out/$backend-$alg-idle.txt"

run() {
  local name=$1; shift
  echo "=== $name"
  taskset -c 1 "$bin" bench --issuer "$endpoint/oidc" --duration "$dur" --warmup 2s "$@" | tee "$out/$backend-$alg-$name.txt"
}
common=(--client-id "$web_id" --client-secret "$web_secret" --redirect-uri http://localhost:3000/callback --username bench --password 'bench password 1')
run client_credentials --scenario client_credentials --client-id "$m2m_id" --client-secret "$m2m_secret" --resource https://api.bench.example --concurrency 8
if [ "${RBAC:-}" = 1 ]; then
  # RBAC (issue 8): a second resource with 50 permissions, all held by the
  # M2M app through one role and all requested; set up through /api.
  tok=$(curl -sf -u "$m2m_id:$m2m_secret" -d grant_type=client_credentials \
    --data-urlencode resource=https://default.logto.app/api -d scope=all "$endpoint/oidc/token" | j "$(cat)" access_token)
  api() { curl -sf -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' -X "$1" "$endpoint$2" ${3:+-d "$3"}; }
  res=$(j "$(api POST /api/resources '{"name":"Bench RBAC API","indicator":"https://rbac.bench.example"}')" id)
  ids=(); names=()
  for i in $(seq -w 0 49); do
    ids+=("\"$(j "$(api POST "/api/resources/$res/scopes" "{\"name\":\"perm:$i\"}")" id)\""); names+=("perm:$i")
  done
  role=$(j "$(api POST /api/roles "{\"name\":\"bench-rbac\",\"description\":\"bench\",\"type\":\"MachineToMachine\",\"scopeIds\":[$(IFS=,; echo "${ids[*]}")]}")" id)
  api POST "/api/roles/$role/applications" "{\"applicationIds\":[\"$m2m_id\"]}" >/dev/null
  run client_credentials_50_permissions --scenario client_credentials --client-id "$m2m_id" --client-secret "$m2m_secret" \
    --resource https://rbac.bench.example --scope "${names[*]}" --concurrency 8
fi
if [ "$alg" = ES384 ]; then
  run refresh --scenario refresh "${common[@]}" --concurrency 8
  run signin --scenario signin "${common[@]}" --concurrency 4
  run userinfo --scenario userinfo "${common[@]}" --concurrency 8
  run introspection --scenario introspection --client-id "$m2m_id" --client-secret "$m2m_secret" --resource https://api.bench.example --concurrency 8
  run discovery --scenario discovery --client-id "$web_id" --concurrency 8
  echo "RSS after load: $(ps -o rss= -p $spid) KiB" | tee -a "$out/$backend-$alg-idle.txt"
fi
