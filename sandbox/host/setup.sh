#!/usr/bin/env bash
# Everything a fresh Debian or Ubuntu host needs before kubelab runs or its tests run.
# `npm run up` calls it with `site`, `npm test` with `test`, `npm run dev` with `dev`.
# Idempotent: each step checks a stamp or asks the tool, so a second run takes seconds.
set -euo pipefail

mode="${1:-site}"
case "$mode" in site|dev|test) ;; *) echo "usage: setup.sh site|dev|test" >&2; exit 2 ;; esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export NEXT_TELEMETRY_DISABLED=1

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=apt.sh
source "$root/sandbox/host/apt.sh"
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
started=$SECONDS

# --- Node.js ------------------------------------------------------------------------------------
node_version="$(node -p 'process.versions.node' 2>/dev/null)" || die "Node.js is not installed. Install Node.js 20.19 or newer."
IFS=. read -r n_major n_minor _ <<<"$node_version"
if (( n_major < 20 || (n_major == 20 && n_minor < 19) )); then
  die "Node.js $node_version is too old; kubelab needs 20.19 or newer (Prisma 7 and Next 16 require it)."
fi

# --- Cluster binaries, started first ----------------------------------------------------------------
# The Go builds (kube-apiserver, etcd, kubelet, containerd, ...) took 14 minutes (860 s) the first
# time on 2 cores and need nothing but Go and its module proxy; they are cached after that. They
# run in the background, in a process group of their own, while npm, Prisma, PostgreSQL,
# Chromium, the Docker engine and the Debian parts of the images download and install; the
# images wait for them below. A failed or interrupted set-up stops them.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then export PATH="$PATH:/usr/local/go/bin"; fi
go_log="$(mktemp -t kubelab-go-builds.XXXXXX)"
setsid bash -c 'bash sandbox/cluster/build-binaries.sh >/dev/null && bash sandbox/cluster/build-node-binaries.sh >/dev/null' >"$go_log" 2>&1 &
go_builds=$!
log "compiling the cluster binaries in the background (cached after the first time; progress in $go_log)"
trap 'kill -- -"$go_builds" 2>/dev/null || true; rm -f "$go_log"' EXIT
wait_for_go_builds() {
  local status=0
  log "waiting for the cluster binaries"
  wait "$go_builds" || status=$?
  # What they printed (progress and any error), in one piece rather than between npm's lines.
  cat "$go_log" >&2
  ((status == 0)) || die "the cluster binaries did not build (exit $status); their output is above"
}

# --- npm dependencies -----------------------------------------------------------------------------
# node-gyp cannot download Node's headers offline; Debian's nodejs ships them in /usr/include/node.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node.h ]]; then export npm_config_nodedir=/usr; fi
deps_hash="$(hash_of package.json package-lock.json)"
if [[ "$(cat node_modules/.kubelab-deps 2>/dev/null)" != "$deps_hash" ]]; then
  # Native modules compile from source here (no prebuilt downloads): they need a toolchain.
  if ! command -v make >/dev/null 2>&1 || ! command -v g++ >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
    apt_install build-essential python3
  fi
  log "installing npm dependencies"
  # npm install, not npm ci: npm 11's ci rejects lockfiles whose optional platform packages
  # (@next/swc-*, @swc/core-*) carry no "resolved" URL, as hosts with
  # omit-lockfile-registry-resolved write them. install follows the same lockfile, and
  # --no-save keeps it from writing package.json or package-lock.json: set-up must leave a
  # fresh clone clean (test/unit/lockfile.test.ts checks the lockfile is complete, so npm
  # has nothing to add; to change dependencies, run `npm install <pkg>` yourself).
  npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$deps_hash" > node_modules/.kubelab-deps
fi

# --- Prisma clients -------------------------------------------------------------------------------
# One schema source (prisma/schema.prisma, SQLite); prisma/providers.ts writes the PostgreSQL
# variant from it, and each provider gets its own client (prisma/README.md). DATABASE_URL
# picks one at run time. `prisma generate` needs no schema engine, but the CLI insists that
# one exists; any file will do.
prisma_hash="$(hash_of prisma/schema.prisma prisma/providers.ts package-lock.json)"
if [[ "$(cat prisma/generated/.kubelab-schema 2>/dev/null)" != "$prisma_hash" || "$(cat prisma/postgresql/generated/.kubelab-schema 2>/dev/null)" != "$prisma_hash" ]]; then
  log "generating the Prisma clients (SQLite, PostgreSQL)"
  engine="${PRISMA_SCHEMA_ENGINE_BINARY:-}"
  if [[ -z "$engine" || ! -e "$engine" ]]; then export PRISMA_SCHEMA_ENGINE_BINARY="$root/package.json"; fi
  npx --no-install tsx prisma/providers.ts >/dev/null
  npx --no-install prisma generate --schema prisma/schema.prisma >/dev/null
  npx --no-install prisma generate --schema prisma/postgresql/schema.prisma >/dev/null
  echo "$prisma_hash" > prisma/generated/.kubelab-schema
  echo "$prisma_hash" > prisma/postgresql/generated/.kubelab-schema
fi

# The database is migrated by server.ts at every start (prisma/migrate.ts), not here: tests
# make their own databases, and doing it twice only costs a tsx start-up.

# --- PostgreSQL for the data layer's tests ------------------------------------------------------------
# The data layer's tests run on SQLite and on PostgreSQL (vitest.config.ts): Debian's
# PostgreSQL in a loopback cluster of its own, installed once when missing and we are root.
if [[ "$mode" == test ]]; then
  bash sandbox/host/postgres-test.sh
fi

# --- Chromium for the end-to-end tests ---------------------------------------------------------------
if [[ "$mode" == test && ! -x "${KUBELAB_CHROMIUM:-/usr/bin/chromium}" ]]; then
  apt_install chromium
fi

# --- Docker engine, lab images ----------------------------------------------------------------------
if [[ $EUID -eq 0 ]] || docker info >/dev/null 2>&1; then
  bash sandbox/host/ensure-docker.sh
  # The parts of the images that are Debian's, not ours, while the Go builds run: the lab's
  # root file system and base image, and the Debian layers of the node catalogue (root only).
  bash sandbox/image/build.sh --base-only >/dev/null
  if [[ $EUID -eq 0 ]]; then bash sandbox/cluster/node/build-debian-layers.sh >/dev/null; fi
  wait_for_go_builds
  sim_image="$(bash sandbox/image/build.sh | tail -n 1)"
  # The node lab image is derived from the sim image: its offline image catalogue and a
  # pristine cluster without kwok (seconds when nothing changed).
  bash sandbox/cluster/node/build-image.sh "$sim_image" >/dev/null
else
  wait_for_go_builds
  log "no Docker engine answers and this is not root, so none can be installed here."
  log "Labs need Docker (see README → Requirements); the lesson site itself works without it."
  [[ "$mode" == test ]] && log "Integration tests will fail and say so."
fi

log "ready ($mode) in $((SECONDS - started))s"
