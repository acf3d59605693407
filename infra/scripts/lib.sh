#!/usr/bin/env bash
# Shared by start.sh and test.sh: install what is missing, find or start PostgreSQL and Redis.
# Sourced, not run. Progress goes to stderr so callers can capture values on stdout.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA_DIR="${SEAFARER_DATA_DIR:-$ROOT/.data}"

log() { printf '\033[1;34m[seafarer]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[seafarer] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else
    die "need root to run: $*"
  fi
}

APT_UPDATED=0
# Installs the Debian packages that are not installed yet.
ensure_debian_packages() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq >&2; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# node_modules from package-lock.json, reinstalled only when the lock file changed.
ensure_node_modules() {
  command -v node >/dev/null || die "Node.js >= 20.19 is required"
  local stamp="$ROOT/node_modules/.seafarer-lock-hash"
  local want; want="$(sha256sum "$ROOT/package-lock.json" | cut -c1-64)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  log "installing npm packages from package-lock.json"
  # Not `npm ci`: npm 11 writes lock files without other platforms' optional packages (swc, esbuild)
  # and then `npm ci` refuses its own lock file; `npm install` honours the same lock.
  (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error >&2)
  local got; got="$(sha256sum "$ROOT/package-lock.json" | cut -c1-64)"
  [ "$got" = "$want" ] || log "npm install rewrote package-lock.json: commit the new one (a clone should install as committed)"
  echo "$got" > "$stamp"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_bindir() {
  local d; d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [ -n "$d" ] && echo "$d"
}

# Starts a private PostgreSQL cluster under .data/ (or reuses the one already running there).
start_private_postgres() {
  [ -n "$(pg_bindir)" ] || ensure_debian_packages postgresql
  local bin; bin="$(pg_bindir)" || die "PostgreSQL binaries not found"
  local pgdata="$DATA_DIR/pg" port_file="$DATA_DIR/pg.port" run=()
  mkdir -p "$DATA_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: run it as the postgres user, with its files somewhere that user
    # can reach (a checkout under a private temp directory is not).
    id postgres >/dev/null 2>&1 || die "no postgres user; install the postgresql package"
    # From / so runuser does not complain about a working directory postgres may not enter.
    run=(env -C / runuser -u postgres --)
    if ! runuser -u postgres -- test -x "$DATA_DIR"; then
      local alt="/var/tmp/seafarer-pg-$(echo "$ROOT" | sha256sum | cut -c1-12)"
      mkdir -p "$alt"; chown postgres "$alt"
      [ -L "$pgdata" ] || { rm -rf "$pgdata"; ln -s "$alt" "$pgdata"; }
      pgdata="$alt"
    else
      mkdir -p "$pgdata"; chown postgres "$pgdata"
    fi
  fi
  local port="${SEAFARER_PG_PORT:-54329}"
  [ -f "$port_file" ] && port="$(cat "$port_file")"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    log "creating a private PostgreSQL cluster in $pgdata"
    "${run[@]}" "$bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  # pg_ctl status reads this cluster's own postmaster.pid: a server started from another checkout (or
  # anything else answering on the port) is never taken for ours. Ours listens where its pid file says.
  if "${run[@]}" "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    port="$(sed -n 4p "$pgdata/postmaster.pid")"
    echo "$port" > "$port_file"
    log "using this checkout's PostgreSQL on 127.0.0.1:$port"
  else
    while ! port_free "$port"; do port=$((port + 1)); done
    echo "$port" > "$port_file"
    log "starting private PostgreSQL on 127.0.0.1:$port"
    "${run[@]}" "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 \
      -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    STARTED_PG=1
  fi
  PRIVATE_PG=("${run[@]}" "$bin/pg_ctl" -D "$pgdata")
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/seafarer"
}

# The port of this checkout's Redis when it is running: the pid in its pid file is a live redis-server
# and the server answering on the recorded port keeps its files in our directory. Anything else on
# that port (another checkout's Redis, the shared one) is not ours.
our_redis_port() {
  local dir="$1" pid port
  pid="$(cat "$dir/redis.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  ps -p "$pid" -o args= 2>/dev/null | grep -q redis-server || return 1
  port="$(cat "$DATA_DIR/redis.port" 2>/dev/null)" || return 1
  [ "$(redis-cli -p "$port" config get dir 2>/dev/null | sed -n 2p)" = "$(cd "$dir" && pwd -P)" ] || return 1
  echo "$port"
}

# Starts a private Redis under .data/ (or reuses this checkout's, already running). Persistent as in
# docker-compose: an append-only file, fsynced every second, so delayed jobs (reminders) survive a restart.
start_private_redis() {
  command -v redis-server >/dev/null || ensure_debian_packages redis-server
  local dir="$DATA_DIR/redis" port_file="$DATA_DIR/redis.port" port
  mkdir -p "$dir"
  if port="$(our_redis_port "$dir")"; then
    log "using this checkout's Redis on 127.0.0.1:$port"
  else
    port="${SEAFARER_REDIS_PORT:-$(cat "$port_file" 2>/dev/null || echo 63790)}"
    while ! port_free "$port"; do port=$((port + 1)); done
    echo "$port" > "$port_file"
    log "starting private Redis on 127.0.0.1:$port"
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir" \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
      --save "" --appendonly yes --appendfsync everysec >/dev/null
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    our_redis_port "$dir" >/dev/null || die "the private Redis did not start; see $dir/redis.log"
    STARTED_REDIS=1
  fi
  PRIVATE_REDIS_DIR="$dir"
  export REDIS_URL="redis://127.0.0.1:$port/0"
}

# SEC-3: this installation's own secrets. JWT_SECRET / PII_KEY from the environment when set; otherwise
# from $SECRETS_FILE (default .data/secrets.env), generated from the kernel's random source on first start
# (mode 0600, git-ignored) and reused after. The built-in values in packages/config are for tests only.
# Sets SECRETS_NEW=1 when it generated the file now, SECRETS_SOURCE to where the secrets came from.
ensure_secrets() {
  SECRETS_FILE="${SECRETS_FILE:-$DATA_DIR/secrets.env}"
  SECRETS_NEW=0
  export SECRETS_FILE
  if [ -n "${JWT_SECRET:-}" ] && [ -n "${PII_KEY:-}" ]; then
    log "using JWT_SECRET and PII_KEY from the environment"
    SECRETS_SOURCE="the environment"
    return 0
  fi
  if [ ! -f "$SECRETS_FILE" ]; then
    mkdir -p "$(dirname "$SECRETS_FILE")"
    local hex='od -An -N32 -tx1 /dev/urandom'
    (
      umask 077
      {
        echo "# This installation's secrets, generated by infra/scripts/start.sh on $(date -u +%FT%TZ)."
        echo "# Keep this file (mode 0600) out of version control and back it up: without PII_KEY the"
        echo "# ID numbers and phones stored in the database cannot be read."
        echo "JWT_SECRET=$($hex | tr -d ' \n')"
        echo "PII_KEY=$($hex | tr -d ' \n')"
      } > "$SECRETS_FILE.tmp"
    )
    mv "$SECRETS_FILE.tmp" "$SECRETS_FILE"
    SECRETS_NEW=1
    log "generated this installation's secrets in $SECRETS_FILE (mode 0600)"
  fi
  chmod 600 "$SECRETS_FILE"
  local jwt pii
  jwt="$(sed -n 's/^JWT_SECRET=//p' "$SECRETS_FILE" | tail -n1)"
  pii="$(sed -n 's/^PII_KEY=//p' "$SECRETS_FILE" | tail -n1)"
  [ "${#jwt}" -ge 32 ] || die "$SECRETS_FILE: JWT_SECRET is missing or shorter than 32 characters"
  [[ "$pii" =~ ^[0-9a-fA-F]{64}$ ]] || die "$SECRETS_FILE: PII_KEY is missing or not 64 hex characters"
  export JWT_SECRET="${JWT_SECRET:-$jwt}" PII_KEY="${PII_KEY:-$pii}"
  SECRETS_SOURCE="$SECRETS_FILE (mode 0600)"
}

# DATABASE_URL / REDIS_URL when given; otherwise private instances under .data/.
ensure_backing_services() {
  STARTED_PG=0 STARTED_REDIS=0
  if [ -n "${DATABASE_URL:-}" ]; then log "using DATABASE_URL from the environment"; else start_private_postgres; fi
  if [ -n "${REDIS_URL:-}" ]; then log "using REDIS_URL from the environment"; else start_private_redis; fi
}

stop_started_services() {
  if [ "${STARTED_PG:-0}" -eq 1 ]; then "${PRIVATE_PG[@]}" stop -m fast >/dev/null 2>&1 || true; fi
  if [ "${STARTED_REDIS:-0}" -eq 1 ] && our_redis_port "$PRIVATE_REDIS_DIR" >/dev/null; then
    # SIGTERM: Redis flushes its append-only file and exits (only ever the pid in our pid file).
    local pid; pid="$(cat "$PRIVATE_REDIS_DIR/redis.pid")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  STARTED_PG=0 STARTED_REDIS=0
}

# The live classroom's native parts: mediasoup's worker (built once, cached outside the checkout),
# ffmpeg for recordings, Chromium for the browser tests, CJK fonts so pages render Chinese.
ensure_media_stack() {
  ensure_debian_packages ffmpeg chromium fonts-noto-cjk fonts-noto-color-emoji
  MEDIASOUP_WORKER_BIN="$(bash "$ROOT/infra/mediasoup/build-worker.sh" --print-path | tail -n1)"
  export MEDIASOUP_WORKER_BIN
  (cd "$ROOT" && npm run --silent build:web >&2)
}
