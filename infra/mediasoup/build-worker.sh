#!/usr/bin/env bash
# Build mediasoup's C++ worker (mediasoup-worker) offline against Debian
# bookworm's own libraries, cache it outside the checkout, and print its path.
#
# Why: the npm package's postinstall (which npm 11 doesn't run anyway) builds
# the worker with pip-installed meson and downloads every dependency from
# GitHub/wrapdb, none of which is reachable here. Only the npm registry and
# Debian's archive are, so we take the sources from `npm pack` and satisfy
# each meson subproject with a tiny shim (./shims/<name>) that wraps the
# Debian package of the same library.
#
# Usage: build-worker.sh [--print-path] [--force]
#   (no option)   build if needed, progress on stderr, path as last stdout line
#   --print-path  same, but quiet: only the path on stdout; a needed build
#                 prints one notice line and logs to <cache>/last-build.log
#   --force       rebuild even if a cached binary exists
#
# Environment:
#   MEDIASOUP_WORKER_CACHE  cache root
#                           (default: $HOME/.cache/seafarer-training/mediasoup-worker)
#   MEDIASOUP_WORKER_JOBS   parallel compile jobs (default: nproc)
#
# Stdout contract: the LAST line is the absolute path of the binary; every
# other message goes to stderr. Exit status is non-zero on any failure.
set -euo pipefail

readonly MEDIASOUP_VERSION=3.12.16
# meson.build of the worker says `meson_version: '>= 1.1.0'`; bookworm itself
# ships 1.0.1, hence bookworm-backports.
readonly MESON_MIN_VERSION=1.1.0
readonly BACKPORTS_SUITE=bookworm-backports
# Build tools + the -dev packages the shims wrap. g++ is listed because a bare
# Debian image has no compiler; nlohmann-json3-dev is header-only.
readonly APT_PACKAGES=(
  g++ ninja-build pkg-config curl
  libssl-dev libuv1-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev
)

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
SCRIPT_PATH="$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")"
readonly SCRIPT_PATH
readonly SHIMS_DIR="$SCRIPT_DIR/shims"

QUIET=0
FORCE=0
BUILD_LOG='' # set in quiet mode: where tool output went instead of stderr

log() { [[ $QUIET == 1 ]] || printf '[build-worker] %s\n' "$*" >&2; }
die() {
  printf '[build-worker] ERROR: %s\n' "$*" >&2
  if [[ -n $BUILD_LOG && -s $BUILD_LOG ]]; then
    printf '[build-worker] last lines of %s:\n' "$BUILD_LOG" >&2
    tail -n 30 "$BUILD_LOG" >&2
  fi
  exit 1
}

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$SCRIPT_PATH" >&2
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --print-path) QUIET=1 ;;
    --force) FORCE=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

[[ -n ${HOME:-} || -n ${MEDIASOUP_WORKER_CACHE:-} ]] \
  || die "neither HOME nor MEDIASOUP_WORKER_CACHE is set"
CACHE_ROOT=${MEDIASOUP_WORKER_CACHE:-$HOME/.cache/seafarer-training/mediasoup-worker}
mkdir -p "$CACHE_ROOT" || die "cannot create cache dir $CACHE_ROOT"
CACHE_ROOT=$(cd "$CACHE_ROOT" && pwd) # absolute, so the printed path is too
readonly CACHE_ROOT

# The cache key covers this script and every shim file (names and contents),
# so any change to the recipe produces a new directory instead of silently
# reusing a binary built the old way.
recipe_hash() {
  (
    cd "$SCRIPT_DIR"
    { echo build-worker.sh; find shims -type f; } | LC_ALL=C sort | while IFS= read -r f; do
      sha256sum -- "$f"
    done
  ) | sha256sum | cut -c1-16
}

[[ -d $SHIMS_DIR ]] || die "shim directory missing: $SHIMS_DIR"
BUILD_HASH=$(recipe_hash) || die "cannot hash the build recipe"
readonly BUILD_ID="$MEDIASOUP_VERSION-$BUILD_HASH"
readonly DEST_DIR="$CACHE_ROOT/$BUILD_ID"
readonly DEST_BIN="$DEST_DIR/mediasoup-worker"

emit_path() { printf '%s\n' "$DEST_BIN"; }

