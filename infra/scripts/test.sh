#!/usr/bin/env bash
# Runs every test. On a fresh machine it installs what is missing, uses DATABASE_URL/REDIS_URL when
# set or else private PostgreSQL/Redis under .data/, and runs jest against a throwaway database.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_node_modules
ensure_media_stack
ensure_backing_services
trap stop_started_services EXIT

log "running every test (jest report: test-results/jest.json)"
npm test --silent
