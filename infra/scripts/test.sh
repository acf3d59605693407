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
# `npm test` passes --forceExit: on two cores jest runs every suite in band (in its own process), and once the
# report is written (global teardown done: database dropped, services stopped) Node 20's exit can spin
# in its handle cleanup (seen after a full run: 100 % CPU in Environment::CleanupHandles for 10+ min;
# nodejs/node#47748). Exiting at once keeps the command's time bounded. A suite that leaks a handle
# no longer shows as a hang here: run it alone (`npx jest <file>`) to get jest's open-handle warning.
npm test --silent
