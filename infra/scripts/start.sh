#!/usr/bin/env bash
# Starts the whole platform on this machine: installs what is missing, uses DATABASE_URL/REDIS_URL
# when set or else private PostgreSQL/Redis under .data/, applies migrations, seeds the demo (with a
# class live now), starts api, live and worker under a supervisor that restarts a service that dies,
# and prints where they are. Ctrl-C (or TERM) stops everything it started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_node_modules
ensure_media_stack
ensure_backing_services
ensure_secrets
export NODE_ENV="${NODE_ENV:-development}"
# Recordings and evidence stay out of the working tree's tracked files.
export STORAGE_DIR="${STORAGE_DIR:-$DATA_DIR/storage}"
mkdir -p "$DATA_DIR/logs" "$STORAGE_DIR"

sup=""
stopping=0
stop_all() {
  [ "$stopping" -eq 1 ] && return 0
  stopping=1
  trap - EXIT INT TERM HUP
  if [ -n "$sup" ] && kill -0 "$sup" 2>/dev/null; then
    kill -TERM "$sup" 2>/dev/null || true
    wait "$sup" 2>/dev/null || true
  fi
  stop_started_services
  log "stopped"
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM HUP

api="http://${API_HOST:-127.0.0.1}:${API_PORT:-3000}"
# Data stored before this installation had its own PII key (under the built-in test key) is re-encrypted.
if [ "$SECRETS_NEW" -eq 1 ]; then node --import tsx services/api/src/cli/rekey-pii.ts --from-built-in; fi
log "applying migrations and seeding the demo"
demo="$(node --import tsx services/api/src/cli/seed-demo.ts --app-url "$api/app")"

# One node process per service (no npx/tsx wrappers in between), each in its own process group.
node --import tsx infra/scripts/supervise.ts --logs "$DATA_DIR/logs" --log "$DATA_DIR/logs/supervisor.log" -- \
  api=node --import tsx services/api/src/server.ts ';;' \
  live=node --import tsx services/live/src/server.ts ';;' \
  worker=node --import tsx services/worker/src/server.ts &
sup=$!

for _ in $(seq 120); do
  curl -fsS "$api/readyz" >/dev/null 2>&1 && break
  kill -0 "$sup" 2>/dev/null || break
  sleep 0.5
done
curl -fsS "$api/readyz" >/dev/null 2>&1 || { tail -n 40 "$DATA_DIR/logs/api.log" >&2; die "the API did not become ready"; }

cat >&2 <<MSG

  船员线上培训平台 Seafarer online training is running
    Web client       $api/app/
    API docs         $api/docs
    API ready        $api/readyz
    Live ready       http://${API_HOST:-127.0.0.1}:${LIVE_PORT:-3100}/readyz
    Worker ready     http://${API_HOST:-127.0.0.1}:${WORKER_HEALTH_PORT:-3200}/readyz
    Database         $DATABASE_URL
    Redis            $REDIS_URL
    Logs             $DATA_DIR/logs/ (supervisor.log: restarts)
    Secrets 密钥      ${SECRETS_SOURCE} (JWT_SECRET, PII_KEY; back it up, never commit it)

$(sed 's/^./  &/' <<<"$demo")

  A service that dies is restarted (up to 5 times in 10 minutes). Press Ctrl-C to stop everything.
MSG
code=0
wait "$sup" || code=$?
sup=""
[ "$code" -eq 0 ] || die "a service kept exiting; everything was stopped (see $DATA_DIR/logs/supervisor.log)"
