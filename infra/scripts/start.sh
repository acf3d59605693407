#!/usr/bin/env bash
# Starts the whole platform on this machine: installs what is missing, uses DATABASE_URL/REDIS_URL
# when set or else private PostgreSQL/Redis under .data/, applies migrations, seeds the demo, starts
# api, live and worker, and prints where they are. Ctrl-C stops the services it started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_node_modules
ensure_media_stack
ensure_backing_services
export NODE_ENV="${NODE_ENV:-development}"
mkdir -p "$DATA_DIR/logs"

log "applying migrations and seeding the demo"
npx --no-install tsx services/api/src/cli/seed-demo.ts >&2

pids=()
cleanup() {
  trap - EXIT INT TERM
  log "stopping services"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for svc in api live worker; do
  npx --no-install tsx "services/$svc/src/server.ts" >"$DATA_DIR/logs/$svc.log" 2>&1 &
  pids+=($!)
done

api="http://${API_HOST:-127.0.0.1}:${API_PORT:-3000}"
for _ in $(seq 120); do curl -fsS "$api/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$api/readyz" >/dev/null 2>&1 || { tail -n 40 "$DATA_DIR/logs/api.log" >&2; die "the API did not become ready"; }

cat >&2 <<MSG

  船员线上培训平台 Seafarer online training is running
    Web client       $api/app/
    API docs         $api/docs
    Health           $api/readyz
    Live service     http://${API_HOST:-127.0.0.1}:${LIVE_PORT:-3100}/healthz
    Worker health    http://${API_HOST:-127.0.0.1}:${WORKER_HEALTH_PORT:-3200}/
    Database         $DATABASE_URL
    Redis            $REDIS_URL
    Logs             $DATA_DIR/logs/
  Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}" || true
die "a service exited; see $DATA_DIR/logs/"