# A cached binary is only usable if the shared libraries it was linked
# against are still installed (the cache can outlive packages, e.g. after an
# apt autoremove). `ldd` is a few ms, so this keeps the fast path fast.
libs_resolve() {
  local out
  # Capture first: in a `ldd | grep -q` pipeline, pipefail would let ldd's
  # exit status (or a SIGPIPE) flip the answer.
  out=$(ldd "$1" 2>&1) || return 1
  [[ $out != *"not found"* ]]
}
binary_is_usable() { [[ -x $DEST_BIN ]] && libs_resolve "$DEST_BIN"; }

# --- Fast path: cached binary, no lock, no apt, no network. ----------------
if [[ $FORCE == 0 ]] && binary_is_usable; then
  emit_path
  exit 0
fi

# --- Toolchain / library installation ---------------------------------------

meson_is_recent() {
  local v
  command -v meson >/dev/null 2>&1 || return 1
  v=$(meson --version 2>/dev/null) || return 1
  dpkg --compare-versions "$v" ge "$MESON_MIN_VERSION"
}

missing_apt_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

# Print the archive URI that apt already uses for the main `bookworm` suite
# (one-line *.list or deb822 *.sources), so backports comes from the same
# mirror. Falls back to deb.debian.org.
debian_mirror_uri() {
  local files=() f uri=''
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] && files+=("$f")
  done
  if [[ ${#files[@]} -gt 0 ]]; then
    uri=$(awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && enabled !~ /^no$/ && uris != "" && !found) {
          split(uris, u, " "); print u[1]; found = 1
        }
        types = suites = uris = enabled = ""
      }
      FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
      deb822 {
        if ($0 ~ /^[ \t]*$/) { flush(); next }
        if ($0 ~ /^[ \t]*#/) next
        key = tolower($1)
        $1 = ""; sub(/^[ \t]+/, "")
        if (key == "types:") types = $0
        else if (key == "uris:") uris = $0
        else if (key == "suites:") suites = $0
        else if (key == "enabled:") enabled = tolower($0)
        next
      }
      /^[ \t]*deb[ \t]/ && !found {
        line = $0
        sub(/^[ \t]*deb[ \t]+/, "", line)
        sub(/^\[[^]]*\][ \t]+/, "", line)   # drop [arch=… signed-by=…]
        n = split(line, w, /[ \t]+/)
        if (n >= 2 && w[2] == "bookworm") { print w[1]; found = 1 }
      }
      END { flush() }
    ' "${files[@]}")
  fi
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# True when some enabled apt source already lists bookworm-backports.
backports_configured() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    grep -Eq "^[^#]*[[:space:]]${BACKPORTS_SUITE}([[:space:]]|$)" "$f" && return 0
  done
  return 1
}

ensure_build_deps() {
  local missing need_meson=0
  missing=$(missing_apt_packages | tr '\n' ' ')
  meson_is_recent || need_meson=1
  if [[ -z ${missing// /} && $need_meson == 0 ]]; then
    return 0
  fi

  log "need Debian packages: ${missing}$([[ $need_meson == 1 ]] && echo "meson(>=$MESON_MIN_VERSION from $BACKPORTS_SUITE)")"
  local sudo=()
  if [[ $EUID -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      die "not root and no passwordless sudo; install as root: apt-get install ${missing} && apt-get install -t $BACKPORTS_SUITE meson"
    fi
  fi

  if [[ $need_meson == 1 ]] && ! backports_configured; then
    local mirror
    mirror=$(debian_mirror_uri)
    log "adding $BACKPORTS_SUITE ($mirror) to /etc/apt/sources.list.d/$BACKPORTS_SUITE.list"
    # Plain one-line entry: Debian's archive keys are in /etc/apt/trusted.gpg.d,
    # so no signed-by is needed (and it stays valid for any mirror).
    echo "deb $mirror $BACKPORTS_SUITE main" \
      | "${sudo[@]}" tee "/etc/apt/sources.list.d/$BACKPORTS_SUITE.list" >/dev/null
  fi

  export DEBIAN_FRONTEND=noninteractive
  log "apt-get update"
  "${sudo[@]}" apt-get update -qq >&3 2>&3 || die "apt-get update failed"
  if [[ -n ${missing// /} ]]; then
    log "apt-get install $missing"
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    "${sudo[@]}" apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends $missing >&3 2>&3 \
      || die "apt-get install failed: $missing"
  fi
  if [[ $need_meson == 1 ]]; then
    log "apt-get install -t $BACKPORTS_SUITE meson"
    "${sudo[@]}" apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends -t "$BACKPORTS_SUITE" meson >&3 2>&3 \
      || die "could not install meson from $BACKPORTS_SUITE"
  fi
  meson_is_recent || die "meson >= $MESON_MIN_VERSION still not available (got: $(meson --version 2>&1 || true))"
}

# --- libsrtp2 from source --------------------------------------------------------

# Debian's libsrtp2-1 is built against NSS. Its NSS glue sets up a new cipher
# context for every packet (aes_icm_nss.c set_iv: PK11_CreateContextBySymKey;
# aes_gcm_nss.c: PK11_Encrypt), and an SFU encrypts every packet once per
# consumer. mediasoup's own build links libsrtp2 with OpenSSL, which keeps
# its contexts (bench/README.md has the measured difference). So, like
# upstream, we build libsrtp2 from source: the tarball is Debian's
# `.orig.tar.gz` of the same release, byte-identical to the one mediasoup's
# wrap names, and meson checks it against the wrap's own SHA-256 from the
# package cache (no download under --wrap-mode=nodownload).
fetch_libsrtp2() {
  local src=$1
  local wrap="$src/subprojects/libsrtp2.wrap"
  [[ -f $wrap ]] || die "no subprojects/libsrtp2.wrap in the mediasoup package"
  local filename hash directory version
  filename=$(awk -F' *= *' '$1 == "source_filename" { print $2 }' "$wrap")
  hash=$(awk -F' *= *' '$1 == "source_hash" { print $2 }' "$wrap")
  directory=$(awk -F' *= *' '$1 == "directory" { print $2 }' "$wrap")
  version=${directory#libsrtp-}
  [[ -n $filename && -n $hash && $version =~ ^[0-9.]+$ ]] \
    || die "cannot read libsrtp2.wrap (source_filename/source_hash/directory)"
  local cache="$src/subprojects/packagecache"
  mkdir -p "$cache"
  local url
  url="$(debian_mirror_uri)/pool/main/libs/libsrtp2/libsrtp2_${version}.orig.tar.gz"
  log "fetching libsrtp2 $version sources from Debian's archive"
  curl -fsSL --retry 3 -o "$cache/$filename" "$url" >&3 2>&3 \
    || die "could not fetch $url"
  printf '%s  %s\n' "$hash" "$cache/$filename" | sha256sum -c --quiet - >&3 2>&3 \
    || die "libsrtp2 $version from $url does not match the SHA-256 in mediasoup's wrap"
}

# --- Build -------------------------------------------------------------------

build_worker() {
  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-worker-build.XXXXXX")
  # shellcheck disable=SC2064 # expand $work now: it is local to this function
  trap "rm -rf '$work'" EXIT

  command -v npm >/dev/null 2>&1 || die "npm not found (needed to fetch mediasoup sources)"
  log "fetching mediasoup@$MEDIASOUP_VERSION sources (npm pack)"
  # npm pack downloads the tarball without installing or running scripts;
  # --ignore-scripts guards against npm versions that would run `prepack`.
  # Its stdout (the file name) is ignored: npm may mix warnings into it.
  (cd "$work" && npm pack --silent --ignore-scripts "mediasoup@$MEDIASOUP_VERSION") >&3 2>&3 \
    || die "npm pack mediasoup@$MEDIASOUP_VERSION failed (is the npm registry reachable?)"
  local tgz="$work/mediasoup-$MEDIASOUP_VERSION.tgz"
  [[ -f $tgz ]] || die "npm pack did not produce $tgz"
  tar -xzf "$tgz" -C "$work"
  local src="$work/package/worker"
  [[ -f $src/meson.build ]] || die "no worker/meson.build in the mediasoup package"

  # libsrtp2 is built from source with OpenSSL, as upstream does, and its
  # wrap stays; its tarball comes from Debian's archive (fetch_libsrtp2).
  fetch_libsrtp2 "$src"
  # Replace every other download-based wrap with our system-library shims.
  # Those .wrap files go (wingetopt is Windows-only and never shimmed), so if
  # a future meson.build asks for something we don't shim, configure fails
  # loudly instead of trying the network.
  find "$src/subprojects" -maxdepth 1 -name '*.wrap' ! -name libsrtp2.wrap -delete
  local shim
  for shim in "$SHIMS_DIR"/*/; do
    cp -R "$shim" "$src/subprojects/"
  done

  local jobs=${MEDIASOUP_WORKER_JOBS:-$(nproc 2>/dev/null || echo 2)}
  local build="$work/build"
  log "meson setup (release, --wrap-mode=nodownload)"
  # Same options as mediasoup's own Makefile for MEDIASOUP_BUILDTYPE=Release.
  meson setup "$build" "$src" \
    --buildtype release \
    -Db_ndebug=true \
    -Db_pie=true \
    -Db_staticpic=true \
    --wrap-mode=nodownload \
    >&3 2>&3 || die "meson setup failed"

  log "compiling mediasoup-worker with $jobs job(s) under nice (takes a few minutes)"
  local started=$SECONDS
  # nice: the 2 cores are shared with other work (editor, tests, servers).
  nice -n 10 ninja -C "$build" -j "$jobs" mediasoup-worker >&3 2>&3 \
    || die "compiling mediasoup-worker failed"
  local took=$((SECONDS - started))
  log "compiled in ${took}s"

  local bin="$build/mediasoup-worker"
  [[ -x $bin ]] || die "build finished but $bin is missing"
  # Refuse to cache a binary that could never start on this machine.
  if ! libs_resolve "$bin"; then
    ldd "$bin" >&3 2>&3
    die "built binary has unresolved shared libraries"
  fi

  # Atomic publish: assemble in a temp dir on the same filesystem as the
  # cache, then rename(2) it into place, so readers never see a partial file.
  local stage
  stage=$(mktemp -d "$CACHE_ROOT/.stage-$BUILD_ID.XXXXXX")
  cp "$bin" "$stage/mediasoup-worker"
  chmod 755 "$stage" "$stage/mediasoup-worker"
  {
    echo "mediasoup_version=$MEDIASOUP_VERSION"
    echo "build_id=$BUILD_ID"
    echo "built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "compile_seconds=$took"
    echo "jobs=$jobs"
    echo "meson=$(meson --version)"
    echo "compiler=$(c++ --version | head -n1)"
  } >"$stage/BUILD-INFO"
  if [[ -e $DEST_DIR ]]; then
    # Only reachable with --force or an unusable old binary; we hold the lock.
    local old="$CACHE_ROOT/.old-$BUILD_ID.$$"
    mv "$DEST_DIR" "$old"
    mv "$stage" "$DEST_DIR"
    rm -rf "$old"
  else
    mv "$stage" "$DEST_DIR"
  fi
  log "cached at $DEST_BIN"
}

# --- Slow path: serialize builders -------------------------------------------

# One lock for the whole cache root: two concurrent callers (e.g. `start` and
# `test` scripts) would otherwise both spend minutes building the same thing.
exec 9>"$CACHE_ROOT/.lock"
if ! flock -n 9; then
  # Shown even with --print-path: a silent multi-minute wait looks like a hang.
  printf '[build-worker] another build of mediasoup-worker is running; waiting for it (up to 30 min)\n' >&2
  flock -w 1800 9 || die "timed out waiting for the build lock $CACHE_ROOT/.lock"
fi

# Re-check under the lock: the build we waited for may have produced it.
# (--force still rebuilds, but only once per caller.)
if [[ $FORCE == 0 ]] && binary_is_usable; then
  emit_path
  exit 0
fi

# Where apt/npm/meson/ninja output goes: stderr normally; a log file in
# quiet mode, so a caller's terminal isn't flooded but failures stay
# diagnosable (die() prints the log's tail).
if [[ $QUIET == 1 ]]; then
  BUILD_LOG="$CACHE_ROOT/last-build.log"
  : >"$BUILD_LOG"
  exec 3>>"$BUILD_LOG"
  printf '[build-worker] building mediasoup-worker %s (takes a few minutes); log: %s\n' \
    "$MEDIASOUP_VERSION" "$BUILD_LOG" >&2
else
  exec 3>&2
fi

ensure_build_deps
if [[ $FORCE == 0 ]] && binary_is_usable; then
  # The binary existed but was missing runtime libraries; installing the
  # packages above fixed it without recompiling.
  emit_path
  exit 0
fi

# Clean stale staging dirs left by killed builds (we hold the lock, so none
# of them belongs to a live build).
rm -rf "$CACHE_ROOT"/.stage-* "$CACHE_ROOT"/.old-* 2>/dev/null || true

build_worker
binary_is_usable || die "cached binary at $DEST_BIN is not usable"
emit_path
